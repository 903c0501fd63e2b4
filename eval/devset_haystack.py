"""Copy the articles cited by one half of a gold set into a folder: the haystack the README's dev-set
figures were measured on (the full 1,642-article dev corpus takes about half an hour to ingest here).

    python eval/devset_haystack.py --split report --out /tmp/dev_report_corpus
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from assistant.evaluation.gold import SPLITS, in_split, load_gold

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "devsets" / "news_qa_dev"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=DEV / "gold.jsonl")
    parser.add_argument("--corpus", type=Path, default=DEV / "corpus")
    parser.add_argument("--split", choices=SPLITS, default="report")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    cited = {source for q in in_split(load_gold(args.gold), args.split) for source in q.sources}
    for name in sorted(cited):
        shutil.copy(args.corpus / name, args.out / name)
    print(f"{len(cited)} articles -> {args.out}")


if __name__ == "__main__":
    main()
