"""The code is linted and formatted by ruff with the settings in pyproject.toml ([tool.ruff]): a
finding or an unformatted file fails the tests, so CI keeps the rules without a separate step."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TREES = ["src", "flows", "tests", "bench"]


def _ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--no-cache", *TREES], cwd=REPO, capture_output=True, text=True
    )


def test_ruff_finds_nothing():
    res = _ruff("check", "--output-format", "concise")
    assert res.returncode == 0, f"ruff check (fix with `ruff check --fix`):\n{res.stdout}{res.stderr}"


def test_ruff_format_leaves_the_code_as_it_is():
    res = _ruff("format", "--check")
    assert res.returncode == 0, f"ruff format --check (fix with `ruff format`):\n{res.stdout}{res.stderr}"
