"""The JSON of one citation, as /v1 and the MCP tools return it."""

from __future__ import annotations

from datetime import date

from assistant.serve.api import answer_extras, citation_json
from assistant.serve.mcp.tools import answer_json
from assistant.types import Answer, Chunk, Citation, ScoredChunk

TEXT = "Caf\u00e9 owners said the bridge reopened on Thursday."


def _answer(chunk: Chunk) -> Answer:
    citation = Citation(1, chunk.file, chunk.id, 0, len(TEXT), TEXT, "Bridge", date(2026, 3, 5))
    return Answer(question="q", text="On Thursday [1].", citations=(citation,), sources=(ScoredChunk(chunk, 0.4),))


def test_a_citation_names_its_url_encoding_and_syndicated_copies() -> None:
    chunk = Chunk(
        id="c1",
        file="https://a.example/bridge",
        text=TEXT,
        start=0,
        end=len(TEXT),
        url="https://a.example/bridge",
        encoding="windows-1252",
        also=(("https://b.example/wire", "2026-03-06"), ("copy.txt", None)),
    )
    for cited in (answer_extras(_answer(chunk))["citations"][0], answer_json(_answer(chunk))["citations"][0]):
        assert cited["url"] == "https://a.example/bridge" and cited["encoding"] == "windows-1252"
        assert cited["also_reported_by"] == [
            {"source": "https://b.example/wire", "published": "2026-03-06"},
            {"source": "copy.txt", "published": None},
        ]
        assert cited["published"] == "2026-03-05" and cited["quote"] == TEXT


def test_a_citation_without_its_chunk_still_has_every_key() -> None:
    citation = Citation(2, "a.txt", "gone", 3, 9, "quoted", None, None)
    cited = citation_json(citation)
    assert cited["url"] is None and cited["encoding"] is None and cited["also_reported_by"] == []
    assert (cited["n"], cited["file"], cited["start"], cited["end"]) == (2, "a.txt", 3, 9)
