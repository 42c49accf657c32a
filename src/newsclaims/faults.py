"""Fault injection for the crash-safety tests.

``checkpoint("load")`` kills the current process with SIGKILL when ``NEWSCLAIMS_KILL_AT`` names that
point, so tests can stop a real run at a chosen stage and check that the next run repairs it.
Costs one dictionary lookup when unset.
"""

from __future__ import annotations

import os
import signal

from newsclaims.settings import ENV_KILL_AT

POINTS = ("ingest", "extract", "lake", "load")


def checkpoint(point: str) -> None:
    if os.environ.get(ENV_KILL_AT) == point:
        os.kill(os.getpid(), signal.SIGKILL)
