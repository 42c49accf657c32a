"""A run killed with SIGKILL during ingest, extraction, Parquet writing or the DuckDB load, then run
again, ends with exactly the warehouse an uninterrupted run produces."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from conftest import REPO

from newsclaims.faults import POINTS
from newsclaims.load import database
from newsclaims.settings import ENV_KILL_AT as ENV
from newsclaims.settings import Warehouse

#: columns that name the run or the clock, which differ between any two runs
VOLATILE = {"run_id", "ingested_at", "loaded_at"}
TABLES = ["articles", "duplicates", "rejects", "mentions", "entity_aliases", "entities", "claims"]

STORIES = [
    (
        "Harbour plan approved",
        "Port director Lena Moss said the harbour expansion will begin in March. "
        "“This is a historic day for the town,” Moss told reporters on Monday.",
    ),
    (
        "Rail strike called off",
        "Union leader Omar Field said the rail strike planned for Friday was called off. "
        "According to Field, the operator agreed to a new pay offer.",
    ),
    (
        "School meals expanded",
        "Education Secretary Ruth Hale announced that free school meals will be extended. "
        "“No child should learn on an empty stomach,” Hale said.",
    ),
]


def _feed(root):
    feed = root / "feed"
    shutil.copytree(REPO / "seeds" / "raw", feed)
    for i, (title, body) in enumerate(STORIES):
        (feed / f"story_{i}.txt").write_text(f"{title}\n\n{body}\n")
    (feed / "copy.txt").write_bytes((feed / "story_0.txt").read_bytes())
    (feed / "bad.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (root / "sources.toml").write_text('[[sources]]\nname = "f"\nkind = "text_dir"\npath = "feed"\n')
    return root / "sources.toml"


def _run(sources, wh_dir, kill_at=None):
    env = dict(os.environ)
    env.pop(ENV, None)
    if kill_at:
        env[ENV] = kill_at
    code = (
        "import sys; from pathlib import Path; from newsclaims.pipeline import run_local; "
        "from newsclaims.settings import Warehouse; "
        "run_local(Path(sys.argv[1]), Warehouse.resolve(sys.argv[2]), batch_size=2)"
    )
    return subprocess.run(
        [sys.executable, "-c", code, str(sources), str(wh_dir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _contents(wh_dir):
    wh = Warehouse.resolve(wh_dir)
    out = {}
    for t in TABLES:
        cols, _ = database.query(wh, f"SELECT * FROM {t} LIMIT 0")
        keep = [c for c in cols if c not in VOLATILE]
        out[t] = sorted(database.query(wh, f"SELECT {', '.join(keep)} FROM {t}")[1], key=repr)
    return out


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    root = tmp_path_factory.mktemp("ref")
    sources = _feed(root)
    res = _run(sources, root / "wh")
    assert res.returncode == 0, res.stderr
    return _contents(root / "wh")


@pytest.mark.parametrize("point", POINTS)
def test_kill_then_rerun_gives_the_uninterrupted_warehouse(reference, tmp_path, point):
    sources = _feed(tmp_path)
    killed = _run(sources, tmp_path / "wh", kill_at=point)
    assert killed.returncode == -9, killed.stderr  # really killed at that point
    again = _run(sources, tmp_path / "wh")
    assert again.returncode == 0, again.stderr
    got = _contents(tmp_path / "wh")
    assert got == reference
    assert len(got["articles"]) == 5 and len(got["duplicates"]) == 1 and len(got["rejects"]) == 1
