"""Crash-safety of ingest: SIGKILL `assistant ingest` at random moments, then check the index.

After every kill the index must open, every indexed article must hold exactly the chunks a full
ingest gives it (no partial article, no duplicate or stray chunk), and a re-run must complete the
rest. Chunk ids are content hashes, so "exactly" means the same id set, counted.

    python eval/bench/kill_ingest.py --articles 200 --kills 10 --json eval/bench/results/kill_ingest.json

Articles come from ../shared/bench/news_articles.jsonl.gz (or --source). tests/test_faults.py runs
a small version in CI.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SOURCE = ROOT.parent / "shared" / "bench" / "news_articles.jsonl.gz"


@dataclass
class KillRound:
    killed_after_s: float
    exit_code: int | None  # None: it was killed; otherwise it finished before the kill
    files_indexed: int
    chunks_indexed: int
    partial_files: list[str] = field(default_factory=list)


@dataclass
class KillReport:
    articles: int
    expected_chunks: int
    rounds: list[KillRound]
    final_files: int
    final_chunks: int

    @property
    def ok(self) -> bool:
        return (
            all(not r.partial_files for r in self.rounds)
            and self.final_files == self.articles
            and self.final_chunks == self.expected_chunks
        )


def write_corpus(source: Path, target: Path, count: int) -> list[Path]:
    """``count`` articles as Markdown files with front matter: the first ones of a JSONL(.gz) news
    dump, or numbered copies of the files of a folder (each copy's text differs, so its chunks do)."""
    target.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        originals = sorted(p for p in source.iterdir() if p.is_file())
        paths = []
        for i in range(count):
            original = originals[i % len(originals)]
            path = target / f"copy{i:04d}_{original.stem}.md"
            path.write_text(f"Copy {i}.\n\n" + original.read_text(encoding="utf-8"), encoding="utf-8")
            paths.append(path)
        return paths
    paths = []
    with gzip.open(source, "rt", encoding="utf-8") as lines:
        for line in lines:
            if len(paths) == count:
                break
            row = json.loads(line)
            if not row.get("text", "").strip():
                continue
            title = str(row.get("title") or "").replace("\n", " ")
            published = str(row.get("date") or "").replace("/", "-")
            path = target / f"{row['id']}.md"
            path.write_text(f"---\ntitle: {title}\npublished: {published}\n---\n{row['text']}\n", encoding="utf-8")
            paths.append(path)
    return paths


def expected_chunk_ids(paths: list[Path]) -> dict[str, set[str]]:
    from assistant.config import Settings
    from assistant.ingest.chunking import ChunkSettings, chunk_article
    from assistant.ingest.readers import read_article

    settings = Settings()
    chunking = ChunkSettings(settings.chunk_size, settings.chunk_overlap)
    return {p.name: {c.id for c in chunk_article(read_article(p), chunking)} for p in paths}


def indexed_chunk_ids(data_dir: Path) -> dict[str, list[str]]:
    """Chunk ids per file as stored, read through the project's own store (so it must open)."""
    from assistant.config import Settings
    from assistant.pipeline import Assistant

    bot = Assistant(Settings(data_dir=data_dir))
    if not bot.store.exists():
        return {}
    bot.documents()  # opens and checks the collection like any user would
    by_file: dict[str, list[str]] = {}
    for chunk in bot.store.all_chunks():
        by_file.setdefault(chunk.file, []).append(chunk.id)
    return by_file


def check(data_dir: Path, expected: dict[str, set[str]]) -> tuple[int, int, list[str]]:
    """(files, chunks, files whose stored chunks differ from a full ingest)."""
    stored = indexed_chunk_ids(data_dir)
    partial = [f for f, ids in stored.items() if len(ids) != len(set(ids)) or set(ids) != expected.get(f)]
    return len(stored), sum(len(ids) for ids in stored.values()), sorted(partial)


def _ingest_command(corpus: Path, verbose: bool = False) -> list[str]:
    return [sys.executable, "-m", "assistant", *(["-v"] if verbose else []), "ingest", str(corpus), "--no-progress"]


def _ingest_and_kill(corpus: Path, env: dict[str, str], delay: float) -> tuple[int | None, float]:
    """Start an ingest; SIGKILL it ``delay`` seconds after it wrote its first article (its log says
    so), so the kill lands among reads, embeddings and writes rather than during start-up."""
    process = subprocess.Popen(
        _ingest_command(corpus, verbose=True), env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    started = threading.Event()

    def watch() -> None:
        assert process.stderr is not None
        while chunk := process.stderr.read1(4096):  # type: ignore[attr-defined]
            if b"indexed " in chunk:
                started.set()
        started.set()  # it exited

    threading.Thread(target=watch, daemon=True).start()
    started.wait(timeout=300)
    began = time.perf_counter()
    try:
        return process.wait(timeout=delay), time.perf_counter() - began
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return None, time.perf_counter() - began


def run(
    articles: int, kills: int, source: Path, seed: int, max_delay_s: float, workdir: Path, batch_size: int | None = None
) -> KillReport:
    rng = random.Random(seed)
    corpus = workdir / "corpus"
    data_dir = workdir / "index"
    paths = write_corpus(source, corpus, articles)
    expected = expected_chunk_ids(paths)
    # The numbered copies of a folder are near-duplicates on purpose (more data to kill mid-write):
    # syndicated-copy merging would index one of each, so it is off for this crash test.
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_DEDUP_THRESHOLD": "0"}
    if batch_size:  # smaller batches: more write boundaries for a kill to land between
        env["ASSISTANT_EMBED_BATCH_SIZE"] = str(batch_size)
    rounds: list[KillRound] = []
    for round_number in range(kills):
        delay = rng.uniform(0.0, max_delay_s)
        exit_code, killed_after = _ingest_and_kill(corpus, env, delay)
        files, chunks, partial = check(data_dir, expected)
        rounds.append(KillRound(round(killed_after, 2), exit_code, files, chunks, partial))
        print(
            f"round {round_number + 1}: killed {killed_after:.1f} s after the first write, "
            f"{files} files / {chunks} chunks indexed, {len(partial)} partial"
            + ("" if exit_code is None else f" (finished first, exit {exit_code})"),
            flush=True,
        )
    subprocess.run(_ingest_command(corpus), env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    files, chunks, partial = check(data_dir, expected)
    if partial:
        rounds.append(KillRound(0.0, 0, files, chunks, partial))
    return KillReport(articles, sum(len(ids) for ids in expected.values()), rounds, files, chunks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument(
        "--max-delay", type=float, default=20.0, help="kill within this many seconds of indexing starting"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batch-size", type=int, help="ASSISTANT_EMBED_BATCH_SIZE for the killed ingests")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--json", type=Path, help="write the report here")
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        report = run(args.articles, args.kills, args.source, args.seed, args.max_delay, Path(tmp), args.batch_size)
    summary = {**asdict(report), "ok": report.ok, "seconds": round(time.perf_counter() - started, 1)}
    print(
        f"{'OK' if report.ok else 'FAILED'}: {report.final_files}/{report.articles} articles, "
        f"{report.final_chunks}/{report.expected_chunks} chunks after {len(report.rounds)} kills"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    sys.exit(0 if report.ok else 1)


if __name__ == "__main__":
    main()
