"""Ingestion: metadata, exact offsets, bad files, idempotence, change detection and prune (real Chroma)."""

from __future__ import annotations

import codecs
from datetime import date
from pathlib import Path

import pytest

from assistant import UnreadableFileError
from assistant.ingest.chunking import ChunkSettings, chunk_article
from assistant.ingest.readers import read_article
from tests.conftest import ARTICLES


def test_metadata_from_front_matter_caption_and_source_line() -> None:
    front = read_article(ARTICLES / "003_94819cb2705bb79d.txt")
    assert front.title == "SpaceX Crew-12 Mission Docks at International Space Station"
    assert front.published == date(2026, 2, 14) and front.published_source == "front matter"
    assert front.url and front.url.startswith("https://news.google.com/")
    caption = read_article(ARTICLES / "004_ff12244044f7d626.txt")
    assert caption.published == date(2025, 8, 1) and caption.published_source == "caption"
    assert caption.title == "SpaceX launches crew after NASA, Russia space chief meeting"
    undated = read_article(ARTICLES / "002_15bd8c08e1a82e16.txt")
    assert undated.published is None  # the text names an event date, not its own
    assert read_article(ARTICLES / "001_c63f224d91df91f5.txt").url == "express.co.uk"


def test_chunk_offsets_index_the_source_file() -> None:
    for path in ARTICLES.iterdir():
        article = read_article(path)
        chunks = chunk_article(article, ChunkSettings(160, 32))
        assert chunks
        for chunk in chunks:
            assert article.text[chunk.start : chunk.end] == chunk.text
        body = article.text[article.body_start :]
        assert chunks[0].start >= article.body_start
        assert "".join(body.split())[:40] in "".join(chunks[0].text.split())  # nothing lost at the start


def test_chunk_ids_are_deterministic() -> None:
    article = read_article(ARTICLES / "002_15bd8c08e1a82e16.txt")
    first = [c.id for c in chunk_article(article, ChunkSettings())]
    assert first == [c.id for c in chunk_article(article, ChunkSettings())]
    assert len(set(first)) == len(first)


@pytest.mark.parametrize(
    ("name", "payload", "message"),
    [
        ("empty.txt", b"", "is empty"),
        ("blank.txt", b"   \n\t\n", "empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
        ("undecodable.txt", b"\x81\x8d\x8f\x90\x9d\xfe\xff" * 20, "not UTF-8"),  # Latin-1: test_decoding.py
        ("notes.docx", b"PK\x03\x04", "unsupported"),
        ("empty.pdf", b"", "empty"),
        ("junk16.txt", codecs.BOM_UTF16_LE + b"\x00bad", "too little text"),  # decodes to two CJK characters
        ("tiny.md", b"Hi.\n", "too little text"),
    ],
)
def test_bad_files_get_one_clear_sentence(tmp_path: Path, name: str, payload: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(payload)
    with pytest.raises(UnreadableFileError, match=message) as caught:
        read_article(path)
    assert str(caught.value).count(".") >= 1 and "\n" not in str(caught.value)


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "Crew-12 docked on February 14, 2026.".encode("utf-16-le"))
    assert read_article(path).text == "Crew-12 docked on February 14, 2026."


def test_html_text_is_extracted(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Dragon news</title><script>alert(1)</script></head>"
        "<body><h1>Dragon news</h1><p>The capsule docked on <b>March 3, 2019</b>.</p></body></html>",
        encoding="utf-8",
    )
    article = read_article(path)
    assert article.title == "Dragon news"
    assert "The capsule docked on" in article.text and "<p>" not in article.text
