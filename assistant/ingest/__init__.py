"""Files -> Article -> Chunks: readers, article metadata, chunking, and the indexer."""
