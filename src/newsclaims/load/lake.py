"""The Parquet lake: one folder per table, one file per extraction batch, written atomically.

A batch's files are written under temporary names, renamed into place, and only then is the batch's
commit marker (``lake/_commits/<batch_id>.json``) written. The load step reads committed batches
only, so a crash at any point never lets a half-written batch into the warehouse; a rerun rewrites
the same batch (batch ids are derived from content) and commits it.

The lake may also live in an S3-compatible bucket (``Warehouse.lake_uri = "s3://bucket/prefix"``, see
:mod:`newsclaims.load.storage`): the same layout as objects, each object written whole by one PUT, the
commit marker last. Staged batches (ingest's output, extraction's input) then live under
``<lake>/_staging/<run_id>/`` so that Dask workers on other machines can read them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Iterable, Mapping, Optional

import pyarrow as pa

from newsclaims.faults import checkpoint
from newsclaims.load.storage import (  # noqa: F401
    Store,
    atomic_write_bytes,
    is_remote,
    open_store,
    read_location,
    write_parquet_local,
)
from newsclaims.models import Record, to_table
from newsclaims.settings import Warehouse

COMMITS = "_commits"
STAGING = "_staging"


def batch_digest(parts: Iterable[str]) -> str:
    """A short hash of a batch's content keys (article ids, raw paths, ...): a rerun of the same work
    gets the same batch id."""
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:16]


def store(wh: Warehouse) -> Store:
    return open_store(wh.lake_url)


def write_parquet_atomic(table: pa.Table, path: Path | str) -> Path | str:
    """Write a Parquet file readers see whole or not at all (a local path or an s3:// URL)."""
    if is_remote(path):
        from urllib.parse import urlsplit

        parts = urlsplit(str(path))
        bucket_root, rel = f"s3://{parts.netloc}", parts.path.lstrip("/")
        return open_store(bucket_root).write_parquet(table, rel)
    return write_parquet_local(table, Path(path))


def read_parquet(location: Path | str) -> pa.Table:
    """Read a Parquet file written by :func:`write_parquet_atomic` (local path or s3:// URL)."""
    return read_location(location)


def batch_file(wh: Warehouse, table: str, batch_id: str) -> Path:
    """The local file of a batch's table (local lakes only; see :func:`read_batch_table`)."""
    return wh.lake / table / f"{batch_id}.parquet"


def _batch_rel(table: str, batch_id: str) -> str:
    return f"{table}/{batch_id}.parquet"


def read_batch_table(wh: Warehouse, table: str, batch_id: str) -> Optional[pa.Table]:
    """One table of one batch, or None when the batch has no file for it."""
    st = store(wh)
    rel = _batch_rel(table, batch_id)
    return st.read_table(rel) if st.exists(rel) else None


def staging_location(wh: Warehouse, run_id: str, name: str) -> Path | str:
    """Where ingest stages a batch of new articles for extraction: the warehouse's ``staging/`` folder
    for a local lake, ``<lake>/_staging/<run_id>/`` for a remote one (workers elsewhere read it)."""
    if wh.remote_lake:
        return store(wh).location(f"{STAGING}/{run_id}/{name}")
    return wh.root / "staging" / run_id / name


def remove_remote_staging(wh: Warehouse, *, only: Optional[str] = None, keep: Optional[str] = None) -> int:
    """Delete staged objects of a remote lake: those of run ``only``, or of every run but ``keep``."""
    if not wh.remote_lake:
        return 0
    st = store(wh)
    runs = {rel.split("/")[1] for rel in st.list_files(STAGING) if rel.count("/") >= 2}
    chosen = [r for r in runs if (r == only if only is not None else r != keep)]
    for run in chosen:
        st.delete_tree(f"{STAGING}/{run}")
    return len(chosen)


def write_batch(
    wh: Warehouse,
    batch_id: str,
    tables: Mapping[type[Record], list[Record]],
    meta: Mapping[str, object] | None = None,
) -> str:
    """Write one batch: a Parquet file per table (empty tables included), then its commit marker."""
    st = store(wh)
    files = {}
    for model, rows in tables.items():
        rel = _batch_rel(model.__table__, batch_id)
        st.write_parquet(to_table(model, list(rows)), rel)
        files[model.__table__] = rel
        checkpoint("lake")
    marker = f"{COMMITS}/{batch_id}.json"
    st.write_bytes(
        marker,
        json.dumps(
            {"batch_id": batch_id, "files": files, **(meta or {})}, sort_keys=True, default=str
        ).encode(),
    )
    return st.location(marker)


def committed_batch_ids(wh: Warehouse) -> set[str]:
    """Batches with a commit marker (names only: nothing is read)."""
    return {
        rel.split("/", 1)[1][: -len(".json")]
        for rel in store(wh).list_files(COMMITS)
        if rel.endswith(".json") and "/" in rel and not rel.rsplit("/", 1)[1].startswith(".")
    }


def committed_batches(wh: Warehouse, skip: set[str] | frozenset = frozenset()) -> dict[str, dict]:
    """Commit markers of the committed batches not in ``skip``, by batch id."""
    st = store(wh)
    out = {}
    for batch_id in sorted(committed_batch_ids(wh) - set(skip)):
        data = st.read_bytes(f"{COMMITS}/{batch_id}.json")
        try:
            out[batch_id] = json.loads(data) if data is not None else None
        except ValueError:
            out[batch_id] = None
        if out[batch_id] is None:
            del out[batch_id]  # a marker is written atomically; an unreadable one is not a commit
    return out


def batch_locations(wh: Warehouse, meta: dict, table: str) -> Optional[str]:
    """Where a committed batch's file of ``table`` is (None when the batch has none)."""
    rel = meta.get("files", {}).get(table)
    return None if rel is None else store(wh).location(rel)


def remove_uncommitted(wh: Warehouse) -> int:
    """Delete temporary files and batch files without a commit marker (left by a killed run)."""
    committed = committed_batch_ids(wh)
    st = store(wh)
    removed = 0
    for rel in st.list_files():
        top, _, rest = rel.partition("/")
        if top in (COMMITS, STAGING) or not rest:
            continue
        name = rel.rsplit("/", 1)[1]
        if name.endswith(".tmp") or (name.endswith(".parquet") and name[: -len(".parquet")] not in committed):
            st.delete(rel)
            removed += 1
    return removed
