"""One run at a time; a killed lock holder frees the warehouse; reads during a write say 'busy'."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from conftest import REPO
from typer.testing import CliRunner

from newsclaims.cli.main import app
from newsclaims.load.locking import WarehouseLocked, run_lock
from newsclaims.settings import Warehouse

runner = CliRunner()


def _holder(code: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def test_second_run_exits_with_a_clear_message(tmp_path):
    wh = Warehouse.resolve(tmp_path / "wh")
    with run_lock(wh, "r-first"):
        res = runner.invoke(
            app,
            [
                "run",
                "--no-prefect",
                "--wait",
                "0",
                "--warehouse",
                str(wh.root),
                "--sources",
                str(REPO / "seeds" / "sources.toml"),
            ],
        )
    assert res.exit_code == 75
    assert "in use by run r-first" in res.stderr and "Traceback" not in res.stderr


def test_killed_lock_holder_frees_the_warehouse(tmp_path):
    wh = Warehouse.resolve(tmp_path / "wh")
    proc = _holder(f"""
        import time
        from newsclaims.load.locking import run_lock
        from newsclaims.settings import Warehouse
        with run_lock(Warehouse.resolve({str(wh.root)!r}), "r-doomed"):
            print("ready", flush=True)
            time.sleep(120)
    """)
    with pytest.raises(WarehouseLocked, match="r-doomed"):
        with run_lock(wh, "r-second", wait=0):
            pass
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    t0 = time.monotonic()
    with run_lock(wh, "r-second", wait=10):
        assert time.monotonic() - t0 < 5  # the kernel released the dead holder's lock


def test_query_while_the_database_is_being_written_says_busy(seed_run, tmp_path):
    import shutil

    _, wh = seed_run
    copy = tmp_path / "wh"
    copy.mkdir()
    shutil.copy(wh.database, copy / wh.database.name)
    proc = _holder(f"""
        import time, duckdb
        con = duckdb.connect({str(copy / wh.database.name)!r})
        con.execute("BEGIN TRANSACTION")
        print("ready", flush=True)
        time.sleep(120)
    """)
    try:
        res = runner.invoke(app, ["query", "SELECT count(*) FROM articles", "--warehouse", str(copy)])
        assert res.exit_code == 1 and "busy" in res.stderr and "Traceback" not in res.stderr
    finally:
        proc.kill()
        proc.wait()
