"""``rss`` / ``atom``: a feed (a local file or an http(s) URL) parsed with feedparser.

```toml
[[sources]]
name = "example-world"
kind = "rss"                     # or "atom": the same reader
url = "https://example.com/world/rss.xml"   # or: path = "feeds/world.xml" (inside the sources folder)
outlet = "Example Times"         # default outlet (else the feed's title)
full_text = "auto"               # auto | feed | page: article text from the item or its linked page
schedule = "*/30 * * * *"
fetch = { timeout = 20, retries = 3, per_host = 2 }
```

Each new item becomes one document: its link is its identity (``raw_path``), its title and date
come from the feed, its text from the item's content when it is long enough (``min_words``) or
else from the linked page (trafilatura). The feed is requested conditionally (ETag /
Last-Modified); items already seen are skipped without fetching their pages.

Safety: the XML is checked with defusedxml first, so entity declarations and external entities
are refused; a feed that is not well-formed becomes one reject (``broken_xml = "recover"`` keeps
what feedparser's lenient parser recovers instead).
"""

from __future__ import annotations

import hashlib
import logging
import re
from typing import Any, Iterator, Literal, Optional

from pydantic import Field, model_validator

from newsclaims.ingest.sources.base import SOURCE_FAILURE, RawDocument, Source, SourceConfig, register_source
from newsclaims.ingest.sources.guards import (
    HttpUrlStr,
    check_source_path,
    display_path,
    is_http_url,
    read_file_capped,
    redact_url,
)
from newsclaims.ingest.sources.pagetext import extract_page, html_fragment_to_text, parse_date, word_count
from newsclaims.ingest.sources.web import FetchConfig, Fetcher, ordered_map

log = logging.getLogger("newsclaims.ingest.sources")


class FeedConfig(SourceConfig):
    url: Optional[HttpUrlStr] = None
    path: Optional[str] = None
    full_text: Literal["auto", "feed", "page"] = "auto"
    #: in ``auto`` mode, item content shorter than this is replaced by the linked page's text
    min_words: int = Field(80, ge=0)
    #: a linked page whose main text has fewer words has "no main text"
    page_min_words: int = Field(20, ge=1)
    #: an item without a usable date becomes a reject instead of taking its date from the text
    require_date: bool = False
    broken_xml: Literal["reject", "recover"] = "reject"
    max_items: Optional[int] = Field(None, ge=1)
    #: a ``path`` outside the sources file's folder is refused unless this is set
    allow_outside: bool = False
    fetch: FetchConfig = FetchConfig()

    @model_validator(mode="after")
    def _one_location(self) -> "FeedConfig":
        if bool(self.url) == bool(self.path):
            raise ValueError("give exactly one of 'url' (http/https) or 'path' (a local file)")
        return self


class XmlRefused(ValueError):
    pass


def check_xml(data: bytes) -> Optional[str]:
    """None when ``data`` is well-formed XML; the parser's message when not.

    Raises XmlRefused for entity declarations or external references (billion laughs, XXE).
    """
    from xml.etree.ElementTree import ParseError

    import defusedxml
    import defusedxml.ElementTree as DET

    try:
        DET.fromstring(data)
    except (
        defusedxml.EntitiesForbidden,
        defusedxml.ExternalReferenceForbidden,
        defusedxml.DTDForbidden,
    ) as exc:
        raise XmlRefused(f"XML with entity declarations or external references refused ({exc})") from None
    except ParseError as exc:
        return str(exc)
    except (ValueError, LookupError) as exc:  # e.g. encoding="utf8mb4": LookupError: unknown encoding
        return f"{exc.__class__.__name__}: {exc}"
    except Exception as exc:  # anything else the parser raises on hostile bytes is a broken feed too
        return f"{exc.__class__.__name__}: {exc}"
    return None


class FeedUnreadable(ValueError):
    """feedparser itself failed on the bytes (any exception): the feed is a reject, never a failed run."""


def parse_feed(data: bytes) -> tuple[Any, Optional[str]]:
    """(feedparser result, XML error or None); XmlRefused for unsafe XML, FeedUnreadable when the
    lenient parser raises too."""
    import feedparser

    xml_error = check_xml(data)
    try:
        return feedparser.parse(data, sanitize_html=True, resolve_relative_uris=True), xml_error
    except Exception as exc:
        raise FeedUnreadable(f"feed could not be parsed: {exc.__class__.__name__}: {exc}") from None


@register_source("rss")
class RssFeed(Source):
    Config = FeedConfig
    config: FeedConfig

    # --- where the feed is -------------------------------------------------------------------------
    @property
    def label(self) -> str:
        """The feed's identity: its URL or its path relative to the sources file."""
        if self.config.url:
            return self.config.url
        return display_path(self.base_dir / self.config.path, self.base_dir)

    def _read_local(self) -> tuple[bytes, Optional[str]]:
        """(bytes, None) or (b"", why): the file, inside the sources folder (unless opted out),
        confined to its configured folder, a regular file."""
        why = check_source_path(self.base_dir, self.config.path, self.config.allow_outside)
        if why:
            return b"", why
        path = self.base_dir / self.config.path
        return read_file_capped(path.parent.resolve(), path, self.config.fetch.max_bytes)

    def documents(self) -> Iterator[RawDocument]:
        cfg, st = self.config, self.state
        label = self.label
        with Fetcher(cfg.fetch) as fetcher:
            etag = last_modified = None
            if cfg.url:
                res = fetcher.get(cfg.url, st.http_validators(cfg.url))
                if res.not_modified:
                    log.info("%s: feed not modified", self.name)
                    return
                if res.error:
                    yield self._reject(label, f"feed could not be fetched: {res.error}")
                    return
                data = res.content
                etag, last_modified = res.headers.get("etag"), res.headers.get("last-modified")
            else:
                data, why = self._read_local()
                if why:
                    yield self._reject(label, why)
                    return
            sha = hashlib.sha256(data).hexdigest()
            if st.http_validators(label).get("sha256") == sha:  # same bytes as last time
                return
            try:
                parsed, xml_error = parse_feed(data)
            except (XmlRefused, FeedUnreadable) as exc:
                yield self._reject(label, str(exc), data)
                st.set_http(label, etag, last_modified, sha)
                return
            if xml_error and (cfg.broken_xml == "reject" or not parsed.entries):
                yield self._reject(label, f"broken XML: {xml_error}", data)
                st.set_http(label, etag, last_modified, sha)
                return
            if not parsed.entries and not parsed.get("version"):
                yield self._reject(label, "not an RSS or Atom feed", data)
                st.set_http(label, etag, last_modified, sha)
                return
            feed_title = (parsed.feed.get("title") or "").strip() or None
            entries = parsed.entries[: cfg.max_items] if cfg.max_items else parsed.entries
            todo = []
            for i, e in enumerate(entries):
                key = "id:" + _entry_id(e, i)
                if not st.is_seen(key):
                    todo.append((key, e))
            all_settled = True
            for key, (doc, settled) in zip(
                [k for k, _ in todo],
                ordered_map(lambda ke: self._item(fetcher, ke[1], feed_title), todo, cfg.fetch.concurrency),
            ):
                if settled:
                    st.mark_seen(key, doc.sha256)
                    if doc.metadata.get("date"):
                        st.raise_watermark("published", doc.metadata["date"])
                else:
                    all_settled = False
                yield doc
            if all_settled:  # else the next run must read the whole feed again to retry
                st.set_http(label, etag, last_modified, sha)

    # --- one item ---------------------------------------------------------------------------------
    def _item(self, fetcher: Fetcher, e: Any, feed_title: Optional[str]) -> tuple[RawDocument, bool]:
        """(document, settled): unsettled documents (a transient fetch error) are tried again next run."""
        cfg = self.config
        link = redact_url((e.get("link") or "").strip())  # a password in feed content is stored nowhere
        raw_path = link if is_http_url(link) else f"{self.label}#{_entry_id(e, 0)}"
        title = _clean(e.get("title"))
        date = feed_date(e)
        meta: dict[str, Any] = {
            "title": title,
            "url": link or None,
            "feed": self.label,
            "item_id": _entry_id(e, 0),
        }
        outlet = cfg.outlet or feed_title
        feed_text = _entry_text(e)
        use_page = cfg.full_text == "page" or (
            cfg.full_text == "auto" and word_count(feed_text) < cfg.min_words
        )
        text = feed_text
        if use_page and is_http_url(link):
            res = fetcher.get(link, untrusted=True)  # a link from feed content: no internal addresses
            if res.error:
                return self._doc(raw_path, outlet, meta, error=f"page {link}: {res.error}"), not res.transient
            page = extract_page(res.content, res.final_url or link)
            meta["page_sha256"] = res.sha256
            if page is None or word_count(page.text) < cfg.page_min_words:
                if cfg.full_text == "auto" and feed_text.strip():
                    page = None  # the item's own (short) text is all there is
                else:
                    return self._doc(raw_path, outlet, meta, error=f"page {link}: no main text found"), True
            if page is not None:
                text = page.text
                meta["title"] = meta["title"] or page.title
                date = date or page.date
                outlet = cfg.outlet or page.sitename or outlet
        elif use_page and cfg.full_text == "page":
            return self._doc(
                raw_path, outlet, meta, error=f"item has no http(s) link to fetch (link {link!r})"
            ), True
        if not text.strip():
            return self._doc(raw_path, outlet, meta, error="item has no text"), True
        if date:
            meta["date"] = date
        elif cfg.require_date:
            given = e.get("published") or e.get("updated")
            why = (
                f"unparseable date {given!r}" if given else "item has no date (pubDate / published / updated)"
            )
            return self._doc(raw_path, outlet, meta, error=why), True
        meta = {k: v for k, v in meta.items() if v is not None}
        return RawDocument(self.name, raw_path, text.encode("utf-8"), outlet, meta), True

    def _doc(self, raw_path: str, outlet: Optional[str], meta: dict, error: str) -> RawDocument:
        return RawDocument(
            self.name, raw_path, b"", outlet, {k: v for k, v in meta.items() if v is not None}, error=error
        )

    def _reject(self, raw_path: str, reason: str, data: bytes = b"") -> RawDocument:
        # with ``error`` set the pipeline never reads ``data``; it only identifies the reject
        # (raw_sha256 is the hash of the feed bytes that were refused). The whole feed failed: the
        # pipeline also records it as a failure of the source (``sources list``, run summary).
        return RawDocument(
            self.name, raw_path, data, self.config.outlet, {SOURCE_FAILURE: True}, error=reason
        )


@register_source("atom")
class AtomFeed(RssFeed):
    """The same reader: feedparser reads RSS 0.9x/1.0/2.0 and Atom alike."""


def feed_date(e: Any) -> Optional[str]:
    """The item's date: feedparser's parse (in UTC) when the item's own text agrees with it, else the
    text parsed strictly (ISO 8601, RFC 2822), else none. feedparser rolls impossible dates over
    (``2024-13-45`` becomes 2025-01-01): an impossible date is no date."""
    import datetime as _dt

    given = (e.get("published") or e.get("updated") or "").strip()
    lenient = parse_date(e.get("published_parsed") or e.get("updated_parsed"))
    strict = parse_date(given) if given else None
    if lenient is None or not given:
        return lenient or strict
    d = _dt.date.fromisoformat(lenient)
    if strict is not None:  # the same day up to the time zone: keep feedparser's UTC date
        return lenient if abs((d - _dt.date.fromisoformat(strict)).days) <= 1 else strict
    if re.match(r"\d{4}-\d{1,2}-\d{1,2}", given):
        return None  # an ISO date the strict parse refused: impossible (2024-02-30, 2024-13-45)
    numbers = {n.lstrip("0") for n in re.findall(r"\d+", given)}
    days = {str((d + _dt.timedelta(days=k)).day) for k in (-1, 0, 1)}
    if str(d.year) not in numbers or not days & numbers:
        return None  # the parse does not say what the text says (a rolled-over impossible date)
    return lenient


def _entry_id(e: Any, index: int) -> str:
    ident = (e.get("id") or e.get("guid") or e.get("link") or "").strip()
    if ident:
        return ident
    h = hashlib.sha256(((e.get("title") or "") + "\0" + (e.get("summary") or "")).encode("utf-8"))
    return "sha256:" + h.hexdigest()[:24]


def _entry_text(e: Any) -> str:
    contents = e.get("content") or []
    best = max((c.get("value") or "" for c in contents), key=len, default="")
    summary = e.get("summary") or ""
    html = best if len(best) >= len(summary) else summary
    return html_fragment_to_text(html)


def _clean(s: Optional[str]) -> Optional[str]:
    if not s:
        return None
    text = html_fragment_to_text(s).replace("\n\n", " ").strip()
    return text or None
