"""HTTP GET for feeds and article pages: timeouts, a size cap, http(s)-only redirects, conditional GET.

Why by hand rather than ``httpx``'s ``follow_redirects`` and ``response.read()``: each redirect's
target must be checked (a page may redirect to ``file://`` or another scheme), the size cap must
hold before the body is read (a declared Content-Length over it is refused without reading) and
after decompression too (a gzip bomb is a few kilobytes on the wire), and the whole body must
arrive within a deadline (a server that trickles one byte a second never trips a read timeout).

``public_only`` is for fetches someone else asks for (the page of a server bound to a shared
interface): every hop's host is resolved and refused unless all its addresses are global, so the page
cannot be used to read an internal service or a cloud metadata endpoint. It checks the name once per
hop; a DNS server that answers differently a moment later (rebinding) is not covered.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import zlib
from dataclasses import dataclass, field
from email.message import Message

import httpx

from assistant.errors import AssistantError

USER_AGENT = "news-assistant/0.1 (+https://github.com/; grounded news QA; feeds and article pages)"
MAX_REDIRECTS = 5
REDIRECTS = {301, 302, 303, 307, 308}


class FetchError(AssistantError):
    """A URL could not be fetched (unreachable, slow, too large, refused redirect, HTTP error)."""

    exit_code = 3


@dataclass(frozen=True)
class Validators:
    """What a conditional GET sends back: the server's ETag and Last-Modified of the last 200."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Fetched:
    """One response: ``not_modified`` (a 304 to a conditional GET) carries no body."""

    url: str  # the requested URL
    final_url: str  # after redirects
    status: int
    body: bytes = b""
    content_type: str = ""
    charset: str | None = None
    validators: Validators = field(default_factory=Validators)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def is_url(source: str) -> bool:
    """Whether an ingest argument is a web address rather than a path."""
    return source.lower().startswith(("http://", "https://"))


def canonical_url(url: str) -> str:
    """The form a URL is keyed under: scheme and host lower-cased, dot segments resolved, no fragment."""
    return str(httpx.URL(url.strip()).copy_with(fragment=None))


def _content_type(value: str) -> tuple[str, str | None]:
    message = Message()
    message["content-type"] = value
    charset = message.get_param("charset")
    return message.get_content_type(), str(charset) if isinstance(charset, str) else None


class Fetcher:
    """One ``httpx.Client`` with the project's User-Agent and limits."""

    def __init__(
        self,
        max_bytes: int = 20_000_000,
        connect_timeout_s: float = 5.0,
        read_timeout_s: float = 10.0,
        total_timeout_s: float = 30.0,
        transport: httpx.BaseTransport | None = None,
        public_only: bool = False,
    ) -> None:
        self.max_bytes = max_bytes
        self.public_only = public_only
        self.total_timeout_s = total_timeout_s
        timeout = httpx.Timeout(read_timeout_s, connect=connect_timeout_s)
        # Accept-Encoding is limited to what _Inflater can bound; follow_redirects stays off (see module).
        self._client = httpx.Client(
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, validators: Validators | None = None) -> Fetched:
        """GET ``url`` (following up to 5 http(s) redirects); FetchError with one sentence otherwise."""
        if not is_url(url):
            raise FetchError(f"{url} is not an http(s) address.")
        headers: dict[str, str] = {}
        if validators and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        deadline = time.monotonic() + self.total_timeout_s
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            if self.public_only:
                _refuse_non_public(current)
            try:
                with self._client.stream("GET", current, headers=headers) as response:
                    if response.status_code in REDIRECTS:  # not is_redirect: a 304 is no redirect here
                        current = self._redirect_target(url, response)
                        continue
                    return self._finish(url, current, response, deadline)
            except httpx.TimeoutException as err:
                raise FetchError(f"{current} did not answer in time ({type(err).__name__}).") from err
            except httpx.InvalidURL as err:
                raise FetchError(f"{current} is not a valid address.") from err
            except httpx.HTTPError as err:
                raise FetchError(f"{current} could not be fetched ({type(err).__name__}: {err}).") from err
        raise FetchError(f"{url} redirects more than {MAX_REDIRECTS} times.")

    @staticmethod
    def _redirect_target(url: str, response: httpx.Response) -> str:
        location = response.headers.get("location")
        if not location:
            raise FetchError(f"{url} redirects without saying where to.")
        target = response.url.join(location)
        if target.scheme not in {"http", "https"}:
            raise FetchError(f"{url} redirects to {target.scheme}://, which is not http(s); not followed.")
        return str(target)

    def _finish(self, url: str, current: str, response: httpx.Response, deadline: float) -> Fetched:
        validators = Validators(response.headers.get("etag"), response.headers.get("last-modified"))
        content_type, charset = _content_type(response.headers.get("content-type", ""))
        if response.status_code == 304:
            return Fetched(url, current, 304, validators=validators, content_type=content_type)
        if response.status_code >= 400:
            raise FetchError(f"{current} answered HTTP {response.status_code} {response.reason_phrase}.")
        if response.status_code != 200:
            raise FetchError(f"{current} answered HTTP {response.status_code}, not 200.")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            size, limit = int(declared) / 1e6, self.max_bytes / 1e6
            raise FetchError(f"{current} is {size:.0f} MB, over the {limit:.0f} MB limit; not downloaded.")
        inflater = _Inflater(response.headers.get("content-encoding", "identity"), self.max_bytes, current)
        for piece in response.iter_raw():
            inflater.feed(piece)
            if time.monotonic() > deadline:
                raise FetchError(f"{current} took longer than {self.total_timeout_s:.0f} s to send its body.")
        body = inflater.finish()
        return Fetched(url, current, 200, body, content_type, charset, validators)


def _refuse_non_public(url: str) -> None:
    """FetchError unless every address ``url``'s host resolves to is a global one."""
    host = httpx.URL(url).host
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as err:
        raise FetchError(f"{host} could not be resolved ({err}).") from err
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global:
            raise FetchError(
                f"{url} points at a private or local address ({address}); this server does not fetch those "
                "for the page (ASSISTANT_PAGE_FETCH_PRIVATE=true allows it)."
            )


class _Inflater:
    """Decompresses gzip/deflate bodies with a bound on the output: a gzip bomb stops at the cap."""

    def __init__(self, encoding: str, max_bytes: int, url: str) -> None:
        encoding = encoding.strip().lower()
        if encoding not in {"", "identity", "gzip", "x-gzip", "deflate"}:
            raise FetchError(f"{url} is sent with content-encoding {encoding!r}, which is not supported.")
        # wbits 47 = 32 + 15: zlib or gzip header, detected automatically.
        self._zlib = zlib.decompressobj(47) if encoding not in {"", "identity"} else None
        self.max_bytes, self.url = max_bytes, url
        self._parts: list[bytes] = []
        self._size = 0

    def _add(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self.max_bytes:
            raise FetchError(f"{self.url} is over the {self.max_bytes / 1e6:.0f} MB limit once decompressed; refused.")
        self._parts.append(data)

    def feed(self, raw: bytes) -> None:
        if self._zlib is None:
            self._add(raw)
            return
        try:
            data = self._zlib.decompress(raw, self.max_bytes - self._size + 1)
            self._add(data)
            while self._zlib.unconsumed_tail:
                self._add(self._zlib.decompress(self._zlib.unconsumed_tail, self.max_bytes - self._size + 1))
        except zlib.error as err:
            raise FetchError(f"{self.url} sent a corrupt compressed body.") from err

    def finish(self) -> bytes:
        if self._zlib is not None:
            self._add(self._zlib.flush())
        return b"".join(self._parts)
