"""The local generator's answer latency under OpenMP wait policies and thread counts, side by side.

    python eval/bench/omp_wait.py [--questions 12] [--rounds 2] [--load 1] [--json FILE]

llama.cpp's CPU backend runs its threads through OpenMP, whose default wait policy spins a thread
that waits for work; on a machine whose cores are busy with other processes (the serving process's
own embedding, a second app, CI) the spinning threads compete with the ones doing work. Each
setting runs in a fresh process (the policy is read when libgomp loads), over the shipped articles,
answering the same gold questions with ``--generator local``; ``--load N`` keeps N busy-loop
processes running meanwhile (the "under load" case). Settings run in alternating order, ``--rounds``
times, and the per-setting p50 is over the answers SmolLM2 itself wrote (table answers excluded).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = {
    "default (spin)": {},
    "PASSIVE": {"OMP_WAIT_POLICY": "PASSIVE"},
    "PASSIVE, 1 thread": {"OMP_WAIT_POLICY": "PASSIVE", "ASSISTANT_LOCAL_THREADS": "1"},
    "default, 1 thread": {"ASSISTANT_LOCAL_THREADS": "1"},
}

CHILD = r"""
import json, statistics, sys, time
from pathlib import Path
from assistant import Assistant, Settings
from assistant.evaluation.gold import load_gold
root, data, count = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
bot = Assistant(Settings(data_dir=data))
questions = [q.question for q in load_gold(root / "eval/gold/gold.jsonl")][:count]
bot.ask(questions[0], generator="local")  # model load, untimed
times = []
for q in questions:
    t0 = time.perf_counter()
    answer = bot.ask(q, generator="local")
    if answer.generator != "facts-table":
        times.append((time.perf_counter() - t0) * 1000)
print(json.dumps(times))
"""


def _burn() -> None:
    while True:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--load", type=int, default=1, help="busy-loop processes running meanwhile")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in SETTINGS}
    with tempfile.TemporaryDirectory(prefix="omp-") as tmp:
        from assistant import Assistant, Settings

        Assistant(Settings(data_dir=Path(tmp))).ingest(ROOT / "index/articles", progress=False)
        burners = [multiprocessing.Process(target=_burn, daemon=True) for _ in range(args.load)]
        for burner in burners:
            burner.start()
        try:
            for round_ in range(args.rounds):
                names = list(SETTINGS) if round_ % 2 == 0 else list(SETTINGS)[::-1]
                for name in names:
                    env = {**os.environ, **SETTINGS[name]}
                    started = time.perf_counter()
                    out = subprocess.run(
                        [sys.executable, "-c", CHILD, str(ROOT), tmp, str(args.questions)],
                        env=env,
                        cwd=ROOT,
                        capture_output=True,
                        text=True,
                        check=True,
                    )
                    times[name] += json.loads(out.stdout.strip().splitlines()[-1])
                    print(f"round {round_ + 1} {name}: {time.perf_counter() - started:.0f} s", flush=True)
        finally:
            for burner in burners:
                burner.terminate()
    result = {
        "load_processes": args.load,
        "cores": os.cpu_count(),
        "settings": {
            name: {"answers": len(t), "p50_ms": statistics.median(t), "p95_ms": sorted(t)[int(0.95 * (len(t) - 1))]}
            for name, t in times.items()
            if t
        },
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
