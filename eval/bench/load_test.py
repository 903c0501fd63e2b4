"""Bounded load test: N concurrent clients for T seconds against a real `assistant serve` on loopback.

Clients ask the gold questions in random order with the extractive generator: most through the
OpenAI-compatible API (a quarter of those streaming), some through the page's Gradio queue (the
same endpoint the browser calls). The server's resident memory is sampled every second.

    python eval/bench/load_test.py --clients 20 --seconds 60 --json eval/bench/results/load_test.json

Exit code 1 when any request failed or memory grew past --max-growth-mb after the warm-up
(the first quarter of the run). tests/test_load.py runs a short version in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.loopback import free_port, wait_until_up

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "eval" / "gold" / "gold.jsonl"


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"api": [], "api-stream": [], "page": []})
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, channel: str, seconds: float | None, error: str | None = None) -> None:
        with self.lock:
            if error is not None:
                self.failures.append(f"{channel}: {error}")
            elif seconds is not None:
                self.latencies[channel].append(seconds)


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_server(data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir)}
    cli = [sys.executable, "-m", "assistant"]
    subprocess.run([*cli, "ingest", str(ROOT / "index" / "articles"), "--no-progress"], env=env, check=True, cwd=ROOT)
    port = free_port()
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(f"{url}/health", server, 180, "assistant serve")
    return server, url


def _api_client(url: str, questions: list[str], stop: float, results: Results, seed: int, stream_share: float) -> None:
    import httpx

    rng = random.Random(seed)
    with httpx.Client(base_url=url, timeout=60) as client:
        while time.monotonic() < stop:
            question = rng.choice(questions)
            stream = rng.random() < stream_share
            channel = "api-stream" if stream else "api"
            body = {"model": "news-assistant", "messages": [{"role": "user", "content": question}], "stream": stream}
            started = time.perf_counter()
            try:
                if stream:
                    with client.stream("POST", "/v1/chat/completions", json=body) as response:
                        lines = [line for line in response.iter_lines() if line.startswith("data: ")]
                        ok = response.status_code == 200 and lines and lines[-1] == "data: [DONE]"
                        ok = ok and not any('"error"' in line[:20] for line in lines)
                else:
                    response = client.post("/v1/chat/completions", json=body)
                    ok = response.status_code == 200 and "citations" in response.json()
                if not ok:
                    results.record(channel, None, f"HTTP {response.status_code}")
                else:
                    results.record(channel, time.perf_counter() - started)
            except Exception as err:  # a load test counts failures; it does not stop on them
                results.record(channel, None, repr(err))


def _page_client(url: str, questions: list[str], stop: float, results: Results, seed: int) -> None:
    from gradio_client import Client

    rng = random.Random(seed)
    client = Client(url + "/", verbose=False)
    while time.monotonic() < stop:
        question = rng.choice(questions)
        started = time.perf_counter()
        try:
            _, history, sources = client.predict(question, [], "extractive", 5, False, api_name="/respond")
            text = str(history[-1]["content"]) if history else ""
            if not text or "⚠️" in text or "sources" not in sources:
                results.record("page", None, f"bad page answer: {text[:80]!r}")
            else:
                results.record("page", time.perf_counter() - started)
        except Exception as err:
            results.record("page", None, repr(err))


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def run(clients: int, seconds: float, page_clients: int, data_dir: Path, max_growth_mb: float) -> dict[str, Any]:
    questions = [json.loads(line)["question"] for line in GOLD.read_text(encoding="utf-8").splitlines() if line]
    server, url = start_server(data_dir)
    try:
        results = Results()
        rss: list[tuple[float, float]] = []
        started = time.monotonic()
        stop = started + seconds
        threads = [
            threading.Thread(target=_page_client, args=(url, questions, stop, results, i))
            if i < page_clients
            else threading.Thread(target=_api_client, args=(url, questions, stop, results, i, 0.25))
            for i in range(clients)
        ]
        for thread in threads:
            thread.start()
        while time.monotonic() < stop:
            rss.append((time.monotonic() - started, _rss_mb(server.pid)))
            time.sleep(1.0)
        for thread in threads:
            thread.join(timeout=120)
        rss.append((time.monotonic() - started, _rss_mb(server.pid)))
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    everything = [t for values in results.latencies.values() for t in values]
    warm = [mb for t, mb in rss if t >= seconds / 4]
    growth = (max(warm) - warm[0]) if warm else 0.0
    report = {
        "clients": clients,
        "page_clients": page_clients,
        "seconds": round(elapsed, 1),
        "answers": len(everything),
        "failed": len(results.failures),
        "failures": results.failures[:20],
        "answers_per_s": round(len(everything) / elapsed, 2),
        "p50_ms": round(_percentile(everything, 50) * 1000),
        "p95_ms": round(_percentile(everything, 95) * 1000),
        "by_channel": {
            channel: {
                "answers": len(values),
                "p50_ms": round(_percentile(values, 50) * 1000) if values else None,
                "p95_ms": round(_percentile(values, 95) * 1000) if values else None,
            }
            for channel, values in results.latencies.items()
        },
        "rss_mb": {
            "after_warm_up": round(warm[0], 1) if warm else None,
            "peak": round(max(mb for _, mb in rss), 1),
            "end": round(rss[-1][1], 1),
            "growth_after_warm_up": round(growth, 1),
            "bound": max_growth_mb,
        },
    }
    report["ok"] = report["failed"] == 0 and growth <= max_growth_mb
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--page-clients", type=int, default=4, help="of the clients, how many use the page's queue")
    parser.add_argument("--max-growth-mb", type=float, default=150.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report = run(args.clients, args.seconds, args.page_clients, Path(tmp), args.max_growth_mb)
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    sys.exit(0 if report["ok"] else 1)


if __name__ == "__main__":
    main()
