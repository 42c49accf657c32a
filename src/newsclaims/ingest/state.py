"""Incremental state per source: what was already seen, so a scheduled run costs what is new.

One JSON file per source under ``<warehouse>/state/<source>.json``::

    {"version": 1, "source": "bbc",
     "http":  {"https://…/feed.xml": {"etag": "…", "last_modified": "…", "sha256": "…"}},
     "seen":  {"id:tag:bbc,2024:1": "<content sha256 or true>", …},
     "files": {"raw/a.jsonl": {"size": 123, "mtime_ns": 0, "offset": 123, "head_sha256": "…"}},
     "watermarks": {"published": "2024-03-05"},
     "updated_at": "…", "run_id": "…"}

Crash safety: a source records updates in a *pending* layer while the pipeline reads it; the
pipeline writes them next to the state as ``<source>.pending-<run_id>.json`` when ingest has
staged its batches (:func:`stage_pending`) and merges them into the state only after the warehouse
load succeeded (:func:`commit_pending`). A run killed in between leaves the committed state as it
was: the next run fetches those items again and ingest skips what the warehouse already holds.
Every file is written to a temporary name and renamed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any, Iterable, Optional

from newsclaims.load.lake import atomic_write_bytes

STATE_DIR = "state"
VERSION = 1
_SECTIONS = ("http", "seen", "files", "watermarks")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _root_of(warehouse: Any) -> Path:
    """A Warehouse, or a warehouse folder (note: a Path has a ``root`` attribute of its own)."""
    if isinstance(warehouse, (str, os.PathLike)):
        return Path(warehouse)
    return Path(warehouse.root)


def state_dir(warehouse: Any) -> Path:
    return _root_of(warehouse) / STATE_DIR


def _check_name(name: str) -> str:
    if not _SAFE_NAME.match(name) or ".." in name:
        raise ValueError(f"unsafe source name for a state file: {name!r}")
    return name


def _write_json_atomic(path: Path, data: dict) -> None:
    atomic_write_bytes(path, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):  # a damaged state file costs a full re-read, never a failed run
        return {}
    return data if isinstance(data, dict) else {}


def _empty(name: str) -> dict:
    return {"version": VERSION, "source": name, **{s: {} for s in _SECTIONS}}


class SourceState:
    """The committed state of one source plus the updates recorded during this run.

    Reads see committed and pending values; writes go to the pending layer only.
    Without a warehouse (``newsclaims sources check``) nothing is ever written.
    """

    def __init__(self, name: str, warehouse: Any = None, run_id: Optional[str] = None):
        self.name = _check_name(name)
        self.dir = state_dir(warehouse) if warehouse is not None else None
        self.run_id = run_id
        self.committed = _read_json(self.path) if self.path else {}
        for s in _SECTIONS:
            self.committed.setdefault(s, {})
        self.pending: dict[str, dict] = {s: {} for s in _SECTIONS}

    # --- where ---------------------------------------------------------------------------------
    @property
    def path(self) -> Optional[Path]:
        return self.dir / f"{self.name}.json" if self.dir else None

    @property
    def pending_path(self) -> Optional[Path]:
        if not self.dir or not self.run_id:
            return None
        return self.dir / f"{self.name}.pending-{self.run_id}.json"

    # --- generic sections ------------------------------------------------------------------------
    def get(self, section: str, key: str, default: Any = None) -> Any:
        if key in self.pending[section]:
            return self.pending[section][key]
        return self.committed[section].get(key, default)

    def put(self, section: str, key: str, value: Any) -> None:
        self.pending[section][key] = value

    # --- conveniences ----------------------------------------------------------------------------
    def http_validators(self, url: str) -> dict:
        """ETag / Last-Modified remembered for ``url`` (committed only: never from this run)."""
        return dict(self.committed["http"].get(url) or {})

    def set_http(
        self, url: str, etag: Optional[str], last_modified: Optional[str], sha256: Optional[str] = None
    ) -> None:
        self.put(
            "http",
            url,
            {k: v for k, v in (("etag", etag), ("last_modified", last_modified), ("sha256", sha256)) if v},
        )

    def is_seen(self, key: str, value: Any = None) -> bool:
        """``key`` was recorded before (and, when ``value`` is given, with that same value)."""
        got = self.get("seen", key)
        if got is None:
            return False
        return value is None or got == value

    def mark_seen(self, key: str, value: Any = True) -> None:
        self.put("seen", key, value)

    def watermark(self, name: str) -> Any:
        return self.get("watermarks", name)

    def raise_watermark(self, name: str, value: Any) -> None:
        cur = self.watermark(name)
        if value is not None and (cur is None or str(value) > str(cur)):
            self.put("watermarks", name, value)

    @property
    def has_pending(self) -> bool:
        return any(self.pending.values())

    # --- persistence -----------------------------------------------------------------------------
    def stage(self) -> Optional[Path]:
        """Write the pending updates next to the state (not yet effective)."""
        p = self.pending_path
        if p is None:
            return None
        if not self.has_pending:
            p.unlink(missing_ok=True)
            return None
        _write_json_atomic(
            p, {"version": VERSION, "source": self.name, "run_id": self.run_id, **self.pending}
        )
        return p

    def commit(self) -> None:
        """Merge the pending updates into the committed state now (callers that load themselves)."""
        if self.path is None:
            return
        merged = merge(_read_json(self.path) or _empty(self.name), self.pending, self.run_id)
        _write_json_atomic(self.path, merged)
        self.committed = merged
        self.pending = {s: {} for s in _SECTIONS}
        if self.pending_path:
            self.pending_path.unlink(missing_ok=True)


class NullState(SourceState):
    """State of an unbound source: remembers within one pass, never persisted."""

    def __init__(self, name: str = "unbound"):
        self.name = name
        self.dir = None
        self.run_id = None
        self.committed = {s: {} for s in _SECTIONS}
        self.pending = {s: {} for s in _SECTIONS}


def merge(state: dict, pending: dict, run_id: Optional[str]) -> dict:
    out = dict(state)
    out["version"] = VERSION
    for s in _SECTIONS:
        section = dict(out.get(s) or {})
        section.update(pending.get(s) or {})
        out[s] = section
    out["updated_at"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    if run_id:
        out["run_id"] = run_id
    return out


# --- what the pipeline calls ------------------------------------------------------------------------


def bind_state(sources: Iterable[Any], warehouse: Any, run_id: str) -> None:
    """Give every source its state for this run (``source.state``)."""
    for s in sources:
        s.state = SourceState(s.name, warehouse, run_id)


def stage_pending(sources: Iterable[Any]) -> list[Path]:
    """After ingest staged its batches: write each source's pending updates for this run."""
    return [
        p
        for s in sources
        if isinstance(getattr(s, "state", None), SourceState)
        for p in [s.state.stage()]
        if p
    ]


def commit_pending(warehouse: Any, run_id: str) -> list[str]:
    """After the warehouse load succeeded: make this run's pending updates the state.

    Pending files of other runs (killed before their load) are dropped. Returns the sources whose
    state changed.
    """
    d = state_dir(warehouse)
    if not d.is_dir():
        return []
    changed = []
    for p in sorted(d.glob("*.pending-*.json")):
        name, _, rest = p.name.partition(".pending-")
        if rest != f"{run_id}.json":
            p.unlink(missing_ok=True)
            continue
        pending = _read_json(p)
        target = d / f"{_check_name(name)}.json"
        _write_json_atomic(target, merge(_read_json(target) or _empty(name), pending, run_id))
        p.unlink(missing_ok=True)
        changed.append(name)
    return changed


def reset_source(warehouse: Any, name: str) -> bool:
    """Forget everything about ``name``: the next run reads it from scratch. True if there was state."""
    d = state_dir(warehouse)
    _check_name(name)
    found = False
    for p in [d / f"{name}.json", *d.glob(f"{name}.pending-*.json")] if d.is_dir() else []:
        if p.exists():
            p.unlink()
            found = True
    return found


def read_state(warehouse: Any, name: str) -> dict:
    return _read_json(state_dir(warehouse) / f"{_check_name(name)}.json")
