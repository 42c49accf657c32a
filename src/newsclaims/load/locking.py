"""One pipeline run at a time per warehouse.

The lock is an OS file lock (``flock`` through filelock) on ``warehouse/newsclaims.lock``: the
kernel releases it when the holding process dies, so a killed run never leaves a stale lock behind.
The file itself records who holds it, for the message a waiting run prints.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import time
from typing import Callable, Iterator, Optional

from filelock import FileLock, Timeout

from newsclaims.settings import Warehouse


class WarehouseLocked(RuntimeError):
    """Another run holds the warehouse."""


def _holder(wh: Warehouse, short: bool = False) -> str:
    info = wh.root / "newsclaims.lock.json"
    try:
        data = json.loads(info.read_text())
        if short:
            return f"run {data.get('run_id')} (pid {data.get('pid')})"
        return f"run {data.get('run_id')} (pid {data.get('pid')} on {data.get('host')}, since {data.get('since')})"
    except (OSError, ValueError):
        return "another run"


def _say_waiting(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


@contextlib.contextmanager
def run_lock(
    wh: Warehouse,
    run_id: str,
    wait: Optional[float] = None,
    on_wait: Optional[Callable[[str], None]] = _say_waiting,
) -> Iterator[None]:
    """Hold the warehouse's run lock. ``wait``: seconds to wait (None = forever, 0 = fail at once).

    Before waiting, ``on_wait`` gets one line naming the run it waits for (default: printed on stderr).
    """
    wh.root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(wh.lock))
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if wait == 0:
                raise
            if on_wait is not None:
                on_wait(f"waiting for {_holder(wh, short=True)} to finish; --wait 0 to give up")
            lock.acquire(timeout=-1 if wait is None else wait)
    except Timeout:
        raise WarehouseLocked(
            f"the warehouse {wh.root} is in use by {_holder(wh)}; try again when it finishes (or use --wait)"
        ) from None
    info = wh.root / "newsclaims.lock.json"
    try:
        info.write_text(
            json.dumps(
                {
                    "run_id": run_id,
                    "pid": os.getpid(),
                    "host": socket.gethostname(),
                    "since": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                }
            )
        )
        yield
    finally:
        info.unlink(missing_ok=True)
        lock.release()
