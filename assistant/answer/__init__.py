"""Passages -> grounded Answer: the Generator interface and registry, generators, grounding."""
