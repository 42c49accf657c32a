"""What every table, view and column means, from the one schema document ``load/sql/schema.toml``.

The load writes the descriptions into the database (``COMMENT ON``, after the views are recreated,
since a recreated view loses its comments), ``newsclaims schema [TABLE]`` prints them, and
``tests/cli/test_cli_schema.py`` fails when an object of a freshly migrated warehouse has none.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any

import duckdb

from newsclaims.load.sql import named_query

DOC_NAME = "schema.toml"


@lru_cache(maxsize=1)
def load_doc() -> dict[str, Any]:
    """``{"tables": {name: {"description", "columns": {col: text}}}, "views": {...}}``."""
    text = resources.files("newsclaims.load.sql").joinpath(DOC_NAME).read_text(encoding="utf-8")
    doc = tomllib.loads(text)
    return {"tables": doc.get("tables", {}), "views": doc.get("views", {})}


def describe(name: str) -> tuple[str, dict[str, Any]] | None:
    """("table" | "view", entry) for a table or view named in the document, else None."""
    doc = load_doc()
    for kind in ("tables", "views"):
        if name in doc[kind]:
            return kind[:-1], doc[kind][name]
    return None


def _lit(text: str) -> str:
    return "'" + " ".join(text.split()).replace("'", "''") + "'"


def _objects(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, list[str]]]:
    """Tables and views of the main schema: name -> (kind, columns in order)."""
    rows = con.execute(named_query("schema_doc_objects")).fetchall()
    return {name: (kind, cols) for name, kind, cols in rows}


def apply_comments(con: duckdb.DuckDBPyConnection) -> int:
    """COMMENT ON every table, view and column the document describes and the database has, where
    the stored description differs. Returns the number of comments written."""
    doc = load_doc()
    present = _objects(con)
    # what is there already (a table keeps its comments; a recreated view has none): only changes are written
    have = {
        (n, None): c
        for n, c in con.execute("""
        SELECT table_name, comment FROM duckdb_tables() WHERE database_name = current_database()
        UNION ALL SELECT view_name, comment FROM duckdb_views() WHERE database_name = current_database()
        """).fetchall()
    }
    have.update(
        {
            (n, col): c
            for n, col, c in con.execute(
                "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE database_name = current_database()"
            ).fetchall()
        }
    )
    stmts = []
    for kind in ("tables", "views"):
        for name, entry in doc[kind].items():
            if name not in present:
                continue
            real_kind, cols = present[name]
            text = entry.get("description")
            if text and have.get((name, None)) != " ".join(text.split()):
                stmts.append(f'COMMENT ON {real_kind.upper()} "{name}" IS {_lit(text)}')
            for col, text in (entry.get("columns") or {}).items():
                if col in cols and text and have.get((name, col)) != " ".join(text.split()):
                    stmts.append(f'COMMENT ON COLUMN "{name}"."{col}" IS {_lit(text)}')
    for s in stmts:
        con.execute(s)
    return len(stmts)


def missing_descriptions(con: duckdb.DuckDBPyConnection) -> list[str]:
    """What the database has and the document does not describe, one line each."""
    doc = load_doc()
    out = []
    for name, (kind, cols) in sorted(_objects(con).items()):
        entry = doc[kind + "s"].get(name)
        where = f"[{kind}s.{name}]"
        if entry is None or not entry.get("description"):
            out.append(f"{kind} {name}: no description ({where} description = ...)")
            entry = entry or {}
        described = entry.get("columns") or {}
        for col in cols:
            if not described.get(col):
                out.append(
                    f"{kind} {name}: column {col} has no description ({where[:-1]}.columns] {col} = ...)"
                )
    return out


def stale_descriptions(con: duckdb.DuckDBPyConnection) -> list[str]:
    """What the document describes and the database does not have."""
    present = _objects(con)
    out = []
    for kind in ("tables", "views"):
        for name, entry in load_doc()[kind].items():
            if name not in present:
                out.append(f"{kind[:-1]} {name} is described but does not exist")
                continue
            out += [
                f"{kind[:-1]} {name}: column {col} is described but does not exist"
                for col in entry.get("columns") or {}
                if col not in present[name][1]
            ]
    return out
