"""A news site on 127.0.0.1 for the feed and page tests: feeds, pages and every way a fetch can go wrong.

Routes (``NewsSite.url(path)``):

- ``/rss.xml`` (RSS 2.0) and ``/atom.xml`` (Atom): two items each, linking to the pages below; both
  send an ETag and answer a conditional GET with 304 while ``version`` is unchanged.
- ``/news/crew-12-docks.html``, ``/news/starliner-delay.html``, ``/news/atom-one.html``,
  ``/news/atom-two.html``: article pages with boilerplate around the text, author and date meta.
- ``/moved`` -> 301 to the first page; ``/to-file`` -> 302 to ``file:///etc/passwd``.
- ``/missing`` -> 404; ``/hang`` never answers; ``/huge.html`` declares 50 MB (and would send it);
  ``/bomb.html`` is a 60 MB gzip bomb (about 60 KB on the wire); ``/not-a-feed.xml`` is plain text
  served as a feed; ``/cp1252.html`` is a page in windows-1252 with no charset in the header.

Extra pages can be added while it runs (``add_page``, ``add_item``); ``hits`` counts requests per path.
"""

from __future__ import annotations

import gzip
import http.server
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime

BOILERPLATE_TOP = (
    '<header><nav><a href="/">Home</a> | <a href="/space">Space</a> | <a href="/about">About us</a></nav>'
    "<div class='promo'>Subscribe to our newsletter for the latest headlines!</div></header>"
)
BOILERPLATE_BOTTOM = (
    "<footer><p>Copyright 2026 Orbit Daily. All rights reserved.</p>"
    "<p>Share this story on social media. Read our privacy policy.</p></footer>"
)


def page_html(title: str, paragraphs: list[str], author: str, published: str, charset: str = "utf-8") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><meta charset='{charset}'><title>{title} | Orbit Daily</title>"
        f"<meta name='author' content='{author}'>"
        f"<meta property='article:published_time' content='{published}'>"
        f"</head><body>{BOILERPLATE_TOP}<main><article><h1>{title}</h1>"
        f"<p class='byline'>By {author}</p>{body}</article></main>{BOILERPLATE_BOTTOM}</body></html>"
    )


PAGES = {
    "/news/crew-12-docks.html": (
        "Crew-12 docks with the space station",
        [
            "SpaceX's Crew-12 mission docked with the International Space Station on February 14, 2026, "
            "after a 34-hour orbital chase that began with a launch from Cape Canaveral.",
            "The Crew-12 mission is led by NASA astronaut Jessica Meir, who is making her second trip to the "
            "orbiting laboratory, and the crew will spend about eight months aboard.",
            "Flight controllers in Houston confirmed the hatch opening two hours after docking, and the new "
            "arrivals were greeted by the Expedition crew already on board the station.",
        ],
        "Dana Orbit",
        "2026-02-14",
    ),
    "/news/starliner-delay.html": (
        "Starliner test flight slips to the autumn",
        [
            "Boeing said on Tuesday that the next Starliner test flight has slipped to September 2026 while "
            "engineers finish work on the capsule's thrusters and its parachute system.",
            "The company did not name the astronauts who will fly the mission, and NASA said a review board "
            "would meet again in June to decide whether the vehicle is ready.",
        ],
        "Lee Apogee",
        "2026-03-03",
    ),
    "/news/atom-one.html": (
        "Lunar rover wakes after the long night",
        [
            "A small lunar rover built by students woke up on March 9, 2026 after surviving two weeks of "
            "darkness at the Moon's south pole, its team said in a statement.",
            "The rover's batteries held enough charge to restart its radio, and it sent back a first image "
            "of the crater rim within an hour of sunrise.",
        ],
        "Kim Perigee",
        "2026-03-10",
    ),
    "/news/atom-two.html": (
        "Europe picks a landing site for its Mars sample mission",
        [
            "The European Space Agency chose the Oxia Planum plain as the landing site for its Mars sample "
            "mission on March 11, 2026, citing its clay-rich ancient rocks.",
            "Mission planners said the site's flat terrain lowers the risk for the lander, which is due to "
            "launch later this decade.",
        ],
        "Ana Nodal",
        "2026-03-11",
    ),
}

CP1252_TITLE = "Café scientifique on the Moon’s south pole"
CP1252_TEXT = (
    "Researchers met at a café in Toulouse on March 5, 2026 to discuss the Moon’s south pole – "
    "where ice may lie in permanently shadowed craters – and the “Artemis” landing zones.",
    "The meeting’s organiser, Hélène Dubois, said the next session would cover the rover’s route.",
)


@dataclass
class FeedItem:
    path: str
    title: str
    published: datetime


@dataclass
class NewsSite:
    """Holds the site's content; ``serve()`` runs it on a free loopback port in a thread."""

    items: list[FeedItem] = field(default_factory=list)
    atom_items: list[FeedItem] = field(default_factory=list)
    pages: dict[str, bytes] = field(default_factory=dict)
    version: int = 1
    hits: Counter[str] = field(default_factory=Counter)
    conditional_hits: Counter[str] = field(default_factory=Counter)
    release: threading.Event = field(default_factory=threading.Event)
    base: str = ""

    def url(self, path: str) -> str:
        return self.base + path

    def add_page(self, path: str, title: str, paragraphs: list[str], author: str, published: str) -> None:
        self.pages[path] = page_html(title, paragraphs, author, published).encode("utf-8")

    def add_item(self, path: str, title: str, published: datetime, atom: bool = False) -> None:
        (self.atom_items if atom else self.items).append(FeedItem(path, title, published))
        self.version += 1

    def rss(self) -> bytes:
        entries = "".join(
            f"<item><title>{i.title}</title><link>{self.url(i.path)}</link><guid>{self.url(i.path)}</guid>"
            f"<pubDate>{format_datetime(i.published)}</pubDate><description>{i.title}.</description></item>"
            for i in self.items
        )
        return (
            "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Orbit Daily</title>"
            f"<link>{self.url('/')}</link><description>Space news</description>{entries}</channel></rss>"
        ).encode()

    def atom(self) -> bytes:
        entries = "".join(
            f"<entry><title>{i.title}</title><link href='{self.url(i.path)}'/><id>{self.url(i.path)}</id>"
            f"<updated>{i.published.isoformat()}</updated><summary>{i.title}.</summary></entry>"
            for i in self.atom_items
        )
        return (
            "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
            f"<title>Orbit Daily (Atom)</title><id>{self.url('/atom.xml')}</id>"
            f"<updated>2026-03-11T00:00:00Z</updated>{entries}</feed>"
        ).encode()


def default_site() -> NewsSite:
    site = NewsSite()
    for path, (title, paragraphs, author, published) in PAGES.items():
        site.add_page(path, title, paragraphs, author, published)
    site.pages["/cp1252.html"] = page_html(
        CP1252_TITLE, list(CP1252_TEXT), "Jean Lune", "2026-03-05", "windows-1252"
    ).encode("cp1252")
    site.items = [
        FeedItem("/news/crew-12-docks.html", PAGES["/news/crew-12-docks.html"][0], datetime(2026, 2, 14, tzinfo=UTC)),
        FeedItem(
            "/news/starliner-delay.html", PAGES["/news/starliner-delay.html"][0], datetime(2026, 3, 3, tzinfo=UTC)
        ),
    ]
    site.atom_items = [
        FeedItem("/news/atom-one.html", PAGES["/news/atom-one.html"][0], datetime(2026, 3, 10, tzinfo=UTC)),
        FeedItem("/news/atom-two.html", PAGES["/news/atom-two.html"][0], datetime(2026, 3, 11, tzinfo=UTC)),
    ]
    return site


_BOMB = gzip.compress(b"\0" * 60_000_000, compresslevel=9)  # about 60 KB


class _Handler(http.server.BaseHTTPRequestHandler):
    site: NewsSite
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _feed(self, body: bytes, content_type: str, name: str) -> None:
        etag = f'"{name}-v{self.site.version}"'
        if self.headers.get("If-None-Match") == etag:
            self.site.conditional_hits[self.path] += 1
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self._send(200, body, content_type, {"ETag": etag, "Last-Modified": "Wed, 11 Mar 2026 00:00:00 GMT"})

    def do_GET(self) -> None:
        site = self.site
        site.hits[self.path] += 1
        if self.path == "/rss.xml":
            self._feed(site.rss(), "application/rss+xml", "rss")
        elif self.path == "/atom.xml":
            self._feed(site.atom(), "application/atom+xml", "atom")
        elif self.path == "/moved":
            self._send(301, b"", "text/html", {"Location": "/news/crew-12-docks.html"})
        elif self.path == "/to-file":
            self._send(302, b"", "text/html", {"Location": "file:///etc/passwd"})
        elif self.path == "/hang":
            site.release.wait(60)  # never answers while the test runs
        elif self.path == "/huge.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(50_000_000))
            self.end_headers()
            try:
                for _ in range(50):
                    self.wfile.write(b"<p>" + b"x" * 999_993 + b"</p>")
            except OSError:
                return  # the client hung up, as it should
        elif self.path == "/bomb.html":
            self._send(200, _BOMB, "text/html", {"Content-Encoding": "gzip"})
        elif self.path == "/not-a-feed.xml":
            self._send(200, b"Sorry, our feed is down for maintenance. Try again later.", "application/rss+xml")
        elif self.path == "/cp1252.html":
            self._send(200, site.pages["/cp1252.html"], "text/html")  # no charset: only the meta tag says
        elif self.path in site.pages:
            self._send(200, site.pages[self.path], "text/html; charset=utf-8")
        else:
            self._send(404, b"<html><body>Not found</body></html>", "text/html")


class NewsServer:
    """``NewsSite`` on a free 127.0.0.1 port; stop() releases the hanging request and shuts down."""

    def __init__(self, site: NewsSite | None = None) -> None:
        self.site = site or default_site()
        handler = type("Handler", (_Handler,), {"site": self.site})
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.site.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.site.url(path)

    def stop(self) -> None:
        self.site.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


if __name__ == "__main__":  # `python -m tests.support.news_server`: the test site, for trying `assistant watch`
    server = NewsServer()
    print(
        f"test news site on {server.url('/')}  (feeds: {server.url('/rss.xml')}, {server.url('/atom.xml')})", flush=True
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()
