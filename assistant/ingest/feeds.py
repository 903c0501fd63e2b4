"""RSS and Atom feeds -> the article links they list, with feedparser.

A feed is told from a page by its content type or its first bytes; anything feedparser cannot
read as RSS or Atom (no version, no entries, or broken XML with nothing recoverable) is refused
with one sentence.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from assistant.ingest.fetch import Fetched, FetchError

FEED_TYPES = {
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/feed+xml",
}


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: where its article is, and what the feed says about it."""

    link: str
    title: str | None = None
    published: date | None = None
    summary: str | None = None


@dataclass(frozen=True)
class Feed:
    url: str
    title: str | None
    entries: tuple[FeedEntry, ...]


def looks_like_feed(fetched: Fetched) -> bool:
    """Served as a feed, or an XML document whose root is <rss>, <feed> or <rdf:RDF>."""
    if fetched.content_type in FEED_TYPES:
        return True
    head = fetched.body[:1024].lstrip().lower()
    if head.startswith(b"<?xml"):
        return any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf"))
    return head.startswith((b"<rss", b"<feed"))


def _day(entry: Any) -> date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC).date()
    return None


def parse_feed(fetched: Fetched) -> Feed:
    """The feed's entries that link to an http(s) page; FetchError when it is not a feed."""
    import feedparser

    parsed = feedparser.parse(fetched.body, response_headers={"content-location": fetched.final_url})
    if not parsed.get("version"):
        broken = parsed.get("bozo") and "SAX" in type(parsed.get("bozo_exception")).__name__
        reason = "not well-formed XML" if broken else "no RSS or Atom root element"
        raise FetchError(f"{fetched.url} is not an RSS or Atom feed ({reason}).")
    entries = []
    for entry in parsed.entries:
        link = entry.get("link") or ""
        if not link.lower().startswith(("http://", "https://")):
            continue  # an entry without a web page to fetch
        entries.append(FeedEntry(link, entry.get("title"), _day(entry), entry.get("summary")))
    return Feed(fetched.url, parsed.feed.get("title"), tuple(entries))
