"""Replay the vouching check (``assistant/answer/verify.py``) over an LLM eval run that had it off, on the
TUNING halves, to choose its threshold without asking the model again.

The extractive stage's view of each question (the rules' answer, the sentence they quote, the reader's
reading of the same retrieved chunks) comes from ``eval/reader/tune.py``'s cache of those halves:

    python eval/llm/vouch_replay.py \\
        --run ../shared/devsets/news_qa_dev/gold.jsonl=/tmp/qwen_dev_tune \\
        --run eval/gold/gold.jsonl=/tmp/qwen_gold_tune \\
        --cases eval/reports/scratch/reader_tune.cases.pickle

Each ``GOLD=RUN`` names an ``assistant eval --generator openai --out RUN`` of that gold file's tuning half
(run with ``ASSISTANT_LLM_VOUCH_CHECK=false``).
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reader"))
import tune

from assistant.answer.verify import VOUCHED_TYPES, same_for_query
from assistant.query.query import parse_query

THRESHOLDS = [-4.0, -2.0, 0.0, 1.0, 2.0, 3.0, 4.0]


def replay(rows: list[tuple[dict, tune.Case]], at: float, with_rules: bool) -> Counter[str]:
    """Outcomes when an answer stands only if vouched for: by the rules (``with_rules``) or by the reader at
    ``at`` or more. ``at`` = inf without the rules is the run as it was."""
    counts: Counter[str] = Counter()
    for prediction, case in rows:
        answer = prediction["short_answer"] or ""
        query = parse_query(prediction["question"])
        qtype = query.qtype
        unchecked = at == float("inf") and not with_rules
        if unchecked or prediction["abstained"] or case.reading is None or qtype not in VOUCHED_TYPES or not answer:
            counts[prediction["outcome"]] += 1
            continue
        by_rules = with_rules and (
            bool(case.rules_answer and same_for_query(query, case.rules_answer, answer))
            or bool(case.rules_sentence and answer.casefold() in case.rules_sentence.casefold())
        )
        by_reader = case.reading.support(answer) >= at
        counts[prediction["outcome"] if by_rules or by_reader else case.abstain] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", action="append", required=True, help="GOLD=RUN_FOLDER")
    parser.add_argument("--cases", type=Path, default=Path("eval/reports/scratch/reader_tune.cases.pickle"))
    parser.add_argument("--max-wrong", type=float, default=0.10)
    args = parser.parse_args()
    sys.modules["__main__"].Case = tune.Case  # type: ignore[attr-defined]  # the cache pickled tune.Case as __main__
    cases = pickle.loads(args.cases.read_bytes())
    sets = {}
    for spec in args.run:
        gold, run = spec.split("=", 1)
        lines = Path(gold).read_text(encoding="utf-8").splitlines()
        types = {r["id"]: r.get("type") for r in map(json.loads, lines)}
        by_id = {c.qid: c for c in cases[gold]}
        for case in by_id.values():  # caches written before Case.abstain existed
            if not hasattr(case, "abstain"):
                case.abstain = "correct" if types[case.qid] == "unanswerable" else "abstained"
        predictions = [json.loads(line) for line in (Path(run) / "predictions.jsonl").open(encoding="utf-8")]
        sets[gold] = [(p, by_id[p["id"]]) for p in predictions]
    results = []
    for with_rules in (False, True):
        for at in [float("inf"), *THRESHOLDS]:
            if at == float("inf") and with_rules:
                continue
            per_set = {g: replay(rows, at, with_rules) for g, rows in sets.items()}
            allowed = all(c["wrong"] <= args.max_wrong * len(sets[g]) for g, c in per_set.items())
            score = sum((c["correct"] - c["wrong"]) / len(sets[g]) for g, c in per_set.items())
            label = "no check" if at == float("inf") else f"{'rules or ' if with_rules else ''}reader >= {at}"
            results.append((allowed, score, label, per_set))
    for allowed, score, label, per_set in sorted(results, key=lambda r: (r[0], r[1]), reverse=True):
        figures = "  ".join(f"{c['correct']}/{c['wrong']}/{c['abstained']}" for c in per_set.values())
        print(f"{'ok ' if allowed else 'x  '}{score:+.3f}  {label:24}  {figures}")


if __name__ == "__main__":
    main()
