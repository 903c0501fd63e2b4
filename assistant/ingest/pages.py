"""A fetched article page -> Article: main text, title and author by trafilatura, the date by htmldate.

Why libraries rather than tag rules: news pages wrap the story in navigation, promos, share
buttons and footers, differently on every site; trafilatura's boilerplate removal is what
its users keep up with. htmldate reads the publication date from the page's own markup (meta
tags, JSON-LD, ``<time>``, the URL), preferring the original date over an "updated" one; with
``extensive_search`` off it never takes a date merely mentioned in the text, so a page that
gives none stays undated.

The article's key (``Article.file``) is its URL, so a citation names it; offsets index the
extracted text (title on the first line, then the paragraphs trafilatura kept).
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import date

from assistant.errors import UnreadableFileError
from assistant.ingest.decoding import decode_bytes
from assistant.ingest.fetch import Fetched, canonical_url
from assistant.ingest.readers import MIN_ARTICLE_CHARS
from assistant.types import Article

log = logging.getLogger(__name__)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


def _declared_charset(fetched: Fetched) -> str | None:
    """The HTTP header's charset, else the page's ``<meta charset>`` (in its first 4 KB)."""
    if fetched.charset:
        return fetched.charset
    found = _META_CHARSET.search(fetched.body[:4096])
    return found.group(1).decode("ascii") if found else None


def _page_date(html: str, url: str) -> date | None:
    from htmldate import find_date

    try:
        found = find_date(html, url=url, original_date=True, extensive_search=False, outputformat="%Y-%m-%d")
    except Exception:  # htmldate raises on odd markup; a date is optional
        log.debug("htmldate failed on %s", url, exc_info=True)
        return None
    return date.fromisoformat(found) if found else None


def article_from_page(
    fetched: Fetched, key: str | None = None, feed_date: date | None = None, feed_title: str | None = None
) -> Article:
    """The article on a fetched page; UnreadableFileError when there is no article text on it.

    ``key`` is the URL the article is indexed under (default: where redirects ended); ``feed_date`` and
    ``feed_title`` are what a feed said about the item, used when the page itself does not say.
    """
    import trafilatura

    name = key or canonical_url(fetched.final_url)  # after redirects: the page's own address
    decoded = decode_bytes(fetched.body, name, declared=_declared_charset(fetched))
    try:
        doc = trafilatura.bare_extraction(
            decoded.text,
            url=fetched.final_url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
        )
    except Exception as err:  # lxml and trafilatura raise many types on broken markup
        raise UnreadableFileError(f"{name} could not be read as an HTML page.") from err
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if len("".join(text.split())) < MIN_ARTICLE_CHARS:
        raise UnreadableFileError(f"{name} holds no article text that could be extracted.")
    title = (getattr(doc, "title", None) or feed_title or "").strip() or None
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"  # the headline is part of what can be cited
    page_date = _page_date(decoded.text, fetched.final_url)
    published, source = (page_date, "page") if page_date else ((feed_date, "feed") if feed_date else (None, None))
    return Article(
        file=name,
        path=fetched.final_url,
        text=text,
        body_start=0,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        title=title,
        url=fetched.final_url,
        published=published,
        published_source=source,
        encoding=decoded.encoding,
        author=(getattr(doc, "author", None) or None),
    )
