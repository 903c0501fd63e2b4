"""Tune one threshold of the extractive generator on the TUNING half of a gold set (ids ending in an even digit).

Answers every tuning question once per candidate value of ``--param`` (a constant of
``assistant/answer/extractive.py``: MIN_TEXT_COVERAGE, MIN_ENTITY_COVERAGE or MIN_MARGIN) over an
index an eval run kept (``assistant eval --workdir DIR``), and prints correct / wrong / abstained
and the score for each. It never reads the reported half.

    python eval/tune_extractive.py --gold ../shared/devsets/news_qa_dev/gold.jsonl --workdir /tmp/devwork \
        --param MIN_MARGIN --values 0,0.5,1
"""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant import Assistant, Settings
from assistant.answer import extractive
from assistant.evaluation.gold import in_split, load_gold
from assistant.evaluation.metrics import score_answer

TUNABLE = ("MIN_TEXT_COVERAGE", "MIN_ENTITY_COVERAGE", "MIN_MARGIN")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, required=True)
    parser.add_argument("--workdir", type=Path, required=True, help="an eval workdir holding chroma/ (collection eval)")
    parser.add_argument("--param", default="MIN_TEXT_COVERAGE", choices=TUNABLE)
    parser.add_argument("--values", default="0,0.2,0.3,0.4,0.5,0.6,0.7")
    args = parser.parse_args()
    questions = in_split(load_gold(args.gold), "tune")
    bot = Assistant(Settings(data_dir=args.workdir / "chroma", collection="eval"))
    print(f"{len(questions)} tuning questions")
    for threshold in (float(t) for t in args.values.split(",")):
        setattr(extractive, args.param, threshold)
        counts = {"correct": 0, "wrong": 0, "abstained": 0}
        for q in questions:
            if q.history:
                turns = [*q.history, {"role": "user", "content": q.question}]
                answer = bot.chat(turns, generator="extractive", as_of=q.as_of)
            else:
                answer = bot.ask(q.question, generator="extractive", as_of=q.as_of)
            counts[score_answer(q, answer.text, answer.abstained, len(answer.citations)).outcome] += 1
        score = (counts["correct"] - counts["wrong"]) / len(questions)
        print(f"{args.param} {threshold:.2f}: {counts}  score {score:+.1%}")


if __name__ == "__main__":
    main()
