"""What network and file source kinds share: polite HTTP fetching, text extraction from HTML, and
date parsing (URL and path safety: :mod:`newsclaims.ingest.sources.guards`, re-exported here).

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

import datetime as dt
import email.utils
import hashlib
import logging
import os
import re
import socket
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Optional, TypeVar
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

    timeout: float = Field(20.0, gt=0, le=600)          # seconds, per network operation (connect, each read)
    #: seconds for a whole request (connection, headers, body, redirects); default 3 x ``timeout``
    deadline: Optional[float] = Field(None, gt=0, le=3600)
    max_bytes: int = Field(C.DEFAULT_MAX_DOCUMENT_BYTES, gt=0)   # decoded bytes of one response
    retries: int = Field(3, ge=0, le=10)
    backoff: float = Field(1.0, ge=0, le=60)           # first retry after this, then doubled
    per_host: int = Field(2, ge=1, le=16)              # concurrent requests to one host
    concurrency: int = Field(4, ge=1, le=64)           # concurrent requests of one source
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
            delay = self.config.backoff * (2 ** attempt)
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

    def _get_once(self, url: str, headers: dict, deadline: float, guarded: bool = False,
                  allowed: bool = False) -> FetchResult:
        httpx = self._httpx
        cap = self.config.max_bytes
        total = self.config.total_seconds
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return FetchResult(url, error=f"request took longer than its deadline of {total:g}s")
        with self._host_slot(url):
            self.requests += 1
            watch = _Watch(max(0.001, deadline - time.monotonic()), guarded, allowed)
            try:
                with self.client.stream("GET", url, headers={**headers, **self._secret_headers(url)},
                                        extensions={"trace": watch.trace}) as r:
                    hdrs = {k.lower(): v for k, v in r.headers.items()}
                    if r.status_code in RETRY_STATUS:
                        return FetchResult(url, r.status_code, headers=hdrs, transient=True,
                                           error=f"HTTP {r.status_code} {r.reason_phrase}")
                    if r.status_code == 304 or 300 <= r.status_code < 400:
                        return FetchResult(url, r.status_code, headers=hdrs)
                    if r.status_code >= 400:
                        return FetchResult(url, r.status_code, headers=hdrs,
                                           error=f"HTTP {r.status_code} {r.reason_phrase}")
                    declared = hdrs.get("content-length", "")
                    if declared.isdigit() and int(declared) > cap:
                        return FetchResult(url, r.status_code, headers=hdrs,
                                           error=f"response is {declared} bytes, over the limit of {cap}")
                    codings = [c.strip().lower() for c in hdrs.get("content-encoding", "").split(",")
                               if c.strip() and c.strip().lower() != "identity"]
                    if len(codings) > 1:
                        raise _Refused(f"stacked content encodings refused ({', '.join(codings)})")
                    if codings and codings[0] not in DECODABLE:
                        raise _Refused(f"unsupported content encoding {codings[0]!r}")
                    decoder = BoundedDecoder(codings[0], cap) if codings else None
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
                        raise _Refused(f"request took longer than its deadline of {total:g}s "
                                       f"({size} bytes received)")
                    if watch.refused:
                        raise _Refused(watch.refused)
                    return FetchResult(url, r.status_code, b"".join(chunks), hdrs)
            except _TooLarge:
                return FetchResult(url, error=f"response is over the limit of {cap} bytes (decoded)")
            except _Refused as exc:
                return FetchResult(url, error=str(exc))
            except zlib.error as exc:
                return FetchResult(url, error=f"response body could not be decoded: {exc}")
            except httpx.HTTPError as exc:
                if watch.refused:
                    return FetchResult(url, error=watch.refused)
                if watch.expired:
                    return FetchResult(url, error=f"request took longer than its deadline of {total:g}s")
                if isinstance(exc, httpx.TimeoutException):
                    return FetchResult(url, error=f"timed out after {self.config.timeout:g}s "
                                                  f"({exc.__class__.__name__})", transient=True)
                if isinstance(exc, httpx.TransportError):
                    return FetchResult(url, error=f"network error: {exc.__class__.__name__}: {exc}",
                                       transient=True)
                return FetchResult(url, error=f"HTTP error: {exc}")
            finally:
                watch.close()


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


# --- text -------------------------------------------------------------------------------------------

_BLOCK_TAGS = ("p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "br",
               "section", "article", "tr", "pre", "figure", "figcaption", "header", "footer")
_WORD = re.compile(r"\w+")


def word_count(text: str) -> int:
    return len(_WORD.findall(text or ""))


def html_fragment_to_text(fragment: str) -> str:
    """The text of an HTML fragment (feed item content), one paragraph per block element."""
    if not fragment or "<" not in fragment:
        return _paragraphs((fragment or "").splitlines())
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml raises several types on junk
        return _paragraphs(re.sub(r"<[^>]+>", " ", fragment).splitlines())
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    for el in root.iter(*_BLOCK_TAGS):
        el.tail = "\n" + (el.tail or "")
        if el.tag != "br":
            el.text = "\n" + (el.text or "")
    return _paragraphs(root.text_content().splitlines())


def _paragraphs(lines: Iterable[str]) -> str:
    paras = [re.sub(r"\s+", " ", ln).strip() for ln in lines]
    return "\n\n".join(p for p in paras if p)


@dataclass
class PageText:
    text: str
    title: Optional[str] = None
    date: Optional[str] = None
    sitename: Optional[str] = None
    author: Optional[str] = None
    description: Optional[str] = None


def extract_page(html: bytes | str, url: Optional[str] = None) -> Optional[PageText]:
    """Main text and metadata of a web page (trafilatura), or None when it has no main text."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                          include_tables=False)
    except Exception:  # a broken page is a reject, never a failed run
        return None
    if doc is None or not (getattr(doc, "text", None) or "").strip():
        return None
    lines = [ln.strip() for ln in doc.text.splitlines() if ln.strip()]
    title = (doc.title or "").strip() or None
    if lines and title and lines[0] == title:  # trafilatura repeats the headline as the first line
        lines = lines[1:]
    return PageText(text="\n\n".join(lines), title=title, date=parse_date(doc.date),
                    sitename=(doc.sitename or None), author=doc.author or None,
                    description=doc.description or None)


def parse_date(value: Any) -> Optional[str]:
    """An ISO date (YYYY-MM-DD) from ISO 8601, RFC 2822, a time.struct_time or epoch seconds; else None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, time.struct_time):
        try:
            return dt.date(value.tm_year, value.tm_mon, value.tm_mday).isoformat()
        except ValueError:
            return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return dt.datetime.fromtimestamp(float(value), dt.timezone.utc).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    s = str(value).strip()
    try:
        return dt.datetime.fromisoformat(s.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})\b", s)
    if m:
        try:
            return dt.date(*map(int, m.groups())).isoformat()
        except ValueError:
            return None
    try:
        d = email.utils.parsedate_to_datetime(s)
        return d.date().isoformat() if d else None
    except (TypeError, ValueError, IndexError):
        return None
