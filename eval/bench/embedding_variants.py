"""Embedding backends and chunk sizes: encode speed-up and gold retrieval quality, in one table.

    python eval/bench/embedding_variants.py [--articles 24] [--rounds 2] [--json FILE]

For each variant (backend x chunk size/overlap):
- quality: the shipped articles are indexed into a fresh collection and the eval's retrieval metrics
  (recall@5 and MRR of dense and fused retrieval against the gold sources) are computed;
- speed: the bare encode of the chunks of the first N benchmark-corpus articles, cut at that chunk
  size, in articles/s and chunks/s. Variants are timed round-robin, ``--rounds`` times, and the median
  is kept, so every variant sees the same machine load. Speed-up is against torch at 160/32.

ONNX files are exported locally into the temporary data dir's embed_cache (nothing is downloaded).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from bench import DEFAULT_CORPUS, chunk_texts, iter_corpus, record_to_text

from assistant import Assistant, Settings
from assistant.config import EmbedBackend
from assistant.evaluation.gold import load_gold
from assistant.evaluation.harness import retrieval_metrics
from assistant.store.embedding import Embedder

ROOT = Path(__file__).resolve().parents[2]
VARIANTS: list[tuple[EmbedBackend, int, int]] = [
    ("torch", 160, 32),
    ("onnx", 160, 32),
    ("onnx-int8", 160, 32),
    ("torch", 256, 48),
    ("onnx-int8", 256, 48),
    ("onnx-int8", 96, 16),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=24, help="benchmark-corpus articles timed per variant")
    parser.add_argument("--rounds", type=int, default=2, help="timing rounds (0: quality only)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    gold = load_gold(ROOT / "eval/gold/gold.jsonl")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = work / "speed"
        corpus.mkdir()
        for record in iter_corpus(args.corpus, args.articles):
            (corpus / f"{record['id']}.txt").write_text(record_to_text(record), encoding="utf-8")
        files = sorted(corpus.glob("*.txt"))
        embedders: dict[str, Embedder] = {}
        rows: dict[str, dict[str, object]] = {}
        texts: dict[str, list[str]] = {}
        for backend, size, overlap in VARIANTS:
            name = f"{backend} {size}/{overlap}"
            if backend not in embedders:
                embedders[backend] = Embedder(backend=backend, cache_dir=work / "embed_cache")
                embedders[backend].load()
            settings = Settings(
                data_dir=work / name.replace(" ", "_").replace("/", "-"),
                embed_backend=backend,
                chunk_size=size,
                chunk_overlap=overlap,
            )
            bot = Assistant(settings, embedder=embedders[backend])
            report = bot.ingest(ROOT / "index/articles", progress=False)
            quality = retrieval_metrics(bot, gold, settings.top_k)
            texts[name] = chunk_texts(files, settings)
            rows[name] = {
                "backend": backend,
                "chunk_size": size,
                "chunk_overlap": overlap,
                "gold_chunks": report.chunks_written,
                "speed_chunks": len(texts[name]),
                "dense_recall@5": quality["dense"]["recall@5"],
                "dense_mrr": quality["dense"]["mrr"],
                "fused_recall@5": quality["fused"]["recall@5"],
                "fused_mrr": quality["fused"]["mrr"],
                "rerank_recall@5": quality["fused+rerank"]["recall@5"],
                "rerank_mrr": quality["fused+rerank"]["mrr"],
                "seconds": [],
            }
        for _ in range(args.rounds):
            for name, row in rows.items():
                embedder = embedders[str(row["backend"])]
                started = time.perf_counter()
                embedder.raw_encode(texts[name])
                row["seconds"].append(time.perf_counter() - started)  # type: ignore[attr-defined]
    base = statistics.median(rows["torch 160/32"]["seconds"] or [float("nan")])  # type: ignore[arg-type]
    print(
        f"{'variant':<20}{'chunks':>7}{'art/s':>8}{'chunk/s':>9}{'speed-up':>10}"
        f"{'dense R@5':>11}{'dense MRR':>11}{'fused R@5':>11}{'fused MRR':>11}{'rerank R@5':>11}{'rerank MRR':>11}"
    )
    for name, row in rows.items():
        seconds = statistics.median(row["seconds"] or [float("nan")])  # type: ignore[arg-type]
        row["articles_per_s"] = len(files) / seconds
        row["chunks_per_s"] = int(row["speed_chunks"]) / seconds  # type: ignore[call-overload]
        row["speed_up_vs_torch_160"] = base / seconds
        print(
            f"{name:<20}{row['speed_chunks']:>7}{row['articles_per_s']:>8.2f}{row['chunks_per_s']:>9.1f}"
            f"{row['speed_up_vs_torch_160']:>9.2f}x{row['dense_recall@5']:>11.3f}{row['dense_mrr']:>11.3f}"
            f"{row['fused_recall@5']:>11.3f}{row['fused_mrr']:>11.3f}{row['rerank_recall@5']:>11.3f}{row['rerank_mrr']:>11.3f}"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"articles": len(files), "variants": rows}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
