"""What network source kinds share: polite HTTP fetching (URL and path safety:
:mod:`newsclaims.ingest.sources.guards`, re-exported here; text extraction from HTML and date parsing:
:mod:`newsclaims.ingest.sources.pagetext`).

Fetching (:class:`Fetcher`): only http and https (every redirect hop is checked too), timeouts,
a size cap read as a stream, retries with exponential backoff on connection errors, 429 and 5xx
(``Retry-After`` honoured up to a cap), conditional requests (``If-None-Match`` /
``If-Modified-Since`` from the source's state), a clear user agent, and at most ``per_host``
requests at a time to one host.

Hostile servers (issue 19): every decoded byte counts against ``max_bytes`` as it is produced
(gzip / deflate decoded here, in bounded steps; stacked codings such as ``gzip, gzip`` refused); a
request has a total deadline (``deadline``, default 3 x ``timeout``) enforced by a watchdog that
shuts the socket down, so a server trickling one byte a second cannot hold the run; secret headers
go only to the origin (scheme, host, port) of the source's first request; URLs with
``user:password@`` are refused; links taken from feed content (:meth:`Fetcher.get` with
``untrusted=True``) are refused when their host resolves to a loopback, private, link-local or
otherwise non-global address, checked after DNS resolution and again on the connected socket, on
every redirect (``allow_hosts`` names hosts a source may reach anyway).
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Optional, TypeVar
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, ConfigDict, Field

from newsclaims import constants as C
from newsclaims.ingest.sources.guards import (
    check_url,
    internal_address,
    origin,
    redact_url,
    resolve_and_check,
)

log = logging.getLogger("newsclaims.ingest.sources")

ALLOWED_SCHEMES = ("http", "https")
USER_AGENT = "newsclaims/0.1 (+https://github.com/newsclaims/newsclaims; news research pipeline)"
RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}
MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 30.0


# --- fetching ---------------------------------------------------------------------------------------


class FetchConfig(BaseModel):
    """``fetch = { timeout = 20, retries = 3 }`` in a source block."""

    model_config = ConfigDict(extra="forbid")

    timeout: float = Field(20.0, gt=0, le=600)  # seconds, per network operation (connect, each read)
    #: seconds for a whole request (connection, headers, body, redirects); default 3 x ``timeout``
    deadline: Optional[float] = Field(None, gt=0, le=3600)
    max_bytes: int = Field(C.DEFAULT_MAX_DOCUMENT_BYTES, gt=0)  # decoded bytes of one response
    retries: int = Field(3, ge=0, le=10)
    backoff: float = Field(1.0, ge=0, le=60)  # first retry after this, then doubled
    per_host: int = Field(2, ge=1, le=16)  # concurrent requests to one host
    concurrency: int = Field(4, ge=1, le=64)  # concurrent requests of one source
    user_agent: str = USER_AGENT
    #: secret headers (feed tokens): header name -> the environment variable holding its value.
    #: Values are read at request time, sent only to the origin (scheme, host, port) of the source's
    #: first request (or to ``secret_hosts``), and never stored, logged or written to the warehouse.
    headers_from_env: dict[str, str] = Field(default_factory=dict)
    #: further origins that get the secret headers: "https://cdn.example.com" or
    #: "https://cdn.example.com:8443" (a bare host name means https on port 443)
    secret_hosts: list[str] = Field(default_factory=list)
    #: host names that links from feed content may name even when they resolve to internal
    #: (loopback, private, link-local) addresses -- an intranet feed, a test server
    allow_hosts: list[str] = Field(default_factory=list)

    @property
    def total_seconds(self) -> float:
        return self.deadline if self.deadline is not None else 3 * self.timeout


@dataclass
class FetchResult:
    url: str
    status: int = 0
    content: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    final_url: str = ""
    error: Optional[str] = None
    #: the error may go away by itself (timeout, 5xx): do not remember the item as seen
    transient: bool = False

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def ok(self) -> bool:
        return self.error is None and 200 <= self.status < 300

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


class _TooLarge(Exception):
    pass


class _Refused(Exception):
    pass


DECODABLE = ("gzip", "x-gzip", "deflate")


class BoundedDecoder:
    """Content-Encoding decoding (one of gzip / deflate) that never produces more than ``cap`` bytes:
    the decompressor is fed with an output bound, so a few KB of nested compression cannot expand
    into gigabytes before anything counts them (httpx's own decoders have no bound)."""

    def __init__(self, coding: str, cap: int):
        self.coding, self.cap, self.produced = coding, cap, 0
        self._first = True
        self._d = self._new()

    def _new(self, raw_deflate: bool = False):
        if self.coding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        return zlib.decompressobj(-zlib.MAX_WBITS if raw_deflate else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> bytes:
        out = []
        while data:
            room = self.cap - self.produced + 1  # one byte more than allowed proves "too large"
            try:
                piece = self._d.decompress(data, room)
            except zlib.error:
                if self._first and self.coding == "deflate":  # servers send raw deflate too
                    self._first = False
                    self._d = self._new(raw_deflate=True)
                    continue
                raise
            self._first = False
            self.produced += len(piece)
            if self.produced > self.cap:
                raise _TooLarge()
            out.append(piece)
            if self._d.unconsumed_tail:
                data = self._d.unconsumed_tail
            elif self._d.eof and self._d.unused_data:  # a next gzip member
                data = self._d.unused_data
                self._d = self._new()
            else:
                data = b""
        return b"".join(out)


class _Watch:
    """One request attempt's sockets: a deadline watchdog that shuts them down (a server trickling
    bytes never trips a per-read timeout), and, for feed-content links, a check of the address the
    socket actually connected to (after DNS, so a rebinding name cannot slip through)."""

    def __init__(self, seconds: float, check_peer: bool, allow: bool):
        self.expired = False
        self.refused: Optional[str] = None
        self._sockets: list[socket.socket] = []
        self._check_peer = check_peer and not allow
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shutdown(sock)

    def trace(self, event: str, info: dict) -> None:
        if event != "connection.connect_tcp.complete":
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shutdown(sock)
                return
        if self._check_peer:
            try:
                why = internal_address(sock.getpeername()[0])
            except OSError as exc:
                why = f"no peer address ({exc})"
            if why:
                self.refused = f"refused: connected to an internal address ({why})"
                _shutdown(sock)

    def close(self) -> None:
        self._timer.cancel()


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class Fetcher:
    """An httpx client with the politeness and safety rules above; thread-safe; use as a context manager."""

    def __init__(self, config: Optional[FetchConfig] = None, *, sleep: Callable[[float], None] = time.sleep):
        import httpx

        self.config = config or FetchConfig()
        self._sleep = sleep
        self._httpx = httpx
        self._hosts: dict[str, threading.BoundedSemaphore] = {}
        self._guard = threading.Lock()
        self.client = httpx.Client(
            timeout=httpx.Timeout(self.config.timeout),
            follow_redirects=False,
            headers={"User-Agent": self.config.user_agent, "Accept-Encoding": "gzip, deflate"},
            # no connection reuse: every request opens its own socket, which the deadline watchdog
            # and the address check see (a kept-alive socket would bypass both)
            limits=httpx.Limits(max_connections=self.config.concurrency * 2, max_keepalive_connections=0),
            trust_env=False,
        )
        self.requests = 0  # how many HTTP requests were sent (tests read it)
        self._secret_origins: set[tuple[str, str, int]] = set()
        for entry in self.config.secret_hosts:
            self._secret_origins.add(origin(entry if "://" in entry else f"https://{entry}"))
        self._first_origin: Optional[tuple[str, str, int]] = None
        self._allow = {h.lower() for h in self.config.allow_hosts}

    def _secret_headers(self, url: str) -> dict[str, str]:
        """Headers from the environment, for the origin (scheme, host, port) of the source's first
        request only: never across a redirect to another host, port or scheme."""
        if not self.config.headers_from_env:
            return {}
        here = origin(url)
        with self._guard:
            if self._first_origin is None:
                self._first_origin = here  # the first request goes to the configured URL
                self._secret_origins.add(here)
        if here not in self._secret_origins:
            return {}
        out = {}
        for header, var in self.config.headers_from_env.items():
            value = os.environ.get(var)
            if value is None:
                log.warning("environment variable %s (for header %s) is not set", var, header)
                continue
            out[header] = value
        return out

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    def _host_slot(self, url: str) -> threading.BoundedSemaphore:
        host = (urlsplit(url).hostname or "", urlsplit(url).port)
        with self._guard:
            key = f"{host[0]}:{host[1]}"
            if key not in self._hosts:
                self._hosts[key] = threading.BoundedSemaphore(self.config.per_host)
            return self._hosts[key]

    def get(self, url: str, validators: Optional[dict] = None, *, untrusted: bool = False) -> FetchResult:
        """GET ``url`` (conditionally when ``validators`` has an etag / last_modified).

        ``untrusted``: the URL comes from feed content (an item's link), not from the sources file:
        it and every redirect are refused when they resolve to internal addresses (unless the host
        is in ``allow_hosts``). For a configured URL only redirects to another host are checked.
        """
        try:
            check_url(url)
        except ValueError as exc:
            return FetchResult(redact_url(url), error=str(exc))
        headers = {}
        if validators:
            if validators.get("etag"):
                headers["If-None-Match"] = validators["etag"]
            if validators.get("last_modified"):
                headers["If-Modified-Since"] = validators["last_modified"]
        attempt = 0
        while True:
            res = self._get_following(url, headers, untrusted)
            if not res.transient or attempt >= self.config.retries:
                return res
            delay = self.config.backoff * (2**attempt)
            ra = res.headers.get("retry-after")
            if ra and ra.strip().isdigit():
                delay = max(delay, min(float(ra), MAX_RETRY_AFTER))
            self._sleep(delay)
            attempt += 1

    def _get_following(self, url: str, headers: dict, untrusted: bool) -> FetchResult:
        current = url
        trusted_host = None if untrusted else origin(url)[1]
        deadline = time.monotonic() + self.config.total_seconds
        for _ in range(MAX_REDIRECTS + 1):
            try:
                check_url(current)
            except ValueError as exc:
                return FetchResult(url, error=f"redirect refused: {exc}")
            guarded = origin(current)[1] != trusted_host
            allowed = (urlsplit(current).hostname or "").lower() in self._allow
            if guarded and not allowed:
                why = resolve_and_check(current)
                if why:
                    return FetchResult(url, error=why if current == url else f"redirect to {current}: {why}")
            res = self._get_once(current, headers, deadline, guarded, allowed)
            if res.status in (301, 302, 303, 307, 308) and res.error is None:
                loc = res.headers.get("location")
                if not loc:
                    return FetchResult(url, status=res.status, error=f"HTTP {res.status} without Location")
                current = urljoin(current, loc)
                headers = {}  # validators belong to the first URL
                continue
            res.url, res.final_url = url, current
            return res
        return FetchResult(url, error=f"more than {MAX_REDIRECTS} redirects")

    def _get_once(
        self, url: str, headers: dict, deadline: float, guarded: bool = False, allowed: bool = False
    ) -> FetchResult:
        """One GET without following redirects, under the host's slot and the request's deadline
        (a watchdog shuts the socket down when it passes); every failure is a FetchResult."""
        cap = self.config.max_bytes
        total = self.config.total_seconds
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return FetchResult(url, error=f"request took longer than its deadline of {total:g}s")
        with self._host_slot(url):
            self.requests += 1
            watch = _Watch(max(0.001, deadline - time.monotonic()), guarded, allowed)
            try:
                with self.client.stream(
                    "GET",
                    url,
                    headers={**headers, **self._secret_headers(url)},
                    extensions={"trace": watch.trace},
                ) as r:
                    hdrs = {k.lower(): v for k, v in r.headers.items()}
                    early = _status_result(url, r, hdrs, cap)
                    if early is not None:
                        return early
                    body = _read_body(r, _content_decoder(hdrs, cap), cap, deadline, watch, total)
                    return FetchResult(url, r.status_code, body, hdrs)
            except _TooLarge:
                return FetchResult(url, error=f"response is over the limit of {cap} bytes (decoded)")
            except _Refused as exc:
                return FetchResult(url, error=str(exc))
            except zlib.error as exc:
                return FetchResult(url, error=f"response body could not be decoded: {exc}")
            except self._httpx.HTTPError as exc:
                return self._http_error(url, exc, watch, total)
            finally:
                watch.close()

    def _http_error(self, url: str, exc: Exception, watch: _Watch, total: float) -> FetchResult:
        """What an httpx error means: the watchdog's refusal or deadline first, then a timeout or a
        network error (both transient: retried), else any other HTTP error."""
        httpx = self._httpx
        if watch.refused:
            return FetchResult(url, error=watch.refused)
        if watch.expired:
            return FetchResult(url, error=f"request took longer than its deadline of {total:g}s")
        if isinstance(exc, httpx.TimeoutException):
            return FetchResult(
                url,
                error=f"timed out after {self.config.timeout:g}s ({exc.__class__.__name__})",
                transient=True,
            )
        if isinstance(exc, httpx.TransportError):
            return FetchResult(url, error=f"network error: {exc.__class__.__name__}: {exc}", transient=True)
        return FetchResult(url, error=f"HTTP error: {exc}")


def _status_result(url: str, r, hdrs: dict[str, str], cap: int) -> Optional[FetchResult]:
    """The result of a response whose body is not read (a status to retry, a redirect or 304, an
    HTTP error, a declared length over the cap), or None when the body is to be read."""
    if r.status_code in RETRY_STATUS:
        return FetchResult(
            url, r.status_code, headers=hdrs, transient=True, error=f"HTTP {r.status_code} {r.reason_phrase}"
        )
    if r.status_code == 304 or 300 <= r.status_code < 400:
        return FetchResult(url, r.status_code, headers=hdrs)
    if r.status_code >= 400:
        return FetchResult(url, r.status_code, headers=hdrs, error=f"HTTP {r.status_code} {r.reason_phrase}")
    declared = hdrs.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        return FetchResult(
            url, r.status_code, headers=hdrs, error=f"response is {declared} bytes, over the limit of {cap}"
        )
    return None


def _content_decoder(hdrs: dict[str, str], cap: int) -> Optional[BoundedDecoder]:
    """A bounded decoder for the response's content encoding (None: identity); stacked or unknown
    encodings are refused."""
    codings = [
        c.strip().lower()
        for c in hdrs.get("content-encoding", "").split(",")
        if c.strip() and c.strip().lower() != "identity"
    ]
    if len(codings) > 1:
        raise _Refused(f"stacked content encodings refused ({', '.join(codings)})")
    if codings and codings[0] not in DECODABLE:
        raise _Refused(f"unsupported content encoding {codings[0]!r}")
    return BoundedDecoder(codings[0], cap) if codings else None


def _read_body(
    r, decoder: Optional[BoundedDecoder], cap: int, deadline: float, watch: _Watch, total: float
) -> bytes:
    """The response body as a stream, decoded as it comes, every decoded byte counted against the cap
    (:class:`_TooLarge` past it); refused when the deadline passes or the watchdog refused the peer."""
    chunks, size = [], 0
    for raw in r.iter_raw():
        if time.monotonic() > deadline:
            watch.expired = True
            break
        piece = decoder.feed(raw) if decoder else raw
        size += len(piece)
        if size > cap:
            raise _TooLarge()
        chunks.append(piece)
    if watch.expired:
        raise _Refused(f"request took longer than its deadline of {total:g}s ({size} bytes received)")
    if watch.refused:
        raise _Refused(watch.refused)
    return b"".join(chunks)


T = TypeVar("T")
R = TypeVar("R")


def ordered_map(fn: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
    """``map`` with up to ``workers`` calls in flight, results in input order, lazily (a consumer
    that stops early does not cause the whole list to be fetched)."""
    items = iter(items)
    if workers <= 1:
        for it in items:
            yield fn(it)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        window = []
        for it in items:
            window.append(pool.submit(fn, it))
            if len(window) >= workers:
                yield window.pop(0).result()
        while window:
            yield window.pop(0).result()
