"""The results tables of README.md and docs/ are rendered from committed reports (eval/render_results.py)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT


def _renderer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("render_results", ROOT / "eval" / "render_results.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["render_results"] = module
    spec.loader.exec_module(module)
    return module


def test_committed_tables_agree_with_the_reports() -> None:
    out = _renderer().stale()
    assert not out, f"{out} disagree with the committed reports: run python eval/render_results.py"


def _report(correct: int, wrong: int, abstained: int) -> dict[str, object]:
    n = correct + wrong + abstained
    outcomes = {"correct": correct, "wrong": wrong, "abstained": abstained}
    extractive = {"n": n, "outcomes": outcomes, "score": (correct - wrong) / n, "latency_ms": {"total": {"p50": 42.0}}}
    return {"split": "report", "generators": {"extractive": extractive}}


def _house(tmp_path: Path, rows: list[str]) -> Path:
    results = tmp_path / "eval" / "reports" / "results"
    for name in ("a", "b"):
        (results / name).mkdir(parents=True, exist_ok=True)
    (results / "a" / "report.json").write_text(json.dumps(_report(8, 1, 1)), encoding="utf-8")
    (results / "b" / "report.json").write_text(json.dumps(_report(6, 2, 2)), encoding="utf-8")
    (results / "manifest.toml").write_text(
        'targets = ["README.md"]\nanswers = [\n'
        + "".join(f"  {row},\n" for row in rows)
        + ']\n[sets.dev]\nlabel = "dev, reported half"\nsplit = "report"\ncommand = "assistant eval --split report"\n',
        encoding="utf-8",
    )
    (tmp_path / "README.md").write_text("intro\n<!-- rendered:answers -->\n<!-- /rendered:answers -->\nend\n")
    return tmp_path


def test_a_row_is_one_manifest_line_and_a_changed_report_is_caught(tmp_path: Path) -> None:
    renderer = _renderer()
    row = '{{ set = "dev", label = "extractive ({})", generator = "extractive", report = "{}/report.json" }}'
    rules, reader = row.format("rules only", "a"), row.format("rules + reader", "b")
    house = _house(tmp_path, [rules])
    assert renderer.stale(house) == ["README.md"]
    assert renderer.write(house) == ["README.md"]
    assert renderer.stale(house) == []
    text = (house / "README.md").read_text()
    assert "| dev, reported half | extractive (rules only) | 10 | 8 (80.0%) | 1 (10.0%) | 1 (10.0%) | +70.0% |" in text
    assert text.startswith("intro\n") and text.endswith("end\n")

    house = _house(tmp_path, [rules, reader])
    assert renderer.stale(house) == ["README.md"]
    renderer.write(house)
    assert "| extractive (rules + reader) | 10 | 6 (60.0%) | 2 (20.0%)" in (house / "README.md").read_text()

    (house / "eval" / "reports" / "results" / "b" / "report.json").write_text(json.dumps(_report(7, 1, 2)))
    assert renderer.stale(house) == ["README.md"]


def test_a_row_without_its_report_is_refused(tmp_path: Path) -> None:
    renderer = _renderer()
    house = _house(tmp_path, ['{ set = "dev", generator = "extractive", report = "missing/report.json" }'])
    with pytest.raises(renderer.ManifestError, match="does not exist"):
        renderer.stale(house)
