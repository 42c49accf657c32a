"""Runs that did not complete: recording them, and stopping a run on Ctrl-C or SIGTERM.

A completed run is recorded by the load (:func:`newsclaims.pipeline.load_run`). A run that fails
(an exception) or is interrupted (SIGINT, SIGTERM) is recorded here, with ``status`` ``failed`` or
``interrupted`` and a one-line ``reason``: directly in the ``runs`` table when the database can be
written at that moment, otherwise as a small JSON file in ``<warehouse>/state/runs/`` that the next
load copies into ``runs`` (a reader holding the database, or an interrupt during the load itself).

Interrupts. ``newsclaims run`` installs :func:`install_handlers`: on the first SIGINT or SIGTERM the
process prints one line, records the run as interrupted, kills its own child processes (extraction
workers, Prefect's temporary API server, a local Dask cluster) and exits at once with 130 (SIGINT) or
143 (SIGTERM), the shell's codes for death by those signals. Stopping at once is safe because a run
is safe against SIGKILL at any point (``tests/e2e/test_crash_safety.py``): staged files, uncommitted lake
batches and an unfinished load transaction are never used, and the next run redoes that work.
Waiting for Prefect to report a crash instead costs minutes when the signal also stopped its API
server (which shares the terminal's process group).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import signal
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

from newsclaims.settings import Warehouse

log = logging.getLogger("newsclaims")

JOURNAL_DIR = ("state", "runs")
#: exit codes: 128 + the signal number, as a shell reports a process killed by it
EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}


@dataclass
class ActiveRun:
    """The run this process is executing (set while it holds the warehouse's run lock)."""

    run_id: str
    warehouse: Warehouse
    sources_file: str
    started_at: dt.datetime
    flow_run_id: Optional[str] = None
    stage: str = "start"
    counts: dict = field(default_factory=dict)


_active: Optional[ActiveRun] = None
_main_pid = os.getpid()


def begin(run: ActiveRun) -> None:
    global _active
    _active = run


def stage(name: str, **counts: int) -> None:
    """Note the stage the active run is in (and counts known so far) for an interrupt's record."""
    if _active is not None:
        _active.stage = name
        _active.counts.update(counts)


def end() -> None:
    global _active
    _active = None


def active() -> Optional[ActiveRun]:
    return _active


def one_line(exc: BaseException) -> str:
    """An exception as one line: its message's first line, prefixed by its type when that helps."""
    text = " ".join(str(exc).split("\n")[0].split()) or exc.__class__.__name__
    if isinstance(exc, (KeyboardInterrupt, SystemExit)):
        return "interrupted"
    if exc.__class__.__name__ in ("SourcesFileError", "WarehouseLocked"):
        return text
    return f"{exc.__class__.__name__}: {text}"


def is_expected(exc: Optional[BaseException]) -> bool:
    """A mistake in the input or a busy warehouse: retrying the task cannot help."""
    from newsclaims.ingest.sources.registry import SourcesFileError
    from newsclaims.load.locking import WarehouseLocked

    return isinstance(
        exc,
        (
            SourcesFileError,
            WarehouseLocked,
            FileNotFoundError,
            NotADirectoryError,
            PermissionError,
            ValueError,
        ),
    )


def retry_unless_expected(task, task_run, state) -> bool:  # noqa: ARG001 (Prefect's signature)
    """A Prefect ``retry_condition_fn``: retry unexpected errors only."""
    data = getattr(state, "data", None)
    return not is_expected(data if isinstance(data, BaseException) else None)


@contextlib.contextmanager
def tracking(run: ActiveRun) -> Iterator[ActiveRun]:
    """Around a run's stages (inside its run lock): a failure or interrupt is recorded in ``runs``."""
    begin(run)
    try:
        yield run
    except BaseException as exc:
        status = "interrupted" if isinstance(exc, (KeyboardInterrupt, SystemExit)) else "failed"
        try:
            record(run, status, one_line(exc) if status == "failed" else "interrupted")
        except Exception:  # recording must never hide the error itself
            log.exception("could not record run %s as %s", run.run_id, status)
        raise
    finally:
        end()


def finish_load(wh: Warehouse, run_id: str, stages: dict[str, float]) -> None:
    """After a completed load: store the load stage's real time in ``runs.stage_seconds`` and copy
    journalled runs (failed or interrupted earlier) into ``runs``. Skipped when a reader holds the
    database (the journal waits for the next run; the load time stays absent rather than wrong)."""
    from newsclaims.load import database

    pending = journal_runs(wh)
    try:
        con = database.connect(wh)
    except Exception as exc:
        log.warning("run %s: load time not recorded (%s)", run_id, exc)
        return
    try:
        con.execute(
            "UPDATE runs SET stage_seconds = ? WHERE run_id = ?", [database.stage_json(stages), run_id]
        )
        for r in pending:
            database.record_run(con, r)
    finally:
        con.close()
    clear_journal(wh, [r.run_id for r in pending])
    database.refresh_read_copy(wh)  # the copy analysts read shows the run as the database now holds it


def _journal(wh: Warehouse) -> Path:
    return wh.root.joinpath(*JOURNAL_DIR)


def record(run: ActiveRun, status: str, reason: str, *, database: bool = True) -> str:
    """Record a run that did not complete. Returns where: ``runs`` or the journal file's path."""
    from newsclaims.load.lake import atomic_write_bytes
    from newsclaims.models import Run

    row = Run(
        run_id=run.run_id,
        flow_run_id=run.flow_run_id,
        started_at=run.started_at,
        finished_at=dt.datetime.now(dt.timezone.utc),
        status=status,
        sources_file=str(run.sources_file),
        reason=f"{reason} (during {run.stage})"[:500],
        stage_seconds="{}",
        **{k: v for k, v in run.counts.items() if k.startswith("n_")},
    )
    if database:
        try:
            _write_rows(run.warehouse, [row])
            return "runs"
        except Exception as exc:  # busy, or this process holds it: the journal is the fallback
            log.debug("run %s not recorded in the database (%s): journal", run.run_id, exc)
    path = _journal(run.warehouse) / f"{run.run_id}.json"
    atomic_write_bytes(path, row.model_dump_json().encode("utf-8"))
    return str(path)


def _write_rows(wh: Warehouse, rows: list) -> None:
    from newsclaims.load import database
    from newsclaims.load.schema_doc import apply_comments

    con = database.connect(wh)
    try:
        database.apply_migrations(con)
        apply_comments(con)
        for r in rows:
            database.record_run(con, r)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    if (wh.root / database.READ_COPY).exists():  # keep an existing read copy in step
        database.refresh_read_copy(wh)


def journal_runs(wh: Warehouse) -> list:
    """Runs recorded in the journal (not yet in the database)."""
    from newsclaims.models import Run

    folder = _journal(wh)
    out = []
    for p in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            out.append(Run.model_validate_json(p.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return out


def clear_journal(wh: Warehouse, run_ids: list[str]) -> None:
    for rid in run_ids:
        (_journal(wh) / f"{rid}.json").unlink(missing_ok=True)


# --- signals ----------------------------------------------------------------------------------------

_stopping = threading.Event()


def _children() -> list[int]:
    """Every descendant process of this one (Linux /proc; empty elsewhere)."""
    try:
        import psutil

        return [p.pid for p in psutil.Process().children(recursive=True)]
    except Exception:
        return []


def _stop(signum: int, frame) -> None:  # noqa: ARG001
    if os.getpid() != _main_pid:
        os._exit(EXIT_CODES.get(signum, 1))  # a forked worker: the parent speaks for the run
    if _stopping.is_set():
        return
    _stopping.set()
    for s in EXIT_CODES:
        signal.signal(s, signal.SIG_IGN)
    name = signal.Signals(signum).name
    run = _active
    where = ""
    if run is not None:
        try:
            # during the load this process holds the database: the journal, not the table
            rec = record(run, "interrupted", f"stopped by {name}", database=run.stage != "load")
            where = "; recorded in runs" if rec == "runs" else "; recorded at the next run"
        except Exception:
            where = ""
        try:
            (run.warehouse.root / "newsclaims.lock.json").unlink(missing_ok=True)
        except OSError:
            pass
    what = f"run {run.run_id}" if run is not None else "newsclaims"
    sys.stderr.write(
        f"interrupted ({name}): {what} stopped during {run.stage if run else 'start-up'}"
        f"{where}; nothing partial was loaded, the next run completes the work\n"
    )
    sys.stderr.flush()
    for pid in _children():
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    os._exit(EXIT_CODES.get(signum, 1))


def isolate_prefect_server(quiet: bool = True) -> None:
    """Start Prefect's temporary API server (ephemeral mode) in a session of its own.

    A terminal's Ctrl-C goes to the whole foreground process group; the server, a child process,
    would get it too and die (a Prefect run then retries its API calls for a minute) or, when it is
    still starting, print uvicorn's "Aborted!" on our stderr. In its own session it only stops when
    this process stops it: at exit, or by :func:`_stop` (which kills every descendant). ``quiet``:
    its output (uvicorn's tracebacks when it is stopped while starting) goes nowhere.
    Prefect 3.8 starts the server with ``subprocess.Popen`` in
    ``SubprocessASGIServer._run_uvicorn_command``; if that changes, nothing is patched.
    """
    import subprocess

    try:
        from prefect.server.api.server import SubprocessASGIServer
    except ImportError:  # pragma: no cover
        return
    orig = getattr(SubprocessASGIServer, "_run_uvicorn_command", None)
    orig = getattr(orig, "_original", orig)
    if orig is None:
        return

    def run_uvicorn_command(self):
        real = subprocess.Popen

        def popen(*args, **kwargs):
            kwargs.setdefault("start_new_session", True)
            if quiet:
                kwargs.setdefault("stdout", subprocess.DEVNULL)
                kwargs.setdefault("stderr", subprocess.DEVNULL)
            return real(*args, **kwargs)

        subprocess.Popen = popen
        try:
            return orig(self)
        finally:
            subprocess.Popen = real

    run_uvicorn_command._original = orig
    SubprocessASGIServer._run_uvicorn_command = run_uvicorn_command


def rearm() -> None:
    """Re-install the handlers inside a Prefect flow run, whose engine replaces the SIGTERM handler
    (with one that reports a crash to its API first) while the flow runs."""
    if _installed and threading.current_thread() is threading.main_thread():
        for s in EXIT_CODES:
            signal.signal(s, _stop)


_installed = False


@contextlib.contextmanager
def handlers() -> Iterator[None]:
    """While inside: stop at once on SIGINT or SIGTERM (see the module doc); the handlers in place
    before are restored on the way out. Use in the main thread, around the run."""
    global _main_pid, _installed
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _main_pid = os.getpid()
    before = {s: signal.getsignal(s) for s in EXIT_CODES}
    _installed = True
    try:
        for s in EXIT_CODES:
            signal.signal(s, _stop)
        yield
    finally:
        _installed = False
        for s, h in before.items():
            signal.signal(s, h if h is not None else signal.SIG_DFL)
