"""Polling the followed feeds: new items are fetched and indexed; a failing feed backs off alone.

One poll of a feed is one conditional GET (a 304 costs nothing more); only items whose link has not
been read before are fetched. A feed that fails (unreachable, slow, not a feed) is retried after
``interval * 2**failures`` seconds, at most ``MAX_BACKOFF_S``, and its error is kept for ``assistant
feeds list``; the other feeds are polled as usual. An item whose page fails is not marked read,
so the next poll tries it again; the items that were read are indexed in one batch per feed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from assistant.errors import AssistantError
from assistant.ingest.feedlist import FeedList, FeedState
from assistant.ingest.feeds import looks_like_feed, parse_feed
from assistant.ingest.fetch import Fetcher, FetchError, Validators, canonical_url
from assistant.ingest.indexer import IngestReport
from assistant.ingest.remote import Sourced, entry_article
from assistant.types import Article

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 6 * 3600.0

# Indexes a batch of fetched articles (the server wraps it in its lock).
IngestFn = Callable[[Sequence[Sourced]], IngestReport]


def backoff_s(interval_s: float, failures: int) -> float:
    return float(min(interval_s * 2**failures, MAX_BACKOFF_S))


@dataclass(frozen=True)
class PollResult:
    """One feed's poll: ``status`` is "new", "unchanged", "not modified", "failed" or "waiting"."""

    feed: str
    status: str
    added: tuple[str, ...] = ()
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""

    def line(self) -> str:
        """One line per feed, as ``assistant watch`` prints it."""
        return f"{self.feed}: {self.message}"


class Watcher:
    """Polls every due feed of a ``FeedList`` and hands new articles to ``ingest``."""

    def __init__(
        self,
        feeds: FeedList,
        ingest: IngestFn,
        make_fetcher: Callable[[], Fetcher],
        interval_s: float = 900.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.feeds, self.ingest, self.make_fetcher = feeds, ingest, make_fetcher
        self.interval_s, self.clock = interval_s, clock

    def poll(self) -> list[PollResult]:
        """Poll the feeds that are due now (all of them, the first time)."""
        results = []
        with self.make_fetcher() as fetcher:
            for state in self.feeds.all().values():
                now = self.clock()
                if state.next_poll_at > now:
                    wait = state.next_poll_at - now
                    results.append(PollResult(state.url, "waiting", message=f"backing off, next try in {wait:.0f} s"))
                    continue
                results.append(self._poll_one(fetcher, state))
        return results

    def _fail(self, state: FeedState, error: str) -> PollResult:
        now = self.clock()

        def change(s: FeedState) -> FeedState:
            failures = s.failures + 1
            return replace(
                s,
                failures=failures,
                last_poll_at=now,
                last_error=error,
                next_poll_at=now + backoff_s(self.interval_s, failures),
            )

        updated = self.feeds.update(state.url, change)
        wait = (updated.next_poll_at - now) if updated else 0.0
        log.info("feed %s failed: %s", state.url, error)  # the PollResult line reports it
        return PollResult(state.url, "failed", message=f"failed: {error} (retry in {wait:.0f} s)")

    def _poll_one(self, fetcher: Fetcher, state: FeedState) -> PollResult:
        try:
            fetched = fetcher.get(state.url, Validators(state.etag, state.last_modified))
            if fetched.not_modified:
                self._ok(state, Validators(state.etag, state.last_modified), (), "not modified (304)")
                return PollResult(state.url, "not modified", message="not modified (304), nothing fetched")
            if not looks_like_feed(fetched):
                raise FetchError(f"{state.url} is not an RSS or Atom feed (it is served as {fetched.content_type}).")
            feed = parse_feed(fetched)
        except AssistantError as err:
            return self._fail(state, str(err))
        seen = set(state.seen)
        fresh = [e for e in feed.entries if canonical_url(e.link) not in seen]
        items = [entry_article(fetcher, e) for e in fresh]
        try:
            report = self.ingest(items) if items else IngestReport()
        except AssistantError as err:  # the store is down: the items stay unread for the next poll
            return self._fail(state, str(err))
        read = tuple(canonical_url(e.link) for e, item in zip(fresh, items, strict=True) if isinstance(item, Article))
        summary = (
            f"{len(feed.entries)} items, {len(fresh)} new: {len(report.added)} added, "
            f"{len(report.updated)} updated, {len(report.unchanged)} unchanged, {len(report.errors)} rejected"
        )
        self._ok(state, fetched.validators, read, summary)
        status = "new" if report.added or report.updated else "unchanged"
        message = summary + "".join(f"; rejected {source}: {why}" for source, why in report.errors.items())
        return PollResult(state.url, status, tuple(report.added + report.updated), dict(report.errors), message)

    def _ok(self, state: FeedState, validators: Validators, read: tuple[str, ...], summary: str) -> None:
        now = self.clock()

        def change(s: FeedState) -> FeedState:
            return replace(
                s,
                etag=validators.etag,
                last_modified=validators.last_modified,
                last_poll_at=now,
                last_ok_at=now,
                failures=0,
                last_error=None,
                last_result=summary,
                next_poll_at=now + self.interval_s,
                seen=s.seen + tuple(r for r in read if r not in s.seen),
            )

        self.feeds.update(state.url, change)

    def run(self, stop: threading.Event, report: Callable[[PollResult], None] = lambda r: None) -> None:
        """Poll until ``stop`` is set; sleeps until the next feed is due (at most ``interval_s``)."""
        while not stop.is_set():
            wait = self.interval_s
            try:
                for result in self.poll():
                    report(result)
                due = [s.next_poll_at for s in self.feeds.all().values()]
                wait = min([self.interval_s, *(max(1.0, d - self.clock()) for d in due)])
            except Exception:  # a watcher thread must outlive any one bad poll
                log.exception("feed poll failed")
            stop.wait(wait)
