"""The eval harness: gold questions in, per-question predictions and an honest report out."""
