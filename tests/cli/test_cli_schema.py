"""Every table, view and column is described in load/sql/schema.toml, the descriptions are in the
database (COMMENT ON) after a load, ``newsclaims schema [TABLE]`` prints them, and the README's
schema section agrees with the document."""

from __future__ import annotations

import re

import duckdb
import pytest
from conftest import REPO
from typer.testing import CliRunner

from newsclaims.cli.main import app
from newsclaims.load import database, schema_doc

runner = CliRunner()


@pytest.fixture(scope="module")
def seeds_wh(tmp_path_factory):
    """The seeds loaded by a real run (plain functions: the Prefect path is covered elsewhere)."""
    from newsclaims.pipeline import run_local
    from newsclaims.settings import Warehouse

    wh = Warehouse.resolve(tmp_path_factory.mktemp("wh"))
    run_local(REPO / "seeds" / "sources.toml", wh)
    return wh


def _fresh() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    database.apply_migrations(con)
    database.refresh_views(con)
    return con


def test_every_table_view_and_column_has_a_description():
    missing = schema_doc.missing_descriptions(_fresh())
    assert not missing, "add these to load/sql/schema.toml:\n  " + "\n  ".join(missing)


def test_the_document_describes_nothing_that_does_not_exist():
    stale = schema_doc.stale_descriptions(_fresh())
    assert not stale, "remove or rename in load/sql/schema.toml:\n  " + "\n  ".join(stale)


def test_missing_description_is_reported_exactly():
    con = _fresh()
    con.execute("ALTER TABLE claims ADD COLUMN mood VARCHAR")
    con.execute("CREATE VIEW odd AS SELECT 1 AS x")
    assert schema_doc.missing_descriptions(con) == [
        "table claims: column mood has no description ([tables.claims.columns] mood = ...)",
        "view odd: no description ([views.odd] description = ...)",
        "view odd: column x has no description ([views.odd.columns] x = ...)",
    ]


def test_a_loaded_warehouse_carries_the_descriptions(seeds_wh):
    wh = seeds_wh
    undescribed = database.query(
        wh,
        """
        SELECT table_name || '.' || column_name FROM duckdb_columns()
        WHERE NOT internal AND schema_name = 'main' AND comment IS NULL
        UNION ALL SELECT table_name FROM duckdb_tables() WHERE NOT internal AND comment IS NULL
        UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'
                  AND comment IS NULL""",
    )[1]
    assert undescribed == []
    got = database.query(
        wh, "SELECT comment FROM duckdb_columns() WHERE table_name = 'claims' AND column_name = 'cue'"
    )[1]
    assert got == [(schema_doc.load_doc()["tables"]["claims"]["columns"]["cue"],)]


def test_schema_command(seeds_wh):
    wh = seeds_wh
    res = runner.invoke(app, ["schema", "--warehouse", str(wh.root)], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    for name in ("articles", "who_said_what", "rpt_runs"):
        assert name in res.stdout
    assert "One row per attributed claim" in res.stdout
    res = runner.invoke(app, ["schema", "claims", "--warehouse", str(wh.root)], env={"COLUMNS": "200"})
    assert res.exit_code == 0 and "speaker_entity_id" in res.stdout and "VARCHAR" in res.stdout
    assert "Resolved speaker" in res.stdout
    res = runner.invoke(app, ["schema", "no_such_table", "--warehouse", str(wh.root)])
    assert res.exit_code == 2 and "no table or view 'no_such_table'" in res.stderr


def test_readme_schema_section_agrees_with_the_document():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Schema", 1)[1].split("\n## ", 1)[0]
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `(\w+)` \|.*$", section, flags=re.M)}
    doc = schema_doc.load_doc()
    problems = []
    for table, entry in doc["tables"].items():
        if table not in rows:
            problems.append(f"table {table} has no row in the README's schema table")
            continue
        problems += [
            f"table {table}: column {c} missing from its README row"
            for c in entry.get("columns", {})
            if not re.search(rf"\b{c}\b", rows[table])
        ]
    problems += [
        f"view {v} not named in the README's schema section" for v in doc["views"] if f"`{v}`" not in section
    ]
    assert not problems, "\n".join(problems)
