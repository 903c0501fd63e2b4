"""The eval's optional LLM judge: real llama.cpp server on 127.0.0.1, a judge that says no, a judge that is down."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Settings
from assistant.evaluation.harness import run_eval
from assistant.evaluation.judge import JudgeConfig
from tests.conftest import ARTICLES, fixed_reply_endpoint
from tests.integration.test_eval_harness import GOLD, _write
from tests.support.loopback import free_port, start_llama_server

ANSWERED = {"a", "b", "c"}  # "d" is unanswerable: the pipeline abstains, nothing to judge


def _predictions(out: Path) -> dict[str, dict[str, object]]:
    rows = [json.loads(line) for line in (out / "predictions.jsonl").read_text(encoding="utf-8").splitlines()]
    return {str(r["id"]): r for r in rows}


@pytest.fixture
def strict_judge() -> Iterator[str]:
    """A judge whose every verdict is NO (a stand-in for a strict hosted judge)."""
    with fixed_reply_endpoint("NO") as url:
        yield url


def test_no_judge_configured_means_no_judge_numbers(tmp_path: Path) -> None:
    gold = _write(tmp_path / "gold.jsonl", GOLD)
    report = run_eval(gold, ARTICLES, tmp_path / "r", ["extractive"], Settings(data_dir=tmp_path / "u"), baseline=False)
    assert "judge" not in report["generators"]["extractive"]
    assert "LLM judge" not in (tmp_path / "r" / "report.md").read_text(encoding="utf-8")


def test_a_judge_that_says_no_fails_every_answer_and_lists_them(tmp_path: Path, strict_judge: str) -> None:
    gold = _write(tmp_path / "gold.jsonl", GOLD)
    out = tmp_path / "r"
    judge = JudgeConfig(strict_judge, "strict")
    report = run_eval(gold, ARTICLES, out, ["extractive"], Settings(data_dir=tmp_path / "u"), False, judge=judge)
    summary = report["generators"]["extractive"]
    assert summary["accuracy"] == 1.0  # the rule-based numbers do not depend on the judge
    assert summary["judge"] == {"model": "strict", "judged": 3, "errors": 0, "faithfulness": 0.0, "relevancy": 0.0}
    rows = _predictions(out)
    assert {i for i, r in rows.items() if r["judge_faithful"] is False} == ANSWERED
    assert rows["d"]["judge_faithful"] is None
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "| extractive | 3 | 0.0% | 0.0% | 0 |" in markdown
    assert "Judged not supported by their own citations" in markdown


def test_a_judge_that_is_down_is_recorded_and_changes_nothing_else(tmp_path: Path) -> None:
    gold = _write(tmp_path / "gold.jsonl", GOLD)
    judge = JudgeConfig(f"http://127.0.0.1:{free_port()}/v1", "gone", timeout_s=2)
    settings = Settings(data_dir=tmp_path / "u")
    report = run_eval(gold, ARTICLES, tmp_path / "r", ["extractive"], settings, False, judge=judge)
    summary = report["generators"]["extractive"]
    assert summary["accuracy"] == 1.0
    assert summary["judge"]["judged"] == 0
    assert summary["judge"]["errors"] == 3
    assert summary["judge"]["faithfulness"] is None
    errors = [r["judge_error"] for r in _predictions(tmp_path / "r").values() if r["judge_error"]]
    assert errors and all("cannot be reached" in e for e in errors)


@pytest.mark.slow
def test_real_llama_cpp_server_judges_each_answer(tmp_path: Path) -> None:
    """The bundled SmolLM2 behind `python -m llama_cpp.server` as the judge: the whole path is real.

    A 135M judge's verdicts are not worth much; what is checked is that every answered question
    gets both verdicts from the endpoint and the report carries them."""
    process, base = start_llama_server()
    try:
        gold = _write(tmp_path / "gold.jsonl", GOLD)
        out = tmp_path / "r"
        judge = JudgeConfig(base, "smollm2")
        report = run_eval(gold, ARTICLES, out, ["extractive"], Settings(data_dir=tmp_path / "u"), False, judge=judge)
    finally:
        process.terminate()
        process.wait(timeout=30)
    verdicts = report["generators"]["extractive"]["judge"]
    assert verdicts["judged"] == 3 and verdicts["errors"] == 0
    assert 0.0 <= verdicts["faithfulness"] <= 1.0 and 0.0 <= verdicts["relevancy"] <= 1.0
    rows = _predictions(out)
    assert all(isinstance(rows[i]["judge_faithful"], bool) for i in ANSWERED)
    assert "## LLM judge (smollm2" in (out / "report.md").read_text(encoding="utf-8")
