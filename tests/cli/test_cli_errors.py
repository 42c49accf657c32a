"""Mistakes on the default (Prefect) path of ``newsclaims run``: one line on stderr, a meaningful exit
code, the failed run recorded in ``runs`` and shown by ``status`` and ``report run``; a run waiting
for the lock says for whom; ``runs.stage_seconds`` holds the load's real time."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from conftest import REPO
from typer.testing import CliRunner

from newsclaims.cli.main import app
from newsclaims.load import database
from newsclaims.load.locking import run_lock
from newsclaims.settings import Warehouse

runner = CliRunner()


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    e = dict(os.environ)
    e.setdefault("PREFECT_HOME", str(tmp_path_factory.mktemp("prefect-home")))
    e.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    e["COLUMNS"] = "80"
    return e


def _run(args, env, timeout=600):
    return subprocess.run(
        [sys.executable, "-m", "newsclaims.cli.main", "run", *args],
        env=env,
        text=True,
        capture_output=True,
        timeout=timeout,
    )


def _lines(text):
    return [ln for ln in text.splitlines() if ln.strip()]


def test_broken_sources_file_is_one_line_and_a_failed_run(tmp_path, env):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        (REPO / "seeds" / "sources.toml").read_text().replace('kind = "text_dir"', 'kind = "text_dir')
    )
    wh = tmp_path / "wh"
    res = _run(["--sources", str(bad), "--warehouse", str(wh)], env)
    assert res.returncode == 2, res.stderr
    assert _lines(res.stderr) == [_lines(res.stderr)[0]] and "invalid sources file" in res.stderr
    assert "not valid TOML" in res.stderr and "Traceback" not in res.stderr + res.stdout
    rows = database.query(Warehouse.resolve(wh), "SELECT status, reason FROM runs")[1]
    assert len(rows) == 1 and rows[0][0] == "failed" and "not valid TOML" in rows[0][1]
    counts = database.table_counts(Warehouse.resolve(wh))  # nothing else was written
    assert {t: n for t, n in counts.items() if n and t not in ("runs", "schema_migrations")} == {}
    status = runner.invoke(app, ["status", "--warehouse", str(wh)])
    assert status.exit_code == 0 and "failed" in status.stdout and "not valid TOML" in status.stdout
    report = runner.invoke(app, ["report", "run", "--format", "md", "--warehouse", str(wh)])
    assert report.exit_code == 0, report.output
    assert "failed" in report.stdout and "not valid TOML" in report.stdout


def test_missing_folder_is_one_line(tmp_path, env):
    src = tmp_path / "s.toml"
    src.write_text('[[sources]]\nname = "gone"\nkind = "text_dir"\npath = "no/such/folder"\n')
    res = _run(["--sources", str(src), "--warehouse", str(tmp_path / "wh")], env)
    assert "Traceback" not in res.stderr + res.stdout
    if res.returncode != 0:  # (once a missing folder is a recorded failure of that source, the run goes on)
        assert res.returncode == 66 and len(_lines(res.stderr)) == 1, res.stderr
        assert "no/such/folder" in res.stderr


def test_locked_warehouse_is_one_line_and_a_waiting_run_says_for_whom(tmp_path, env):
    wh = Warehouse.resolve(tmp_path / "wh")
    sources = str(REPO / "seeds" / "sources.toml")
    with run_lock(wh, "r-first"):
        res = _run(["--sources", sources, "--warehouse", str(wh.root), "--wait", "0"], env)
        assert res.returncode == 75, res.stderr
        assert len(_lines(res.stderr)) == 1 and "in use by run r-first" in res.stderr
        t0 = time.monotonic()
        res = _run(["--no-prefect", "--sources", sources, "--warehouse", str(wh.root), "--wait", "1"], env)
        assert time.monotonic() - t0 >= 1
    assert res.returncode == 75
    lines = _lines(res.stderr)
    assert lines[0] == f"waiting for run r-first (pid {os.getpid()}) to finish; --wait 0 to give up"
    assert len(lines) == 2 and "in use by run r-first" in lines[1]


def test_load_stage_time_is_recorded(tmp_path):
    from newsclaims.pipeline import run_local

    wh = Warehouse.resolve(tmp_path / "wh")
    summary = run_local(REPO / "seeds" / "sources.toml", wh)
    stages = dict(
        database.query(wh, "SELECT stage, seconds FROM rpt_run_stages WHERE run_id = ?", [summary.run_id])[1]
    )
    assert set(stages) == {"ingest", "extract", "link", "load"}
    assert stages["load"] > 0 and stages["load"] == pytest.approx(summary.stage_seconds["load"], abs=0.01)


def test_a_run_that_could_not_be_recorded_at_once_is_recorded_by_the_next_load(tmp_path):
    """An interrupt during the load (the database is this process's) or a reader holding the
    database leaves the record in state/runs/; the next completed run copies it into runs."""
    import datetime as dt

    from newsclaims import runlog
    from newsclaims.pipeline import run_local

    wh = Warehouse.resolve(tmp_path / "wh")
    run = runlog.ActiveRun(
        "r-cut", wh, "sources.toml", dt.datetime.now(dt.timezone.utc), stage="load", counts={"n_documents": 7}
    )
    where = runlog.record(run, "interrupted", "stopped by SIGTERM", database=False)
    assert where.endswith("state/runs/r-cut.json")
    summary = run_local(REPO / "seeds" / "sources.toml", wh)
    rows = database.query(wh, "SELECT run_id, status, reason, n_documents FROM runs ORDER BY started_at")[1]
    assert rows[0] == ("r-cut", "interrupted", "stopped by SIGTERM (during load)", 7)
    assert rows[1][:3] == (summary.run_id, "completed", None)
    assert not list((wh.root / "state" / "runs").glob("*.json"))
