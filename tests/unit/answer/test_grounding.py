"""Grounding rules on hand-made drafts: unsupported claims are dropped, bad markers removed."""

from __future__ import annotations

from datetime import date

from assistant.answer.grounding import Grounder
from assistant.types import Chunk, Passage

TEXT = "The Crew-12 mission, led by NASA's Jessica Meir, docked on February 14, 2026. It carried four astronauts."


def _passages() -> list[Passage]:
    chunk = Chunk(id="c1", file="a.txt", text=TEXT, start=100, end=100 + len(TEXT), published=date(2026, 2, 15))
    other = Chunk(
        id="c2", file="b.txt", text="Crew-11 launched on Saturday.", start=0, end=29, published=date(2025, 8, 1)
    )
    return [Passage(1, chunk), Passage(2, other)]


def test_supported_sentence_is_kept_and_quoted_exactly() -> None:
    grounder = Grounder(_passages())
    grounder.add_text("Jessica Meir leads Crew-12 [1].")
    assert grounder.text == "Jessica Meir leads Crew-12 [1]."
    citation = grounder.citations[0]
    assert citation.quote == "The Crew-12 mission, led by NASA's Jessica Meir, docked on February 14, 2026."
    assert (citation.start, citation.end) == (100, 100 + len(citation.quote))


def test_invented_name_number_or_date_is_dropped() -> None:
    grounder = Grounder(_passages())
    grounder.add_text("Bill Smith leads Crew-12 [1]. It carried seven astronauts [1]. It docked on March 3, 2026 [1].")
    assert grounder.kept == []
    assert len(grounder.dropped) == 3


def test_marker_to_nothing_is_removed_and_claim_recited() -> None:
    grounder = Grounder(_passages())
    grounder.add_text("It carried four astronauts [7].")
    assert grounder.text == "It carried four astronauts [1]."
    assert grounder.citations[0].chunk_id == "c1"


def test_wrong_marker_does_not_support_a_claim_from_another_passage() -> None:
    grounder = Grounder(_passages())
    grounder.add_text("Jessica Meir leads Crew-12 [2].")
    assert grounder.kept == []


def test_citations_are_renumbered_in_order_of_use() -> None:
    grounder = Grounder(_passages())
    grounder.add_text("Crew-11 launched on Saturday [2]. Jessica Meir leads Crew-12 [1].")
    assert grounder.text == "Crew-11 launched on Saturday [1]. Jessica Meir leads Crew-12 [2]."
    assert [c.file for c in grounder.citations] == ["b.txt", "a.txt"]


def test_sentence_without_entities_needs_word_overlap() -> None:
    grounder = Grounder(_passages())
    grounder.add_text("The mission docked [1]. Penguins enjoy jazz [1].")
    assert grounder.kept == ["The mission docked [1]."]
