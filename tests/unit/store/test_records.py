"""A chunk read back from the store carries the facts written with it at ingest."""

from __future__ import annotations

from assistant.store.records import _chunk_from_record, _chunk_metadata
from assistant.types import Article, Chunk, Fact


def test_facts_written_with_a_chunk_are_read_back() -> None:
    text = "The Ax-9 crew of Priya Raman and Tomas Lind launched on Monday."
    article = Article(file="a.txt", path="a.txt", text=text, body_start=0, content_hash="h")
    fact = Fact(kind="crew", file="a.txt", start=0, end=len(text), quote=text, mission="ax-9", person="Priya Raman")
    chunk = Chunk(id="c1", file="a.txt", text=text, start=0, end=len(text), facts=(fact,))
    back = _chunk_from_record("c1", text, _chunk_metadata(article, chunk, 1, 1))
    assert [(f.kind, f.mission, f.person) for f in back.facts] == [("crew", "ax-9", "Priya Raman")]


def test_a_chunk_without_facts_reads_back_with_none() -> None:
    text = "Nothing about any crew here."
    article = Article(file="b.txt", path="b.txt", text=text, body_start=0, content_hash="h")
    chunk = Chunk(id="c2", file="b.txt", text=text, start=0, end=len(text))
    assert _chunk_from_record("c2", text, _chunk_metadata(article, chunk, 1, 1)).facts == ()
