"""Shared fixtures: the seeds run once through the real Prefect flow into a temporary warehouse."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_EVAL = REPO.parent / "shared" / "eval"

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    # a loaded machine can take longer than the default 30 s to start the temporary server
    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture(scope="session")
def seed_feed(tmp_path_factory) -> Path:
    """A copy of the project's seeds/ folder (tests may add files to it)."""
    dst = tmp_path_factory.mktemp("feed") / "seeds"
    shutil.copytree(REPO / "seeds", dst)
    return dst


@pytest.fixture(scope="session")
def seed_run(prefect_harness, seed_feed, tmp_path_factory):
    """The pipeline flow run once on the seeds: (summary, Warehouse)."""
    from newsclaims.flows.pipeline import pipeline
    from newsclaims.settings import Warehouse

    wh = Warehouse.resolve(tmp_path_factory.mktemp("wh"))
    summary = pipeline(str(seed_feed / "sources.toml"), str(wh.root))
    return summary, wh


@pytest.fixture(scope="session")
def sql(seed_run):
    from newsclaims.load import database

    _, wh = seed_run

    def run(q: str, params=None) -> list[tuple]:
        return database.query(wh, q, params)[1]

    return run
