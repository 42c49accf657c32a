"""The pipeline's stages as plain functions (the Prefect flow in ``flows/pipeline.py`` only wires them).

ingest  sources file -> decoded, normalised, de-duplicated articles in staging batches (Parquet),
        duplicates and rejects written to the lake as their own committed batch
        (:mod:`newsclaims.ingest.stage`)
extract staging batch -> entities, mentions and claims -> one committed lake batch (here, around
        :mod:`newsclaims.extract.batch`)
link    the run's new articles -> stories, their claims -> claim groups (:mod:`newsclaims.link.stage`)
load    lake -> DuckDB (the only writer), see :mod:`newsclaims.load.database` (here: the run's record,
        then the commit of feed state, near-duplicate index and page noise)

Each stage's function is importable from here (``pipeline.ingest``, ``pipeline.link_batches``, ...);
:func:`run_stages` wires them, the one place the order is written.
Stages take and return paths, ids and small pydantic models, never connections.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from pydantic import BaseModel

from newsclaims import constants as C
from newsclaims import runlog
from newsclaims.faults import checkpoint
from newsclaims.ingest import pagenoise
from newsclaims.ingest.neardup_store import commit_neardup_index
from newsclaims.ingest.stage import IngestResult, ingest, prepare_document  # noqa: F401  (re-exported)
from newsclaims.ingest.state import commit_pending
from newsclaims.link.stage import LinkResult, link_batches
from newsclaims.load import database, lake
from newsclaims.models import Article, Claim, EntityAlias, Mention, Reject, Run
from newsclaims.settings import Warehouse

log = logging.getLogger("newsclaims")


class ExtractResult(BaseModel):
    batch_id: str
    n_articles: int = 0
    n_mentions: int = 0
    n_claims: int = 0
    n_rejects: int = 0
    seconds: float = 0.0


class RunSummary(BaseModel):
    run_id: str
    warehouse: str
    n_documents: int
    n_articles: int
    n_duplicates: int
    n_rejects: int
    n_skipped: int
    n_mentions: int
    n_claims: int
    n_entities: int
    stage_seconds: dict[str, float]
    #: source name -> why it could not be read in this run (the others were loaded)
    source_failures: dict[str, str] = {}
    #: "completed", or LOAD_DEFERRED: readers held the database past the wait, the batches wait in
    #: the lake for the next run
    status: str = "completed"
    message: Optional[str] = None


#: a run whose load gave up waiting for readers of the database (exit code 75, like a locked warehouse)
LOAD_DEFERRED = "load_deferred"


def new_run_id() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("r%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


# --- extract ----------------------------------------------------------------------------------------


def read_staged(path: str | Path) -> list[Article]:
    table = lake.read_parquet(path)  # a local file, or an s3:// object for a remote lake
    return [Article.model_validate(row) for row in table.to_pylist()]


def extract_batch(
    batch_path: str | Path, wh: Warehouse, run_id: str, n_process: Optional[int] = None
) -> ExtractResult:
    """NLP over one staged batch; writes and commits the batch's lake files. ``n_process``: worker
    processes forked for the NLP (None: NEWSCLAIMS_NLP_PROCESSES or the CPUs; 1: in this process)."""
    from newsclaims.extract.batch import extract_articles

    t0 = time.perf_counter()
    articles = read_staged(batch_path)
    batch_id = Path(batch_path).stem
    out = extract_articles(articles, run_id, n_process=n_process)
    checkpoint("extract")
    lake.write_batch(
        wh,
        batch_id,
        {
            Article: out.articles,
            Mention: out.mentions,
            EntityAlias: out.aliases,
            Claim: out.claims,
            Reject: out.rejects,
        },
        {"run_id": run_id},
    )
    return ExtractResult(
        batch_id=batch_id,
        n_articles=len(out.articles),
        n_mentions=len(out.mentions),
        n_claims=len(out.claims),
        n_rejects=len(out.rejects),
        seconds=time.perf_counter() - t0,
    )


# --- load -------------------------------------------------------------------------------------------


def load_run(
    wh: Warehouse,
    sources_file: Path,
    run_id: str,
    started_at: dt.datetime,
    ingest_result: IngestResult,
    extracts: list[ExtractResult],
    stage_seconds: dict[str, float],
    flow_run_id: Optional[str] = None,
) -> RunSummary:
    """Load the run's committed lake batches into DuckDB and record the run; once loaded, commit what
    the run learned (feed state, the near-duplicate index, page noise) and remove its staging."""
    t0 = time.perf_counter()
    lake.remove_uncommitted(wh)
    remove_stale_staging(wh, keep=run_id)
    stages = dict(stage_seconds)
    n_rejects = ingest_result.n_rejects + sum(e.n_rejects for e in extracts)
    run = Run(
        run_id=run_id,
        flow_run_id=flow_run_id,
        started_at=started_at,
        finished_at=None,
        status="completed",
        sources_file=str(sources_file),
        n_documents=ingest_result.n_documents,
        n_articles=sum(e.n_articles for e in extracts),
        n_duplicates=ingest_result.n_duplicates,
        n_rejects=n_rejects,
        n_skipped=ingest_result.n_skipped,
        n_mentions=sum(e.n_mentions for e in extracts),
        n_claims=sum(e.n_claims for e in extracts),
    )
    run.finished_at = dt.datetime.now(dt.timezone.utc)
    run.stage_seconds = database.stage_json(stages)  # the load's own time is added once it is known
    try:
        database.load(wh, run)
    except database.WarehouseBusy as exc:
        # readers kept the file open past the wait: the run's batches stay committed in the lake for
        # the next run (feed state is not committed, so nothing is lost or counted twice)
        log.warning("%s", exc)
        return _summary(wh, run, stages, ingest_result, 0, status=LOAD_DEFERRED, message=str(exc))
    commit_pending(wh, run_id)
    commit_neardup_index(wh, run_id)
    pagenoise.commit(wh.root, run_id)
    staging = wh.root / "staging" / run_id
    if staging.is_dir():
        shutil.rmtree(staging, ignore_errors=True)
    lake.remove_remote_staging(wh, only=run_id)
    stages["load"] = time.perf_counter() - t0
    runlog.finish_load(wh, run_id, stages)
    n_entities = database.query(wh, "SELECT count(*) FROM entities")[1][0][0]
    return _summary(wh, run, stages, ingest_result, n_entities)


def _summary(
    wh: Warehouse, run: Run, stages: dict[str, float], ingest_result: IngestResult, n_entities: int, **status
) -> RunSummary:
    """What :func:`load_run` returns: the run's counts, its stage times (rounded) and source failures;
    ``status``: ``status`` and ``message`` of a run whose load was deferred."""
    return RunSummary(
        run_id=run.run_id,
        warehouse=str(wh.root),
        n_documents=run.n_documents,
        n_articles=run.n_articles,
        n_duplicates=run.n_duplicates,
        n_rejects=run.n_rejects,
        n_skipped=run.n_skipped,
        n_mentions=run.n_mentions,
        n_claims=run.n_claims,
        n_entities=n_entities,
        stage_seconds={k: round(v, 3) for k, v in stages.items()},
        source_failures=ingest_result.source_failures,
        **status,
    )


def remove_stale_staging(wh: Warehouse, keep: str) -> None:
    """Staging folders of earlier runs that were killed (called under the run lock)."""
    lake.remove_remote_staging(wh, keep=keep)
    root = wh.root / "staging"
    if not root.is_dir():
        return
    for folder in root.iterdir():
        if folder.name != keep and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class Stages:
    """How a run calls each stage: plain functions (:func:`run_local`) or Prefect tasks (the flow in
    ``flows/pipeline.py``); :func:`run_stages` wires them the same way for both."""

    ingest: Callable[[], IngestResult]
    extract: Callable[[list[str]], list[ExtractResult]]  # staging batch paths -> one result each
    link: Callable[[list[str]], LinkResult]  # batch ids
    load: Callable[[IngestResult, list[ExtractResult], dict[str, float], dt.datetime], RunSummary]  # + start


def run_stages(
    wh: Warehouse,
    run_id: str,
    sources_file: str,
    stages: Stages,
    *,
    wait: Optional[float] = None,
    flow_run_id: Optional[str] = None,
) -> RunSummary:
    """The pipeline's wiring, the one place it is written: under the warehouse's run lock, with the
    run tracked for the run log (stage marks, interrupt handling), ingest -> extract every batch ->
    link -> load, timing each stage for the run report."""
    from newsclaims.load.locking import run_lock

    started = dt.datetime.now(dt.timezone.utc)
    with (
        run_lock(wh, run_id, wait),
        runlog.tracking(runlog.ActiveRun(run_id, wh, sources_file, started, flow_run_id)),
    ):
        runlog.stage("ingest")
        ing = stages.ingest()
        runlog.stage(
            "extract", n_documents=ing.n_documents, n_duplicates=ing.n_duplicates, n_skipped=ing.n_skipped
        )
        t0 = time.perf_counter()
        extracts = stages.extract(ing.batches)
        t_extract = time.perf_counter() - t0
        runlog.stage("link")
        link = stages.link([e.batch_id for e in extracts])
        runlog.stage("load")
        return stages.load(
            ing, extracts, {"ingest": ing.seconds, "extract": t_extract, "link": link.seconds}, started
        )


def run_local(
    sources_file: Path,
    wh: Warehouse,
    *,
    batch_size: int = C.DEFAULT_BATCH_SIZE,
    wait: Optional[float] = None,
    only: Optional[list[str]] = None,
) -> RunSummary:
    """The whole pipeline without the Prefect engine (``--no-prefect``, tests, evaluation commands,
    benchmarks): :func:`run_stages` with the stages called as plain functions."""
    run_id = new_run_id()
    stages = Stages(
        ingest=lambda: ingest(sources_file, wh, run_id, batch_size=batch_size, only=only),
        extract=lambda batches: [extract_batch(b, wh, run_id) for b in batches],
        link=lambda batch_ids: link_batches(wh, run_id, batch_ids),
        load=lambda ing, extracts, seconds, started: load_run(
            wh, sources_file, run_id, started, ing, extracts, seconds
        ),
    )
    return run_stages(wh, run_id, str(sources_file), stages, wait=wait)
