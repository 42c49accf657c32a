"""The extraction worker pool always stops, even when a worker would not."""

from __future__ import annotations

import signal
import time

from newsclaims.extract import batch as extract


def _stuck(_: int) -> int:
    """A worker that ignores SIGTERM and never finishes its task (as one that inherited a handler or
    a lock held at the fork)."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    time.sleep(600)
    return 0


def test_shutdown_kills_workers_that_do_not_stop():
    pool = extract._pool(2)
    workers = [w for w in pool._pool]
    pool.map_async(_stuck, [0, 1], chunksize=1)
    time.sleep(1.0)  # both workers are now inside _stuck
    t0 = time.monotonic()
    extract.shutdown_pool(timeout=2.0)
    assert time.monotonic() - t0 < 20
    assert not extract._POOL
    assert all(w.exitcode is not None for w in workers)
    assert any(w.exitcode == -signal.SIGKILL for w in workers)


def test_workers_take_the_default_sigterm():
    pool = extract._pool(2)
    handlers = set(pool.map(_sigterm_handler, range(8), chunksize=1))
    assert handlers == {int(signal.SIG_DFL)}
    extract.shutdown_pool()
    assert not extract._POOL


def _sigterm_handler(_: int) -> int:
    return int(signal.getsignal(signal.SIGTERM))
