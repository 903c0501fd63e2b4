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


ROSTER = "The crew of Crew-12 is Jessica Meir, Jack Hathaway and Sophie Adenot."


def _roster_passages() -> list[Passage]:
    chunk = Chunk(id="r1", file="r.txt", text=ROSTER, start=0, end=len(ROSTER))
    return [*_passages(), Passage(3, chunk)]


def test_partial_grounding_cuts_the_unsupported_name_out_of_a_list_and_says_so() -> None:
    grounder = Grounder(_roster_passages(), partial=True)
    grounder.add_text("Jessica Meir, Bill Smith and Jack Hathaway [3].")
    assert grounder.text == "Jessica Meir and Jack Hathaway [1]."
    assert [(cut.text, cut.reason) for cut in grounder.left_out] == [("Bill Smith", "not in the sentences it cites")]


def test_partial_grounding_cuts_an_unsupported_closing_time_and_keeps_the_date() -> None:
    grounder = Grounder(_passages(), partial=True)
    grounder.add_text("Crew-12 docked on February 14, 2026, at 9:40 p.m. [1].")
    assert grounder.text == "Crew-12 docked on February 14, 2026 [1]."
    assert [cut.text for cut in grounder.left_out] == ["9:40 p.m."]


def test_without_partial_the_whole_sentence_goes_as_before() -> None:
    grounder = Grounder(_roster_passages())
    grounder.add_text("Jessica Meir, Bill Smith and Jack Hathaway [3].")
    assert grounder.kept == [] and grounder.left_out == []


def test_a_claim_cited_to_the_wrong_sentence_cites_the_one_that_holds_it() -> None:
    grounder = Grounder(_passages(), partial=True)
    grounder.add_text("Crew-11 launched on Saturday [1].")
    assert grounder.text == "Crew-11 launched on Saturday [1]." and grounder.citations[0].chunk_id == "c2"
    assert grounder.recited == 1


def test_a_sentence_saying_the_articles_do_not_answer_is_no_answer() -> None:
    grounder = Grounder(_passages(), partial=True)
    grounder.add_text("Jessica Meir leads Crew-12 [1]. The passages do not mention who pilots it [1].")
    assert grounder.text == "Jessica Meir leads Crew-12 [1]."
    assert grounder.claims_text == "Jessica Meir leads Crew-12."
