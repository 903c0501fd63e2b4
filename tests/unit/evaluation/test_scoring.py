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


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("The court ruled on June 24, 2022 [1].", True),
        ("The ruling came on the 24th of June 2022.", True),
        ("Friday, 24 June 2022: the ruling.", True),
        ("Decided 24/06/2022.", True),
        ("Decided 06/24/2022.", True),
        ("Filed 2022/06/24.", True),
        ("Decided on 2022-06-24.", True),
        ("It came on June 24.", True),  # no year stated: any year of the gold day
        ("On June twenty-fourth the court ruled.", True),
        ("The ruling came on June 25, 2022.", False),
        ("The ruling came on June 24, 2021.", False),
        ("The ruling came in June 2022.", False),
        ("Decided 06/07/2022.", False),  # day first: 6 July
    ],
)
def test_dates_in_many_shapes_from_outside_the_corpus(text: str, ok: bool) -> None:
    gold = _gold(type="date", answer="2022-06-24", distractors=[])
    assert score_answer(gold, text, False, 1).correct is ok


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("Two dozen ships and half a million barrels [1].", [24, 500_000]),
        ("two and a half million voters", [2_500_000]),
        ("a $1.5bn deal", [1_500_000_000]),
        ("an eight-month strike", [8]),
        ("Prices rose 60% [2].", [60]),
    ],
)
def test_numbers_in_words_and_scales_not_citation_marks(text: str, values: list[float]) -> None:
    assert number_values(text) == values


def test_a_cited_answer_does_not_state_the_number_one() -> None:
    assert not score_answer(_gold(type="number", answer=1), "Jessica Meir [1].", False, 1).correct
    assert score_answer(_gold(type="number", answer="one"), "Only one bridge reopened [1].", False, 1).correct


def test_percent_distractors_need_a_percentage() -> None:
    gold = _gold(answer="60%", distractors=["20%", "30%"])
    assert score_answer(gold, "Prices rose 60 percent over 20 years [1].", False, 1).correct
    assert score_answer(gold, "About 60% disapprove [1].", False, 1).correct
    assert not score_answer(gold, "Between 20% and 60% [1].", False, 1).correct


def test_curly_and_straight_quotes_are_the_same_title() -> None:
    gold = _gold(answer="“Succession”", distractors=["“Euphoria”"])
    assert score_answer(gold, "‘Succession’ led the nominations [1].", False, 1).correct
    assert score_answer(gold, "'Succession' led [1].", False, 1).correct
    assert not score_answer(gold, "Succession, then 'Euphoria' [1].", False, 1).correct


def test_a_date_answer_must_be_iso(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"id": "d1", "question": "?", "type": "date", "answer": "June 24"}) + "\n")
    with pytest.raises(ConfigError, match="line 1"):
        load_gold(path)


def test_an_unknown_split_is_refused() -> None:
    with pytest.raises(ConfigError, match="split"):
        in_split([_gold()], "dev")


def test_a_row_without_an_outcome_gets_one_by_the_same_rule() -> None:
    def row(qtype: str, abstained: bool, correct: bool) -> str:
        args = ("x", "g", qtype, "?", "", None, [], [], abstained, correct, None, None, 0, 0, 0.0, 0.0, 0.0)
        return Prediction(*args).outcome

    assert row("text", True, False) == "abstained"
    assert row("text", False, False) == "wrong"
    assert row("unanswerable", True, True) == "correct"
    assert row("unanswerable", True, False) == "wrong"  # abstained but cited something


def test_score_counts_wrong_against_and_abstained_as_nothing() -> None:
    rows = [_row("correct")] * 3 + [_row("wrong")] * 3 + [_row("abstained")] * 4
    summary = summarise(rows)
    assert summary["accuracy"] == pytest.approx(0.3) == summary["correct_rate"]
    assert summary["score"] == pytest.approx(0.0)
    assert summary["abstain_rate"] == pytest.approx(0.4)
    assert summarise([_row("wrong")] * 2)["score"] == pytest.approx(-1.0)
    assert summarise([])["score"] == 0.0


def test_report_shows_outcomes_for_every_generator_and_the_baseline(tmp_path: Path) -> None:
    from assistant.evaluation.report import write_markdown

    ours, naive = [_row("correct"), _row("abstained")], [_row("wrong"), _row("correct")]
    retrieval = {"fused+rerank": {"recall_at_k": [1.0] * 10, "recall@5": 1.0, "hit@5": 1.0, "mrr": 1.0, "n": 2}}
    report = {
        "gold": "/data/quiz/gold.jsonl",
        "split": "report",
        "corpus": "/data/quiz/corpus",
        "questions": 2,
        "ingest": {"chunks": 10, "seconds": 1.0},
        "settings": {"top_k": 5},
        "seconds": 3.0,
        "generators": {"extractive": summarise(ours), "naive-llamaindex": summarise(naive)},
        "retrieval": retrieval,
    }
    write_markdown(report, [*ours, *naive], tmp_path)
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "| generator | questions | correct | wrong | abstained | score |" in text
    assert "| extractive | 2 | 1 (50.0%) | 0 (0.0%) | 1 (50.0%) | **+50.0%** |" in text
    assert "| naive-llamaindex | 2 | 1 (50.0%) | 1 (50.0%) | 0 (0.0%) | **+0.0%** |" in text
    assert "/data/quiz/gold.jsonl" in text and "split: report" in text


def test_the_baseline_index_is_rebuilt_when_its_corpus_changes(tmp_path: Path) -> None:
    from assistant.evaluation.baseline import corpus_fingerprint

    (tmp_path / "a.txt").write_text("one", encoding="utf-8")
    (tmp_path / ".hidden").write_text("ignored", encoding="utf-8")
    before = corpus_fingerprint(tmp_path, "model")
    (tmp_path / ".hidden").write_text("still ignored", encoding="utf-8")
    assert corpus_fingerprint(tmp_path, "model") == before
    assert corpus_fingerprint(tmp_path, "other model") != before
    (tmp_path / "a.txt").write_text("two", encoding="utf-8")
    assert corpus_fingerprint(tmp_path, "model") != before
