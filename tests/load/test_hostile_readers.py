"""Issue 19: readers never fail a run. A process holding the database file open (a notebook, a long
query) makes the load wait a bounded time, then the run ends with a clear status (exit 75) and
leaves its committed lake batches for the next run, which loads them; analysts read a copy of the
database refreshed atomically after each load, which never blocks the writer."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile import ARTICLES  # noqa: E402

from newsclaims.load import (
    database,  # noqa: E402
    lake,  # noqa: E402
)
from newsclaims.pipeline import LOAD_DEFERRED, run_local  # noqa: E402
from newsclaims.settings import Warehouse  # noqa: E402

HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute("SELECT count(*) FROM articles").fetchall()
print("holding", flush=True)
sys.stdin.read()  # until the test closes our stdin
"""


class Reader:
    """Another process with a read-only DuckDB connection open on ``path`` (an analyst's notebook)."""

    def __init__(self, path: Path):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout.readline().strip() == "holding"

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture(autouse=True)
def _env(monkeypatch):
    monkeypatch.setenv("NEWSCLAIMS_NLP_PROCESSES", "1")
    monkeypatch.setenv(database.ENV_LOAD_WAIT, "2")


def write(folder: Path, i: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"s{i}.txt").write_text(f"Story {i}\n\n{ARTICLES[i]}\n")


def rows(wh, sql):
    return database.query(wh, sql)[1]


def everything(wh) -> dict:
    con = database.connect(wh, read_only=True)
    try:
        return {
            t: sorted(con.execute(f"SELECT * {drop} FROM {t}").fetchall(), key=repr)
            for t, drop in (
                ("articles", "EXCLUDE (run_id, ingested_at)"),
                ("mentions", ""),
                ("claims", ""),
                ("entities", ""),
                ("rejects", "EXCLUDE (run_id)"),
            )
        }
    finally:
        con.close()


def test_an_open_reader_defers_the_load_and_the_next_run_loads_everything(tmp_path):
    from typer.testing import CliRunner

    from newsclaims.cli.main import app

    write(tmp_path / "feed", 0)
    (tmp_path / "s.toml").write_text('[[sources]]\nname = "f"\nkind = "text_dir"\npath = "feed"\n')
    wh = Warehouse.resolve(tmp_path / "wh")
    run_local(tmp_path / "s.toml", wh)
    write(tmp_path / "feed", 1)
    reader = Reader(wh.database)  # a notebook on the database file itself
    try:
        t0 = time.monotonic()
        res = CliRunner().invoke(
            app,
            ["run", "--no-prefect", "--sources", str(tmp_path / "s.toml"), "--warehouse", str(wh.root)],
            env={"COLUMNS": "200"},
        )
        took = time.monotonic() - t0
        assert res.exit_code == 75, res.output
        assert "not loaded:" in res.output and "the next run loads them" in res.output
        assert took < 60, took
        pending = set(lake.committed_batches(wh)) - {
            b for (b,) in rows(wh, "SELECT batch_id FROM lake_batches")
        }
        assert pending  # the run's work waits, committed, in the lake
        assert rows(wh, "SELECT raw_path FROM articles") == [("feed/s0.txt",)]  # the read copy still answers
    finally:
        reader.close()
    after = run_local(tmp_path / "s.toml", wh)
    assert after.status == "completed"
    assert sorted(rows(wh, "SELECT raw_path FROM articles")) == [("feed/s0.txt",), ("feed/s1.txt",)]
    clean = Warehouse.resolve(tmp_path / "clean")  # the same folder in one undisturbed run
    run_local(tmp_path / "s.toml", clean)
    assert everything(wh) == everything(clean)
    assert run_local(tmp_path / "s.toml", wh).n_articles == 0


def test_readers_of_the_read_copy_never_block_the_load(tmp_path):
    write(tmp_path / "feed", 2)
    (tmp_path / "s.toml").write_text('[[sources]]\nname = "f"\nkind = "text_dir"\npath = "feed"\n')
    wh = Warehouse.resolve(tmp_path / "wh")
    run_local(tmp_path / "s.toml", wh)
    assert database.read_path(wh) == wh.root / database.READ_COPY
    write(tmp_path / "feed", 3)
    reader = Reader(database.read_path(wh))  # what `newsclaims query`, `status` and the reports open
    try:
        t0 = time.monotonic()
        summary = run_local(tmp_path / "s.toml", wh)
        assert summary.status == "completed" and summary.n_articles == 1
        assert time.monotonic() - t0 < 60
        assert len(rows(wh, "SELECT * FROM articles")) == 2  # new readers see the new copy at once
    finally:
        reader.close()


def test_the_load_waits_for_a_reader_that_leaves_in_time(tmp_path, monkeypatch):
    monkeypatch.setenv(database.ENV_LOAD_WAIT, "30")
    write(tmp_path / "feed", 0)
    (tmp_path / "s.toml").write_text('[[sources]]\nname = "f"\nkind = "text_dir"\npath = "feed"\n')
    wh = Warehouse.resolve(tmp_path / "wh")
    run_local(tmp_path / "s.toml", wh)
    write(tmp_path / "feed", 2)
    reader = Reader(wh.database)
    import threading

    threading.Timer(3.0, reader.close).start()  # the notebook is closed a few seconds later
    summary = run_local(tmp_path / "s.toml", wh)
    assert summary.status == "completed" and summary.n_articles == 1
    assert LOAD_DEFERRED != summary.status


def test_the_prefect_flow_ends_deferred_too_and_the_next_flow_run_loads(tmp_path, prefect_harness):
    from newsclaims.flows.pipeline import pipeline

    write(tmp_path / "feed", 0)
    (tmp_path / "s.toml").write_text('[[sources]]\nname = "f"\nkind = "text_dir"\npath = "feed"\n')
    wh = Warehouse.resolve(tmp_path / "wh")
    run_local(tmp_path / "s.toml", wh)
    write(tmp_path / "feed", 3)
    reader = Reader(wh.database)
    try:
        summary = pipeline(str(tmp_path / "s.toml"), str(wh.root))
        assert summary.status == LOAD_DEFERRED and "the next run loads them" in summary.message
    finally:
        reader.close()
    assert pipeline(str(tmp_path / "s.toml"), str(wh.root)).status == "completed"
    assert sorted(rows(wh, "SELECT raw_path FROM articles")) == [("feed/s0.txt",), ("feed/s3.txt",)]
