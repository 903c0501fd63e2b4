"""Where chunks live: Chroma (embedded or a server), the embedding model, the facts codec."""
