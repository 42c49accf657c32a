"""The Parquet lake: one folder per table, one file per extraction batch, written atomically.

A batch's files are written under temporary names, renamed into place, and only then is the batch's
commit marker (``lake/_commits/<batch_id>.json``) written. The load step reads committed batches
only, so a crash at any point never lets a half-written batch into the warehouse; a rerun rewrites
the same batch (batch ids are derived from content) and commits it.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Mapping

import pyarrow as pa
import pyarrow.parquet as pq

from newsclaims.faults import checkpoint
from newsclaims.models import Record, to_table
from newsclaims.settings import Warehouse


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old content or the new, never a part (tmp + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_parquet_atomic(table: pa.Table, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return path


def batch_file(wh: Warehouse, table: str, batch_id: str) -> Path:
    return wh.lake / table / f"{batch_id}.parquet"


def write_batch(wh: Warehouse, batch_id: str, tables: Mapping[type[Record], list[Record]],
                meta: Mapping[str, object] | None = None) -> Path:
    """Write one batch: a Parquet file per table (empty tables included), then its commit marker."""
    files = {}
    for model, rows in tables.items():
        path = write_parquet_atomic(to_table(model, list(rows)), batch_file(wh, model.__table__, batch_id))
        files[model.__table__] = path.relative_to(wh.lake).as_posix()
        checkpoint("lake")
    marker = wh.commits / f"{batch_id}.json"
    atomic_write_bytes(marker, json.dumps({"batch_id": batch_id, "files": files, **(meta or {})},
                                          sort_keys=True, default=str).encode())
    return marker


def committed_batches(wh: Warehouse) -> dict[str, dict]:
    out = {}
    if not wh.commits.is_dir():
        return out
    for marker in sorted(wh.commits.glob("*.json")):
        try:
            out[marker.stem] = json.loads(marker.read_text())
        except (OSError, ValueError):
            continue  # a marker is written atomically; an unreadable one is not a commit
    return out


def remove_uncommitted(wh: Warehouse) -> int:
    """Delete temporary files and batch files without a commit marker (left by a killed run)."""
    committed = set(committed_batches(wh))
    removed = 0
    if not wh.lake.is_dir():
        return 0
    for path in wh.lake.rglob("*"):
        if not path.is_file() or path.parent == wh.commits:
            continue
        if path.name.endswith(".tmp") or (path.suffix == ".parquet" and path.stem not in committed):
            path.unlink(missing_ok=True)
            removed += 1
    return removed
