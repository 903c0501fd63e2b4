"""Question embedding on a torch index: torch itself vs the fp32 ONNX export used since (same weights).

For every gold question, interleaved so all see the same machine load: the latency of embedding it
with torch (sentence-transformers), with the fp32 ONNX export (what ``Embedder.embed_query`` uses on
a torch index), and with the int8 export (for reference; it is not used on a torch index because its
vectors differ). Also the largest difference between the torch and fp32 ONNX vectors, and whether
dense retrieval over the shipped articles returns the same top 10 chunks with either vector.

    python eval/bench/query_embedding.py [--json eval/bench/results/query_embedding.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from bench import percentiles

from assistant import Assistant, Settings
from assistant.evaluation.gold import load_gold
from assistant.store.embedding import Embedder

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    questions = [q.question for q in load_gold(ROOT / "eval" / "gold" / "gold.jsonl")]
    with tempfile.TemporaryDirectory() as work:
        cache = Path(work) / "embed_cache"
        default = Embedder(cache_dir=cache)  # torch backend: passages by torch, questions by ONNX fp32
        int8 = Embedder(backend="onnx-int8", cache_dir=cache)
        default.load()
        int8.load()
        encoders = {
            "torch": default.llama_embedding.get_query_embedding,
            "onnx fp32 (used)": default.embed_query,
            "onnx int8": int8.embed_query,
        }
        times: dict[str, list[float]] = {name: [] for name in encoders}
        for question in questions:
            for name, encode in encoders.items():
                started = time.perf_counter()
                encode(question)
                times[name].append((time.perf_counter() - started) * 1000)
        torch_vectors = np.asarray([encoders["torch"](q) for q in questions])
        onnx_vectors = np.asarray([default.embed_query(q) for q in questions])
        bot = Assistant(Settings(data_dir=Path(work) / "index"), embedder=default)
        bot.ingest(ROOT / "index" / "articles", progress=False)
        bot.retrieve(questions[0])  # opens the index

        def dense_ids(question: str, vector: np.ndarray) -> list[str]:
            return [h.chunk.id for h in bot.retriever.dense(question, 10, embedding=[float(x) for x in vector])]

        same = sum(
            dense_ids(q, t) == dense_ids(q, o) for q, t, o in zip(questions, torch_vectors, onnx_vectors, strict=True)
        )
    result = {
        "questions": len(questions),
        "load_average_1min": os.getloadavg()[0],
        "embed_ms": {name: percentiles(values) for name, values in times.items()},
        "torch_vs_onnx_fp32_max_abs_diff": float(np.abs(torch_vectors - onnx_vectors).max()),
        "same_retrieved_chunks": same,
        "speedup_p50_vs_torch": {
            name: statistics.median(times["torch"]) / statistics.median(values) for name, values in times.items()
        },
    }
    for name, values in result["embed_ms"].items():
        speedup = result["speedup_p50_vs_torch"][name]
        print(f"{name:>18}: p50 {values['p50']:6.1f} ms  p95 {values['p95']:6.1f} ms  ({speedup:.1f}x torch)")
    print(f"max |torch - onnx fp32| = {result['torch_vs_onnx_fp32_max_abs_diff']:.2e}; ", end="")
    print(f"same dense top 10 for {same}/{len(questions)} questions; load {result['load_average_1min']:.1f}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
