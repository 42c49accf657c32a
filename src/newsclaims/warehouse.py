"""The DuckDB warehouse: migrations, the one load step that writes it, and read-only access.

DuckDB has a single writer. Extraction writes Parquet batches to the lake; :func:`load` is the only
code that opens the database for writing: it applies pending migrations, inserts every committed lake
batch it has not loaded yet (keys make this idempotent), rebuilds the aggregated ``entities`` table,
records the run and recreates the views.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Iterable, Optional

import duckdb

from newsclaims import lake
from newsclaims.faults import checkpoint
from newsclaims.models import LAKE_MODELS, Run
from newsclaims.settings import Warehouse
from newsclaims.storage import is_remote

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
    root = resources.files("newsclaims.ddl").joinpath(folder)
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
            raise WarehouseBusy(f"the warehouse {wh.database} is busy (another process is writing it)") from exc
        raise


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
    for v in view_files():
        con.execute(v.sql)


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
    con.execute("""
        INSERT INTO entities
        WITH names AS (
            SELECT entity_id, name, type, sum(n_mentions) AS n,
                   row_number() OVER (PARTITION BY entity_id
                                      ORDER BY sum(n_mentions) DESC, length(name) DESC, name) AS rk
            FROM entity_aliases GROUP BY entity_id, name, type
        ),
        aliases AS (
            SELECT entity_id, list(DISTINCT alias ORDER BY alias) AS aliases, max(wikidata_id) AS wikidata_id
            FROM entity_aliases GROUP BY entity_id
        ),
        seen AS (
            SELECT m.entity_id, count(*) AS mention_count,
                   min(a.published_date) AS first_seen, max(a.published_date) AS last_seen
            FROM mentions m JOIN articles a USING (article_id)
            WHERE m.entity_id IS NOT NULL GROUP BY m.entity_id
        )
        SELECT n.entity_id, n.name, n.type, a.aliases, a.wikidata_id,
               coalesce(s.mention_count, 0), s.first_seen, s.last_seen
        FROM names n JOIN aliases a USING (entity_id) LEFT JOIN seen s USING (entity_id)
        WHERE n.rk = 1""")


def rebuild_stories(con: duckdb.DuckDBPyConnection) -> None:
    """Aggregate ``stories`` from article assignments; duplicates' outlets count as carriers."""
    con.execute("DELETE FROM stories")
    con.execute("""
        INSERT INTO stories
        WITH members AS (
            SELECT s.story_id, a.article_id, a.outlet, a.title, a.published_date, a.ingested_at
            FROM article_stories s JOIN articles a USING (article_id)
        ),
        carriers AS (
            SELECT story_id, outlet FROM members
            UNION
            SELECT m.story_id, d.outlet FROM duplicates d JOIN members m ON m.article_id = d.duplicate_of
        ),
        headline AS (
            SELECT story_id, title FROM members
            QUALIFY row_number() OVER (PARTITION BY story_id
                                       ORDER BY published_date NULLS LAST, ingested_at, article_id) = 1
        )
        SELECT m.story_id, any_value(h.title), min(m.published_date), max(m.published_date),
               count(DISTINCT m.article_id),
               (SELECT count(DISTINCT c.outlet) FROM carriers c WHERE c.story_id = m.story_id)
        FROM members m JOIN headline h USING (story_id)
        GROUP BY m.story_id""")


@dataclass
class LoadResult:
    batches: int
    inserted: dict[str, int]


def load(wh: Warehouse, run: Optional[Run] = None) -> LoadResult:
    """The single writing step: migrate, load pending committed batches, rebuild, record the run."""
    con = connect(wh)
    try:
        apply_migrations(con)
        loaded = {b for (b,) in con.execute("SELECT batch_id FROM lake_batches").fetchall()}
        pending = lake.committed_batches(wh, skip=loaded)
        inserted = {m.__table__: 0 for m in LAKE_MODELS}
        con.execute("BEGIN TRANSACTION")
        try:
            for model in LAKE_MODELS:
                table = model.__table__
                files = [loc for meta in pending.values()
                         if (loc := lake.batch_locations(wh, meta, table)) is not None]
                inserted[table] += _insert_files(con, table, files)
                checkpoint("load")
            for batch_id, meta in pending.items():
                con.execute("INSERT OR IGNORE INTO lake_batches VALUES (?, ?, now())",
                            [batch_id, meta.get("run_id")])
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
    con.execute(f"INSERT OR REPLACE INTO runs ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                values)


def known_inputs(wh: Warehouse) -> tuple[set[tuple[str, str]], dict[str, str]]:
    """What earlier runs already decided: (raw_path, raw_sha256) pairs seen, and body hash -> article id.

    Read from the warehouse with a read-only connection (no writer lock is taken).
    """
    if not wh.database.exists():
        return set(), {}
    con = connect(wh, read_only=True)
    try:
        tables = {t for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
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
        sql, params = ("SELECT count(*) FROM information_schema.columns WHERE table_name = ? AND column_name = ?",
                       [table, column])
    return bool(con.execute(sql, params).fetchall()[0][0])


def query(wh: Warehouse, sql: str, params: Iterable | None = None) -> tuple[list[str], list[tuple]]:
    """Run SQL on a read-only connection; returns (column names, rows)."""
    con = connect(wh, read_only=True)
    try:
        cur = con.execute(sql, list(params) if params else None)
        cols = [d[0] for d in cur.description] if cur.description else []
        return cols, cur.fetchall()
    finally:
        con.close()


def table_counts(wh: Warehouse) -> dict[str, int]:
    cols, rows = query(wh, """SELECT table_name FROM information_schema.tables
                              WHERE table_type = 'BASE TABLE' ORDER BY table_name""")
    out = {}
    con = connect(wh, read_only=True)
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
