"""The pydantic models, the Arrow schemas and the DuckDB tables agree."""

import duckdb

from newsclaims.load import database
from newsclaims.models import LAKE_MODELS, Run, arrow_schema


def test_models_match_migrated_tables():
    con = duckdb.connect()
    database.apply_migrations(con)
    for model in LAKE_MODELS + (Run,):
        cols = [
            r[0]
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                [model.__table__],
            ).fetchall()
        ]
        assert cols == arrow_schema(model).names, model.__table__


def test_migrations_are_recorded_and_not_reapplied():
    con = duckdb.connect()
    first = database.apply_migrations(con)
    assert first and database.apply_migrations(con) == []
    assert con.execute("SELECT count(*) FROM schema_migrations").fetchall()[0][0] == len(first)
