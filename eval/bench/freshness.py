"""Freshness and serving latency while new articles stream in: incremental keyword index vs full rebuild.

    python eval/bench/freshness.py --articles 1000 --stream 10 --json eval/bench/results/freshness_1000.json

1. A haystack index: the shipped articles plus the first N articles of the benchmark corpus, read
   and chunked as ``assistant ingest`` does, written with ``ChromaStore.replace_articles``. Vectors
   are hashed bags of words (384 dimensions, crc32 buckets, unit length, the same for questions), so
   no neural embedding runs: what is measured is the store and the keyword index, not the encoder
   (a real question embedding adds its few milliseconds to every fused figure below).
2. A serving process (a child, its own Chroma client) builds its ``HybridRetriever`` and then
   answers without pause: gold questions (fused retrieval, top 5, timed one by one) and, for each
   streamed article, a probe question that only that article answers (an invented name written into
   it), until the article is among the fused results.
3. The writer (this process) streams ``--stream`` articles from the corpus beyond the haystack, one
   every ``--every`` seconds, each written in its own ``replace_articles`` call; each write's end is
   the clock start of that article's freshness: end of ingest -> the serving process retrieves it.

Both modes run the same steps on the same index, one after the other: ``incremental`` (this
project's ``KeywordIndex``: chunks added since are read by their write stamp into a delta) and
``rebuild`` (the previous behaviour: every revision change rebuilds BM25 from every chunk in Chroma).
The rebuild mode streams ``--stream-rebuild`` articles (each costs a full rebuild).
"""

from __future__ import annotations

import argparse
import json
import queue
import statistics
import sys
import tempfile
import time
import zlib
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import DEFAULT_CORPUS, BenchConfig, current_rss_mb, iter_corpus, materialize, record_to_text

from assistant.config import Settings
from assistant.ingest.articles import build_article
from assistant.ingest.chunking import ChunkSettings, chunk_article
from assistant.ingest.readers import read_article
from assistant.store.chroma import ChromaStore
from assistant.store.records import IndexSpec
from assistant.types import Article, Chunk

DIM = 384
GOLD = Path(__file__).resolve().parents[1] / "gold" / "gold.jsonl"


def hashed(texts: list[str]) -> list[list[float]]:
    """Bag of words in ``DIM`` crc32 buckets, unit length (stable across processes, unlike ``hash``)."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in text.lower().split():
            out[row, zlib.crc32(word.encode()) % DIM] += 1.0
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
    return out.tolist()


class HashedEmbedder:
    """What ``HybridRetriever`` needs of an embedder, for hashed vectors."""

    model_name, dimension, backend = "hashed-bow", DIM, "none"

    def embed_query(self, text: str) -> list[float]:
        return hashed([text])[0]


def open_store(path: Path, settings: Settings, create: bool) -> ChromaStore:
    store = ChromaStore(settings.collection, data_dir=path)
    store.open(IndexSpec("hashed-bow", DIM, settings.chunk_size, settings.chunk_overlap, "none"), create=create)
    return store


def write(store: ChromaStore, items: list[tuple[Article, list[Chunk]]]) -> None:
    texts = [f"{c.title}\n{c.text}" if c.title else c.text for _, chunks in items for c in chunks]
    vectors = hashed(texts)
    writes, offset = [], 0
    for article, chunks in items:
        writes.append((article, chunks, vectors[offset : offset + len(chunks)]))
        offset += len(chunks)
    store.replace_articles(writes)


def build_haystack(work: Path, articles: int, corpus: Path, settings: Settings) -> dict[str, Any]:
    started = time.perf_counter()
    files = materialize(BenchConfig(articles=articles, workdir=work, corpus=corpus))
    store = open_store(work / "index", settings, create=True)
    chunking = ChunkSettings(settings.chunk_size, settings.chunk_overlap)
    pending: list[tuple[Article, list[Chunk]]] = []
    chunks_total = 0
    for path in files:
        article = read_article(path, settings.max_file_bytes)
        chunks = chunk_article(article, chunking)
        pending.append((article, chunks))
        chunks_total += len(chunks)
        if sum(len(c) for _, c in pending) >= 256:
            write(store, pending)
            pending = []
    write(store, pending)
    return {"articles": len(files), "chunks": chunks_total, "build_index_s": time.perf_counter() - started}


def stream_articles(corpus: Path, skip: int, count: int) -> list[tuple[Article, str, str]]:
    """(article, probe question, its file) for ``count`` corpus articles after the haystack's (from the
    corpus's start again when it has no more: each gets a file name and an invented name of its own)."""
    records = list(iter_corpus(corpus, skip + count))[skip:]
    if len(records) < count:
        records += list(iter_corpus(corpus, count - len(records)))
    out = []
    for i, record in enumerate(records[:count]):
        name = f"Quennick Zorblatt{skip + i}"
        text = record_to_text(record).rstrip() + f"\n\nThe spokesperson for the project was {name}, the agency said.\n"
        file = f"stream_{i}_{record['id']}.txt"
        out.append((build_article(file, file, text), f"Who was the spokesperson {name}?", file))
    return out


# -- the serving process -------------------------------------------------------------------
def serve(index_dir: str, mode: str, commands: Any, results: Any) -> None:
    from assistant.query.query import parse_query
    from assistant.retrieval.hybrid import HybridRetriever

    settings = Settings()
    store = open_store(Path(index_dir), settings, create=False)
    retriever = HybridRetriever(store, HashedEmbedder(), top_k=5, min_dense_score=0.0)  # type: ignore[arg-type]
    if mode == "rebuild":  # the previous behaviour: every revision change rebuilds from all of Chroma
        retriever._catch_up = retriever._rebuild  # type: ignore[method-assign]
    gold = [parse_query(json.loads(line)["question"]) for line in GOLD.read_text().splitlines() if line.strip()]
    before = current_rss_mb()
    t0 = time.perf_counter()
    retriever.refresh()
    build_s = time.perf_counter() - t0
    index = retriever._bm25
    matrix_mb = sum(v.nbytes for v in index.index.scores.values() if hasattr(v, "nbytes")) / 2**20 if index else 0
    results.put(
        ("ready", {"build_s": build_s, "rss_after_build_mb": current_rss_mb() - before, "matrix_mb": matrix_mb})
    )
    probes: list[tuple[str, str, float, int]] = []
    latencies: list[float] = []
    freshness: list[dict[str, Any]] = []
    asked = 0
    while True:
        try:
            while True:
                command = commands.get_nowait()
                if command[0] == "stop":
                    index = retriever._bm25
                    results.put(
                        (
                            "done",
                            {
                                "latencies_ms": latencies,
                                "freshness": freshness,
                                "delta_chunks": index.delta_size if index else 0,
                                "delta_mb_estimate": (index.delta_bytes() / 2**20) if index else 0,
                                "rss_end_mb": current_rss_mb() - before,
                            },
                        )
                    )
                    return
                probes.append((command[1], command[2], command[3], 0))
        except queue.Empty:
            pass
        query = gold[asked % len(gold)]
        asked += 1
        t = time.perf_counter()
        retriever.retrieve(query, top_k=5)
        latencies.append((time.perf_counter() - t) * 1000)
        still = []
        for question, file, ended, tries in probes:
            found = any(h.chunk.file == file for h in retriever.retrieve(parse_query(question), top_k=5).chunks)
            if found:
                freshness.append({"file": file, "seconds": time.time() - ended, "probes": tries + 1})
                results.put(("fresh", file))
            else:
                still.append((question, file, ended, tries + 1))
        probes = still


def run_mode(work: Path, mode: str, stream: list[tuple[Article, str, str]], every: float, settings: Settings) -> dict:
    ctx = get_context("spawn")
    commands, results = ctx.Queue(), ctx.Queue()
    child = ctx.Process(target=serve, args=(str(work / "index"), mode, commands, results))
    child.start()
    kind, ready = results.get(timeout=3600)
    assert kind == "ready", kind
    store = open_store(work / "index", settings, create=False)
    chunking = ChunkSettings(settings.chunk_size, settings.chunk_overlap)
    for article, question, file in stream:
        write(store, [(article, chunk_article(article, chunking))])
        commands.put(("probe", question, file, time.time()))
        time.sleep(every)
    # Wait until every probe is answered, or for a limit that a full rebuild per article fits in.
    deadline = time.monotonic() + 60 + 3 * ready["build_s"] * len(stream)
    answered = 0
    while answered < len(stream) and time.monotonic() < deadline and child.is_alive():
        try:
            kind, _ = results.get(timeout=1.0)
            answered += kind == "fresh"
        except queue.Empty:
            pass
    commands.put(("stop",))
    kind, done = results.get(timeout=3600)
    while kind != "done":
        kind, done = results.get(timeout=3600)
    child.join(timeout=60)
    store.delete_files([file for _, _, file in stream])  # the next mode starts from the same haystack
    lat = done["latencies_ms"]
    fresh = [f["seconds"] for f in done["freshness"]]
    return {
        "mode": mode,
        "initial_build_s": ready["build_s"],
        "keyword_index_rss_mb": ready["rss_after_build_mb"],
        "bm25_matrix_mb": ready["matrix_mb"],
        "delta_chunks_at_end": done["delta_chunks"],
        "delta_mb_estimate": done["delta_mb_estimate"],
        "streamed": len(stream),
        "answerable": len(fresh),
        "freshness_s": {
            "p50": statistics.median(fresh) if fresh else None,
            "max": max(fresh) if fresh else None,
            "all": fresh,
        },
        "fused_ms": {
            "questions": len(lat),
            "p50": statistics.median(lat) if lat else None,
            "p95": float(np.percentile(lat, 95)) if lat else None,
            "max": max(lat) if lat else None,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000, help="haystack articles from the corpus")
    parser.add_argument("--stream", type=int, default=10, help="articles streamed in incremental mode")
    parser.add_argument("--stream-rebuild", type=int, default=3, help="articles streamed in rebuild mode")
    parser.add_argument("--every", type=float, default=2.0, help="seconds between streamed articles")
    parser.add_argument("--modes", default="incremental,rebuild")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--workdir", type=Path, help="build (or reuse) the haystack here (default: a temp dir)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    settings = Settings()
    with tempfile.TemporaryDirectory(prefix="freshness-") as tmp:
        work = args.workdir or Path(tmp)
        result: dict[str, Any] = {"haystack_articles": args.articles, "every_s": args.every}
        if (work / "index").exists():
            result["haystack"] = {"reused": str(work)}
        else:
            result["haystack"] = build_haystack(work, args.articles, args.corpus, settings)
        print(json.dumps(result["haystack"]), flush=True)
        stream = stream_articles(args.corpus, args.articles, max(args.stream, args.stream_rebuild))
        result["modes"] = {}
        for mode in args.modes.split(","):
            count = args.stream if mode == "incremental" else args.stream_rebuild
            result["modes"][mode] = run_mode(work, mode, stream[:count], args.every, settings)
            print(json.dumps({k: v for k, v in result["modes"][mode].items() if k != "freshness_s"}), flush=True)
            print(json.dumps(result["modes"][mode]["freshness_s"]), flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
