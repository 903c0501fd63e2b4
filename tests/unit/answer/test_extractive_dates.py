"""The extractive answer of a question scoped to a period reads the articles published in it."""

from __future__ import annotations

from datetime import date

from assistant.answer.extractive import ExtractiveGenerator
from assistant.query.query import parse_query
from assistant.types import Chunk, Passage

QUESTION = "Which airline's pilots picketed outside the terminal this week?"


def _passage(n: int, text: str, published: date | None) -> Passage:
    return Passage(n, Chunk(id=f"c{n}", file=f"{n}.txt", text=text, start=0, end=len(text), published=published))


def test_an_older_article_does_not_answer_this_weeks_question() -> None:
    passages = [
        _passage(1, "Hundreds of pilots from Lufthansa picketed outside the terminal in 2019.", date(2019, 5, 2)),
        _passage(2, "Hundreds of pilots from Qantas picketed outside the terminal on Tuesday.", date(2023, 4, 25)),
    ]
    query = parse_query(QUESTION, as_of=date(2023, 4, 28))
    assert query.scope is not None and query.scope.contains(date(2023, 4, 25))
    draft = ExtractiveGenerator().generate(query, passages)
    assert draft.short_answer == "Qantas", draft.text


def test_with_no_article_of_the_period_every_article_is_read() -> None:
    passages = [_passage(1, "Hundreds of pilots from Lufthansa picketed outside the terminal.", date(2019, 5, 2))]
    draft = ExtractiveGenerator().generate(parse_query(QUESTION, as_of=date(2023, 4, 28)), passages)
    assert draft.short_answer == "Lufthansa", draft.text


def test_an_undated_article_is_neither_favoured_nor_dropped() -> None:
    passages = [
        _passage(1, "Hundreds of pilots from Lufthansa picketed outside the terminal.", None),
        _passage(2, "Hundreds of pilots from Qantas picketed outside the terminal on Tuesday.", date(2023, 4, 25)),
    ]
    draft = ExtractiveGenerator().generate(parse_query(QUESTION, as_of=date(2023, 4, 28)), passages)
    assert draft.abstained  # two airlines fit equally well: a guess, not an answer
