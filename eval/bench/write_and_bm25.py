"""Ingest work outside embedding, and BM25's memory, old way against new way, side by side.

    python eval/bench/write_and_bm25.py --articles 1000 [--encode-sample 300] [--json FILE]

The shipped articles and the first N benchmark-corpus articles are read and chunked as ``assistant
ingest`` does, then:

1. Chroma writes: the same chunks are written into two fresh collections, slice by slice in
   alternating order, by the old path (per article: delete where file, add, revision bump) and by
   ``ChromaStore.replace_articles`` in the batches ``Assistant.ingest`` embeds (>= 8 x the embedding
   batch size of chunks). Embeddings are hashed bags of words (384 dimensions, unit length): free to
   compute, and, unlike random vectors, near each other when the texts are, as real ones are. Then
   ``files()``, which every ingest reads first, on both (the old chunks carry no per-article count,
   so there it reads every chunk's metadata, as it did before).
2. The bare encode of a sample of the same chunk texts, per backend, to put the per-chunk costs
   above next to the embedding time they are overhead on.
3. BM25 memory: in fresh processes on the new path's index, the resident set and the traced Python
   heap retained by the old retriever's state (every chunk in a map, llama-index's ``BM25Retriever``
   over nodes built from them) and by the new one (``HybridRetriever.refresh``: bm25s over chunk
   ids, then freed heap handed back to the OS); the relevance floor's vocabulary set is built in
   both. ``old+trim`` is the old state with the heap handed back too, to tell the two savings apart.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import tempfile
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
from bench import DEFAULT_CORPUS, BenchConfig, current_rss_mb, materialize, slices_of, write_json

from assistant.config import Settings
from assistant.ingest.chunking import ChunkSettings, chunk_article
from assistant.ingest.readers import read_article
from assistant.store.chroma import ChromaStore
from assistant.store.records import IndexSpec, _chunk_metadata
from assistant.types import Article, Chunk

DIM = 384


def hashed_embeddings(texts: list[str]) -> list[list[float]]:
    """Bag of words hashed into ``DIM`` buckets, unit length."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in text.lower().split():
            out[row, hash(word) % DIM] += 1.0
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
    return out.tolist()


def old_replace_article(store: ChromaStore, article: Article, chunks: list[Chunk], vectors: list[list[float]]) -> None:
    """The write path before batching: what ``replace_article`` did per article."""
    collection = store.collection
    collection.delete(where={"file": article.file})
    collection.add(
        ids=[c.id for c in chunks],
        documents=[c.text for c in chunks],
        embeddings=vectors,
        metadatas=[_chunk_metadata(article, c) for c in chunks],
    )
    current = dict(collection.metadata or {})
    current["revision"] = int(current.get("revision", 0)) + 1
    collection.modify(metadata={k: v for k, v in current.items() if not k.startswith("hnsw:")})


def open_store(path: Path, settings: Settings) -> ChromaStore:
    store = ChromaStore(settings.collection, data_dir=path)
    spec = IndexSpec("hashed-bow", DIM, settings.chunk_size, settings.chunk_overlap, "none")
    store.open(spec, create=True)
    return store


def bm25_memory(index_dir: str, collection: str, variant: str, trace: bool) -> dict[str, Any]:
    """In a fresh process: memory retained by one retriever state built from the index."""
    import bm25s  # noqa: F401  (modules are not the index: import them before measuring)
    import Stemmer
    from llama_index.core.schema import TextNode
    from llama_index.retrievers.bm25 import BM25Retriever

    from assistant.retrieval.bm25 import release_free_heap
    from assistant.retrieval.hybrid import HybridRetriever
    from assistant.retrieval.relevance import vocabulary_of

    store = ChromaStore(collection, data_dir=Path(index_dir))
    store._collection = store._connect().get_collection(collection, embedding_function=None)
    store.count()  # connection and first read are not the index either
    gc.collect()
    if trace:
        tracemalloc.start()
    before = current_rss_mb()
    started = time.perf_counter()
    if variant.startswith("old"):
        chunks = store.all_chunks()
        state: Any = {c.id: c for c in chunks}
        nodes = [TextNode(id_=c.id, text=f"{c.title or ''}\n{c.text}") for c in chunks]
        retriever = BM25Retriever.from_defaults(
            nodes=nodes, similarity_top_k=min(50, len(nodes)), stemmer=Stemmer.Stemmer("english"), language="en"
        )
        vocabulary = vocabulary_of([f"{c.title or ''} {c.text}" for c in chunks])
        state = (state, retriever, vocabulary)
        del chunks, nodes
        if variant == "old+trim":
            release_free_heap()
    else:
        state = HybridRetriever(store, embedder=None)  # type: ignore[arg-type]
        state.refresh()
    seconds = time.perf_counter() - started
    gc.collect()
    out: dict[str, Any] = {"build_s": seconds, "rss_retained_mb": current_rss_mb() - before}
    if trace:
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        out = {"traced_retained_mb": current / 2**20, "traced_peak_mb": peak / 2**20}
    assert state is not None
    return out


def in_child(*args: Any) -> dict[str, Any]:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(bm25_memory, *args).result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--slices", type=int, default=10)
    parser.add_argument("--encode-sample", type=int, default=300, help="chunks encoded per backend (0: skip)")
    parser.add_argument("--backends", default="onnx-int8,torch")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    settings = Settings()
    result: dict[str, Any] = {"haystack_articles": args.articles}
    with tempfile.TemporaryDirectory(prefix="write-bm25-") as tmp:
        work = Path(tmp)
        files = materialize(BenchConfig(articles=args.articles, workdir=work, corpus=args.corpus))
        chunk_settings = ChunkSettings(settings.chunk_size, settings.chunk_overlap)
        chunk_article(read_article(files[0], settings.max_file_bytes), chunk_settings)  # tokenizer load
        started = time.perf_counter()
        articles = [read_article(path, settings.max_file_bytes) for path in files]
        chunked = [(a, chunk_article(a, chunk_settings)) for a in articles]
        read_chunk_s = time.perf_counter() - started
        chunks_total = sum(len(c) for _, c in chunked)
        texts = [f"{c.title}\n{c.text}" if c.title else c.text for _, chunks in chunked for c in chunks]
        vectors = hashed_embeddings(texts)
        by_article: list[tuple[Article, list[Chunk], list[list[float]]]] = []
        offset = 0
        for article, chunks in chunked:
            by_article.append((article, chunks, vectors[offset : offset + len(chunks)]))
            offset += len(chunks)
        old_store, new_store = open_store(work / "old", settings), open_store(work / "new", settings)
        batch_chunks = settings.embed_batch_size * 8
        spent = {"old": 0.0, "new": 0.0}

        def write_old(group: list[Any]) -> None:
            for item in group:
                old_replace_article(old_store, *item)

        def write_new(group: list[Any]) -> None:
            pending: list[Any] = []
            for item in group:  # the batches Assistant.ingest embeds and writes together
                pending.append(item)
                if sum(len(i[1]) for i in pending) >= batch_chunks:
                    new_store.replace_articles(pending)
                    pending = []
            new_store.replace_articles(pending)

        for index, group in enumerate(slices_of(by_article, args.slices)):  # type: ignore[arg-type]
            order = [("old", write_old), ("new", write_new)]
            for name, write in order if index % 2 == 0 else order[::-1]:
                t0 = time.perf_counter()
                write(group)
                spent[name] += time.perf_counter() - t0
        assert old_store.count() == new_store.count() == chunks_total
        files_s = {}
        for name, store in (("old", old_store), ("new", new_store)):  # old chunks carry no per-article count
            t0 = time.perf_counter()
            records = store.files()
            files_s[name] = time.perf_counter() - t0
            assert sum(r.chunks for r in records.values()) == chunks_total and len(records) == len(files)
        result.update(
            {
                "articles": len(files),
                "chunks": chunks_total,
                "read_chunk_ms_per_chunk": read_chunk_s / chunks_total * 1000,
                "files_s": files_s,
                "write_ms_per_chunk": {k: v / chunks_total * 1000 for k, v in spent.items()},
                "write_s": spent,
                "revision": {"old": old_store.revision(), "new": new_store.revision()},
            }
        )
        encode: dict[str, float] = {}
        if args.encode_sample:
            from assistant.store.embedding import Embedder

            sample = texts[:: max(1, len(texts) // args.encode_sample)][: args.encode_sample]
            for backend in args.backends.split(","):
                embedder = Embedder(backend=backend, cache_dir=work / "embed_cache")  # type: ignore[arg-type]
                embedder.raw_encode(sample[:32])  # load (and export) outside the timing
                rounds = []
                for _ in range(2):
                    t0 = time.perf_counter()
                    embedder.raw_encode(sample)
                    rounds.append((time.perf_counter() - t0) / len(sample) * 1000)
                encode[backend] = statistics.median(rounds)
                del embedder
        result["encode_ms_per_chunk"] = encode
        non_embed = {k: result["read_chunk_ms_per_chunk"] + v for k, v in result["write_ms_per_chunk"].items()}
        result["non_embed_ms_per_chunk"] = non_embed
        result["overhead_estimate"] = {
            backend: {path: ms / per_chunk for path, ms in non_embed.items()} for backend, per_chunk in encode.items()
        }
        memory: dict[str, Any] = {}
        for variant in ("old", "old+trim", "new"):
            memory[variant] = in_child(str(work / "new"), settings.collection, variant, False)
            memory[variant].update(in_child(str(work / "new"), settings.collection, variant, True))
        result["bm25_memory"] = memory
    print(json.dumps(result, indent=2))
    if args.json:
        write_json(result, args.json)


if __name__ == "__main__":
    main()
