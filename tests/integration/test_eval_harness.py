"""The harness end to end on a small gold file: it writes every artefact and it can fail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant import Settings
from assistant.evaluation.harness import run_eval
from tests.conftest import ARTICLES

GOLD = [
    {
        "id": "a",
        "question": "Who leads Crew-12?",
        "type": "person",
        "answer": "Jessica Meir",
        "aliases": ["Meir"],
        "sources": ["002_15bd8c08e1a82e16.txt"],
    },
    {
        "id": "b",
        "question": "When did Crew-12 dock with the ISS?",
        "type": "date",
        "answer": "2026-02-14",
        "sources": ["002_15bd8c08e1a82e16.txt"],
    },
    {
        "id": "c",
        "question": "How many hooks latched the Dragon capsule into place?",
        "type": "number",
        "answer": 12,
        "sources": ["001_c63f224d91df91f5.txt"],
    },
    {"id": "d", "question": "Who commanded Crew-13?", "type": "unanswerable", "answer": None, "sources": []},
]


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_harness_writes_predictions_report_and_plots(tmp_path: Path) -> None:
    gold = _write(tmp_path / "gold.jsonl", GOLD)
    out = tmp_path / "report"
    report = run_eval(gold, ARTICLES, out, ["extractive"], Settings(data_dir=tmp_path / "unused"), baseline=False)
    summary = report["generators"]["extractive"]
    assert summary["accuracy"] == 1.0
    assert summary["citations_to_unretrieved"] == 0
    lines = [json.loads(line) for line in (out / "predictions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [p["id"] for p in lines] == ["a", "b", "c", "d"]
    assert {"answer", "citations", "abstained", "retrieve_ms", "total_ms"} <= set(lines[0])
    for name in ("report.json", "report.md", "accuracy_by_type.png", "latency.png", "retrieval_recall.png"):
        assert (out / name).stat().st_size > 0
    assert "| extractive |" in (out / "report.md").read_text(encoding="utf-8")
    assert not (out / "work").exists()  # its private index is cleaned up


def test_harness_fails_wrong_gold_answers(tmp_path: Path) -> None:
    wrong = [
        {**GOLD[0], "answer": "Jack Hathaway", "aliases": []},
        {**GOLD[1], "answer": "2026-02-15"},
        {**GOLD[2], "answer": 13},
        {"id": "d", "question": "Who leads Crew-12?", "type": "unanswerable", "answer": None, "sources": []},
    ]
    gold = _write(tmp_path / "gold.jsonl", wrong)
    report = run_eval(gold, ARTICLES, tmp_path / "r", ["extractive"], Settings(data_dir=tmp_path / "u"), baseline=False)
    assert report["generators"]["extractive"]["accuracy"] == 0.0
    assert "**no**" in (tmp_path / "r" / "report.md").read_text(encoding="utf-8")


def test_gold_citing_missing_files_is_refused(tmp_path: Path) -> None:
    from assistant import ConfigError

    gold = _write(tmp_path / "gold.jsonl", [{**GOLD[0], "sources": ["nope.txt"]}])
    with pytest.raises(ConfigError, match=r"nope\.txt"):
        run_eval(gold, ARTICLES, tmp_path / "r", ["extractive"], Settings(data_dir=tmp_path / "u"), baseline=False)


@pytest.mark.slow
def test_naive_baseline_runs_beside_our_pipeline(tmp_path: Path) -> None:
    gold = _write(tmp_path / "gold.jsonl", GOLD[:2])
    report = run_eval(gold, ARTICLES, tmp_path / "r", ["extractive"], Settings(data_dir=tmp_path / "u"), baseline=True)
    assert set(report["generators"]) == {"extractive", "naive-llamaindex"}
    assert report["generators"]["naive-llamaindex"]["n"] == 2
