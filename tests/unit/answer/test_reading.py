"""The reader's seam, with a fake reader: windows around the best sentences, spans grouped into answers
and cited by the sentence that holds them, and the policy that decides between reader and rules."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.answer.extractive import ExtractiveGenerator
from assistant.answer.reader import ReadSpan, best_spans
from assistant.answer.reading import ReaderPolicy, decide, read_ranking
from assistant.query.query import parse_query
from assistant.retrieval.evidence import score_sentences
from assistant.types import Chunk, Passage

TEXT = (
    "Storm Ciarán reached the coast of Brittany on Thursday night. "
    "Winds of 180 km/h were recorded at the tip of Finistère. "
    "The ferry operator Brittany Ferries cancelled every crossing to Plymouth."
)


def _passages(*texts: str) -> list[Passage]:
    return [
        Passage(n, Chunk(id=f"c{n}", file=f"{n}.txt", text=text, start=0, end=len(text)))
        for n, text in enumerate(texts, start=1)
    ]


class FakeReader:
    """Points at a fixed phrase wherever a window holds it, with a fixed score."""

    def __init__(self, spans: dict[str, float]) -> None:
        self.spans = spans
        self.windows: list[str] = []

    def read(self, question: str, windows: Sequence[str]) -> list[ReadSpan]:
        self.windows = list(windows)
        found = []
        for k, window in enumerate(windows):
            for phrase, score in self.spans.items():
                at = window.find(phrase)
                if at >= 0:
                    found.append(ReadSpan(k, at, at + len(phrase), phrase, score))
        return sorted(found, key=lambda s: -s.score)


def _ranking(question: str, *texts: str):  # type: ignore[no-untyped-def]
    query = parse_query(question)
    return query, score_sentences(query, _passages(*texts))


def test_windows_hold_a_sentence_with_its_neighbours() -> None:
    query, ranking = _ranking("Which ferry company cancelled its crossings?", TEXT)
    reader = FakeReader({})
    read_ranking(reader, query.text, ranking)
    assert any("Winds of 180 km/h" in w and "Brittany Ferries" in w for w in reader.windows)


def test_spans_of_one_answer_are_grouped_and_cited_by_their_sentence() -> None:
    query, ranking = _ranking(
        "Which ferry company cancelled its crossings?",
        TEXT,
        "Brittany Ferries said the crossings would resume on Saturday.",
    )
    reading = read_ranking(FakeReader({"Brittany Ferries": 4.0, "Plymouth": 1.0}), query.text, ranking)
    assert reading.best is not None
    assert reading.best.text == "Brittany Ferries"
    assert reading.best.windows >= 2
    assert "Brittany Ferries" in reading.best.sentence.text
    assert reading.gap == 3.0
    assert reading.support("brittany ferries") == 4.0


def test_policy_confirms_the_rules_overrules_them_or_abstains() -> None:
    query, ranking = _ranking("Which ferry company cancelled its crossings?", TEXT)
    reading = read_ranking(FakeReader({"Brittany Ferries": 4.0, "Plymouth": 3.5}), query.text, ranking)
    policy = ReaderPolicy(answer_at=3.0, margin=1.0, confirm_at=2.0, keep_unconfirmed=False)
    sentence = TEXT.split(". ")[2]
    assert decide("Brittany Ferries", sentence, reading, policy) == "rules"  # the reader confirms it
    # The rules name something the reader does not propose, and the reader's lead is too small.
    assert decide("Finistère", sentence, reading, policy) == "abstain"
    assert decide("Finistère", sentence, reading, ReaderPolicy(3.0, 0.0, 2.0, False)) == "reader"
    assert decide("Finistère", sentence, reading, ReaderPolicy(9.0, 0.0, 2.0, True)) == "rules"
    # Without overruling, the reader only answers where the rules abstain.
    assert decide("Finistère", sentence, reading, ReaderPolicy(3.0, 0.0, 2.0, True, overrule=False)) == "rules"
    assert decide(None, None, reading, ReaderPolicy(3.0, 0.0, 2.0, False)) == "reader"
    # The rules quote a whole sentence that holds the reader's best span: the span is the answer.
    assert decide(None, sentence, reading, policy) == "reader"


def test_the_generator_answers_with_the_readers_span_and_cites_its_passage() -> None:
    passages = _passages("The mayor praised the volunteers.", TEXT)
    generator = ExtractiveGenerator(
        reader=FakeReader({"Brittany Ferries": 5.0}), policy=ReaderPolicy(2.0, 1.0, 2.0, False)
    )
    draft = generator.generate(parse_query("Which ferry company cancelled its crossings?"), passages)
    assert draft.short_answer == "Brittany Ferries"
    assert draft.text == "Brittany Ferries [2]."


def test_the_generator_abstains_when_the_reader_refuses_everything() -> None:
    generator = ExtractiveGenerator(reader=FakeReader({}), policy=ReaderPolicy(2.0, 1.0, 2.0, False))
    draft = generator.generate(parse_query("Which ferry company cancelled its crossings?"), _passages(TEXT))
    assert draft.abstained


def test_best_spans_scores_against_the_no_answer_option() -> None:
    start = np.array([2.0, 0.0, 5.0, 0.0, 1.0])
    end = np.array([1.0, 0.0, 0.0, 4.0, 0.0])
    context = np.array([False, True, True, True, True])
    spans = best_spans(start, end, context, max_tokens=3, top=2)
    assert spans[0] == (2, 3, 6.0)  # 5 + 4 against 2 + 1
    assert spans[1][0] not in (2, 3) and spans[1][1] not in (2, 3)
    # An answer may not be longer than max_tokens.
    assert best_spans(start, end, context, max_tokens=1)[0][:2] != (2, 3)


def test_a_roster_of_the_rules_stands_whatever_the_reader_reads() -> None:
    roster = "Astronauts Priya Raman, Tomas Lind, Lena Ortiz and Kenji Sato launched on the Ax-9 mission on Tuesday."
    query = parse_query("List the four people who launched on Ax-9.")
    rules_only = ExtractiveGenerator().generate(query, _passages(roster))
    assert not rules_only.abstained, rules_only.text
    generator = ExtractiveGenerator(reader=FakeReader({}), policy=ReaderPolicy(2.0, 1.0, 2.0, False))
    assert generator.generate(query, _passages(roster)) == rules_only


def test_a_policy_that_only_fills_abstentions_reads_only_when_the_rules_abstain() -> None:
    fill_only = ReaderPolicy(answer_at=2.0, margin=1.0, confirm_at=float("inf"), keep_unconfirmed=True, overrule=False)
    assert not fill_only.judges_rules_answers
    assert ReaderPolicy(2.0, 1.0, 2.0, False).judges_rules_answers
    roster = "Astronauts Priya Raman, Tomas Lind, Lena Ortiz and Kenji Sato launched on the Ax-9 mission on Tuesday."
    answered = parse_query("When did the Ax-9 mission launch?")
    reader = FakeReader({"Tomas Lind": 9.0})
    generator = ExtractiveGenerator(reader=reader, policy=fill_only)
    draft = generator.generate(answered, _passages(roster))
    assert draft == ExtractiveGenerator().generate(answered, _passages(roster))
    assert not draft.abstained and reader.windows == []  # the rules answered: nothing was read
    abstained = parse_query("Which storm hit the coast?")
    assert ExtractiveGenerator().generate(abstained, _passages(TEXT)).abstained  # the rules alone cannot say
    generator = ExtractiveGenerator(reader=FakeReader({"Storm Ciarán": 5.0}), policy=fill_only)
    assert generator.generate(abstained, _passages(TEXT)).short_answer == "Storm Ciarán"
