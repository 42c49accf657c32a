"""``newsclaims run --runner dask``: the same corpus through a real local Dask cluster (two worker
processes, prefect-dask's DaskTaskRunner) gives a warehouse with the same rows as the default runner,
table by table.

Compared: every base table of the warehouse, every column except those that name the run or read the
clock, which differ between any two runs by design:
  run_id (every table: a new id per run), flow_run_id (runs: Prefect's id of the flow run),
  ingested_at (articles: clock at ingest), loaded_at (lake_batches) and applied_at
  (schema_migrations): clock at load, started_at / finished_at / stage_seconds (runs: clock and
  timings).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO

from newsclaims.load import database
from newsclaims.settings import Warehouse

VOLATILE = {
    "run_id",
    "flow_run_id",
    "ingested_at",
    "loaded_at",
    "applied_at",
    "started_at",
    "finished_at",
    "stage_seconds",
}

STORIES = [
    (
        "Harbour plan approved",
        "Port director Lena Moss said on Monday that the harbour expansion will begin "
        "in March. “This is a historic day for the town,” Moss told reporters. The council voted seven to two "
        "in favour of the plan after a long debate.",
    ),
    (
        "Rail strike called off",
        "Union leader Omar Field said the rail strike planned for Friday was called "
        "off. According to Field, the operator agreed to a new pay offer. Transport minister Clara Webb "
        "welcomed the agreement and said trains would run normally.",
    ),
    (
        "School meals expanded",
        "Education Secretary Ruth Hale announced that free school meals will be "
        "extended to every primary school. “No child should learn on an empty stomach,” Hale said. Critics "
        "said the plan would cost more than the government admits.",
    ),
    (
        "Bridge reopens after repairs",
        "The Kingsway bridge reopened on Tuesday after eight months of "
        "repairs, city engineer Paul Grant said. “The bridge is safer than it has ever been,” Grant told "
        "the Evening Post. Traffic is expected to return to normal within a week.",
    ),
]

#: articles per extraction task: the corpus becomes several batches, so both workers get work
BATCH_SIZE = 2


def make_corpus(root: Path) -> Path:
    """The seeds, four composed articles, an exact copy and a binary file; returns the sources file."""
    feed = root / "feed"
    shutil.copytree(REPO / "seeds" / "raw", feed)
    for i, (title, body) in enumerate(STORIES):
        (feed / f"story_{i}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    (feed / "copy.txt").write_bytes((feed / "story_0.txt").read_bytes())
    (feed / "bad.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    sources = root / "sources.toml"
    sources.write_text('[[sources]]\nname = "f"\nkind = "text_dir"\npath = "feed"\n')
    return sources


def base_tables(wh: Warehouse) -> list[str]:
    return [
        t
        for (t,) in database.query(
            wh,
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' ORDER BY table_name",
        )[1]
    ]


def warehouse_rows(wh: Warehouse) -> dict[str, list]:
    """Every base table's rows (sorted), without the run's ids and clock readings (see VOLATILE)."""
    out = {}
    for t in base_tables(wh):
        cols, _ = database.query(wh, f'SELECT * FROM "{t}" LIMIT 0')
        keep = [c for c in cols if c not in VOLATILE]
        out[t] = sorted(database.query(wh, f'SELECT {", ".join(keep)} FROM "{t}"')[1], key=repr)
    return out


def assert_same_rows(a: dict[str, list], b: dict[str, list]) -> None:
    assert sorted(a) == sorted(b), "different tables"
    for t in a:
        assert a[t] == b[t], f"table {t} differs"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def default_run(prefect_harness, corpus, tmp_path_factory):
    """The reference: the same flow with the default task runner."""
    from newsclaims.flows.pipeline import run_pipeline

    wh = Warehouse.resolve(tmp_path_factory.mktemp("wh_default"))
    summary = run_pipeline(str(corpus), str(wh.root), batch_size=BATCH_SIZE)
    assert summary.n_articles == 6 and summary.n_duplicates == 1 and summary.n_rejects == 1
    return summary, wh


def test_dask_runner_gives_the_default_runners_rows(default_run, corpus, tmp_path):
    """`newsclaims run --runner dask` as a user runs it: a subprocess, its own ephemeral Prefect API,
    a LocalCluster of two worker processes created by prefect-dask."""
    wh_dir = tmp_path / "wh_dask"
    env = dict(
        os.environ,
        PREFECT_HOME=str(tmp_path / "prefect"),
        PREFECT_LOGGING_LEVEL="INFO",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        COLUMNS="200",
    )
    env.pop("PREFECT_API_URL", None)
    t0 = time.perf_counter()
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "newsclaims.cli.main",
            "run",
            "--runner",
            "dask",
            "--verbose",
            "--sources",
            str(corpus),
            "--warehouse",
            str(wh_dir),
            "--batch-size",
            str(BATCH_SIZE),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    seconds = time.perf_counter() - t0
    log = res.stdout + res.stderr
    assert res.returncode == 0, log[-5000:]
    # it really ran on a local Dask cluster of two worker processes ...
    assert "Creating a new Dask cluster with `distributed.deploy.local.LocalCluster`" in log
    assert len(set(re.findall(r"Register worker addr: (tcp://[\d.:]+)", log))) == 2, log[-5000:]
    # ... every extraction task on a worker, not in the flow's process
    extracts = re.findall(r"extract (b_\w+): .*?\((dask worker tcp://[\d.:]+|pid \d+)", log)
    assert len({b for b, _ in extracts}) == 3, log[-5000:]
    assert all(w.startswith("dask worker") for _, w in extracts), extracts
    # ... with one ephemeral Prefect API for the flow and its workers (none started per worker)
    assert log.count("Starting temporary server") == 1, log[-5000:]
    print(f"dask run: {seconds:.1f}s; extraction on {sorted({w for _, w in extracts})}")

    _, wh_default = default_run
    dask_rows = warehouse_rows(Warehouse.resolve(wh_dir))
    assert dask_rows["articles"] and dask_rows["claims"] and dask_rows["mentions"]
    assert_same_rows(dask_rows, warehouse_rows(wh_default))


def test_runner_option_is_validated(tmp_path):
    from typer.testing import CliRunner

    from newsclaims.cli.main import app

    res = CliRunner().invoke(app, ["run", "--runner", "ray", "--warehouse", str(tmp_path / "w")])
    assert res.exit_code == 2 and "unknown runner" in res.stderr
    res = CliRunner().invoke(
        app, ["run", "--runner", "dask", "--no-prefect", "--warehouse", str(tmp_path / "w")]
    )
    assert res.exit_code == 2 and "Prefect" in res.stderr


def test_parse_runner():
    from newsclaims.runners import parse_runner

    assert not parse_runner("default").distributed and parse_runner("default").extract_processes is None
    local = parse_runner("dask")
    assert local.distributed and local.address is None and local.n_workers == 2
    assert local.extract_processes == 1  # no forked pool inside a (daemonic) Dask worker
    assert parse_runner("dask=tcp://10.0.0.5:8786").address == "tcp://10.0.0.5:8786"
    assert parse_runner("dask=sched:8786").address == "tcp://sched:8786"


def test_runner_with_a_scheduler_address(default_run, corpus, tmp_path):
    """`--runner dask=ADDRESS`: the tasks go to an existing scheduler (here a cluster this test
    starts, one worker process), and the rows are the default runner's."""
    from distributed import Client, LocalCluster

    from newsclaims.flows.pipeline import run_pipeline

    with (
        LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
        Client(cluster) as client,
    ):
        wh = Warehouse.resolve(tmp_path / "wh_addr")
        run_pipeline(
            str(corpus), str(wh.root), batch_size=BATCH_SIZE, runner=f"dask={cluster.scheduler_address}"
        )
        executed = client.run(lambda dask_worker: dask_worker.state.executed_count)
    assert sum(executed.values()) >= 3, executed  # the three extraction tasks ran on its worker
    _, wh_default = default_run
    assert_same_rows(warehouse_rows(wh), warehouse_rows(wh_default))
