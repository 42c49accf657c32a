"""``html``: saved web pages (a folder + glob) or a list of http(s) URLs; main text, title, date and
site name extracted with trafilatura.

```toml
[[sources]]
name = "saved-pages"
kind = "html"
path = "pages"          # a folder inside the sources file's folder ...
glob = "*.html"
# urls = ["https://example.com/a.html", "https://example.com/b.html"]   # ... or pages to fetch
outlet = "Example Times" # default outlet (else the page's site name)
```

A page without a main text becomes a reject ("no main text found"). Saved pages that did not
change since the last run (size and modification time) are not read again; URLs are requested
conditionally (ETag / Last-Modified) and a page whose bytes did not change is skipped.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Iterator, Optional

from pydantic import Field, field_validator, model_validator

from newsclaims.ingest.sources.base import RawDocument, Source, SourceConfig, register_source
from newsclaims.ingest.sources.guards import (
    HttpUrlStr,
    check_glob,
    check_source_path,
    display_path,
    not_regular,
    read_file_capped,
)
from newsclaims.ingest.sources.pagetext import extract_page, word_count
from newsclaims.ingest.sources.text_dir import SourceUnreadable
from newsclaims.ingest.sources.web import FetchConfig, Fetcher, ordered_map


class HtmlConfig(SourceConfig):
    path: Optional[str] = None
    glob: str = "*.html"
    recursive: bool = False
    urls: list[HttpUrlStr] = Field(default_factory=list)
    #: pages whose main text has fewer words are rejects ("no main text found")
    min_words: int = Field(20, ge=1)
    require_date: bool = False
    #: a ``path`` outside the sources file's folder is refused unless this is set
    allow_outside: bool = False
    fetch: FetchConfig = FetchConfig()

    @field_validator("glob")
    @classmethod
    def _relative_glob(cls, v: str) -> str:
        return check_glob(v)

    @model_validator(mode="after")
    def _one_location(self) -> "HtmlConfig":
        if bool(self.path) == bool(self.urls):
            raise ValueError("give exactly one of 'path' (a folder of saved pages) or 'urls' (http/https)")
        return self


@register_source("html")
class HtmlPages(Source):
    Config = HtmlConfig
    config: HtmlConfig

    @property
    def root(self) -> Optional[Path]:
        return (self.base_dir / self.config.path).resolve() if self.config.path else None

    def documents(self) -> Iterator[RawDocument]:
        if self.config.path:
            yield from self._files()
        else:
            yield from self._urls()

    # --- saved pages ------------------------------------------------------------------------------
    def _files(self) -> Iterator[RawDocument]:
        root, st, cfg = self.root, self.state, self.config
        why = check_source_path(self.base_dir, cfg.path, cfg.allow_outside)
        if why:
            raise SourceUnreadable(f"source {self.name!r}: {why}")
        if not root.is_dir():
            raise SourceUnreadable(f"source {self.name!r}: folder {root} does not exist")
        pattern = f"**/{cfg.glob}" if cfg.recursive else cfg.glob
        for path in sorted(root.glob(pattern)):
            if path.is_dir():
                continue
            rel = display_path(path, self.base_dir)
            special = not_regular(path)
            if special:  # a FIFO would block the run, a device would never end
                yield RawDocument(self.name, rel, b"", cfg.outlet, error=special)
                continue
            try:
                stt = path.stat()
                sig = {"size": stt.st_size, "mtime_ns": stt.st_mtime_ns}
            except OSError:
                sig = None
            prev = st.get("files", rel)
            if sig and prev and {k: prev.get(k) for k in sig} == sig:
                continue  # unchanged since the last committed run
            data, why = read_file_capped(root, path, cfg.fetch.max_bytes)
            if why:
                yield RawDocument(self.name, rel, b"", cfg.outlet, error=why)
                continue
            sha = hashlib.sha256(data).hexdigest()
            if sig:
                st.put("files", rel, {**sig, "sha256": sha})
            if prev and prev.get("sha256") == sha:
                continue  # touched, not changed
            yield self._page_document(rel, data, None)

    # --- pages on the web -------------------------------------------------------------------------
    def _urls(self) -> Iterator[RawDocument]:
        st, cfg = self.state, self.config
        with Fetcher(cfg.fetch) as fetcher:
            results = ordered_map(
                lambda u: fetcher.get(u, st.http_validators(u)), cfg.urls, cfg.fetch.concurrency
            )
            for url, res in zip(cfg.urls, results):
                if res.not_modified:
                    continue
                if res.error:
                    yield RawDocument(
                        self.name,
                        url,
                        b"",
                        cfg.outlet,
                        {"url": url},
                        error=f"page could not be fetched: {res.error}",
                    )
                    continue
                if st.http_validators(url).get("sha256") == res.sha256:
                    st.set_http(url, res.headers.get("etag"), res.headers.get("last-modified"), res.sha256)
                    continue
                st.set_http(url, res.headers.get("etag"), res.headers.get("last-modified"), res.sha256)
                yield self._page_document(url, res.content, res.final_url or url)

    def _page_document(self, raw_path: str, data: bytes, url: Optional[str]) -> RawDocument:
        cfg = self.config
        meta: dict[str, Any] = {"page_sha256": hashlib.sha256(data).hexdigest()}
        if url:
            meta["url"] = url
        page = extract_page(data, url)
        if page is None or word_count(page.text) < cfg.min_words:
            n = word_count(page.text) if page else 0
            return RawDocument(
                self.name,
                raw_path,
                data,
                cfg.outlet,
                meta,
                error=f"no main text found in the page ({n} words of main text)",
            )
        outlet = cfg.outlet or page.sitename
        if page.title:
            meta["title"] = page.title
        if page.date:
            meta["date"] = page.date
        elif cfg.require_date:
            return RawDocument(self.name, raw_path, data, outlet, meta, error="page has no date")
        return RawDocument(self.name, raw_path, page.text.encode("utf-8"), outlet, meta)
