"""Plot ingest time and query latency against corpus size from `python eval/bench/bench.py --json` results.

python eval/bench/scale_plot.py eval/bench/results/bench_*.json --out eval/bench/results/scale.png
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench import plot_scaling


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", nargs="+", type=Path, help="bench JSON files, one per corpus size")
    parser.add_argument("--out", type=Path, default=Path("eval/bench/results/scale.png"))
    args = parser.parse_args()
    plot_scaling([json.loads(p.read_text(encoding="utf-8")) for p in args.results], args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
