"""What the page shows: escaped article text, linked markers, highlighted sentences; and server guards."""

from __future__ import annotations

from datetime import date

import pytest

from assistant import Settings
from assistant.errors import ConfigError, UnreadableFileError
from assistant.serve.render import answer_markdown, escape_markdown, sources_html
from assistant.serve.server import check_binding, is_loopback
from assistant.serve.service import check_upload_name
from assistant.types import Answer, Chunk, Citation, ScoredChunk

TEXT = "Intro line. The crew docked at 3 p.m. <b>bold</b> claim here. Tail."


def _answer(**overrides: object) -> Answer:
    chunk = Chunk(id="c1", file="a.txt", text=TEXT, start=100, end=100 + len(TEXT))
    quote = "The crew docked at 3 p.m. <b>bold</b> claim here."
    start = 100 + TEXT.index(quote)
    citation = Citation(1, "a.txt", "c1", start, start + len(quote), quote, "Title *x*", date(2026, 2, 14))
    fields: dict[str, object] = {
        "question": "q",
        "text": "It docked at 3 p.m. [1].",
        "citations": (citation,),
        "sources": (ScoredChunk(chunk, 0.5, dense=0.7, bm25=3.0),),
    }
    fields.update(overrides)
    return Answer(**fields)  # type: ignore[arg-type]


def test_escape_markdown_neutralises_markup() -> None:
    escaped = escape_markdown("**bold** <script>x</script> [link](javascript:x) # head")
    assert "<script>" not in escaped and "&lt;script&gt;" in escaped
    assert "\\*\\*bold\\*\\*" in escaped and "\\[link\\]\\(javascript:x\\)" in escaped


def test_markers_link_to_their_source_card_with_the_quote_on_hover() -> None:
    markdown = answer_markdown(_answer())
    assert '[\\[1\\]](#source-1 "a\\.txt: The crew docked' in markdown
    assert markdown.startswith("It docked at 3 p\\.m\\. ")


def test_unknown_marker_stays_plain_text_and_notes_are_shown() -> None:
    markdown = answer_markdown(_answer(text="Odd [7].", notes=("Fell back to extractive.",)))
    assert "(#source-7" not in markdown and "\\[7\\]" in markdown
    assert "*Note: Fell back to extractive\\.*" in markdown


def test_sources_panel_highlights_the_cited_sentence_and_escapes_html() -> None:
    panel = sources_html(_answer())
    assert 'id="source-1"' in panel and "a.txt" in panel and "2026-02-14" in panel
    assert '<mark data-cite="1">The crew docked at 3 p.m. &lt;b&gt;bold&lt;/b&gt; claim here.</mark>' in panel
    assert "<b>bold</b>" not in panel
    assert "Retrieved passages" not in panel
    assert "cosine 0.700" in sources_html(_answer(), show_retrieved=True)


def test_sources_panel_for_abstention_and_nothing_yet() -> None:
    assert "No source supports" in sources_html(_answer(citations=(), text="The articles do not cover this."))
    assert "appear here" in sources_html(None)


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.txt", "a/b.txt", "..\\x.txt", ".env.txt", "x\x00.txt", "", " a.txt", "a" * 300 + ".txt"]
)
def test_upload_names_that_could_escape_are_refused(name: str) -> None:
    with pytest.raises(UnreadableFileError):
        check_upload_name(name)


def test_upload_names_with_spaces_and_unicode_are_fine() -> None:
    assert check_upload_name("Crew 12 – Météo.md") == "Crew 12 – Météo.md"
    with pytest.raises(UnreadableFileError, match="not a supported kind"):
        check_upload_name("photo.png")


def test_binding_beyond_loopback_needs_credentials() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0")
    check_binding(Settings(host="127.0.0.1"))
    with pytest.raises(ConfigError, match="ASSISTANT_API_KEY"):
        check_binding(Settings(host="0.0.0.0"))
    check_binding(Settings(host="0.0.0.0"), allow_unauthenticated=True)
    check_binding(Settings(host="0.0.0.0", api_key="k", ui_username="u", ui_password="p"))  # type: ignore[arg-type]
