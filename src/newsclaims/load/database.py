"""The DuckDB warehouse: migrations, the one load step that writes it, and read-only access.

DuckDB has a single writer. Extraction writes Parquet batches to the lake; :func:`load` is the only
code that opens the database for writing: it applies pending migrations, inserts every committed lake
batch it has not loaded yet (keys make this idempotent), rebuilds the aggregated ``entities`` table,
records the run and recreates the views.

Readers never fail a run (issue 19). DuckDB lets one process write a file only when no other process
has it open, even read-only. So (1) the load waits a bounded time for readers of the database file
(``NEWSCLAIMS_LOAD_WAIT`` seconds, default 60) and then gives up with :class:`WarehouseBusy`, leaving
its committed lake batches for the next run; and (2) after every load the database is copied to a
*read copy* (``newsclaims.read.duckdb``, written to a temporary name and renamed over the old one)
that analysts' reads use -- ``newsclaims query``, ``status``, the reports and :func:`query` --
so a notebook or a long query holds the copy, never the file the load writes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass
from importlib import resources
from typing import Iterable, Optional

import duckdb

from newsclaims.faults import checkpoint
from newsclaims.load import entity_links as entity_table
from newsclaims.load import lake
from newsclaims.load.sql import named_query
from newsclaims.load.storage import is_remote
from newsclaims.models import LAKE_MODELS, Run
from newsclaims.settings import (
    DEFAULT_LOAD_WAIT,
    DEFAULT_QUERY_SECONDS,
    ENV_LOAD_WAIT,
    ENV_QUERY_SECONDS,
    Warehouse,
)

_SQL_NAME = re.compile(r"^(\d{3})_[\w]+\.sql$")

#: primary key of each lake table: rows with a key already present are not inserted again
TABLE_KEYS = {
    "articles": ("article_id",),
    "duplicates": ("raw_path", "raw_sha256"),
    "rejects": ("raw_path", "raw_sha256"),
    "mentions": ("article_id", "start_char", "end_char"),
    "entity_aliases": ("entity_id", "article_id", "alias"),
    "claims": ("claim_id",),
    "article_stories": ("article_id",),
    "claim_groups": ("claim_id",),
    "source_failures": ("run_id", "source"),
    "story_changes": ("run_id", "article_id"),
}
#: tables whose rows a later run replaces (the key's newest row, by run id, wins): an article's
#: story is revised by later runs (see linking.revise_stories; the moves are in story_changes)
REPLACED_BY_LATER_RUNS = {"article_stories"}


class WarehouseBusy(RuntimeError):
    """The database is locked by another process."""


@dataclass(frozen=True)
class SqlFile:
    version: int
    name: str
    sql: str


def _sql_files(folder: str) -> list[SqlFile]:
    root = resources.files("newsclaims.load.sql").joinpath(folder)
    out = []
    for entry in root.iterdir():
        m = _SQL_NAME.match(entry.name)
        if m:
            out.append(SqlFile(int(m.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(out, key=lambda f: f.version)


def migrations() -> list[SqlFile]:
    return _sql_files("migrations")


def view_files() -> list[SqlFile]:
    return _sql_files("views")


def connect(wh: Warehouse, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    if read_only and not wh.database.exists():
        raise FileNotFoundError(f"no warehouse at {wh.database}: run `newsclaims run` first")
    if not read_only:
        wh.ensure()
    try:
        return duckdb.connect(str(wh.database), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseBusy(
                f"the warehouse {wh.database} is busy (another process is writing it)"
            ) from exc
        raise


# --- waiting for readers, and the read copy -----------------------------------------------------------

READ_COPY = "newsclaims.read.duckdb"
READ_STAMP = "newsclaims.read.json"


def load_wait() -> float:
    raw = os.environ.get(ENV_LOAD_WAIT)
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_LOAD_WAIT
    except ValueError:
        raise ValueError(f"{ENV_LOAD_WAIT} must be a number of seconds (got {raw!r})") from None


def connect_writer(wh: Warehouse, wait: Optional[float] = None) -> duckdb.DuckDBPyConnection:
    """The writing connection, waiting up to ``wait`` seconds (default :func:`load_wait`) while other
    processes hold the file open; then :class:`WarehouseBusy` naming what to do."""
    wait = load_wait() if wait is None else wait
    give_up = time.monotonic() + wait
    delay = 0.1
    while True:
        try:
            return connect(wh)
        except WarehouseBusy as exc:
            if time.monotonic() >= give_up:
                raise WarehouseBusy(
                    f"the warehouse {wh.database} stayed open in another process (a notebook, a query, a "
                    f"report) for {wait:g} s, so it could not be written; this run's batches are kept in "
                    f"the lake and the next run loads them. Readers should use the read copy "
                    f"({wh.root / READ_COPY}, what `newsclaims query` opens)"
                ) from exc
            time.sleep(min(delay, max(0.0, give_up - time.monotonic())))
            delay = min(delay * 2, 2.0)


def _stamp(path) -> dict:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def refresh_read_copy(wh: Warehouse) -> None:
    """Copy the (closed, checkpointed) database to the read copy, atomically: readers of the old
    copy keep their file; new readers open the new one. Called by the load, under the run lock."""
    src = wh.database
    if not src.exists():
        return
    stamp = _stamp(src)
    tmp = wh.root / f".{READ_COPY}.{os.getpid()}.tmp"
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, wh.root / READ_COPY)
    finally:
        tmp.unlink(missing_ok=True)
    lake.atomic_write_bytes(wh.root / READ_STAMP, json.dumps(stamp).encode())


def read_copy_is_current(wh: Warehouse) -> bool:
    try:
        stamp = json.loads((wh.root / READ_STAMP).read_text())
        return (wh.root / READ_COPY).exists() and stamp == _stamp(wh.database)
    except (OSError, ValueError):
        return False


def read_path(wh: Warehouse):
    """The file analysts read: the read copy when it is the database as last loaded, else the database
    itself (a warehouse written by other means, or a load in progress)."""
    if not wh.database.exists():
        raise FileNotFoundError(f"no warehouse at {wh.database}: run `newsclaims run` first")
    return wh.root / READ_COPY if read_copy_is_current(wh) else wh.database


def read_connect(wh: Warehouse, config: Optional[dict] = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection for analysts (reports, status, query): on the read copy, so it never
    keeps the load from writing; when the database is busy and no current copy exists, the
    previous copy (one load behind) rather than a failure."""
    path = read_path(wh)
    try:
        return duckdb.connect(str(path), read_only=True, config=config or {})
    except duckdb.IOException as exc:
        copy = wh.root / READ_COPY
        if "lock" in str(exc).lower() and path != copy and copy.exists():
            return duckdb.connect(str(copy), read_only=True, config=config or {})
        if "lock" in str(exc).lower():
            raise WarehouseBusy(
                f"the warehouse {wh.database} is busy (a run is loading it); try again in a moment"
            ) from exc
        raise


# --- hardened ad-hoc SQL ---------------------------------------------------------------------------------

#: DuckDB's own switches: nothing outside the database file is read or written (COPY ... TO,
#: EXPORT DATABASE, read_text, glob, ATTACH, INSTALL, extension auto-loading), and no statement may
#: change the configuration back
LOCKED_DOWN = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
}
READ_STATEMENTS = ("SELECT", "EXPLAIN")


class QueryRefused(ValueError):
    """The SQL is not one read statement, or took longer than its time limit."""


def query_seconds() -> float:
    raw = os.environ.get(ENV_QUERY_SECONDS)
    try:
        return float(raw) if raw else DEFAULT_QUERY_SECONDS
    except ValueError:
        raise ValueError(f"{ENV_QUERY_SECONDS} must be a number of seconds (got {raw!r})") from None


def safe_query(
    wh: Warehouse, sql: str, *, seconds: Optional[float] = None, keep: Optional[int] = None
) -> tuple[list[str], list[tuple], int]:
    """Run one read statement of untrusted SQL: (column names, rows, rows left out).

    The connection is read-only, on the read copy, with external access and configuration changes
    off (:data:`LOCKED_DOWN`); exactly one SELECT / EXPLAIN statement is accepted; the query is
    interrupted after ``seconds`` (default ``NEWSCLAIMS_QUERY_SECONDS`` or 30; 0 = no limit).
    ``keep``: keep only the first rows and count the rest (None = keep all)."""
    seconds = query_seconds() if seconds is None else seconds
    con = read_connect(wh, config=LOCKED_DOWN)
    timer = None
    state = {"interrupted": False}
    try:
        try:
            statements = con.extract_statements(sql)
        except duckdb.Error as exc:
            raise QueryRefused(f"not valid SQL: {exc}") from None
        if len(statements) != 1:
            raise QueryRefused(f"one statement at a time, please (got {len(statements)})")
        kind = statements[0].type.name
        if kind not in READ_STATEMENTS:
            raise QueryRefused(f"only SELECT (and EXPLAIN) statements are run here, not {kind}")

        def stop() -> None:
            state["interrupted"] = True
            con.interrupt()

        if seconds and seconds > 0:
            timer = threading.Timer(seconds, stop)
            timer.daemon = True
            timer.start()
        try:
            cur = con.execute(sql)
            cols = [d[0] for d in cur.description] if cur.description else []
            rows: list[tuple] = []
            left_out = 0
            while chunk := cur.fetchmany(2048):
                if keep is None:
                    rows.extend(chunk)
                    continue
                room = max(0, keep - len(rows))
                rows.extend(chunk[:room])
                left_out += len(chunk) - min(room, len(chunk))
        except duckdb.Error:
            if state["interrupted"]:
                raise QueryRefused(
                    f"the query took longer than {seconds:g} s and was stopped "
                    f"(--timeout, {ENV_QUERY_SECONDS})"
                ) from None
            raise
        return cols, rows, left_out
    finally:
        if timer is not None:
            timer.cancel()
        con.close()


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply pending numbered migrations, each in its own transaction, and record them."""
    con.execute("""CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)""")
    done = {v for (v,) in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for m in migrations():
        if m.version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(m.sql)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [m.version, m.name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(m.name)
    return applied


def refresh_views(con: duckdb.DuckDBPyConnection) -> None:
    """Recreate the views, then write every description of load/sql/schema.toml (COMMENT ON; a
    recreated view has lost its comments)."""
    from newsclaims.load.schema_doc import apply_comments

    for v in view_files():
        con.execute(v.sql)
    apply_comments(con)


def _quote(path: str) -> str:
    return "'" + path.replace("'", "''") + "'"


def _insert_verb(table: str) -> str:
    return "INSERT OR REPLACE" if table in REPLACED_BY_LATER_RUNS else "INSERT OR IGNORE"


def _insert_order(table: str) -> str:
    keys = ", ".join(TABLE_KEYS[table])
    return f"{keys}, run_id DESC" if table in REPLACED_BY_LATER_RUNS else keys


def _insert_files(con: duckdb.DuckDBPyConnection, table: str, files: list[str]) -> int:
    if not files:
        return 0
    keys = ", ".join(TABLE_KEYS[table])
    if any(is_remote(f) for f in files):
        return _insert_arrow(con, table, files)
    file_list = "[" + ", ".join(_quote(f) for f in files) + "]"
    before = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    con.execute(f"""
        {_insert_verb(table)} INTO {table} BY NAME
        SELECT DISTINCT ON ({keys}) * FROM read_parquet({file_list}, union_by_name = true)
        ORDER BY {_insert_order(table)}""")
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] - before


def _insert_arrow(con: duckdb.DuckDBPyConnection, table: str, files: list[str]) -> int:
    """The same insert for a remote lake: the files are read through pyarrow (no DuckDB extension,
    nothing downloaded) and handed to DuckDB as one Arrow table, columns unified by name."""
    import pyarrow as pa

    keys = ", ".join(TABLE_KEYS[table])
    parts = [lake.read_parquet(f) for f in files]
    lake_rows = pa.concat_tables(parts, promote_options="default")  # noqa: F841 (scanned by DuckDB)
    before = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    con.register("_lake_rows", lake_rows)
    try:
        con.execute(f"""
            {_insert_verb(table)} INTO {table} BY NAME
            SELECT DISTINCT ON ({keys}) * FROM _lake_rows
            ORDER BY {_insert_order(table)}""")
    finally:
        con.unregister("_lake_rows")
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] - before


def rebuild_entities(con: duckdb.DuckDBPyConnection) -> None:
    """Aggregate ``entities`` from what every article says about each entity."""
    con.execute("DELETE FROM entities")
    con.execute(named_query("load_rebuild_entities"))


def rebuild_stories(con: duckdb.DuckDBPyConnection) -> None:
    """Aggregate ``stories`` from article assignments; duplicates' outlets count as carriers."""
    con.execute("DELETE FROM stories")
    con.execute(named_query("load_rebuild_stories"))


@dataclass
class LoadResult:
    batches: int
    inserted: dict[str, int]


def load(wh: Warehouse, run: Optional[Run] = None, *, wait: Optional[float] = None) -> LoadResult:
    """The single writing step: migrate, load pending committed batches, rebuild, record the run;
    then refresh the read copy. ``wait``: seconds to wait for readers of the database file
    (default ``NEWSCLAIMS_LOAD_WAIT``), then :class:`WarehouseBusy`."""
    result = _load(wh, run, wait)
    refresh_read_copy(wh)
    return result


def _load(wh: Warehouse, run: Optional[Run], wait: Optional[float]) -> LoadResult:
    con = connect_writer(wh, wait)
    try:
        apply_migrations(con)
        loaded = {b for (b,) in con.execute("SELECT batch_id FROM lake_batches").fetchall()}
        pending = lake.committed_batches(wh, skip=loaded)
        inserted = {m.__table__: 0 for m in LAKE_MODELS}
        con.execute("BEGIN TRANSACTION")
        try:
            entity_table.remember_known_articles(con)
            for model in LAKE_MODELS:
                table = model.__table__
                files = [
                    loc
                    for meta in pending.values()
                    if (loc := lake.batch_locations(wh, meta, table)) is not None
                ]
                inserted[table] += _insert_files(con, table, files)
                checkpoint("load")
            for batch_id, meta in pending.items():
                con.execute(
                    "INSERT OR IGNORE INTO lake_batches VALUES (?, ?, now())", [batch_id, meta.get("run_id")]
                )
            entity_table.link_new_articles(con, run.run_id if run is not None else None)
            rebuild_entities(con)
            rebuild_stories(con)
            if run is not None:
                record_run(con, run)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        refresh_views(con)
        con.execute("CHECKPOINT")
        return LoadResult(len(pending), inserted)
    finally:
        con.close()


def record_run(con: duckdb.DuckDBPyConnection, run: Run) -> None:
    cols = list(Run.model_fields)
    values = [getattr(run, c) for c in cols]
    con.execute(
        f"INSERT OR REPLACE INTO runs ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", values
    )


def known_inputs(wh: Warehouse) -> tuple[set[tuple[str, str]], dict[str, str]]:
    """What earlier runs already decided: (raw_path, raw_sha256) pairs seen, and body hash -> article id.

    Read from the warehouse with a read-only connection (no writer lock is taken).
    """
    if not wh.database.exists():
        return set(), {}
    con = connect(wh, read_only=True)
    try:
        tables = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "articles" not in tables:
            return set(), {}
        seen: set[tuple[str, str]] = set()
        for table in ("articles", "duplicates", "rejects"):
            seen.update(con.execute(f"SELECT raw_path, raw_sha256 FROM {table}").fetchall())
        ids = {aid: aid for (aid,) in con.execute("SELECT article_id FROM articles").fetchall()}
        return seen, ids
    finally:
        con.close()


def has_table(wh: Warehouse, table: str) -> bool:
    """Whether the warehouse exists and has this table (a new or half-migrated one may not)."""
    if not wh.database.exists():
        return False
    con = connect(wh, read_only=True)
    try:
        return has_column(con, table)
    finally:
        con.close()


def has_column(con: duckdb.DuckDBPyConnection, table: str, column: Optional[str] = None) -> bool:
    """On an open connection: whether ``table`` exists (and has ``column``, when one is given) -- a
    warehouse loaded before a migration may lack what the migration adds."""
    if column is None:
        sql, params = "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]
    else:
        sql, params = (
            "SELECT count(*) FROM information_schema.columns WHERE table_name = ? AND column_name = ?",
            [table, column],
        )
    return bool(con.execute(sql, params).fetchall()[0][0])


def query(wh: Warehouse, sql: str, params: Iterable | None = None) -> tuple[list[str], list[tuple]]:
    """Run SQL on a read-only connection (the read copy when current); returns (column names, rows)."""
    con = read_connect(wh)
    try:
        cur = con.execute(sql, list(params) if params else None)
        cols = [d[0] for d in cur.description] if cur.description else []
        return cols, cur.fetchall()
    finally:
        con.close()


def source_failures(wh: Warehouse) -> dict[str, tuple[str, str, bool]]:
    """Per source, its latest recorded failure: (run id, reason, whether it was in the latest run)."""
    if not wh.database.exists():
        return {}
    con = read_connect(wh)
    try:
        if not has_column(con, "source_failures"):
            return {}
        rows = con.execute(named_query("load_source_failures")).fetchall()
    finally:
        con.close()
    return {r[0]: (r[1], r[2], bool(r[3])) for r in rows}


def table_counts(wh: Warehouse) -> dict[str, int]:
    cols, rows = query(
        wh,
        """SELECT table_name FROM information_schema.tables
                              WHERE table_type = 'BASE TABLE' ORDER BY table_name""",
    )
    out = {}
    con = read_connect(wh)
    try:
        for (t,) in rows:
            out[t] = con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0]
    finally:
        con.close()
    return out


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def stage_json(stages: dict[str, float]) -> str:
    return json.dumps({k: round(v, 3) for k, v in stages.items()}, sort_keys=True)
