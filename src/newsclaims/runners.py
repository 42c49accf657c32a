"""Where a flow's parallel tasks run: in the flow's process (default) or on a Dask cluster.

``--runner dask`` starts a local Dask cluster (2 worker processes, one thread each) for the run;
``--runner dask=tcp://host:8786`` sends the tasks to that scheduler. Only extraction is
distributed: ingest, link and the load (the single DuckDB writer) run in the flow's process.

On Dask, each extraction task runs its NLP in the worker process itself (``n_process=1``): Dask
worker processes are daemonic and may not fork the extraction pool, and the cluster already gives
one process per core. Parallelism comes from batches, so use ``--batch-size`` to cut a run into at
least as many batches as there are workers.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Iterator, Literal, Optional

from pydantic import BaseModel

log = logging.getLogger("newsclaims")

#: worker processes of the local cluster ``--runner dask`` starts
DEFAULT_LOCAL_WORKERS = 2
#: processes an extraction task uses on a Dask worker: the worker process itself, never a forked
#: pool (Dask worker processes are daemonic, and the cluster already has one process per core)
DASK_EXTRACT_PROCESSES = 1


class RunnerSpec(BaseModel):
    kind: Literal["default", "dask"] = "default"
    address: Optional[str] = None  # a Dask scheduler; None: a local cluster
    n_workers: int = DEFAULT_LOCAL_WORKERS  # of the local cluster

    @property
    def distributed(self) -> bool:
        return self.kind == "dask"

    @property
    def extract_processes(self) -> Optional[int]:
        """Processes each extraction task forks: one (itself) on Dask, the default elsewhere."""
        return DASK_EXTRACT_PROCESSES if self.distributed else None

    def describe(self) -> str:
        if not self.distributed:
            return "default"
        return f"dask={self.address}" if self.address else f"dask (local cluster, {self.n_workers} workers)"


def parse_runner(text: Optional[str]) -> RunnerSpec:
    """``default`` | ``dask`` | ``dask=ADDRESS`` (``tcp://host:8786``; a bare ``host:port`` gets tcp://)."""
    if text is None or text.strip() in ("", "default"):
        return RunnerSpec()
    kind, _, address = text.strip().partition("=")
    if kind != "dask":
        raise ValueError(f"unknown runner {text!r}: use default, dask or dask=tcp://host:8786")
    address = address.strip() or None
    if address and "://" not in address:
        address = f"tcp://{address}"
    return RunnerSpec(kind="dask", address=address)


def task_runner(spec: RunnerSpec):
    """The Prefect task runner for a spec (None: the flow's default)."""
    if not spec.distributed:
        return None
    from prefect_dask import DaskTaskRunner

    if spec.address:
        return DaskTaskRunner(address=spec.address)
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": spec.n_workers,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": ":0",  # any free port: two runs on one machine do not clash
        }
    )


def is_distributed(runner) -> bool:
    """Whether a Prefect task runner sends tasks to other processes (a Dask one)."""
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError:  # pragma: no cover
        return False
    return isinstance(runner, DaskTaskRunner)


def where() -> str:
    """Where this code runs, for logs: the Dask worker's address, or this process."""
    import os

    try:
        from distributed import get_worker

        return f"dask worker {get_worker().address}, pid {os.getpid()}"
    except (ImportError, ValueError):
        return f"pid {os.getpid()}"


@contextlib.contextmanager
def worker_api(spec: RunnerSpec) -> Iterator[None]:
    """Make sure Dask workers report to the same Prefect API as the flow.

    With no ``PREFECT_API_URL``, Prefect runs an ephemeral API inside each process that needs one,
    so every worker process would start its own server. For a local cluster we start the temporary
    server once, in this process, and run the flow with its URL (task runs carry the flow's settings
    to the workers). Workers on other machines cannot reach it: for a remote scheduler, set
    ``PREFECT_API_URL`` to a server every machine reaches (see the README).
    """
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if not spec.distributed or PREFECT_API_URL.value():
        yield
        return
    if spec.address:
        log.warning(
            "PREFECT_API_URL is not set: workers of %s will record task runs in their own "
            "temporary Prefect database; set it to a server they reach",
            spec.address,
        )
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the same instance Prefect's ephemeral mode uses in this process
    server.start()
    with temporary_settings({PREFECT_API_URL: server.api_url}):
        yield
