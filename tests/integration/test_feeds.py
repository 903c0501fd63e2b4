"""URLs, feeds and watching, against a news site on 127.0.0.1 that the tests start
(``tests/support/news_server.py``), with the real embedding model and Chroma."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.ingest.feedlist import FeedList, FeedListError
from assistant.ingest.watch import Watcher
from assistant.store.embedding import Embedder
from tests.conftest import ROOT
from tests.support.news_server import NewsServer


@pytest.fixture
def site() -> Iterator[NewsServer]:
    server = NewsServer()
    yield server
    server.stop()


@pytest.fixture
def web_bot(tmp_path: Path, embedder: Embedder) -> Assistant:
    """Short fetch timeouts so the never-answering server costs a second, a 20 MB cap."""
    return Assistant(Settings(data_dir=tmp_path / "data", fetch_timeout_s=1.0), embedder=embedder)


def test_feeds_and_pages_are_ingested_with_url_title_author_and_page_date(site: NewsServer, web_bot: Assistant) -> None:
    report = web_bot.ingest(site.url("/rss.xml"), site.url("/atom.xml"), site.url("/cp1252.html"), site.url("/moved"))
    assert not report.errors, report.errors
    crew = site.url("/news/crew-12-docks.html")
    assert sorted(report.added) == sorted(
        [
            crew,
            site.url("/news/starliner-delay.html"),
            site.url("/news/atom-one.html"),
            site.url("/news/atom-two.html"),
            site.url("/cp1252.html"),
        ]
    )  # /moved redirects to the Crew-12 page: indexed once, under the page's own URL
    records = web_bot.store.files()
    assert records[crew].title == "Crew-12 docks with the space station"
    assert records[crew].published == date(2026, 2, 14)
    assert records[site.url("/cp1252.html")].title == "Café scientifique on the Moon’s south pole"
    chunks = {c.file: c for c in web_bot.store.iter_chunks()}
    assert chunks[site.url("/cp1252.html")].encoding == "cp1252"
    assert "Subscribe to our newsletter" not in " ".join(c.text for c in web_bot.store.iter_chunks())  # boilerplate

    answer = web_bot.ask("Who leads the Crew-12 mission?")
    assert "Jessica Meir" in answer.text
    cited = answer.citations[0]
    assert cited.file == crew and cited.published == date(2026, 2, 14)  # the URL and the page's date

    again = web_bot.ingest(site.url("/rss.xml"))
    assert again.chunks_written == 0 and len(again.unchanged) == 2


@pytest.mark.parametrize(
    ("path", "outcome"),
    [
        ("/missing", "answered HTTP 404 Not Found."),
        ("/hang", "did not answer in time (ReadTimeout)."),
        ("/huge.html", "is 50 MB, over the 20 MB limit; not downloaded."),
        ("/bomb.html", "is over the 20 MB limit once decompressed; refused."),
        ("/not-a-feed.xml", "is not an RSS or Atom feed (not well-formed XML)."),
        ("/to-file", "redirects to file://, which is not http(s); not followed."),
    ],
)
def test_each_bad_source_is_one_line_and_touches_nothing(
    site: NewsServer, web_bot: Assistant, path: str, outcome: str
) -> None:
    web_bot.ingest(site.url("/news/atom-one.html"))
    before = (web_bot.store.files(), web_bot.store.count(), web_bot.store.revision())
    started = time.monotonic()
    report = web_bot.ingest(site.url(path))
    assert time.monotonic() - started < 5
    assert not report.added and not report.updated and list(report.errors) == [site.url(path)]
    message = report.errors[site.url(path)]
    assert message.endswith(outcome) and "\n" not in message, message
    assert (web_bot.store.files(), web_bot.store.count(), web_bot.store.revision()) == before


def test_huge_page_is_refused_before_its_body_is_read(site: NewsServer, web_bot: Assistant) -> None:
    with web_bot.fetcher() as fetcher:
        from assistant.ingest.fetch import FetchError

        with pytest.raises(FetchError, match="not downloaded"):
            fetcher.get(site.url("/huge.html"))


def test_watch_polls_backs_off_and_reads_only_new_items(site: NewsServer, web_bot: Assistant, tmp_path: Path) -> None:
    now = [1_000_000.0]
    feeds = FeedList(tmp_path / "data")
    for path in ("/rss.xml", "/atom.xml", "/not-a-feed.xml", "/missing"):
        feeds.add(site.url(path))
    assert feeds.add(site.url("/rss.xml"))[1] is False  # already followed
    with pytest.raises(FeedListError, match="not an http"):
        feeds.add("file:///etc/passwd")
    watcher = Watcher(feeds, web_bot.ingest_fetched, web_bot.fetcher, interval_s=60, clock=lambda: now[0])

    first = {r.feed: r for r in watcher.poll()}
    assert first[site.url("/rss.xml")].status == "new" and len(first[site.url("/rss.xml")].added) == 2
    assert first[site.url("/atom.xml")].status == "new" and len(first[site.url("/atom.xml")].added) == 2
    assert first[site.url("/not-a-feed.xml")].status == "failed"
    assert "not an RSS or Atom feed" in first[site.url("/not-a-feed.xml")].line()
    assert first[site.url("/missing")].status == "failed" and "404" in first[site.url("/missing")].line()
    assert len(web_bot.store.files()) == 4

    now[0] += 61  # the good feeds are due again; the failing ones back off for 120 s
    page_hits = site.site.hits["/news/crew-12-docks.html"]
    second = {r.feed: r for r in watcher.poll()}
    assert second[site.url("/rss.xml")].status == "not modified" and site.site.conditional_hits["/rss.xml"] == 1
    assert second[site.url("/missing")].status == "waiting"
    assert site.site.hits["/news/crew-12-docks.html"] == page_hits  # nothing refetched

    site.site.add_page(
        "/news/new-launch.html",
        "Cygnus cargo ship launches to the station",
        [
            "A Cygnus cargo ship launched to the International Space Station on March 12, 2026 carrying 3,700 kg of "
            "supplies, Northrop Grumman said, and it will berth with the station's robotic arm two days later."
        ],
        "Dana Orbit",
        "2026-03-12",
    )
    site.site.add_item("/news/new-launch.html", "Cygnus cargo ship launches", datetime(2026, 3, 12, tzinfo=UTC))
    now[0] += 61
    third = {r.feed: r for r in watcher.poll()}
    assert third[site.url("/rss.xml")].added == (site.url("/news/new-launch.html"),)
    assert site.site.hits["/news/crew-12-docks.html"] == page_hits  # only the new item was fetched
    answer = web_bot.ask("How much cargo did the Cygnus ship carry?")
    assert answer.citations and answer.citations[0].file == site.url("/news/new-launch.html")

    lines = {s.url: s.status_line(now[0]) for s in feeds.all().values()}
    assert "FAILING (2 in a row" in lines[site.url("/missing")] and "404" in lines[site.url("/missing")]
    assert "ok, 3 items read" in lines[site.url("/rss.xml")]
    feeds.remove(site.url("/missing"))
    assert site.url("/missing") not in feeds.all()
    with pytest.raises(FeedListError, match="is not followed"):
        feeds.remove(site.url("/missing"))


def test_watch_once_in_a_fresh_data_dir_from_the_command_line(
    site: NewsServer, tmp_path: Path, embed_cache: Path
) -> None:
    """The example of docs/news.md: `assistant feeds add URL`, `assistant watch --once`, `assistant feeds list`."""
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(tmp_path / "fresh"), "ASSISTANT_EMBED_CACHE_DIR": str(embed_cache)}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "assistant", *args]
        return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)

    assert cli("feeds", "add", site.url("/rss.xml")).stdout.startswith("following ")
    bad = cli("feeds", "add", "ftp://example.org/feed")
    assert bad.returncode == 2 and bad.stderr.strip().endswith("a feed is followed by its URL.")
    watched = cli("watch", "--once")
    assert watched.returncode == 0, watched.stderr
    assert "2 items, 2 new: 2 added, 0 updated, 0 unchanged, 0 rejected" in watched.stdout
    listed = cli("feeds", "list")
    assert "ok, 2 items read" in listed.stdout
    asked = cli("ask", "Who leads the Crew-12 mission?")
    assert "Jessica Meir" in asked.stdout and site.url("/news/crew-12-docks.html") in asked.stdout


def test_serve_watch_indexes_a_followed_feed_while_answering(site: NewsServer, web_bot: Assistant) -> None:
    """`assistant serve --watch`: the server's own watcher thread indexes the feed; the API then answers from it."""
    import httpx

    from assistant.serve.server import create_app
    from tests.conftest import LoopbackServer

    web_bot.ingest(site.url("/news/atom-two.html"))  # an index to serve from the start
    FeedList(web_bot.settings.data_dir).add(site.url("/rss.xml"))
    app = create_app(web_bot, watch_interval_s=1.0)
    server = LoopbackServer(app)
    try:
        deadline = time.monotonic() + 60
        files: set[str] = set()
        while time.monotonic() < deadline and site.url("/news/crew-12-docks.html") not in files:
            files = {d["file"] for d in httpx.get(f"{server.url}/v1/documents", timeout=30).json()["data"]}
            time.sleep(0.5)
        assert site.url("/news/crew-12-docks.html") in files
        reply = httpx.post(
            f"{server.url}/v1/chat/completions",
            json={
                "model": "news-assistant",
                "messages": [{"role": "user", "content": "Who leads the Crew-12 mission?"}],
            },
            timeout=60,
        ).json()
        assert "Jessica Meir" in reply["choices"][0]["message"]["content"]
        assert reply["citations"][0]["file"] == site.url("/news/crew-12-docks.html")
    finally:
        app.state.watch_stop.set()
        server.stop()


def test_documents_tab_adds_pages_and_feeds_by_url(site: NewsServer, web_bot: Assistant) -> None:
    from assistant.serve.service import AssistantService
    from assistant.serve.web import _add_urls

    message = _add_urls(AssistantService(web_bot), f"{site.url('/atom.xml')}\nnot a url\n{site.url('/missing')}\n")
    lines = message.splitlines()
    assert len(lines) == 4, message
    assert lines[0] == "- **Rejected** not a url: not an http(s) address."
    assert sum("added" in line for line in lines) == 2
    assert "404" in lines[-1] and lines[-1].startswith("- **Rejected**")


def test_documents_tab_of_a_shared_server_refuses_a_loopback_url(site: NewsServer, web_bot: Assistant) -> None:
    from assistant.serve.server import page_fetches_public_only
    from assistant.serve.service import AssistantService
    from assistant.serve.web import _add_urls

    assert page_fetches_public_only(Settings(host="0.0.0.0"))
    assert not page_fetches_public_only(Settings(host="0.0.0.0", page_fetch_private=True))
    assert not page_fetches_public_only(Settings(host="127.0.0.1"))
    message = _add_urls(AssistantService(web_bot, public_fetch_only=True), site.url("/atom.xml"))
    assert message.startswith("- **Rejected**") and "points at a private or local address" in message, message
    assert len(message.splitlines()) == 1
    assert not web_bot.store.exists() or not web_bot.store.files()  # nothing was fetched, nothing indexed


def test_a_syndicated_copy_is_merged_and_cited_as_also_reported_by(site: NewsServer, web_bot: Assistant) -> None:
    from assistant.serve.render import sources_html
    from tests.support.news_server import PAGES

    _, paragraphs, _, _ = PAGES["/news/crew-12-docks.html"]
    site.site.add_page(  # the same wire story on another site: its own headline, byline and date
        "/wire/crew-12.html", "Dragon arrives: Crew-12 reaches the ISS", paragraphs, "Wire Desk", "2026-02-15"
    )
    other = "/news/starliner-delay.html"  # another article: indexed as usual
    first = web_bot.ingest(site.url("/news/crew-12-docks.html"))
    before = web_bot.store.files()
    report = web_bot.ingest(site.url("/wire/crew-12.html"), site.url(other))
    assert report.syndicated == {site.url("/wire/crew-12.html"): first.added[0]}
    assert report.added == [site.url(other)] and "1 syndicated copies merged" in report.summary()
    assert set(web_bot.store.files()) == set(before) | {site.url(other)}  # the copy is not indexed again

    answer = web_bot.ask("Who leads the Crew-12 mission?")
    assert [c.file for c in answer.citations] == [site.url("/news/crew-12-docks.html")]  # answered once
    card = sources_html(answer)
    assert f"also reported by {site.url('/wire/crew-12.html')} (2026-02-15)" in card
    # /v1 and the MCP tools say the same in JSON (one shared citation_json)
    from assistant.serve.api import answer_extras
    from assistant.serve.mcp.tools import answer_json

    copies = [{"source": site.url("/wire/crew-12.html"), "published": "2026-02-15"}]
    for cited in (answer_extras(answer)["citations"][0], answer_json(answer)["citations"][0]):
        assert cited["also_reported_by"] == copies and cited["url"] == site.url("/news/crew-12-docks.html")
    again = web_bot.ingest(site.url("/wire/crew-12.html"))  # seen again: recorded once, nothing written
    assert again.syndicated and web_bot.store.files() == web_bot.store.files()
