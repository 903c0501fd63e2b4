"""The relevance gate's anchors: a mission must be in the retrieved passages, any other anchor in the
corpus. A hyphenated name with a number ("COVID-19", "F-35") is a word, not a mission."""

from __future__ import annotations

from assistant.query.anchors import question_anchors
from assistant.retrieval.relevance import missing_anchors, vocabulary_of
from assistant.types import Chunk

_PASSAGE = "The health minister said COVID-19 cases fell in March, and the air force grounded its F-35 fleet."


def _chunk(text: str) -> Chunk:
    return Chunk(id="a#0", file="a.txt", text=text, start=0, end=len(text))


def test_a_hyphenated_name_with_a_number_is_looked_up_as_a_word() -> None:
    question = "Which minister said Covid-19 cases fell, and why was the F-35 grounded?"
    anchors = question_anchors(question)
    assert {"covid-19", "f-35"} <= set(anchors)
    assert missing_anchors(anchors, [_chunk(_PASSAGE)], vocabulary_of([_PASSAGE])) == []


def test_a_mission_must_be_in_the_retrieved_passages() -> None:
    passage = "Crew-9 returned in March."
    vocabulary = vocabulary_of([passage, "Crew-10 launched later."])
    assert missing_anchors(["crew-10"], [_chunk(passage)], vocabulary) == ["crew-10"]
    assert missing_anchors(["crew-9"], [_chunk(passage)], vocabulary) == []


def test_a_word_absent_from_the_corpus_is_missing() -> None:
    assert missing_anchors(["zika"], [_chunk(_PASSAGE)], vocabulary_of([_PASSAGE])) == ["zika"]


def test_capitalised_function_words_are_no_anchors() -> None:
    # NLTK's stop words (as the term layer uses them), not a list of question words of our own.
    assert question_anchors("The vote ended. After That, which Senator from Ohio spoke?") == ["senator", "ohio"]
