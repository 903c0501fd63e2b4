"""`assistant feeds add|list|remove URL` and `assistant watch [--interval S] [--once]`: display only."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from assistant.config import Settings
from assistant.ingest.feedlist import FeedList, FeedListError
from assistant.ingest.watch import PollResult


def run_feeds_cli(args: argparse.Namespace, settings: Settings) -> int:
    feeds = FeedList(settings.data_dir)
    if args.action == "list":
        states = feeds.all()
        for state in states.values():
            print(state.status_line())
        if not states:
            print("No feeds are followed; add one with `assistant feeds add URL`.")
        return 0
    if not args.url:
        raise FeedListError(f"`assistant feeds {args.action}` needs the feed's URL.")
    if args.action == "add":
        state, new = feeds.add(args.url)
        print(f"following {state.url}" if new else f"{state.url} is already followed")
        return 0
    feeds.remove(args.url)
    print(f"no longer following {args.url} (its articles stay indexed)")
    return 0


def run_watch_cli(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.pipeline import Assistant

    watcher = Assistant(settings).watcher(args.interval)
    if not watcher.feeds.all():
        raise FeedListError("No feeds are followed; add one with `assistant feeds add URL` first.")

    def show(result: PollResult) -> None:
        print(result.line(), file=sys.stderr if result.status == "failed" else sys.stdout, flush=True)

    if args.once:
        results = watcher.poll()
        for result in results:
            show(result)
        return 3 if any(r.status == "failed" for r in results) else 0
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"watching {len(watcher.feeds.all())} feeds every {watcher.interval_s:.0f} s (Ctrl-C stops)", flush=True)
    try:
        watcher.run(stop, show)
    except KeyboardInterrupt:
        stop.set()
    return 0
