"""What becomes of an LLM's draft (compose with a fake generator and a fake span reader at their seams):
kept with what was cut named in the notes, taken as an abstention, or an abstention because it names
what its own sentences contradict; and the prompt tokens its server reported travel to the Answer."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from assistant.answer.base import Draft
from assistant.answer.compose import Clock, LlmChecks, compose
from assistant.answer.reader import ReadSpan
from assistant.query.query import parse_query
from assistant.retrieval.hybrid import RetrievalResult
from assistant.types import Answer, Chunk, Passage, ScoredChunk

TEXT = (
    "The Harbour Bridge reopened to traffic on Thursday after two years of repairs. "
    "Mayor Ana Ortiz cut the ribbon, watched by her deputy Tom Becker. "
    "The repairs cost 48 million dollars, the city council said."
)


class FixedDraft:
    """A generator that always drafts ``draft`` and records the passages it was shown."""

    name = "fixed"
    article_order = True
    streams_drafts = False

    def __init__(self, draft: Draft) -> None:
        self.draft = draft
        self.shown: list[Passage] = []

    def generate(self, query: object, passages: list[Passage]) -> Draft:
        self.shown = passages
        return self.draft

    def stream(self, query: object, passages: list[Passage]) -> Iterator[str]:
        yield self.draft.text


class NameReader:
    """A span reader that reads ``name`` wherever a window holds it, with ``score``."""

    def __init__(self, name: str, score: float) -> None:
        self.name, self.score = name, score

    def read(self, question: str, windows: Sequence[str]) -> list[ReadSpan]:
        spans = []
        for i, window in enumerate(windows):
            at = window.find(self.name)
            if at >= 0:
                spans.append(ReadSpan(i, at, at + len(self.name), self.name, self.score))
        return spans


def _answer(
    question: str,
    draft: Draft,
    reader: NameReader | None = None,
    falls_back: bool = False,
    vouch: bool = False,
    text: str = TEXT,
) -> tuple[Answer, FixedDraft]:
    chunk = Chunk(
        id="c1",
        file="bridge.txt",
        text=text,
        start=0,
        end=len(text),
        title="Harbour bridge reopens",
        published=date(2026, 3, 5),
    )
    retrieval = RetrievalResult([ScoredChunk(chunk, 1.0)], relevant=True)
    generator = FixedDraft(draft)
    items = list(
        compose(
            parse_query(question),
            retrieval,
            generator,  # type: ignore[arg-type]
            evidence_sentences=6,
            incremental=False,
            notes=[],
            clock=Clock(0.0, 0.0),
            checks=LlmChecks(reader=reader, abstention_falls_back=falls_back, vouch=vouch),
        )
    )
    answer = items[-1]
    assert isinstance(answer, Answer)
    return answer, generator


def _number_of(generator: FixedDraft, words: str) -> int:
    return next(p.n for p in generator.shown if words in p.chunk.text)


def test_a_supported_answer_is_kept_with_its_prompt_tokens() -> None:
    answer, _ = _answer(
        "How much did the repairs cost?",
        Draft("48 million dollars [3].", "48 million dollars", prompt_tokens=212, conflict_abstains=True),
    )
    assert answer.text == "48 million dollars [1]." and not answer.abstained
    assert answer.short_answer == "48 million dollars" and answer.prompt_tokens == 212 and answer.notes == ()


def test_the_models_abstention_is_taken_with_a_note() -> None:
    answer, _ = _answer(
        "Who paid for the repairs?",
        Draft("The articles do not say.", abstained=True, prompt_tokens=190, conflict_abstains=True),
    )
    assert answer.abstained and answer.citations == () and answer.generator == "fixed"
    assert answer.notes == ("The fixed model found no answer in the retrieved sentences.",)


def test_the_models_abstention_may_give_way_to_the_extractive_answer() -> None:
    answer, _ = _answer(
        "How much did the repairs cost?", Draft("The articles do not say.", abstained=True), falls_back=True
    )
    assert answer.generator == "fixed->extractive" and "48 million" in answer.text and not answer.abstained


def test_an_unsupported_part_is_cut_out_and_named() -> None:
    draft = Draft("Ana Ortiz and Maria Lopez [2].", conflict_abstains=True)
    answer, _ = _answer("Who cut the ribbon?", draft)
    assert answer.text == "Ana Ortiz [1]." and not answer.abstained
    assert answer.notes == ('Left out of the fixed model\'s answer: "Maria Lopez" (not in the sentences it cites).',)


def test_an_answer_its_sentences_contradict_is_an_abstention() -> None:
    answer, _ = _answer("How much did the repairs cost?", Draft("99 million dollars [3].", conflict_abstains=True))
    assert answer.abstained and answer.generator == "fixed"
    assert answer.notes and '"99 million dollars"' in answer.notes[0] and "48 million dollars" in answer.notes[0]


def test_a_small_models_contradicted_answer_gives_way_to_the_extractive_one() -> None:
    answer, _ = _answer("How much did the repairs cost?", Draft("99 million dollars [3]."))
    assert answer.generator == "fixed->extractive" and "48 million" in answer.text
    assert "showing the extractive answer instead" in answer.notes[0]


def test_the_span_reader_catches_the_wrong_person_from_the_right_sentence() -> None:
    question, draft = "Who cut the ribbon?", Draft("Tom Becker [2].", "Tom Becker", conflict_abstains=True)
    answer, generator = _answer(question, draft, NameReader("Ana Ortiz", 6.0))
    assert _number_of(generator, "cut the ribbon") == 2
    assert answer.abstained
    assert answer.notes == (
        'The fixed model answered "Tom Becker", which the sentences it cites do not support '
        '(the span reader reads "Ana Ortiz"); not answering.',
    )
    unsure, _ = _answer(question, draft, NameReader("Ana Ortiz", 1.0))
    assert not unsure.abstained and unsure.text == "Tom Becker [1]."


def test_sentences_are_shown_in_article_order() -> None:
    _, generator = _answer("How much did the repairs cost?", Draft("48 million dollars [3]."))
    assert [p.n for p in generator.shown] == [1, 2, 3]
    assert [p.chunk.start for p in generator.shown] == sorted(p.chunk.start for p in generator.shown)


# The ribbon and the deputy are in different sentences, so the sentence the rules quote does not hold him.
CEREMONY = (
    "The Harbour Bridge reopened to traffic on Thursday. Mayor Ana Ortiz cut the ribbon at noon. "
    "Her deputy Tom Becker later spoke about the budget."
)


def test_an_answer_nothing_vouches_for_is_an_abstention() -> None:
    # Grounding keeps "Tom Becker" (his sentence holds him), but the rules answer with Ana Ortiz's sentence
    # and the reader reads Ana Ortiz, below the conflict check's confidence: nothing vouches for him.
    draft = Draft("Tom Becker [3].", "Tom Becker", conflict_abstains=True)
    answer, _ = _answer("Who cut the ribbon?", draft, NameReader("Ana Ortiz", 1.0), vouch=True, text=CEREMONY)
    assert answer.abstained and answer.short_answer is None
    assert any("Neither the rules nor the span reader" in note and "Tom Becker" in note for note in answer.notes)


def test_an_answer_the_reader_reads_is_vouched_for() -> None:
    draft = Draft("Tom Becker [3].", "Tom Becker", conflict_abstains=True)
    answer, _ = _answer("Who cut the ribbon?", draft, NameReader("Tom Becker", 3.0), vouch=True, text=CEREMONY)
    assert not answer.abstained and answer.short_answer == "Tom Becker"


def test_an_answer_the_rules_give_is_vouched_for_without_a_reader() -> None:
    draft = Draft("Ana Ortiz [2].", "Ana Ortiz", conflict_abstains=True)
    answer, _ = _answer("Who cut the ribbon?", draft, vouch=True, text=CEREMONY)
    assert not answer.abstained and answer.short_answer == "Ana Ortiz"


def test_without_the_check_the_same_answer_stands() -> None:
    draft = Draft("Tom Becker [3].", "Tom Becker", conflict_abstains=True)
    answer, _ = _answer("Who cut the ribbon?", draft, NameReader("Ana Ortiz", 1.0), text=CEREMONY)
    assert not answer.abstained and answer.short_answer == "Tom Becker"
