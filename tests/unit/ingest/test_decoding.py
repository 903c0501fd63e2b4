"""Decoding: UTF-8 and BOMs as before, legacy encodings read when charset-normalizer is confident."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from assistant import UnreadableFileError
from assistant.ingest.decoding import decode_bytes
from assistant.ingest.readers import read_article

FRENCH = (
    "The meeting’s organiser, Hélène Dubois, said the next session would cover the rover’s route. "
    "Researchers met at a café in Toulouse – à côté de la gare – on March 5, 2026."
)
CZECH = "Příliš žluťoučký kůň úpěl ďábelské ódy. Vláda schválila nový zákon o vesmírném programu."
RUSSIAN = "Экипаж корабля Союз МС-27 прибыл на Международную космическую станцию в апреле."


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        (FRENCH, "cp1252", "cp1252"),
        ("Café news about the ISS.", "latin-1", "cp1252"),  # the same bytes; HTML5 reads latin-1 as cp1252
        (CZECH, "cp1250", "cp1250"),
        (RUSSIAN, "cp1251", "cp1251"),
        (FRENCH, "utf-8", "utf-8"),
    ],
)
def test_legacy_encodings_are_read_and_recorded(text: str, encoding: str, expected: str) -> None:
    decoded = decode_bytes(text.encode(encoding), "a.txt")
    assert decoded.text == text and decoded.encoding == expected


def test_a_declared_charset_is_used_when_it_decodes() -> None:
    assert decode_bytes(CZECH.encode("cp1250"), "p.html", declared="windows-1250").encoding == "cp1250"
    # A wrong declaration (not decodable) falls back to the bytes themselves.
    assert decode_bytes(FRENCH.encode("utf-8"), "p.html", declared="ascii").encoding == "utf-8"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"\x81\x8d\x8f\x90\x9d\xfe\xff" * 20, "could not be determined with confidence"),
        (bytes(range(128, 256)) * 3, "could not be determined with confidence"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
        (b"", "empty"),
    ],
)
def test_binary_and_undecodable_bytes_are_refused_in_one_sentence(payload: bytes, message: str) -> None:
    with pytest.raises(UnreadableFileError, match=message) as caught:
        decode_bytes(payload, "x.txt")
    assert "\n" not in str(caught.value) and str(caught.value).endswith(".")


def test_the_article_records_its_encoding_and_offsets_index_the_decoded_text(tmp_path: Path) -> None:
    path = tmp_path / "cafe.txt"
    path.write_bytes(FRENCH.encode("cp1252"))
    article = read_article(path)
    assert article.encoding == "cp1252" and article.text == FRENCH
    start = article.text.index("Hélène")
    assert article.text[start : start + 6] == "Hélène"  # a character offset, not a byte offset
    utf = tmp_path / "utf.txt"
    utf.write_bytes(codecs.BOM_UTF8 + FRENCH.encode("utf-8"))
    assert read_article(utf).text == FRENCH
