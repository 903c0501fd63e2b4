"""Citations in Anthropic's and OpenAI's shapes: pure mapping over hand-built answers (no weights)."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.serve.citation_shapes import (
    anthropic_blocks,
    message_extras,
    openai_annotations,
    parse_formats,
    resource_uri,
    source_urls,
)
from assistant.types import Answer, Chunk, Citation, ScoredChunk
from tests.conftest import ARTICLES

FILE = "002_15bd8c08e1a82e16.txt"
TEXT = (ARTICLES / FILE).read_text(encoding="utf-8")
LEADS = "The Crew-12 mission, led\nby NASA's Jessica Meir"
DOCKED = "SpaceX's Crew-12 mission successfully docked"


def _citation(n: int, file: str, text: str, start_of: str, title: str | None = "Crew-12 docks") -> Citation:
    start = text.index(start_of)
    end = text.index(".", start) + 1
    return Citation(n, file, f"c{n}", start, end, text[start:end], title, date(2026, 2, 14))


def _answer(text: str, citations: tuple[Citation, ...], url: str | None = None) -> Answer:
    chunk = Chunk(id="c1", file=FILE, text=TEXT, start=0, end=len(TEXT), url=url)
    other = Chunk(id="c9", file="other.txt", text="x", start=0, end=1)
    return Answer("q", text, citations, (ScoredChunk(chunk, 0.5), ScoredChunk(other, 0.1)))


LEAD = _citation(1, FILE, TEXT, LEADS)
DOCK = _citation(2, FILE, TEXT, DOCKED)
ELSEWHERE = Citation(3, "other.txt", "c9", 0, 1, "x", None, None)


def test_anthropic_blocks_carry_each_claims_char_locations_with_exact_offsets() -> None:
    answer = _answer("Jessica Meir [1]. It docked on February 14 [2][3].", (LEAD, DOCK, ELSEWHERE))
    blocks = anthropic_blocks(answer)
    assert [b["text"] for b in blocks] == ["Jessica Meir", ". It docked on February 14", "."]
    assert "citations" not in blocks[2]
    first = blocks[0]["citations"][0]
    assert first == {
        "type": "char_location",
        "cited_text": LEAD.quote,
        "document_index": 0,
        "document_title": "Crew-12 docks",
        "start_char_index": LEAD.start,
        "end_char_index": LEAD.end,
    }
    assert TEXT[first["start_char_index"] : first["end_char_index"]] == first["cited_text"]
    second = blocks[1]["citations"]
    assert [c["document_index"] for c in second] == [0, 1]  # indexes answer.cited_files
    assert answer.cited_files == [FILE, "other.txt"]
    assert second[1]["document_title"] == "other.txt"  # untitled: the file name


def test_openai_annotations_span_the_markers_and_name_the_source() -> None:
    answer = _answer("Jessica Meir [1]; docked [2].", (LEAD, DOCK), url="https://example.org/crew-12")
    annotations = openai_annotations(answer)
    assert [a["type"] for a in annotations] == ["url_citation", "url_citation"]
    spans = [(a["url_citation"]["start_index"], a["url_citation"]["end_index"]) for a in annotations]
    assert [answer.text[s:e] for s, e in spans] == ["[1]", "[2]"]
    cite = annotations[0]["url_citation"]
    assert cite["url"] == "https://example.org/crew-12" and cite["title"] == "Crew-12 docks"
    assert TEXT[cite["start"] : cite["end"]] == cite["quote"] == LEAD.quote


def test_an_article_without_a_url_is_named_by_its_resource_uri() -> None:
    answer = _answer("Jessica Meir [1].", (LEAD,))
    assert source_urls(answer) == {FILE: "news://articles/002_15bd8c08e1a82e16.txt"}
    assert openai_annotations(answer)[0]["url_citation"]["url"] == resource_uri(FILE)
    assert resource_uri("a b/c.txt") == "news://articles/a%20b%2Fc.txt"


def test_markers_without_a_citation_and_answers_without_markers_are_left_alone() -> None:
    abstained = _answer("The articles do not cover this.", ())
    assert openai_annotations(abstained) == []
    assert anthropic_blocks(abstained) == [{"type": "text", "text": "The articles do not cover this."}]
    stray = _answer("Meir [7].", (LEAD,))
    assert openai_annotations(stray) == []
    assert anthropic_blocks(stray) == [{"type": "text", "text": "Meir"}, {"type": "text", "text": "."}]


def test_message_extras_add_only_what_was_asked_for() -> None:
    answer = _answer("Jessica Meir [1].", (LEAD,))
    assert message_extras(answer, ()) == {}
    assert set(message_extras(answer, ("openai",))) == {"annotations"}
    assert set(message_extras(answer, ("anthropic", "openai"))) == {"annotations", "content_blocks"}


def test_formats_come_from_a_field_and_a_header_and_unknown_ones_are_refused() -> None:
    assert parse_formats(None, None) == ()
    assert parse_formats("OpenAI", None) == ("openai",)
    assert parse_formats(None, "anthropic,openai") == ("anthropic", "openai")
    with pytest.raises(ValueError, match=r"^Unknown citation format 'markdown'; use anthropic, openai"):
        parse_formats("markdown")
