"""Issue 19 / 18: ``newsclaims query`` is really read-only (DuckDB's enable_external_access = false and
lock_configuration = true, one statement, a time limit), shows at most 40 rows on a terminal and says
how many it left out (pipes and csv/json get everything), and strips escape sequences from what it
prints to a terminal."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time

import pytest
from hostile import ARTICLES  # noqa: E402

from newsclaims.pipeline import run_local  # noqa: E402
from newsclaims.settings import Warehouse  # noqa: E402


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    root = tmp_path_factory.mktemp("query")
    (root / "feed").mkdir()
    (root / "feed" / "a\x1b[31mred\x1b]0;pwned\x07.txt").write_text(f"Story\n\n{ARTICLES[0]}\n")
    (root / "s.toml").write_text('[[sources]]\nname = "f"\nkind = "text_dir"\npath = "feed"\n')
    os.environ.setdefault("NEWSCLAIMS_NLP_PROCESSES", "1")
    wh = Warehouse.resolve(root / "wh")
    run_local(root / "s.toml", wh)
    return wh


def cli(wh, *args, timeout=60, **kw):
    env = {**os.environ, "NEWSCLAIMS_WAREHOUSE": str(wh.root), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "newsclaims.cli.main", "query", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        **kw,
    )


def in_terminal(wh, *args, timeout=60) -> tuple[int, str]:
    """The CLI with its stdout and stderr on a real pseudo-terminal: (exit code, what it showed)."""
    master, slave = pty.openpty()
    env = {
        **os.environ,
        "NEWSCLAIMS_WAREHOUSE": str(wh.root),
        "COLUMNS": "200",
        "LINES": "50",
        "TERM": "xterm",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsclaims.cli.main", "query", *args],
        stdout=slave,
        stderr=slave,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    os.close(slave)
    out, deadline = b"", time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        elif proc.poll() is not None:
            break
    os.close(master)
    return proc.wait(timeout=10), out.decode("utf-8", "replace").replace("\r\n", "\n")


def unstyled(text: str) -> str:
    """Without the styles (SGR sequences) the table itself is drawn with."""
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


@pytest.mark.parametrize(
    "sql, says",
    [
        ("COPY (SELECT * FROM articles) TO '{out}'", "only SELECT"),
        ("EXPORT DATABASE '{out}'", "only SELECT"),
        ("SELECT * FROM read_text('/etc/passwd')", "Permission Error"),
        ("SELECT * FROM read_csv('/etc/passwd')", "Permission Error"),
        ("SELECT * FROM glob('/root/*')", "Permission Error"),
        ("INSTALL httpfs", "only SELECT"),
        ("ATTACH '{out}' AS x", "only SELECT"),
        ("SET enable_external_access = true", "only SELECT"),
        ("SELECT current_setting('lock_configuration') = 'x'; COPY (SELECT 1) TO '{out}'", "one statement"),
        ("SELECT 1 FROM articles WHERE (SELECT count(*) FROM read_parquet('{out}')) > 0", "Permission Error"),
    ],
)
def test_query_reads_nothing_but_the_warehouse_and_writes_nothing(wh, tmp_path, sql, says):
    out = tmp_path / "leak.out"
    res = cli(wh, sql.format(out=out))
    assert res.returncode == 1, res.stdout
    assert says in res.stderr and "root:" not in res.stdout + res.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_query_is_stopped_after_its_time_limit(wh):
    t0 = time.monotonic()
    res = cli(wh, "SELECT count(*) FROM range(1000000000000) a", "--timeout", "1")
    assert res.returncode == 1 and "took longer than 1 s and was stopped" in res.stderr
    assert time.monotonic() - t0 < 20


def test_a_terminal_gets_40_rows_and_the_count_left_out_pipes_get_everything(wh):
    code, shown = in_terminal(wh, "SELECT range AS n FROM range(100)")
    shown = unstyled(shown)
    assert code == 0, shown
    assert "40 of 100 rows shown (60 left out" in shown and "│ 39 │" in shown and "│ 40 │" not in shown
    code, shown = in_terminal(wh, "SELECT range AS n FROM range(100)", "--max-rows", "0")
    shown = unstyled(shown)
    assert "│ 99 │" in shown and "100 row(s)" in shown
    piped = cli(wh, "SELECT range AS n FROM range(100)")
    assert "│ 99 │" in piped.stdout and "left out" not in piped.stdout
    csv = cli(wh, "SELECT range AS n FROM range(100)", "--format", "csv")
    assert csv.stdout.splitlines() == ["n"] + [str(i) for i in range(100)]


def test_escape_sequences_in_data_never_reach_the_terminal(wh):
    code, shown = in_terminal(wh, "SELECT raw_path FROM articles")
    assert code == 0, shown
    assert "ared" in shown and "\x1b[31mred" not in shown and "]0;pwned" not in shown
    raw = cli(wh, "SELECT raw_path FROM articles", "--format", "csv")  # a pipe gets the data as it is
    assert "\x1b[31mred\x1b]0;pwned\x07" in raw.stdout
