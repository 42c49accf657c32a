"""The Parquet lake in an S3-compatible bucket: a real moto server on 127.0.0.1 (ThreadedMotoServer),
real Prefect flow runs, Parquet written and read through pyarrow's S3 filesystem, a real DuckDB file.

A full run with an s3:// lake, then a rerun that adds nothing, and the warehouse rows equal those of
a run with the local lake (compared as in test_dask_runner: every base table, every column but the
run's ids and clock readings). Uncommitted objects are ignored and cleaned; credentials appear in no
Parquet object, state file, warehouse file or log.
"""

from __future__ import annotations

import logging
import uuid

import pytest
from test_dask_runner import assert_same_rows, make_corpus, warehouse_rows

from newsclaims.load import database, lake
from newsclaims.settings import Warehouse

BUCKET = "newsclaims-lake"
SECRET = "s3cr3t-" + uuid.uuid4().hex  # recognisable: it must turn up nowhere
KEY_ID = "AKIA" + uuid.uuid4().hex[:16].upper()


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    """A moto S3 server on a free local port, a bucket, and the AWS variables pointing at it."""
    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    mp = pytest.MonkeyPatch()
    for var in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        mp.delenv(var, raising=False)
    mp.setenv("AWS_ACCESS_KEY_ID", KEY_ID)
    mp.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    mp.setenv("AWS_REGION", "us-east-1")
    mp.setenv("NEWSCLAIMS_S3_ENDPOINT", endpoint)
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=BUCKET)
    yield endpoint
    mp.undo()
    server.stop()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("s3corpus"))


@pytest.fixture(scope="module")
def s3_run(prefect_harness, s3, corpus, tmp_path_factory):
    from newsclaims.flows.pipeline import run_pipeline

    wh = Warehouse.resolve(tmp_path_factory.mktemp("wh_s3"), f"s3://{BUCKET}/lake")
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(f"{record.name}: {record.getMessage()}")

    # every log record of the two runs, at every level: the root logger, Prefect's (which do not
    # propagate to the root) and ours
    handler = Keep(level=logging.DEBUG)
    names = ["", "prefect", "prefect.flow_runs", "prefect.task_runs", "newsclaims"]
    loggers = [logging.getLogger(name) for name in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    try:
        first = run_pipeline(str(corpus), str(wh.root), lake=wh.lake_uri, batch_size=2)
        second = run_pipeline(str(corpus), str(wh.root), lake=wh.lake_uri, batch_size=2)
    finally:
        for lg, level in zip(loggers, levels):
            lg.removeHandler(handler)
            lg.setLevel(level)
    return first, second, wh, records


def test_s3_lake_run_then_rerun_adds_nothing(s3_run):
    first, second, wh, _ = s3_run
    assert wh.remote_lake and not wh.lake.exists()  # nothing written to a local lake folder
    assert first.n_articles == 6 and first.n_duplicates == 1 and first.n_rejects == 1
    assert first.n_claims > 0 and first.n_mentions > 0
    objects = lake.store(wh).list_files()
    assert any(o.startswith("articles/") for o in objects) and any(o.startswith("_commits/") for o in objects)
    assert not any(o.startswith("_staging/") for o in objects)  # staged batches removed after the load
    # the rerun: every document already seen, nothing added anywhere
    assert (second.n_articles, second.n_duplicates, second.n_rejects, second.n_skipped) == (0, 0, 0, 8)
    assert lake.store(wh).list_files() == objects
    counts = database.table_counts(wh)
    assert counts["runs"] == 2
    assert counts["articles"] == 6 and counts["lake_batches"] == len(lake.committed_batch_ids(wh))


def test_s3_lake_rows_equal_local_lake_rows(s3_run, corpus, tmp_path):
    from newsclaims.flows.pipeline import run_pipeline

    _, _, wh_s3, _ = s3_run
    local = Warehouse.resolve(tmp_path / "wh_local")
    run_pipeline(str(corpus), str(local.root), batch_size=2)
    assert not local.remote_lake and (local.lake / "_commits").is_dir()
    s3_rows, local_rows = warehouse_rows(wh_s3), warehouse_rows(local)
    # the S3 warehouse has had a second (empty) run: compare the runs table's first run only
    s3_rows["runs"] = [
        r for r in s3_rows["runs"] if r[3] > 0
    ]  # (status, sources_file, n_documents, n_articles...)
    assert len(s3_rows["runs"]) == 1
    assert_same_rows(s3_rows, local_rows)


def test_uncommitted_objects_are_ignored_and_cleaned(s3_run, corpus):
    """An object without a commit marker (a killed run's) is never loaded and is deleted by the next
    load; a staged batch of a killed run is deleted too."""
    from newsclaims.flows.pipeline import run_pipeline
    from newsclaims.models import Article, to_table

    _, _, wh, _ = s3_run
    st = lake.store(wh)
    before = database.table_counts(wh)["articles"]
    import datetime as dt

    ghost = Article(
        article_id="a_ghost",
        feed="f",
        body="A half-written batch that never committed.",
        word_count=7,
        raw_path="ghost.txt",
        raw_sha256="0" * 64,
        ingested_at=dt.datetime.now(dt.timezone.utc),
        run_id="r-killed",
    )
    st.write_parquet(to_table(Article, [ghost]), "articles/b_ghost.parquet")
    st.write_bytes("articles/.b_half.parquet.1234.tmp", b"PAR1 half a file")
    st.write_bytes("_staging/r-killed/b_x.parquet", b"staged by a run that died")
    run_pipeline(str(corpus), str(wh.root), lake=wh.lake_uri, batch_size=2)
    left = st.list_files()
    assert "articles/b_ghost.parquet" not in left and "articles/.b_half.parquet.1234.tmp" not in left
    assert not any(o.startswith("_staging/") for o in left)
    assert database.table_counts(wh)["articles"] == before
    assert not database.query(wh, "SELECT * FROM articles WHERE article_id = 'a_ghost'")[1]
    assert "b_ghost" not in {b for (b,) in database.query(wh, "SELECT batch_id FROM lake_batches")[1]}


def test_credentials_are_written_nowhere(s3_run, tmp_path):
    _, _, wh, records = s3_run
    st = lake.store(wh)
    secret, key_id = SECRET.encode(), KEY_ID.encode()
    for rel in st.list_files():
        data = st.read_bytes(rel)
        assert secret not in data and key_id not in data, rel
    for path in wh.root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert secret not in data and key_id not in data, path
    # the runs' own logs were seen (not only library chatter)
    assert any(r.startswith("prefect.task_runs: extract b_") for r in records), sorted(
        {r.split(":")[0] for r in records}
    )
    assert not [r for r in records if SECRET in r or KEY_ID in r]
    # and nothing can smuggle them in through the lake URL
    from newsclaims.load.storage import LakeLocationError

    with pytest.raises(LakeLocationError, match="credentials"):
        Warehouse.resolve(tmp_path, f"s3://{KEY_ID}:{SECRET}@{BUCKET}/lake")


def test_cli_lake_option(s3, corpus, tmp_path):
    """`newsclaims run --no-prefect --lake s3://...` (the same stages without the engine)."""
    from typer.testing import CliRunner

    from newsclaims.cli.main import app

    res = CliRunner().invoke(
        app,
        [
            "run",
            "--no-prefect",
            "--sources",
            str(corpus),
            "--warehouse",
            str(tmp_path / "w"),
            "--lake",
            f"s3://{BUCKET}/cli",
        ],
    )
    assert res.exit_code == 0, res.output
    wh = Warehouse.resolve(tmp_path / "w", f"s3://{BUCKET}/cli")
    assert database.table_counts(wh)["articles"] == 6
    assert any(o.startswith("articles/") for o in lake.store(wh).list_files())
    res = CliRunner().invoke(
        app, ["run", "--no-prefect", "--warehouse", str(tmp_path / "w"), "--lake", "ftp://host/lake"]
    )
    assert res.exit_code == 2 and "unsupported lake location" in res.stderr


def test_dask_workers_with_s3_lake(s3_run, corpus, tmp_path):
    """The real-cluster setup in miniature: extraction on two Dask worker processes that read staged
    batches from and write lake batches to the bucket (they get S3 settings from their own
    environment), the load in this process; same rows as the local-lake, default-runner run."""
    from newsclaims.flows.pipeline import run_pipeline

    _, _, wh_s3, _ = s3_run
    wh = Warehouse.resolve(tmp_path / "wh_dask_s3", f"s3://{BUCKET}/dask")
    summary = run_pipeline(str(corpus), str(wh.root), lake=wh.lake_uri, batch_size=2, runner="dask")
    assert summary.n_articles == 6
    objects = lake.store(wh).list_files()
    assert len([o for o in objects if o.startswith("claims/b_")]) == 3
    assert not any(o.startswith("_staging/") for o in objects)
    rows, ref = warehouse_rows(wh), warehouse_rows(wh_s3)
    ref["runs"] = [r for r in ref["runs"] if r[3] > 0][:1]
    assert_same_rows(rows, ref)


def _run_local(corpus, wh_dir, url, kill_at=None):
    """run_local in a subprocess (so that SIGKILL stops only it), against the test's S3 server."""
    import os
    import subprocess
    import sys

    from newsclaims.settings import ENV_KILL_AT as ENV

    code = (
        "import sys; from pathlib import Path; from newsclaims.pipeline import run_local; "
        "from newsclaims.settings import Warehouse; "
        "run_local(Path(sys.argv[1]), Warehouse.resolve(sys.argv[2], sys.argv[3]), batch_size=2)"
    )
    env = dict(os.environ)
    env.pop(ENV, None)
    if kill_at:
        env[ENV] = kill_at
    return subprocess.run(
        [sys.executable, "-c", code, str(corpus), str(wh_dir), url],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def uninterrupted(s3, corpus, tmp_path_factory):
    """The reference for the kill tests, made the same way (a subprocess run into the bucket)."""
    url, wh_dir = f"s3://{BUCKET}/uninterrupted", tmp_path_factory.mktemp("wh_ref")
    res = _run_local(corpus, wh_dir, url)
    assert res.returncode == 0, res.stderr[-3000:]
    return warehouse_rows(Warehouse.resolve(wh_dir, url))


@pytest.mark.parametrize("point", ["extract", "lake", "load"])
def test_killed_run_on_s3_lake_is_repaired(uninterrupted, corpus, tmp_path, point):
    """SIGKILL during extraction, while batch objects are being written, or during the DuckDB load;
    the next run ends with the rows of the uninterrupted run and leaves no stray objects."""
    url = f"s3://{BUCKET}/killed-{point}"
    killed = _run_local(corpus, tmp_path / "wh", url, kill_at=point)
    assert killed.returncode == -9, killed.stderr[-3000:]
    again = _run_local(corpus, tmp_path / "wh", url)
    assert again.returncode == 0, again.stderr[-3000:]
    wh = Warehouse.resolve(tmp_path / "wh", url)
    assert_same_rows(warehouse_rows(wh), uninterrupted)
    left = lake.store(wh).list_files()
    committed = lake.committed_batch_ids(wh)
    assert not any(o.startswith("_staging/") for o in left)
    assert all(o.rsplit("/", 1)[1][: -len(".parquet")] in committed for o in left if o.endswith(".parquet"))
