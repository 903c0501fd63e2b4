"""A short run of the load test (eval/bench/load_test.py): concurrent API and page clients, zero failures.

The documented run is 20 clients for 60 seconds; its figures are in the README.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import load_bench_script

pytestmark = pytest.mark.slow


def test_concurrent_clients_get_answers_and_none_fails(tmp_path: Path) -> None:
    report = load_bench_script("load_test").run(
        clients=8, seconds=8, page_clients=2, data_dir=tmp_path, max_growth_mb=10_000
    )
    assert report["failed"] == 0, report["failures"]
    assert report["by_channel"]["api"]["answers"] > 0
    assert report["by_channel"]["api-stream"]["answers"] > 0
    assert report["by_channel"]["page"]["answers"] > 0
