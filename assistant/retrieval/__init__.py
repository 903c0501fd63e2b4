"""Chunks for a query: hybrid dense + BM25 search, the relevance floor, sentence evidence, rerank."""
