"""Ingest time for the shipped articles and answer latency per generator, side by side in one run.

    python eval/bench/answer_latency.py [--questions 20] [--json out.json]

Starts `python -m llama_cpp.server` with the bundled GGUF on a free 127.0.0.1 port so the openai
generator is measured against a real OpenAI-compatible endpoint. Prints p50/p95 per generator,
the ratio of each to the extractive p50, and three answers per generator.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from assistant import Assistant, Settings
from assistant.evaluation.gold import load_gold
from tests.support.loopback import start_llama_server

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    questions = [q for q in load_gold(ROOT / "eval/gold/gold.jsonl")][: args.questions]
    server, base = start_llama_server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(data_dir=Path(tmp), openai_base_url=base, openai_model="smollm2")
            bot = Assistant(settings)
            bot.embedder.load()  # model load is not ingest time
            started = time.perf_counter()
            report = bot.ingest(ROOT / "index/articles", progress=False)
            ingest_s = time.perf_counter() - started
            results: dict[str, dict[str, object]] = {}
            for name in ("extractive", "local", "openai"):
                bot.ask(questions[0].question, generator=name)  # load / connect once, untimed
                times, samples = [], []
                for q in questions:
                    t0 = time.perf_counter()
                    answer = bot.ask(q.question, generator=name)
                    times.append((time.perf_counter() - t0) * 1000)
                    samples.append({"question": q.question, "answer": answer.text, "generator": answer.generator})
                results[name] = {
                    "p50_ms": statistics.median(times),
                    "p95_ms": statistics.quantiles(times, n=20, method="inclusive")[18],
                    "fallbacks": sum("->" in s["generator"] for s in samples),
                    "samples": samples[:3],
                }
    finally:
        server.terminate()
        server.wait(timeout=30)
    base_p50 = float(results["extractive"]["p50_ms"])  # type: ignore[arg-type]
    print(f"ingest of {len(report.added)} articles, {report.chunks_written} chunks: {ingest_s:.2f} s")
    print(f"{'generator':<12}{'p50 ms':>10}{'p95 ms':>10}{'x extractive':>14}{'fallbacks':>11}")
    for name, r in results.items():
        p50 = float(r["p50_ms"])  # type: ignore[arg-type]
        print(f"{name:<12}{p50:>10.0f}{float(r['p95_ms']):>10.0f}{p50 / base_p50:>14.1f}{r['fallbacks']:>11}")  # type: ignore[arg-type]
    for name, r in results.items():
        print(f"\n{name}:")
        for sample in r["samples"]:  # type: ignore[attr-defined]
            print(f"  Q: {sample['question']}\n  A: {sample['answer']}  ({sample['generator']})")
    if args.json:
        args.json.write_text(json.dumps({"ingest_s": ingest_s, "generators": results}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
