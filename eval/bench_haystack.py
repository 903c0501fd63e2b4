"""Write the bench articles a gold file cites (from ../shared/bench/news_articles.jsonl.gz) into a folder, with
``Title:`` / ``Date:`` / ``URL:`` header lines, beside a copy of the shipped articles: the haystack of
``eval/gold/outside_bench.jsonl``, questions on real articles of other topics than space (see README, Evaluation).

    python eval/bench_haystack.py --out /tmp/outside_corpus
    assistant eval --gold eval/gold/outside_bench.jsonl --corpus /tmp/outside_corpus \
        --generator extractive --no-baseline
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
from pathlib import Path

from assistant.evaluation.gold import load_gold

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "bench" / "news_articles.jsonl.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=ROOT / "eval" / "gold" / "outside_bench.jsonl")
    parser.add_argument("--bench", type=Path, default=BENCH)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    cited = {source for q in load_gold(args.gold) for source in q.sources if source.startswith("rt_")}
    args.out.mkdir(parents=True, exist_ok=True)
    found = 0
    with gzip.open(args.bench, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            name = f"{row['id']}.txt"
            if name in cited:
                header = f"Title: {row['title']}\nDate: {row['date']}\nURL: {row['url']}\n\n"
                (args.out / name).write_text(header + row["text"], encoding="utf-8")
                found += 1
    for article in sorted((ROOT / "index" / "articles").glob("*.txt")):
        shutil.copy(article, args.out / article.name)
    print(f"{found} of {len(cited)} cited bench articles, plus the shipped articles -> {args.out}")


if __name__ == "__main__":
    main()
