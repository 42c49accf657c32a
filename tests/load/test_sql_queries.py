"""SQL lives in files: every statement of more than a line that the code runs is a file in
``load/sql/queries/`` read by ``named_query``; each file is used, each name used has a file."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import duckdb
import pytest

from newsclaims.load.sql import named_query

SRC = Path(__file__).resolve().parents[2] / "src" / "newsclaims"
QUERIES = SRC / "load" / "sql" / "queries"
STATEMENT = re.compile(r"\s*(select|insert|with|create|delete|update)\b", re.I)


def _used_names() -> set[str]:
    names = set()
    for path in SRC.rglob("*.py"):
        names |= set(re.findall(r'named_query\("(\w+)"\)', path.read_text(encoding="utf-8")))
    return names


def test_every_named_query_has_a_file_and_every_file_is_used():
    files = {p.stem for p in QUERIES.glob("*.sql")}
    assert files, "no query files"
    assert _used_names() == files


@pytest.mark.parametrize("name", sorted(p.stem for p in QUERIES.glob("*.sql")))
def test_each_query_file_says_what_it_is_and_parses(name):
    text = named_query(name)
    assert text.startswith("-- "), f"{name}.sql: start with a comment saying what it returns"
    con = duckdb.connect()
    try:
        assert len(con.extract_statements(text)) == 1  # one well-formed statement
    finally:
        con.close()


def test_no_multi_line_statement_is_left_in_a_python_string():
    found = []
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {c: n for n in ast.walk(tree) for c in ast.iter_child_nodes(n)}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and not isinstance(parents.get(node), (ast.Expr, ast.JoinedStr))  # docstrings, f-strings
                and STATEMENT.match(node.value)
                and node.value.strip().count("\n") >= 3
            ):
                found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert not found, f"move these statements to load/sql/queries/: {found}"
