"""The naive pipeline beside the generator under test: which model it runs on, the prompt tokens of
each (0 where no model was asked, unreported where the server gave no count), and the report's table."""

from __future__ import annotations

from pathlib import Path

from assistant.evaluation.harness import Prediction, baseline_llm, on_questions, prompt_token_summary, summarise
from assistant.evaluation.report import tokens_cell, write_markdown


def _row(generator: str, outcome: str, tokens: int | None, total_ms: float = 100.0) -> Prediction:
    return Prediction(
        "x", generator, "text", "?", "", None, [], [], outcome == "abstained", outcome == "correct",
        None, None, 0, 0, 0.0, 0.0, total_ms, outcome=outcome, prompt_tokens=tokens,
    )  # fmt: skip


def test_the_baseline_runs_on_the_endpoint_under_test_else_the_local_model() -> None:
    assert baseline_llm(["extractive", "openai"]) == "openai"
    assert baseline_llm(["openai"]) == "openai"
    assert baseline_llm(["extractive", "local"]) == "local"


def test_prompt_tokens_are_a_mean_per_question_and_a_median_per_call() -> None:
    rows = [_row("openai", "correct", 300), _row("openai", "correct", 500), _row("openai", "abstained", 0)]
    rows.append(_row("openai", "wrong", None))  # asked, but the server reported no usage
    tokens = prompt_token_summary(rows)
    assert tokens == {"mean_per_question": 800 / 3, "p50_per_call": 400.0, "calls": 2, "unreported": 1}
    assert tokens_cell(tokens) == "267 / 400 (1 unreported)"
    assert tokens_cell(prompt_token_summary([_row("extractive", "correct", 0)])) == "0 (no model asked)"
    assert tokens_cell(prompt_token_summary([_row("naive", "correct", None)])) == "not reported by the server"


def test_the_report_puts_both_pipelines_side_by_side_on_the_same_questions(tmp_path: Path) -> None:
    ours = [_row("openai", "correct", 400, 2000.0), _row("openai", "abstained", 380, 1500.0)]
    naive = [_row("naive-llamaindex", "correct", 2100, 9000.0), _row("naive-llamaindex", "wrong", 2300, 11000.0)]
    model = "openai: qwen at http://127.0.0.1:8765/v1"
    generators = {"openai": summarise(ours) | {"model": model, "on_baseline_questions": on_questions(ours)}}
    generators["naive-llamaindex"] = summarise(naive) | {"model": model}
    retrieval = {"fused+rerank": {"recall_at_k": [1.0] * 10, "recall@5": 1.0, "hit@5": 1.0, "mrr": 1.0, "n": 2}}
    report = {
        "gold": "g.jsonl", "split": "report", "corpus": "c", "questions": 2, "baseline_questions": 2,
        "baseline_model": model, "ingest": {"chunks": 10, "seconds": 1.0}, "settings": {"top_k": 5},
        "seconds": 3.0, "generators": generators, "retrieval": retrieval,
    }  # fmt: skip
    write_markdown(report, [*ours, *naive], tmp_path)
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "## Beside the naive pipeline, same model" in text
    assert f"| openai | {model} | 2 | 1 (50.0%) | 0 (0.0%) | 1 (50.0%) | **+50.0%** | 1750 ms | 390 / 390 |" in text
    assert (
        f"| naive-llamaindex | {model} | 2 | 1 (50.0%) | 1 (50.0%) | 0 (0.0%) | **+0.0%** | 10000 ms | 2200 / 2200 |"
        in text
    )
