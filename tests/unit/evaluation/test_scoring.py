"""The gold format's optional fields, distractors, outcomes and the split, on text from outside the corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant import ConfigError
from assistant.evaluation.gold import GoldQuestion, in_split, load_gold, split_of
from assistant.evaluation.harness import Prediction, summarise
from assistant.evaluation.metrics import names_distractor, score_answer
from assistant.evaluation.readings import date_values, name_runs, number_values


def _gold(**fields: object) -> GoldQuestion:
    base: dict[str, object] = {"id": "x1", "question": "?", "type": "text", "answer": "Southwest Airlines"}
    return GoldQuestion.model_validate(base | fields)


@pytest.mark.parametrize(("answer", "value"), [("34 hours", 34), ("a dozen", 12), ("2.5 million", 2_500_000), (7, 7)])
def test_number_answers_may_be_strings(answer: object, value: float) -> None:
    gold = _gold(type="number", answer=answer)
    assert gold.number_value() == value
    assert score_answer(gold, f"It took {answer} [1].", False, 1).correct


def test_a_number_string_without_a_number_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"id": "n1", "question": "?", "type": "number", "answer": "lots"}) + "\n")
    with pytest.raises(ConfigError, match="line 1"):
        load_gold(path)


def test_naming_a_distractor_makes_an_answer_wrong() -> None:
    gold = _gold(distractors=["Delta Airlines", "Frontier Airlines"])
    assert score_answer(gold, "Southwest Airlines pilots picketed [1].", False, 1).outcome == "correct"
    mixed = score_answer(gold, "Southwest Airlines or Delta Airlines [1].", False, 1)
    assert not mixed.correct and mixed.outcome == "wrong"


def test_a_distractor_inside_the_gold_answer_is_masked() -> None:
    gold = _gold(answer="New York City", distractors=["New York", "Chicago"])
    assert names_distractor(gold, "Officials in New York City opened a camp.") is None
    assert names_distractor(gold, "New York City and Chicago") == "Chicago"


def test_outcomes_tell_abstentions_from_wrong_answers() -> None:
    gold = _gold()
    assert score_answer(gold, "The articles do not say.", True, 0).outcome == "abstained"
    assert score_answer(gold, "American Airlines [1].", False, 1).outcome == "wrong"
    unanswerable = _gold(type="unanswerable", answer=None)
    assert score_answer(unanswerable, "The articles do not say.", True, 0).outcome == "correct"
    assert score_answer(unanswerable, "Bob Dylan [1].", False, 1).outcome == "wrong"


def test_split_by_the_last_digit_of_the_id() -> None:
    assert split_of("rt20220624_10") == "tune" and split_of("q61") == "report"
    questions = [_gold(id=f"q{i}") for i in range(10)]
    assert {q.id for q in in_split(questions, "tune")} == {"q0", "q2", "q4", "q6", "q8"}
    assert len(in_split(questions, "report")) == 5 and len(in_split(questions, "all")) == 10
    assert split_of("abc") in {"tune", "report"}


def test_readings_are_the_evals_own() -> None:
    assert date_values("The bridge reopened on 14/02/2026.") == [(2026, 2, 14)]
    assert (None, 3, 9) in date_values("Voters went to the polls on March 9.")
    assert 187.0 in number_values("for one hundred eighty-seven minutes")
    assert 1_200.0 in number_values("1,200 residents")
    assert name_runs("Chancellor Olaf Scholz met Denzel Washington.") == ["Chancellor Olaf Scholz", "Denzel Washington"]


def _row(outcome: str) -> Prediction:
    return Prediction(
        "x", "extractive", "text", "?", "", None, [], [], outcome == "abstained", outcome == "correct",
        None, None, 0, 0, 0.0, 0.0, 0.0, outcome=outcome,
    )  # fmt: skip


def test_score_is_correct_minus_wrong_over_questions() -> None:
    summary = summarise([_row("correct")] * 5 + [_row("wrong")] * 2 + [_row("abstained")] * 3)
    assert summary["outcomes"] == {"correct": 5, "wrong": 2, "abstained": 3}
    assert summary["score"] == pytest.approx(0.3) and summary["wrong_rate"] == pytest.approx(0.2)
