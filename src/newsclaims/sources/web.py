"""What network and file source kinds share: URL and path safety, polite HTTP fetching, text
extraction from HTML, and date parsing.

Fetching (:class:`Fetcher`): only http and https (every redirect hop is checked too), timeouts,
a size cap read as a stream, retries with exponential backoff on connection errors, 429 and 5xx
(``Retry-After`` honoured up to a cap), conditional requests (``If-None-Match`` /
``If-Modified-Since`` from the source's state), a clear user agent, and at most ``per_host``
requests at a time to one host.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import logging
import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Callable, Iterable, Iterator, Optional, TypeVar
from urllib.parse import urljoin, urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from newsclaims import constants as C

log = logging.getLogger("newsclaims.sources")

ALLOWED_SCHEMES = ("http", "https")
USER_AGENT = "newsclaims/0.1 (+https://github.com/newsclaims/newsclaims; news research pipeline)"
RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}
MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 30.0


# --- safety -----------------------------------------------------------------------------------------

def check_url(url: str) -> str:
    """``url`` if it is an absolute http(s) URL with a host, else ValueError."""
    parts = urlsplit(str(url).strip())
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise ValueError(f"only http and https URLs are allowed, not {parts.scheme or 'no scheme'!r}: {url!r}")
    if not parts.hostname:
        raise ValueError(f"URL has no host: {url!r}")
    return str(url).strip()


HttpUrlStr = Annotated[str, AfterValidator(check_url)]


def is_http_url(url: Optional[str]) -> bool:
    try:
        check_url(url or "")
        return True
    except ValueError:
        return False


def confine(root: Path, path: Path) -> Optional[str]:
    """None when ``path`` (links resolved) is inside ``root``, else the reason it is refused."""
    root = root.resolve()
    try:
        resolved = path.resolve(strict=True)
    except FileNotFoundError:
        return "file vanished between listing and reading"
    except (OSError, RuntimeError) as exc:  # link loops
        return f"unreadable: {exc}"
    if resolved != root and root not in resolved.parents:
        return f"path resolves outside the source root {root}"
    return None


def read_file_capped(root: Path, path: Path, max_bytes: int) -> tuple[bytes, Optional[str]]:
    """(bytes, None) or (b"", reason): confined to ``root`` and at most ``max_bytes``."""
    why = confine(root, path)
    if why:
        return b"", why
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return b"", f"file is {size} bytes, over the limit of {max_bytes}"
        return path.read_bytes(), None
    except FileNotFoundError:
        return b"", "file vanished between listing and reading"
    except OSError as exc:
        return b"", f"unreadable: {exc.strerror or exc}"


def display_path(path: Path, base_dir: Path) -> str:
    try:
        return path.relative_to(base_dir).as_posix()
    except ValueError:
        return path.as_posix()


# --- fetching ---------------------------------------------------------------------------------------

class FetchConfig(BaseModel):
    """``fetch = { timeout = 20, retries = 3 }`` in a source block."""

    model_config = ConfigDict(extra="forbid")

    timeout: float = Field(20.0, gt=0, le=600)          # seconds, per request (connect and read)
    max_bytes: int = Field(C.DEFAULT_MAX_DOCUMENT_BYTES, gt=0)
    retries: int = Field(3, ge=0, le=10)
    backoff: float = Field(1.0, ge=0, le=60)           # first retry after this, then doubled
    per_host: int = Field(2, ge=1, le=16)              # concurrent requests to one host
    concurrency: int = Field(4, ge=1, le=64)           # concurrent requests of one source
    user_agent: str = USER_AGENT
    #: secret headers (feed tokens): header name -> the environment variable holding its value.
    #: Values are read at request time, sent only to the host of the source's first request (or to
    #: ``secret_hosts``), and never stored, logged or written to the warehouse.
    headers_from_env: dict[str, str] = Field(default_factory=dict)
    secret_hosts: list[str] = Field(default_factory=list)


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


class Fetcher:
    """An httpx client with the politeness rules above; thread-safe; use as a context manager."""

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
            limits=httpx.Limits(max_connections=self.config.concurrency * 2,
                                max_keepalive_connections=self.config.concurrency),
            trust_env=False,
        )
        self.requests = 0  # how many HTTP requests were sent (tests read it)
        self._secret_hosts = set(self.config.secret_hosts)

    def _secret_headers(self, url: str) -> dict[str, str]:
        """Headers from the environment, for the source's own host only (never across a redirect)."""
        if not self.config.headers_from_env:
            return {}
        host = urlsplit(url).hostname or ""
        with self._guard:
            if not self._secret_hosts:
                self._secret_hosts.add(host)  # the first request goes to the configured URL
        if host not in self._secret_hosts:
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

    def get(self, url: str, validators: Optional[dict] = None) -> FetchResult:
        """GET ``url`` (conditionally when ``validators`` has an etag / last_modified)."""
        try:
            check_url(url)
        except ValueError as exc:
            return FetchResult(url, error=str(exc))
        headers = {}
        if validators:
            if validators.get("etag"):
                headers["If-None-Match"] = validators["etag"]
            if validators.get("last_modified"):
                headers["If-Modified-Since"] = validators["last_modified"]
        attempt = 0
        while True:
            res = self._get_following(url, headers)
            if not res.transient or attempt >= self.config.retries:
                return res
            delay = self.config.backoff * (2 ** attempt)
            ra = res.headers.get("retry-after")
            if ra and ra.strip().isdigit():
                delay = max(delay, min(float(ra), MAX_RETRY_AFTER))
            self._sleep(delay)
            attempt += 1

    def _get_following(self, url: str, headers: dict) -> FetchResult:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            try:
                check_url(current)
            except ValueError as exc:
                return FetchResult(url, error=f"redirect refused: {exc}")
            res = self._get_once(current, headers)
            if res.status in (301, 302, 303, 307, 308) and res.error is None:
                loc = res.headers.get("location")
                if not loc:
                    return FetchResult(url, status=res.status, error=f"HTTP {res.status} without Location")
                current = urljoin(current, loc)
                continue
            res.url, res.final_url = url, current
            return res
        return FetchResult(url, error=f"more than {MAX_REDIRECTS} redirects")

    def _get_once(self, url: str, headers: dict) -> FetchResult:
        httpx = self._httpx
        cap = self.config.max_bytes
        with self._host_slot(url):
            self.requests += 1
            try:
                with self.client.stream("GET", url, headers={**headers, **self._secret_headers(url)}) as r:
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
                    chunks, total = [], 0
                    for chunk in r.iter_bytes():
                        total += len(chunk)
                        if total > cap:
                            raise _TooLarge()
                        chunks.append(chunk)
                    return FetchResult(url, r.status_code, b"".join(chunks), hdrs)
            except _TooLarge:
                return FetchResult(url, error=f"response is over the limit of {cap} bytes")
            except httpx.TimeoutException as exc:
                return FetchResult(url, error=f"timed out after {self.config.timeout:g}s "
                                              f"({exc.__class__.__name__})", transient=True)
            except httpx.TransportError as exc:
                return FetchResult(url, error=f"network error: {exc.__class__.__name__}: {exc}",
                                   transient=True)
            except httpx.HTTPError as exc:
                return FetchResult(url, error=f"HTTP error: {exc}")


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
