"""The MCP tools' own checks and the article text they rebuild from chunks (no models, no store)."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.serve.mcp.tools import BadArgumentError, check_k, indexed_text, parse_as_of
from assistant.types import Chunk

TEXT = "---\ntitle: T\n---\nFirst sentence here. Second one follows.\n\nThird, after a gap."


def _chunk(start: int, end: int) -> Chunk:
    return Chunk(id=f"c{start}", file="a.txt", text=TEXT[start:end], start=start, end=end)


def test_indexed_text_keeps_every_offset_and_blanks_what_no_chunk_holds() -> None:
    body = TEXT.index("First")
    gap = TEXT.index("\n\nThird")
    chunks = [_chunk(TEXT.index("Third"), len(TEXT)), _chunk(body, gap), _chunk(TEXT.index("Second"), gap)]
    rebuilt = indexed_text(chunks)  # out of order and overlapping, as the store returns them
    assert len(rebuilt) == len(TEXT)
    for chunk in chunks:
        assert rebuilt[chunk.start : chunk.end] == chunk.text
    assert rebuilt[:body] == " " * body and rebuilt[gap : TEXT.index("Third")] == "  "


def test_as_of_is_a_day_or_a_sentence_saying_how_to_write_one() -> None:
    assert parse_as_of("2026-02-15") == date(2026, 2, 15)
    assert parse_as_of(None) is None and parse_as_of(" ") is None
    with pytest.raises(BadArgumentError, match=r"^as_of must be a date written YYYY-MM-DD, such as 2026-02-15, not "):
        parse_as_of("15 Feb")


@pytest.mark.parametrize("k", [0, -1, 51, 10**6])
def test_k_out_of_range_is_one_sentence(k: int) -> None:
    with pytest.raises(BadArgumentError, match=rf"^k must be between 1 and 50, not {k}\.$"):
        check_k("k", k)


def test_k_in_range_or_absent_passes() -> None:
    assert check_k("k", 1) == 1 and check_k("top_k", 50) == 50 and check_k("k", None) is None
