"""What counting the collection's rows cost each question, measured side by side on a built index.

Until 0e110ef every question counted the collection twice (``Assistant.retrieve`` checked
``store.count() == 0`` and ``ChromaStore.query`` capped ``n_results`` at ``count()``); embedded
Chroma answers ``count()`` by counting rows. Then (0e110ef) emptiness became one row looked up
(``is_empty``) and the search was not capped; looking one row up turned out to cost as much, so now
the emptiness answer is kept per index revision. This script times, on an existing index (e.g. the one
``python eval/bench/bench.py --articles 10000 --keep --workdir DIR`` leaves in ``DIR/index``):

- the store calls alone: ``count()``, ``is_empty()``, ``revision()``, one dense search;
- fused retrieval per gold question in the three versions, alternating question by question so all
  see the same machine load.

    python eval/bench/row_count.py --data-dir DIR/index [--json eval/bench/results/row_count_10000.json]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import percentiles, time_each, timed, write_json

from assistant import Assistant, Settings
from assistant.evaluation.gold import load_gold
from assistant.store.chroma import ChromaStore
from assistant.types import Chunk

ROOT = Path(__file__).resolve().parents[2]


class CountingStore(ChromaStore):
    """The store as it was: emptiness by ``count() == 0``, searches capped at ``count()``."""

    def is_empty(self) -> bool:
        return self.count() == 0

    def query(self, embedding: list[float], k: int, files: list[str] | None = None) -> list[tuple[Chunk, float]]:
        return super().query(embedding, min(k, self.count()), files)


def repeat_ms(fn: Callable[[], Any], repeats: int = 30) -> list[float]:
    return [timed(fn)[0] * 1000 for _ in range(repeats)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="data dir of a built index")
    parser.add_argument("--questions", type=int, default=40, help="gold questions timed (each mode)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    settings = Settings(data_dir=args.data_dir)
    bot = Assistant(settings)
    questions = [q.question for q in load_gold(ROOT / "eval" / "gold" / "gold.jsonl") if not q.history]
    questions = questions[: args.questions]
    bot.retrieve(questions[0])  # opens the index, builds BM25, loads the question encoder
    store = bot.store
    vector = bot.embedder.embed_query(questions[0])
    chunks = store.count()
    calls = {
        "count()": percentiles(repeat_ms(store.count)),
        "is_empty()": percentiles(repeat_ms(store.is_empty)),
        "revision()": percentiles(repeat_ms(store.revision)),
        "dense search, k=40": percentiles(repeat_ms(lambda: store.query(vector, 40))),
    }
    counting = CountingStore(store.collection_name, data_dir=store.data_dir, host=store.host, port=store.port)
    counting._client, counting._collection = store._client, store._collection
    # (store, whether the emptiness answer is forgotten before each question)
    variants = {
        "now: emptiness cached per revision": (store, False),
        "one row looked up per question (0e110ef)": (store, True),
        "two row counts per question (before)": (counting, True),
    }
    times: dict[str, list[float]] = {name: [] for name in variants}
    for question in questions:  # alternate, so all see the same load
        for name, (variant_store, forget) in variants.items():
            bot.store = bot.retriever.store = variant_store
            if forget:
                bot._empty = None
            times[name] += time_each(bot.retrieve, [question])
    bot.store = bot.retriever.store = store
    fused = {name: percentiles(values) for name, values in times.items()}
    result: dict[str, Any] = {
        "chunks": chunks,
        "questions": len(questions),
        "store_call_ms": calls,
        "fused_retrieval_ms": fused,
        "fused_p50_ratio_before_over_now": round(
            fused["two row counts per question (before)"]["p50"] / fused["now: emptiness cached per revision"]["p50"], 2
        ),
    }
    print(json.dumps(result, indent=2))
    if args.json:
        write_json(result, args.json)


if __name__ == "__main__":
    main()
