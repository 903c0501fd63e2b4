"""Each metric says yes and no on hand-made cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import ConfigError
from assistant.evaluation.gold import GoldQuestion, load_gold
from assistant.evaluation.metrics import answer_contains, score_answer, token_f1


def gold(**kw: object) -> GoldQuestion:
    base: dict[str, object] = {"id": "x", "question": "q?", "sources": ["a.txt"]}
    return GoldQuestion.model_validate({**base, **kw})


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Feb. 14, 2026 [1].", True),
        ("February 14 [1].", True),
        ("It docked on 2026-02-14.", True),
        ("February 15, 2026", False),
        ("February 14, 2025", False),
        ("March 14, 2026", False),
    ],
)
def test_date(text: str, ok: bool) -> None:
    assert score_answer(gold(type="date", answer="2026-02-14"), text, False, 1).correct is ok


@pytest.mark.parametrize(
    ("text", "value", "ok"),
    [
        ("a dozen hooks", 12, True),
        ("400 pounds of cargo", 400, True),
        ("the sixth flight", 6, True),
        ("eleven hooks", 12, False),
        ("4,000 pounds", 400, False),
        ("18 times", 18, True),
    ],
)
def test_number(text: str, value: int, ok: bool) -> None:
    assert score_answer(gold(type="number", answer=value), text, False, 1).correct is ok


def test_person_by_name_or_alias_but_not_another() -> None:
    g = gold(type="person", answer="Jessica Meir", aliases=["Meir"])
    assert score_answer(g, "Jessica Meir [1].", False, 1).correct
    assert score_answer(g, "Commander Meir leads.", False, 1).correct
    assert not score_answer(g, "Jack Hathaway [1].", False, 1).correct
    assert not score_answer(g, "Jessica Meir", True, 0).correct  # abstained
    assert not score_answer(g, "Jessica Meir, Jack Hathaway, Sophie Adenot and Andrey Fedyaev [1].", False, 1).correct
    assert not score_answer(g, "Elon Musk said Jessica Meir would fly.", False, 1).correct


def test_people_precision_recall() -> None:
    g = gold(type="people", answer=["Zena Cardman", "Mike Fincke", "Kimiya Yui", "Oleg Platonov"])
    full = score_answer(g, "Zena Cardman, Mike Fincke, Kimiya Yui and Oleg Platonov.", False, 1)
    assert full.correct and full.f1 == 1.0
    half = score_answer(g, "Zena Cardman and Mike Fincke.", False, 1)
    assert not half.correct and half.recall == 0.5 and half.precision == 1.0
    padded = score_answer(
        g, "Zena Cardman, Mike Fincke, Kimiya Yui, Oleg Platonov, Elon Musk and Sean Duffy.", False, 1
    )
    assert padded.recall == 1.0 and padded.precision == pytest.approx(4 / 6)


def test_text_containment_and_f1() -> None:
    g = gold(type="text", answer="Kennedy Space Center", aliases=["KSC"])
    assert score_answer(g, "From Kennedy Space Center in Florida [1].", False, 1).correct
    assert not score_answer(g, "From Cape Canaveral [1].", False, 1).correct
    assert token_f1("Kennedy Space Center", "Kennedy Space Center") == 1.0


def test_unanswerable_needs_abstention_and_no_citation() -> None:
    g = gold(type="unanswerable", answer=None, sources=[])
    assert score_answer(g, "The articles do not cover this.", True, 0).correct
    assert not score_answer(g, "The articles do not cover this.", True, 1).correct
    assert not score_answer(g, "Jessica Meir.", False, 1).correct


def test_quote_contains_answer() -> None:
    g = gold(type="number", answer=12)
    assert answer_contains(g, "On the port, a dozen hooks latched the capsule into place.")
    assert not answer_contains(g, "After reaching space, the Dragon spacecraft circled the Earth 18 times.")


def test_malformed_gold_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(
        '{"id": "q1", "question": "Who?", "type": "person", "answer": "A B", "sources": []}\n'
        '{"id": "q2", "question": "When?", "type": "date"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="line 2"):
        load_gold(path)
    path.write_text('{"id": "q1", "question": "How many?", "type": "number", "answer": "lots"}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="line 1"):
        load_gold(path)


def test_project_gold_set_loads() -> None:
    questions = load_gold(Path(__file__).resolve().parents[3] / "eval" / "gold" / "gold.jsonl")
    assert len(questions) >= 40
    assert sum(q.type == "unanswerable" for q in questions) >= 6
