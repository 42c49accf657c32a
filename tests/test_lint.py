"""The code is linted by ruff with the settings in pyproject.toml ([tool.ruff]): a finding fails the
tests, so CI keeps the rules without a separate step."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TREES = ["src", "flows", "tests", "bench"]


def _ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", *args, "--no-cache", *TREES], cwd=REPO,
                          capture_output=True, text=True)


def test_ruff_finds_nothing():
    res = _ruff("check", "--output-format", "concise")
    assert res.returncode == 0, f"ruff check (fix with `ruff check --fix`):\n{res.stdout}{res.stderr}"

