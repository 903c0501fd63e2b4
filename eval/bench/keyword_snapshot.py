"""A serving process's start: the keyword index built from every chunk in Chroma vs loaded from its
snapshot on disk and caught up with what was written since, side by side in one run.

    python eval/bench/keyword_snapshot.py --articles 1000 --json eval/bench/results/keyword_snapshot_1000.json

1. A haystack index: the shipped articles plus the first N articles of the benchmark corpus, read,
   chunked and written as ``eval/bench/freshness.py`` does (its functions: hashed bag-of-words
   vectors, so no neural embedding runs; what is measured is the store and the keyword index).
2. In fresh processes (spawned, each with its own Chroma client), ``--repeat`` times, alternating:
   ``full``: no snapshot; ``HybridRetriever.refresh()`` reads every chunk from Chroma, builds bm25s
   and the vocabulary, and saves the snapshot (the save is timed on its own); ``snapshot``: the
   same call with that snapshot on disk: load it, then ``_catch_up`` (ids stamped since the build
   start less ``STAMP_MARGIN_S``; nothing new).
3. ``--stream`` corpus articles beyond the haystack are written after the snapshot, and
   ``snapshot+catch-up`` runs ``--repeat`` times: load, then read those articles' chunks into the
   delta; each process checks that a question only a streamed article answers (an invented name in
   it) finds that article. The streamed articles are deleted again at the end (a reused
   ``--workdir`` keeps its haystack).

The full and snapshot processes' BM25 hits for the gold questions (top 10) are compared: ids equal,
scores within 1e-6. Reported: seconds per start (median and each), the snapshot's size on disk by
file, the resident memory each start leaves, and how many ids the catch-up listed: on a haystack
written less than ``STAMP_MARGIN_S`` before the snapshot's build, the margin covers all of it and the
catch-up lists every id (the worst case); ``--settle 130`` waits before the first start, so the
snapshot starts are timed as a restart long after the last write would be.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from multiprocessing import get_context
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import DEFAULT_CORPUS, current_rss_mb, dir_mb
from freshness import GOLD, HashedEmbedder, build_haystack, open_store, stream_articles, write

from assistant.config import Settings
from assistant.ingest.chunking import ChunkSettings, chunk_article


def _questions() -> list[str]:
    return [json.loads(line)["question"] for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


# -- the starting process ------------------------------------------------------------------
def start(index_dir: str, snapshot_dir: str, probes: list[tuple[str, str]], results: Any) -> None:
    import bm25s  # noqa: F401  (the modules are not the index: import them before the clock starts)
    import Stemmer  # noqa: F401

    from assistant.query.query import parse_query
    from assistant.retrieval import keyword_snapshot
    from assistant.retrieval.hybrid import HybridRetriever
    from assistant.store.chroma import ChromaStore

    settings = Settings()
    store = open_store(Path(index_dir), settings, create=False)
    store.revision()  # the client is connected before the clock starts, as in a serving process
    spent: dict[str, float] = {}
    listed: list[int] = []
    load, save, since = keyword_snapshot.load, keyword_snapshot.save, ChromaStore.ids_written_since

    def timed_load(*args: Any) -> Any:
        t = time.perf_counter()
        snapshot = load(*args)
        spent["load_s"] = time.perf_counter() - t
        spent["loaded"] = snapshot is not None
        return snapshot

    def timed_save(*args: Any) -> bool:
        t = time.perf_counter()
        ok = save(*args)
        spent["save_s"] = time.perf_counter() - t
        return ok

    def counted_since(self: ChromaStore, stamp: float) -> list[str]:
        ids = since(self, stamp)
        listed.append(len(ids))
        return ids

    keyword_snapshot.load, keyword_snapshot.save = timed_load, timed_save  # type: ignore[assignment]
    ChromaStore.ids_written_since = counted_since  # type: ignore[method-assign, assignment]
    embedder: Any = HashedEmbedder()  # what the retriever uses of an Embedder: embed_query
    retriever = HybridRetriever(store, embedder, top_k=5, min_dense_score=0.0, snapshot_dir=Path(snapshot_dir))
    before = current_rss_mb()
    t0 = time.perf_counter()
    retriever.refresh()
    refresh_s = time.perf_counter() - t0
    rss_mb = current_rss_mb() - before
    index = retriever._bm25
    assert index is not None
    hits = [index.search(q, 10) for q in _questions()]
    found = [
        any(h.chunk.file == file for h in retriever.retrieve(parse_query(q), top_k=5).chunks) for q, file in probes
    ]
    results.put(
        {
            "refresh_s": refresh_s,
            **spent,
            **({"after_load_s": refresh_s - spent["load_s"]} if spent.get("loaded") else {}),
            "rss_mb": rss_mb,
            "base_chunks": index.base_size,
            "delta_chunks": index.delta_size,
            "catch_up_ids_listed": sum(listed),
            "probes_found": sum(found),
            "probes": len(probes),
            "hits": hits,
        }
    )


def run_start(work: Path, snapshot_dir: Path, probes: list[tuple[str, str]]) -> dict[str, Any]:
    ctx = get_context("spawn")
    results = ctx.Queue()
    child = ctx.Process(target=start, args=(str(work / "index"), str(snapshot_dir), probes, results))
    child.start()
    out: dict[str, Any] = results.get(timeout=3600)
    child.join(timeout=60)
    return out


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ("refresh_s", "load_s", "after_load_s", "save_s", "rss_mb")
    out: dict[str, Any] = {
        k: {"median": statistics.median(r[k] for r in runs), "all": [r[k] for r in runs]} for k in keys if k in runs[0]
    }
    last = runs[-1]
    for k in ("loaded", "base_chunks", "delta_chunks", "catch_up_ids_listed", "probes_found", "probes"):
        if k in last:
            out[k] = last[k]
    return out


def same_hits(a: list[list[list[Any]]], b: list[list[list[Any]]]) -> bool:
    for hits_a, hits_b in zip(a, b, strict=True):
        if [c for c, _ in hits_a] != [c for c, _ in hits_b]:
            return False
        if any(abs(x - y) > 1e-6 for (_, x), (_, y) in zip(hits_a, hits_b, strict=True)):
            return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000, help="haystack articles from the corpus")
    parser.add_argument("--stream", type=int, default=10, help="articles written after the snapshot")
    parser.add_argument("--repeat", type=int, default=3, help="starts per mode")
    parser.add_argument("--settle", type=float, default=0.0, help="seconds to wait after the haystack is written")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--workdir", type=Path, help="build (or reuse) the haystack here (default: a temp dir)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    settings = Settings()
    with tempfile.TemporaryDirectory(prefix="keyword-snapshot-") as tmp:
        work = args.workdir or Path(tmp)
        result: dict[str, Any] = {"haystack_articles": args.articles, "repeat": args.repeat, "settle_s": args.settle}
        if (work / "index").exists():
            result["haystack"] = {"reused": str(work)}
        else:
            result["haystack"] = build_haystack(work, args.articles, args.corpus, settings)
        print(json.dumps(result["haystack"]), flush=True)
        time.sleep(args.settle)
        snapshot_dir = work / "keyword_index" / settings.collection
        full, loaded = [], []
        for _ in range(args.repeat):
            shutil.rmtree(snapshot_dir, ignore_errors=True)
            full.append(run_start(work, snapshot_dir, []))
            loaded.append(run_start(work, snapshot_dir, []))
            print(json.dumps({k: v for k, v in full[-1].items() if k != "hits"}), flush=True)
            print(json.dumps({k: v for k, v in loaded[-1].items() if k != "hits"}), flush=True)
        files = {
            p.relative_to(snapshot_dir).as_posix(): p.stat().st_size for p in snapshot_dir.rglob("*") if p.is_file()
        }
        result["snapshot_disk"] = {"mb": dir_mb(snapshot_dir), "files": files}
        result["chroma_disk_mb"] = dir_mb(work / "index")
        # Articles written after the snapshot: each start catches up with them.
        stream = stream_articles(args.corpus, args.articles, args.stream)
        chunking = ChunkSettings(settings.chunk_size, settings.chunk_overlap)
        store = open_store(work / "index", settings, create=False)
        for article, _, _ in stream:
            write(store, [(article, chunk_article(article, chunking))])
        probes = [(question, file) for _, question, file in stream]
        caught = [run_start(work, snapshot_dir, probes) for _ in range(args.repeat)]
        for run in caught:
            print(json.dumps({k: v for k, v in run.items() if k != "hits"}), flush=True)
        store.delete_files([file for _, _, file in stream])
        result["modes"] = {
            "full": summary(full),
            "snapshot": summary(loaded),
            "snapshot+catch-up": summary(caught),
        }
        result["same_hits_full_vs_snapshot"] = all(
            same_hits(f["hits"], s["hits"]) for f, s in zip(full, loaded, strict=True)
        )
        result["speedup_median"] = result["modes"]["full"]["refresh_s"]["median"] / max(
            1e-9, result["modes"]["snapshot"]["refresh_s"]["median"]
        )
    print(json.dumps({k: v for k, v in result.items() if k != "haystack"}, indent=2), flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
