"""URLs given to ``assistant ingest`` -> articles: a feed's items, or the article page itself.

Each failure is one (source, sentence) pair in the report, never an exception that stops the other
URLs; nothing is written for a source that failed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

import httpx

from assistant.errors import AssistantError
from assistant.ingest.feeds import FeedEntry, looks_like_feed, parse_feed
from assistant.ingest.fetch import Fetched, Fetcher, FetchError, canonical_url
from assistant.ingest.pages import article_from_page
from assistant.types import Article

log = logging.getLogger(__name__)

# What ``Indexer.ingest_articles`` takes: an article, or (source, why it could not be read).
Sourced = Article | tuple[str, str]


def entry_article(fetcher: Fetcher, entry: FeedEntry) -> Sourced:
    """The article a feed entry links to (the feed's date and title when the page gives none)."""
    try:
        page = fetcher.get(canonical_url(entry.link))
        return article_from_page(page, None, entry.published, entry.title)
    except AssistantError as err:
        return (entry.link, str(err))
    except httpx.InvalidURL:
        return (entry.link, f"{entry.link} is not a valid address.")


def articles_from_url(fetcher: Fetcher, url: str) -> Iterator[Sourced]:
    """A page's article, or every item of a feed."""
    try:
        key = canonical_url(url)
        fetched: Fetched = fetcher.get(key)
    except (AssistantError, httpx.InvalidURL) as err:
        message = str(err) if isinstance(err, AssistantError) else f"{url} is not a valid address."
        yield (url, message)
        return
    if looks_like_feed(fetched):
        try:
            feed = parse_feed(fetched)
        except FetchError as err:
            yield (key, str(err))
            return
        if not feed.entries:
            yield (key, f"{key} is a feed with no items linking to a page.")
        for entry in feed.entries:
            yield entry_article(fetcher, entry)
        return
    try:
        yield article_from_page(fetched)
    except AssistantError as err:
        yield (key, str(err))


def articles_from_urls(urls: Iterable[str], fetcher: Fetcher) -> Iterator[Sourced]:
    for url in urls:
        yield from articles_from_url(fetcher, url)
