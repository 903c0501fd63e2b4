"""The feeds an index follows and their fetch state: one JSON file in the data dir.

Why a file beside Chroma rather than in it: the state is per data dir, tiny, rewritten on every
poll, and holds nothing the index needs to answer. Every change is a read-modify-write under an
exclusive ``flock`` and lands by ``os.replace``, so ``assistant feeds add`` in one process and a
watcher in another never lose each other's updates, and a crash mid-write leaves the old file.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import httpx

from assistant.errors import AssistantError
from assistant.ingest.fetch import canonical_url, is_url

SEEN_LIMIT = 2000  # item links remembered per feed (a feed lists its latest few dozen)


class FeedListError(AssistantError):
    """A feed URL that cannot be followed, or one that is not followed."""

    exit_code = 2


@dataclass(frozen=True)
class FeedState:
    """One followed feed: conditional-GET validators, the last outcome, backoff, items already read."""

    url: str
    added_at: float
    etag: str | None = None
    last_modified: str | None = None
    last_poll_at: float | None = None
    last_ok_at: float | None = None
    failures: int = 0  # in a row; 0 after a good poll
    next_poll_at: float = 0.0
    last_error: str | None = None
    last_result: str | None = None
    seen: tuple[str, ...] = field(default_factory=tuple)

    def status_line(self, now: float | None = None) -> str:
        """What ``assistant feeds list`` prints for it."""
        now = time.time() if now is None else now
        when = _ago(self.last_poll_at, now) if self.last_poll_at else "never polled"
        if self.failures:
            wait = max(0.0, self.next_poll_at - now)
            return (
                f"{self.url}\tFAILING ({self.failures} in a row, retry in {wait:.0f} s): {self.last_error}"
                f"\tlast polled {when}"
            )
        result = f"\t{self.last_result}" if self.last_result else ""
        return f"{self.url}\tok, {len(self.seen)} items read\tlast polled {when}{result}"


def _ago(at: float, now: float) -> str:
    seconds = max(0.0, now - at)
    if seconds < 120:
        return f"{seconds:.0f} s ago"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min ago"
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(at))


def feed_key(url: str) -> str:
    """The form a feed URL is kept under; FeedListError for anything but an http(s) address."""
    if not is_url(url):
        raise FeedListError(f"{url} is not an http(s) address; a feed is followed by its URL.")
    try:
        return canonical_url(url)
    except httpx.InvalidURL as err:
        raise FeedListError(f"{url} is not a valid address.") from err


class FeedList:
    """``DATA_DIR/feeds.json`` (its lock: ``feeds.json.lock``)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "feeds.json"

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name("feeds.json.lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _read(self) -> dict[str, FeedState]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as err:
            raise FeedListError(f"The feed list {self.path} cannot be read; fix or delete it.") from err
        return {url: FeedState(**{**item, "seen": tuple(item.get("seen", ()))}) for url, item in raw.items()}

    def _write(self, feeds: dict[str, FeedState]) -> None:
        tmp = self.path.with_name(f"feeds.json.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({u: asdict(s) for u, s in feeds.items()}, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)

    def all(self) -> dict[str, FeedState]:
        with self._locked():
            return self._read()

    def add(self, url: str) -> tuple[FeedState, bool]:
        """Follow a feed; returns its state and whether it was new."""
        key = feed_key(url)
        with self._locked():
            feeds = self._read()
            if key in feeds:
                return feeds[key], False
            feeds[key] = FeedState(key, added_at=time.time())
            self._write(feeds)
            return feeds[key], True

    def remove(self, url: str) -> None:
        key = feed_key(url)
        with self._locked():
            feeds = self._read()
            if key not in feeds:
                raise FeedListError(f"{key} is not followed; `assistant feeds list` shows the feeds that are.")
            del feeds[key]
            self._write(feeds)

    def update(self, url: str, change: Callable[[FeedState], FeedState]) -> FeedState | None:
        """Apply ``change`` to the stored state (None when the feed was removed meanwhile)."""
        with self._locked():
            feeds = self._read()
            if url not in feeds:
                return None
            feeds[url] = change(feeds[url])
            seen = feeds[url].seen
            if len(seen) > SEEN_LIMIT:
                feeds[url] = replace(feeds[url], seen=seen[-SEEN_LIMIT:])
            self._write(feeds)
            return feeds[url]
