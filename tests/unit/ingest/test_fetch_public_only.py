"""The page's URL box on a shared interface: ``Fetcher(public_only=True)`` refuses hosts that resolve to
private, loopback or link-local addresses, at the first hop and after a redirect. A transport without sockets
stands in for the network; the guard runs before it, on the real resolver (literal addresses and
``localhost`` resolve without DNS)."""

from __future__ import annotations

import httpx
import pytest

from assistant.ingest.fetch import Fetcher, FetchError

PUBLIC = "http://93.184.215.14/news/story.html"  # a literal global address: no DNS lookup


class _Site(httpx.BaseTransport):
    """A site without sockets. Not httpx.MockTransport: that one reads the body before handing the
    response over, and the fetcher streams it (``iter_raw``) to bound its size."""

    def __init__(self, requests: list[str]) -> None:
        self.requests = requests

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(str(request.url))
        if request.url.path == "/moved":
            return httpx.Response(302, headers={"location": "http://169.254.169.254/latest/meta-data/"})
        body = httpx.ByteStream(b"<html><body><p>Story.</p></body></html>")
        return httpx.Response(200, stream=body, headers={"content-type": "text/html"})


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/feed.xml",
        "http://localhost/admin",
        "http://[::1]/",
        "http://10.1.2.3/internal",
        "http://192.168.0.10/router",
        "http://169.254.169.254/latest/meta-data/",
    ],
)
def test_public_only_refuses_private_and_local_hosts_before_connecting(url: str) -> None:
    requests: list[str] = []
    with Fetcher(public_only=True, transport=_Site(requests)) as fetcher, pytest.raises(FetchError) as err:
        fetcher.get(url)
    assert "private or local address" in str(err.value)
    assert "\n" not in str(err.value)
    assert requests == []  # nothing was sent


def test_public_only_refuses_a_redirect_into_a_private_address() -> None:
    requests: list[str] = []
    with Fetcher(public_only=True, transport=_Site(requests)) as fetcher, pytest.raises(FetchError) as err:
        fetcher.get("http://93.184.215.14/moved")
    assert "169.254.169.254" in str(err.value)
    assert requests == ["http://93.184.215.14/moved"]  # the redirect target was never requested


def test_public_only_fetches_a_global_address() -> None:
    requests: list[str] = []
    with Fetcher(public_only=True, transport=_Site(requests)) as fetcher:
        fetched = fetcher.get(PUBLIC)
    assert fetched.status == 200
    assert b"Story." in fetched.body


def test_without_public_only_a_loopback_address_is_fetched() -> None:
    requests: list[str] = []
    with Fetcher(transport=_Site(requests)) as fetcher:
        fetched = fetcher.get("http://127.0.0.1:8080/feed.xml")
    assert fetched.status == 200
    assert requests == ["http://127.0.0.1:8080/feed.xml"]


def test_public_only_reports_a_name_that_does_not_resolve() -> None:
    with Fetcher(public_only=True, transport=_Site([])) as fetcher, pytest.raises(FetchError) as err:
        fetcher.get("http://no-such-host.invalid/x")
    assert "could not be resolved" in str(err.value)
