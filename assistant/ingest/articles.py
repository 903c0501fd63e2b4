"""Decoded text -> Article: title, URL and publication date read from front matter, dateline,
captions or the URL."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime

from dateutil import parser as dateutil_parser

from assistant.text.dates import find_dates
from assistant.types import Article

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<body>.*?)\n---[ \t]*(?:\n|\Z)", re.S)
# A plain header block as news exports write it: "Title: ...", "Date: ...", "URL: ..." lines, then a blank line.
_HEADER_KEYS = ("title", "date", "published", "url", "link", "source", "author", "byline")
_HEADER_BLOCK = re.compile(rf"\A(?P<body>(?:[ \t]*(?i:{'|'.join(_HEADER_KEYS)})[ \t]*:[^\n]*\n){{2,}})[ \t]*(?:\n|\Z)")
_URL = re.compile(r"https?://[^\s)\]>\"']+")
_CAPTION_CREDIT = re.compile(r"^\W{0,3}(?:REUTERS|AP|AFP|Getty|Photo|Image|Credit|NASA|EPA)\b", re.I)
_DATELINE = re.compile(r"^[A-Z][A-Z .,'-]{2,40}(?:\([A-Za-z ]+\))?\s*[,:-]?\s*(?P<rest>.{0,40})")
_URL_DATE = re.compile(r"/(?P<y>(?:19|20)\d\d)/(?P<m>[01]?\d)/(?P<d>[0-3]?\d)/")


def build_article(file: str, path: str, text: str, title_hint: str | None = None, encoding: str = "utf-8") -> Article:
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
        encoding=encoding,
    )


def _front_matter(text: str) -> tuple[dict[str, str], int]:
    match = _FRONT_MATTER.match(text) or _HEADER_BLOCK.match(text)
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
                pass
            try:  # "2025/07/22", "July 22, 2025", "Tue, 22 Jul 2025 10:00:00 GMT"
                return dateutil_parser.parse(meta[key]).date(), "front matter"
            except (ValueError, OverflowError):
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
