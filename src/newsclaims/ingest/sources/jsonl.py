"""``jsonl``: one article per line of JSON, in a file or a folder of files.

```toml
[[sources]]
name = "wire"
kind = "jsonl"
path = "dumps/wire.jsonl"       # a file, or a folder with glob = "*.jsonl"
outlet = "Wire Service"
fields = { text = "body", title = "headline", date = "published_at", id = "guid", url = "link", outlet = "source" }
```

``fields`` maps our names to the record's keys (dotted keys reach into nested objects:
``"meta.date"``). A line that is not JSON, not an object or has no text becomes a reject naming
the line. Incremental: files are read from where the last run stopped when they only grew
(append-only dumps), skipped when unchanged, and records whose id was seen are skipped.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Iterator, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

from newsclaims import constants as C
from newsclaims.ingest.sources.base import RawDocument, Source, SourceConfig, register_source
from newsclaims.ingest.sources.guards import (
    check_glob,
    check_source_path,
    display_path,
    is_http_url,
    not_regular,
)
from newsclaims.ingest.sources.pagetext import parse_date
from newsclaims.ingest.sources.text_dir import SourceUnreadable

HEAD_BYTES = 65536


class JsonlFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = "text"
    title: Optional[str] = "title"
    subtitle: Optional[str] = "subtitle"
    date: Optional[str] = "date"
    id: Optional[str] = "id"
    url: Optional[str] = "url"
    outlet: Optional[str] = "outlet"


class JsonlConfig(SourceConfig):
    path: str
    glob: str = "*.jsonl"
    recursive: bool = False
    fields: JsonlFields = JsonlFields()
    require_date: bool = False
    #: a line longer than this is a reject
    max_bytes: int = Field(C.DEFAULT_MAX_DOCUMENT_BYTES, gt=0)
    #: a ``path`` outside the sources file's folder is refused unless this is set
    allow_outside: bool = False

    @field_validator("glob")
    @classmethod
    def _relative_glob(cls, v: str) -> str:
        return check_glob(v)


def _skip_line(f) -> int:
    """Read past the rest of a line in bounded pieces; the bytes skipped (with the newline)."""
    n = 0
    while piece := f.readline(1 << 20):
        n += len(piece)
        if piece.endswith(b"\n"):
            break
    return n


def _ended_with_newline(f) -> bool:
    pos = f.tell()
    if pos == 0:
        return False
    f.seek(pos - 1)
    ok = f.read(1) == b"\n"
    f.seek(pos)
    return ok


def _lookup(record: dict, dotted: Optional[str]) -> Any:
    if not dotted:
        return None
    cur: Any = record
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


@register_source("jsonl")
class JsonLines(Source):
    Config = JsonlConfig
    config: JsonlConfig

    @property
    def target(self) -> Path:
        return self.base_dir / self.config.path

    def _files(self) -> tuple[Path, list[Path]]:
        why = check_source_path(self.base_dir, self.config.path, self.config.allow_outside)
        if why:
            raise SourceUnreadable(f"source {self.name!r}: {why}")
        target = self.target
        if target.is_dir():
            root = target.resolve()
            pattern = f"**/{self.config.glob}" if self.config.recursive else self.config.glob
            return root, [p for p in sorted(target.glob(pattern)) if not p.is_dir()]
        if not target.exists() and not target.is_symlink():
            raise SourceUnreadable(f"source {self.name!r}: {target} does not exist")
        return target.parent.resolve(), [target]

    def documents(self) -> Iterator[RawDocument]:
        from newsclaims.ingest.sources.guards import confine

        root, files = self._files()
        for path in files:
            rel = display_path(path, self.base_dir)
            why = confine(root, path) or not_regular(path)
            if why:
                yield RawDocument(self.name, rel, b"", self.config.outlet, error=why)
                continue
            yield from self._read(path, rel)

    def _read(self, path: Path, rel: str) -> Iterator[RawDocument]:
        st, cfg = self.state, self.config
        try:
            f = path.open("rb")
        except OSError as exc:
            yield RawDocument(self.name, rel, b"", cfg.outlet, error=f"unreadable: {exc.strerror or exc}")
            return
        with f:
            stt = Path(f.name).stat()
            prev = st.get("files", rel) or {}
            start = 0
            if prev.get("size") == stt.st_size and prev.get("mtime_ns") == stt.st_mtime_ns:
                return  # unchanged since the last committed run
            if prev.get("offset") and stt.st_size >= prev["offset"]:
                head = f.read(min(prev["offset"], HEAD_BYTES))
                if hashlib.sha256(head).hexdigest() == prev.get("head_sha256"):
                    start = prev["offset"]  # the file only grew: read the new lines
            f.seek(start)
            offset, lineno = start, (prev.get("lines", 0) if start else 0)
            while raw := f.readline(cfg.max_bytes + 1):  # never more than the limit in memory
                if len(raw) > cfg.max_bytes and not raw.endswith(b"\n"):
                    skipped = len(raw) + _skip_line(f)  # an overlong line: count it, keep none of it
                    if skipped == len(raw) or not _ended_with_newline(f):
                        break  # a line still being written: next run
                    lineno += 1
                    offset += skipped
                    yield RawDocument(
                        self.name,
                        f"{rel}#L{lineno}",
                        b"",
                        cfg.outlet,
                        error=f"line {lineno} is {skipped} bytes, over the limit of {cfg.max_bytes}",
                    )
                    continue
                if not raw.endswith(b"\n"):
                    break  # a line still being written: next run
                lineno += 1
                offset += len(raw)
                doc = self._record(raw, rel, lineno)
                if doc is not None:
                    yield doc
            f.seek(0)
            head = f.read(min(offset, HEAD_BYTES))
            st.put(
                "files",
                rel,
                {
                    "size": stt.st_size if offset == stt.st_size else None,
                    "mtime_ns": stt.st_mtime_ns,
                    "offset": offset,
                    "lines": lineno,
                    "head_sha256": hashlib.sha256(head).hexdigest(),
                },
            )

    def _record(self, raw: bytes, rel: str, lineno: int) -> Optional[RawDocument]:
        cfg, st, fields = self.config, self.state, self.config.fields
        where = f"{rel}#L{lineno}"
        if not raw.strip():
            return None
        if len(raw) > cfg.max_bytes:
            return RawDocument(
                self.name,
                where,
                b"",
                cfg.outlet,
                error=f"line {lineno} is {len(raw)} bytes, over the limit of {cfg.max_bytes}",
            )
        try:
            record = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            return RawDocument(self.name, where, raw, cfg.outlet, error=f"line {lineno}: invalid JSON: {exc}")
        if not isinstance(record, dict):
            return RawDocument(
                self.name,
                where,
                raw,
                cfg.outlet,
                error=f"line {lineno}: not a JSON object ({type(record).__name__})",
            )
        ident = _lookup(record, fields.id)
        url = _lookup(record, fields.url)
        url = url if isinstance(url, str) and is_http_url(url) else None
        has_id = ident not in (None, "")
        raw_path = url or (f"{rel}#{ident}" if has_id else where)
        key = (
            f"id:{ident}" if has_id else f"url:{url}" if url else "sha256:" + hashlib.sha256(raw).hexdigest()
        )
        if st.is_seen(key):
            return None
        st.mark_seen(key, hashlib.sha256(raw).hexdigest())
        outlet = _lookup(record, fields.outlet)
        outlet = str(outlet) if outlet else cfg.outlet
        text = _lookup(record, fields.text)
        meta: dict[str, Any] = {}
        for name in ("title", "subtitle"):
            v = _lookup(record, getattr(fields, name))
            if isinstance(v, str) and v.strip():
                meta[name] = v.strip()
        if url:
            meta["url"] = url
        if not isinstance(text, str) or not text.strip():
            return RawDocument(
                self.name,
                raw_path,
                raw,
                outlet,
                meta,
                error=f"line {lineno}: no text in field {fields.text!r}",
            )
        given = _lookup(record, fields.date)
        date = parse_date(given)
        if date:
            meta["date"] = date
        elif cfg.require_date:
            why = f"unparseable date {given!r}" if given not in (None, "") else "no date"
            return RawDocument(
                self.name, raw_path, raw, outlet, meta, error=f"line {lineno}: {why} in field {fields.date!r}"
            )
        return RawDocument(self.name, raw_path, text.encode("utf-8"), outlet, meta)
