"""Files -> Article: find files, decode text (refusing binary or undecodable files), extract HTML and PDF.

Plain text and Markdown are decoded here rather than through a llama-index reader because a
citation's offsets must index the file's own text, and readers normalise whitespace. HTML and PDF
go through llama-index's file readers (their offsets index the extracted text; see README).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from assistant.errors import UnreadableFileError
from assistant.ingest.articles import build_article
from assistant.ingest.decoding import decode_bytes
from assistant.types import Article

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES


def discover_files(paths: Iterable[str | Path]) -> list[Path]:
    """Supported files under the given files/folders, sorted; symlinks leading outside are skipped."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise UnreadableFileError(f"{path} does not exist.")
        if path.is_file():
            found.append(path)
            continue
        root = path.resolve()
        for candidate in sorted(path.rglob("*")):
            if not candidate.is_file() or candidate.suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            if candidate.name.startswith("."):
                continue
            if candidate.is_symlink() and not candidate.resolve().is_relative_to(root):
                log.warning("skipping %s: symlink points outside %s", candidate, root)
                continue
            found.append(candidate)
    return found


def decode_text(raw: bytes, name: str) -> str:
    """The text of ``raw`` (see ``decoding.decode_bytes``); the encoding is dropped."""
    return decode_bytes(raw, name).text


def _extract_with_reader(path: Path) -> str:
    """Text of an HTML or PDF file through llama-index's file readers."""
    try:
        if path.suffix.lower() in PDF_SUFFIXES:
            from llama_index.readers.file import PDFReader

            docs = PDFReader(return_full_document=True).load_data(path)
        else:
            from llama_index.readers.file import HTMLTagReader

            docs = HTMLTagReader(tag="body", ignore_no_id=False).load_data(path)
    except Exception as err:  # readers raise anything from pypdf/bs4; translate at this boundary
        raise UnreadableFileError(f"{path.name} could not be read as {path.suffix.lstrip('.')}.") from err
    text = "\n\n".join(d.text for d in docs if d.text).strip()
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    if not text:
        raise UnreadableFileError(f"{path.name} contains no extractable text.")
    return text


def _html_title(path: Path) -> str | None:
    try:
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(path.read_bytes(), "html.parser")
        return soup.title.get_text(strip=True) if soup.title else None
    except Exception:  # a title is optional
        return None


MIN_ARTICLE_CHARS = 8  # characters other than whitespace


def read_article(path: Path, max_bytes: int = 20_000_000) -> Article:
    """Decode one file and read its title, URL and publication date from the text."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableFileError(f"{path.name}: unsupported file type {suffix or '(none)'}.")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise UnreadableFileError(f"{path.name} is {size / 1e6:.0f} MB, over the {max_bytes / 1e6:.0f} MB limit.")
        raw = path.read_bytes()
    except OSError as err:
        raise UnreadableFileError(f"{path.name} could not be read ({err.strerror}).") from err
    encoding = "utf-8"
    if suffix in TEXT_SUFFIXES:
        decoded = decode_bytes(raw, path.name)
        text, encoding, html_title = decoded.text, decoded.encoding, None
    else:
        if not raw.strip():
            raise UnreadableFileError(f"{path.name} is empty.")
        text = _extract_with_reader(path)
        html_title = _html_title(path) if suffix in HTML_SUFFIXES else None
    # A few characters are no article; this also stops stray bytes behind a UTF-16 mark, which
    # decode to two or three valid but meaningless CJK characters, from being indexed.
    if len("".join(text.split())) < MIN_ARTICLE_CHARS:
        raise UnreadableFileError(f"{path.name} holds too little text to be an article.")
    return build_article(path.name, str(path), text, html_title, encoding=encoding)


def iter_articles(paths: Iterable[Path], max_bytes: int) -> Iterator[Article | UnreadableFileError]:
    """Articles in order; a bad file yields its error instead of stopping the whole folder."""
    for path in paths:
        try:
            yield read_article(path, max_bytes)
        except UnreadableFileError as err:
            log.info("rejected %s: %s", path, err)
            yield err
