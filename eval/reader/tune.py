"""Choose the reader's thresholds (``ReaderPolicy``) on the TUNING halves only (ids ending in an even digit).

Each tuning question is answered twice through the whole pipeline (retrieval, grounding, the eval's
scoring): once as the rules would answer it and once as the reader would. What decides between them
(the reader's best score, its lead over the next answer, its support for the rules' answer) is recorded,
so every policy of the grid is scored without answering again.

    python eval/reader/tune.py --set ../shared/devsets/news_qa_dev/gold.jsonl=/tmp/devtune \
        --set eval/gold/gold.jsonl=/tmp/goldtune

Each ``GOLD=WORKDIR`` names an index an eval run kept (``assistant eval --workdir WORKDIR``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import pickle
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from assistant import Assistant, Settings
from assistant.answer.extractive import NOT_COVERED, ExtractiveGenerator
from assistant.answer.reader import ReadSpan, SpanReader, bundled_reader
from assistant.answer.reading import ReaderPolicy, Reading, decide, read_ranking
from assistant.evaluation.gold import in_split, load_gold
from assistant.evaluation.metrics import score_answer
from assistant.query.query import Query
from assistant.retrieval.evidence import SentenceRanking

INF = float("inf")
ALWAYS_RULES = ReaderPolicy(answer_at=INF, margin=0.0, confirm_at=INF, keep_unconfirmed=True)
ALWAYS_READER = ReaderPolicy(answer_at=-INF, margin=-INF, confirm_at=INF, keep_unconfirmed=False)


class MemoReader:
    """The same windows read once, however many times they are asked for."""

    def __init__(self, reader: SpanReader) -> None:
        self.reader = reader
        self.memo: dict[tuple[str, tuple[str, ...]], list[ReadSpan]] = {}

    def read(self, question: str, windows: Sequence[str]) -> list[ReadSpan]:
        key = (question, tuple(windows))
        if key not in self.memo:
            self.memo[key] = self.reader.read(question, windows)
        return self.memo[key]


@dataclass
class Case:
    qid: str
    rules: str  # outcome when the rules answer
    reader: str  # outcome when the reader answers
    abstain: str  # outcome of an abstention: "correct" for a question the articles do not answer
    rules_answer: str | None
    rules_sentence: str | None
    reading: Reading | None  # None when no generator ran (facts table, relevance gate)


class RecordingGenerator(ExtractiveGenerator):
    def rules_answer(self, query: Query, ranking: SentenceRanking):  # type: ignore[no-untyped-def]
        draft, cited = super().rules_answer(query, ranking)
        assert self.reader is not None
        self.last = (draft.short_answer, cited.text if cited else None, read_ranking(self.reader, query.text, ranking))
        return draft, cited


def collect(gold: Path, workdir: Path, generator: RecordingGenerator) -> list[Case]:
    bot = Assistant(Settings(data_dir=workdir / "chroma", collection="eval"))
    bot._generators["extractive"] = generator
    cases = []
    for q in in_split(load_gold(gold), "tune"):
        outcomes = {}
        generator.last = None  # type: ignore[assignment]
        for name, policy in (("rules", ALWAYS_RULES), ("reader", ALWAYS_READER)):
            generator.policy = policy
            if q.history:
                answer = bot.chat(
                    [*q.history, {"role": "user", "content": q.question}], generator="extractive", as_of=q.as_of
                )
            else:
                answer = bot.ask(q.question, generator="extractive", as_of=q.as_of)
            outcomes[name] = score_answer(q, answer.text, answer.abstained, len(answer.citations)).outcome
        last = generator.last
        cases.append(
            Case(
                q.id,
                outcomes["rules"],
                outcomes["reader"],
                score_answer(q, NOT_COVERED, True, 0).outcome,
                last[0] if last else None,
                last[1] if last else None,
                last[2] if last else None,
            )
        )
    return cases


def outcome(case: Case, policy: ReaderPolicy) -> str:
    if case.reading is None:
        return case.rules
    choice = decide(case.rules_answer, case.rules_sentence, case.reading, policy)
    return {"rules": case.rules, "reader": case.reader, "abstain": case.abstain}[choice]


def tally(cases: list[Case], policy: ReaderPolicy) -> dict[str, int]:
    counts = {"correct": 0, "wrong": 0, "abstained": 0}
    for case in cases:
        counts[outcome(case, policy)] += 1
    return counts


def grid() -> list[ReaderPolicy]:
    answer_at = [-2.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, INF]
    margin = [0.0, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0]
    # INF: rules answers always stand and the reader only fills abstentions; with keep_unconfirmed this is also
    # the rules alone, the baseline every policy must beat (docs/experiments.md, 2026-12-07 second round).
    confirm_at = [-INF, -4.0, -2.0, 0.0, 1.0, 2.0, 4.0, INF]
    keep = [True, False]
    overrule = [True, False]
    return [ReaderPolicy(*values) for values in itertools.product(answer_at, margin, confirm_at, keep, overrule)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", required=True, help="GOLD=WORKDIR")
    parser.add_argument("--out", type=Path, default=Path("eval/reports/scratch/reader_tune.json"))
    parser.add_argument("--max-wrong", type=float, default=0.10, help="largest share of wrong answers allowed per set")
    parser.add_argument("--keep-rules-right", action="store_true", help="allow only policies that lose no right answer")
    args = parser.parse_args()
    reader = bundled_reader()
    if reader is None:
        raise SystemExit("No trained reader in assistant/models/reader/; run eval/reader/train.py --ship first.")
    generator = RecordingGenerator(reader=MemoReader(reader))  # type: ignore[arg-type]
    sets = {}
    cache = args.out.with_suffix(".cases.pickle")
    if cache.exists():  # the answers of an earlier run of the same reader: only the grid is scored again
        sets = pickle.loads(cache.read_bytes())
    for spec in args.set:
        gold, workdir = spec.split("=", 1)
        if gold not in sets:
            sets[gold] = collect(Path(gold), Path(workdir), generator)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(sets))
    for gold in sets:
        print(f"{gold}: rules {tally(sets[gold], ALWAYS_RULES)}  reader {tally(sets[gold], ALWAYS_READER)}")
    rules = {gold: tally(cases, ALWAYS_RULES) for gold, cases in sets.items()}
    results = []
    for policy in grid():
        per_set = {gold: tally(cases, policy) for gold, cases in sets.items()}
        # --keep-rules-right: no set may lose a right answer the rules alone give (tried; see docs/experiments.md).
        allowed = all(
            c["wrong"] <= args.max_wrong * len(sets[g])
            and (not args.keep_rules_right or c["correct"] >= rules[g]["correct"])
            for g, c in per_set.items()
        )
        # Each set counts by its share: a point on the small project set weighs as much as one on dev.
        score = sum((c["correct"] - c["wrong"]) / len(sets[g]) for g, c in per_set.items())
        results.append((allowed, score, policy, per_set))
    results.sort(key=lambda r: (r[0], r[1]), reverse=True)
    for allowed, score, policy, per_set in results[:15]:
        print(f"{'ok ' if allowed else 'x  '}{score:+.3f} {policy} {per_set}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            [{"allowed": a, "score": s, "policy": asdict(p), "sets": c} for a, s, p, c in results[:50]], indent=2
        )
    )


if __name__ == "__main__":
    main()
