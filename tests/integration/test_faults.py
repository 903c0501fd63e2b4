"""Crash-safe ingest: `assistant ingest` killed with SIGKILL mid-run leaves no partial article.

A CI-sized run of eval/bench/kill_ingest.py (the documented long run: 200 articles, 10 kills).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ARTICLES, load_bench_script

pytestmark = pytest.mark.slow


def test_sigkilled_ingest_leaves_whole_articles_and_a_rerun_completes(tmp_path: Path) -> None:
    kill_ingest = load_bench_script("kill_ingest")
    report = kill_ingest.run(
        articles=24, kills=3, source=ARTICLES, seed=3, max_delay_s=4.0, workdir=tmp_path, batch_size=4
    )
    assert all(r.partial_files == [] for r in report.rounds), report.rounds
    assert any(r.exit_code is None and r.files_indexed > 0 for r in report.rounds)  # a kill landed mid-run
    assert report.final_files == 24
    assert report.final_chunks == report.expected_chunks  # counted: no duplicates, nothing missing
    assert report.ok
