"""Files -> Article (decoded text + title, URL, publication date) -> Chunks with character offsets.

Plain text and Markdown are decoded here rather than through a llama-index reader because a
citation's offsets must index the file's own text, and readers normalise whitespace. HTML and PDF
go through llama-index's file readers (their offsets index the extracted text; see README).
Chunking is llama-index's ``SentenceSplitter``.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from llama_index.core import Document
from llama_index.core.node_parser import SentenceSplitter

from assistant.entities import find_dates
from assistant.errors import UnreadableFileError
from assistant.types import Article, Chunk

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<body>.*?)\n---[ \t]*(?:\n|\Z)", re.S)
_URL = re.compile(r"https?://[^\s)\]>\"']+")
_CAPTION_CREDIT = re.compile(r"^\W{0,3}(?:REUTERS|AP|AFP|Getty|Photo|Image|Credit|NASA|EPA)\b", re.I)
_DATELINE = re.compile(r"^[A-Z][A-Z .,'-]{2,40}(?:\([A-Za-z ]+\))?\s*[,:-]?\s*(?P<rest>.{0,40})")
_URL_DATE = re.compile(r"/(?P<y>(?:19|20)\d\d)/(?P<m>[01]?\d)/(?P<d>[0-3]?\d)/")


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
    """UTF-8 (with or without BOM) or BOM-marked UTF-16/32; anything else is refused, not guessed."""
    if not raw.strip():
        raise UnreadableFileError(f"{name} is empty.")
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if raw.startswith(bom):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError as err:
                raise UnreadableFileError(f"{name} starts with a {encoding} mark but is not valid {encoding}.") from err
            break
    else:
        if b"\x00" in raw[:8192]:
            raise UnreadableFileError(f"{name} looks like a binary file, not text.")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise UnreadableFileError(
                f"{name} is not UTF-8 text (bad byte at offset {err.start}); convert it to UTF-8 first."
            ) from err
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\t\f")
    if controls > max(8, len(text[:8192]) // 50):
        raise UnreadableFileError(f"{name} looks like a binary file, not text.")
    if not text.strip():
        raise UnreadableFileError(f"{name} holds only whitespace.")
    return text


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
    if suffix in TEXT_SUFFIXES:
        text = decode_text(raw, path.name)
        html_title = None
    else:
        if not raw.strip():
            raise UnreadableFileError(f"{path.name} is empty.")
        text = _extract_with_reader(path)
        html_title = _html_title(path) if suffix in HTML_SUFFIXES else None
    # A few characters are no article; this also stops stray bytes behind a UTF-16 mark, which
    # decode to two or three valid but meaningless CJK characters, from being indexed.
    if len("".join(text.split())) < MIN_ARTICLE_CHARS:
        raise UnreadableFileError(f"{path.name} holds too little text to be an article.")
    return build_article(path.name, str(path), text, html_title)


def build_article(file: str, path: str, text: str, title_hint: str | None = None) -> Article:
    """An Article from already-decoded text (also used for uploads and the benchmark corpus)."""
    meta, body_start = _front_matter(text)
    title = meta.get("title") or title_hint or _title_from_body(text[body_start:])
    url = meta.get("url") or meta.get("link") or meta.get("canonical") or _url_from_body(text[body_start:])
    published, source = _publication_date(meta, text[body_start:], url)
    return Article(
        file=file,
        path=path,
        text=text,
        body_start=body_start,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        title=title,
        url=url,
        published=published,
        published_source=source,
    )


def _front_matter(text: str) -> tuple[dict[str, str], int]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, 0
    meta: dict[str, str] = {}
    for line in match.group("body").splitlines():
        key, sep, value = line.partition(":")
        if sep and re.fullmatch(r"[A-Za-z_][\w-]*", key.strip()):
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta, match.end()


def _title_from_body(body: str) -> str | None:
    for line in body.splitlines():
        line = line.strip().lstrip("#").strip()
        if not line:
            continue
        line = line.split("»")[-1].strip()  # breadcrumbs: "Home » Technology » Headline"
        if len(line) <= 150 and not line.endswith((".", "?", "!", ":")):
            return line
        return None
    return None


def _url_from_body(body: str) -> str | None:
    source = re.search(r"^\s*source:\s*(\S+)\s*$", body, re.M | re.I)
    if source:
        return source.group(1)
    story = re.search(r"\[(?:Original Story|Source|Read more)[^\]]*\]\((https?://[^)\s]+)\)", body, re.I)
    if story:
        return story.group(1)
    any_url = _URL.search(body)
    return any_url.group(0).rstrip(".,") if any_url else None


def _publication_date(meta: dict[str, str], body: str, url: str | None) -> tuple[date | None, str | None]:
    """Front matter, then a dateline, then a dated photo caption, then a date in the URL."""
    for key in ("date", "published", "publishdate", "pubdate"):
        if meta.get(key):
            try:
                return datetime.fromisoformat(meta[key].replace("Z", "+00:00")).date(), "front matter"
            except ValueError:
                mentions = [d for d in find_dates(meta[key]) if d.iso()]
                if mentions:
                    return date.fromisoformat(mentions[0].iso() or ""), "front matter"
    head = body.lstrip()[:200]
    dateline = _DATELINE.match(head)
    if dateline:
        for mention in find_dates(dateline.group("rest")):
            if mention.iso() and mention.start < 25:
                return date.fromisoformat(mention.iso() or ""), "dateline"
    for mention in find_dates(body):
        if mention.kind == "date" and mention.iso():
            after = body[mention.end : mention.end + 40]
            if re.match(r"\s*[.,]?\s*$", after.split("\n")[0]) or _CAPTION_CREDIT.match(after.lstrip(" .,")):
                # A full date closing a line or followed by a photo credit: a dated caption.
                line_start = body.rfind("\n", 0, mention.start) + 1
                if _CAPTION_CREDIT.match(after.lstrip(" .,")) or "REUTERS" in body[line_start : mention.end + 60]:
                    return date.fromisoformat(mention.iso() or ""), "caption"
    if url:
        found = _URL_DATE.search(url)
        if found:
            try:
                return date(int(found["y"]), int(found["m"]), int(found["d"])), "url"
            except ValueError:
                pass
    return None, None


@dataclass(frozen=True)
class ChunkSettings:
    chunk_size: int = 160
    chunk_overlap: int = 32


def chunk_article(article: Article, settings: ChunkSettings) -> list[Chunk]:
    """Split the article body with llama-index's SentenceSplitter; offsets index ``article.text``."""
    splitter = SentenceSplitter(chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap)
    body = article.text[article.body_start :]
    nodes = splitter.get_nodes_from_documents([Document(text=body, id_=article.file)])
    chunks: list[Chunk] = []
    search_from = 0
    for node in nodes:
        piece = node.get_content()
        start = getattr(node, "start_char_idx", None)
        if start is None or body[start : start + len(piece)] != piece:
            # The splitter lost the offset (it happens when it trims whitespace): find it ourselves.
            found = body.find(piece, max(0, search_from - settings.chunk_size * 8))
            if found < 0:
                log.warning("chunk of %s not found verbatim; skipped", article.file)
                continue
            start = found
        search_from = start
        abs_start = article.body_start + start
        abs_end = abs_start + len(piece)
        chunks.append(
            Chunk(
                id=chunk_id(article.file, abs_start, piece),
                file=article.file,
                text=piece,
                start=abs_start,
                end=abs_end,
                title=article.title,
                url=article.url,
                published=article.published,
            )
        )
    return chunks


def chunk_id(file: str, start: int, text: str) -> str:
    """Deterministic id from content: the same passage of the same file always gets the same id."""
    return hashlib.sha256(f"{file}\x00{start}\x00{text}".encode()).hexdigest()[:32]


def iter_articles(paths: Iterable[Path], max_bytes: int) -> Iterator[Article | UnreadableFileError]:
    """Articles in order; a bad file yields its error instead of stopping the whole folder."""
    for path in paths:
        try:
            yield read_article(path, max_bytes)
        except UnreadableFileError as err:
            log.info("rejected %s: %s", path, err)
            yield err
