"""The ``pipeline`` flow: ingest -> extract (one task per batch) -> link -> load. Logic and the
wiring live in :mod:`newsclaims.pipeline` (``run_stages``, the same wiring ``run_local`` uses); this
module only makes the stages Prefect tasks, with retries, logs and a run record.

Deploy it with ``prefect deploy flows/pipeline.py:pipeline`` or run it with ``newsclaims run``
(``run_pipeline``). With a Dask task runner (``newsclaims run --runner dask``, see
:mod:`newsclaims.runners`) the extraction tasks are submitted to the cluster, one process each;
ingest, link and load (the only DuckDB writer) stay in the flow's process.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Optional

from prefect import flow, get_run_logger, task
from prefect.context import FlowRunContext
from prefect.runtime import flow_run

from newsclaims import constants as C
from newsclaims import pipeline as P
from newsclaims import runlog
from newsclaims.runners import (
    DASK_EXTRACT_PROCESSES,
    RunnerSpec,
    is_distributed,
    parse_runner,
    task_runner,
    where,
    worker_api,
)
from newsclaims.settings import Warehouse, resolve_sources_file


@task(name="ingest", retries=2, retry_delay_seconds=2, retry_condition_fn=runlog.retry_unless_expected)
def ingest_task(
    sources_file: str,
    warehouse: str,
    run_id: str,
    only: Optional[list[str]] = None,
    lake: Optional[str] = None,
    batch_size: int = C.DEFAULT_BATCH_SIZE,
) -> P.IngestResult:
    res = P.ingest(
        Path(sources_file), Warehouse.resolve(warehouse, lake), run_id, only=only, batch_size=batch_size
    )
    get_run_logger().info(
        "ingest: %d documents, %d new articles in %d batches, %d duplicates, %d rejects, %d already seen",
        res.n_documents,
        res.n_articles,
        len(res.batches),
        res.n_duplicates,
        res.n_rejects,
        res.n_skipped,
    )
    return res


@task(name="extract", retries=1, retry_delay_seconds=2, retry_condition_fn=runlog.retry_unless_expected)
def extract_task(
    batch_path: str, warehouse: str, run_id: str, lake: Optional[str] = None, n_process: Optional[int] = None
) -> P.ExtractResult:
    res = P.extract_batch(batch_path, Warehouse.resolve(warehouse, lake), run_id, n_process=n_process)
    get_run_logger().info(
        "extract %s: %d articles, %d mentions, %d claims in %.1fs (%s)",
        res.batch_id,
        res.n_articles,
        res.n_mentions,
        res.n_claims,
        res.seconds,
        where(),
    )
    return res


@task(name="link")
def link_task(warehouse: str, run_id: str, batch_ids: list[str], lake: Optional[str] = None) -> P.LinkResult:
    res = P.link_batches(Warehouse.resolve(warehouse, lake), run_id, batch_ids)
    get_run_logger().info(
        "link: %d articles (%d new stories), %d claims (%d in multi-outlet groups)",
        res.n_articles,
        res.n_new_stories,
        res.n_claims,
        res.n_grouped,
    )
    return res


@task(name="load", retries=2, retry_delay_seconds=2, retry_condition_fn=runlog.retry_unless_expected)
def load_task(
    warehouse: str,
    sources_file: str,
    run_id: str,
    started_at: dt.datetime,
    ingest: P.IngestResult,
    extracts: list[P.ExtractResult],
    stage_seconds: dict[str, float],
    flow_run_id: Optional[str],
    lake: Optional[str] = None,
) -> P.RunSummary:
    summary = P.load_run(
        Warehouse.resolve(warehouse, lake),
        Path(sources_file),
        run_id,
        started_at,
        ingest,
        extracts,
        stage_seconds,
        flow_run_id,
    )
    get_run_logger().info("load: warehouse %s now has %d entities", summary.warehouse, summary.n_entities)
    return summary


@flow(name="newsclaims-pipeline", log_prints=True)
def pipeline(
    sources_file: Optional[str] = None,
    warehouse: Optional[str] = None,
    wait: Optional[float] = None,
    only: Optional[list[str]] = None,
    lake: Optional[str] = None,
    batch_size: Optional[int] = None,
) -> P.RunSummary:
    """Ingest the configured sources, extract entities and claims, load the DuckDB warehouse.

    One run at a time per warehouse: ``wait`` is how long to wait for a running one (None: as long
    as it takes; 0: fail at once with a clear message). ``only`` restricts the run to these sources
    (per-source schedules use it). ``lake``: where the Parquet lake lives (a folder or
    s3://bucket/prefix; default NEWSCLAIMS_LAKE or the warehouse's lake/). ``batch_size``: articles
    per extraction task.
    """
    sources = str(resolve_sources_file(sources_file))
    target = Warehouse.resolve(warehouse, lake)
    wh = str(target.root)
    lake_url = target.lake_url  # resolved here: workers need not share this machine's environment
    run_id = P.new_run_id()
    distributed = is_distributed(FlowRunContext.get().task_runner)

    def extract(batches: list[str]) -> list[P.ExtractResult]:
        if distributed:  # one task per batch on the cluster, NLP in the worker process itself
            futures = [extract_task.submit(b, wh, run_id, lake_url, DASK_EXTRACT_PROCESSES) for b in batches]
            return [f.result() for f in futures]
        return [extract_task(b, wh, run_id, lake_url) for b in batches]

    stages = P.Stages(
        ingest=lambda: ingest_task(sources, wh, run_id, only, lake_url, batch_size or C.DEFAULT_BATCH_SIZE),
        extract=extract,
        link=lambda batch_ids: link_task(wh, run_id, batch_ids, lake_url),
        load=lambda ing, extracts, seconds, started: load_task(
            wh, sources, run_id, started, ing, extracts, seconds, flow_run.get_id(), lake_url
        ),
    )
    runlog.rearm()  # the engine put its own SIGTERM handler in place of the CLI's
    return P.run_stages(target, run_id, sources, stages, wait=wait, flow_run_id=flow_run.get_id())


def run_pipeline(
    sources_file: Optional[str] = None,
    warehouse: Optional[str] = None,
    wait: Optional[float] = None,
    only: Optional[list[str]] = None,
    lake: Optional[str] = None,
    batch_size: Optional[int] = None,
    runner: RunnerSpec | str | None = None,
) -> P.RunSummary:
    """Run the flow with a runner (``default``, ``dask``, ``dask=tcp://host:8786``)."""
    spec = runner if isinstance(runner, RunnerSpec) else parse_runner(runner)
    flow_ = pipeline
    if spec.distributed:
        flow_ = pipeline.with_options(task_runner=task_runner(spec))
    with worker_api(spec):
        return flow_(sources_file, warehouse, wait, only, lake, batch_size)


if __name__ == "__main__":
    print(pipeline().model_dump_json(indent=2))
