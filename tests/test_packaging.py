"""The explicit package list in pyproject.toml names every package under src/newsclaims, so a
non-editable install (a wheel) holds every module."""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_every_package_is_listed_in_pyproject():
    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(setuptools["packages"])
    src = REPO / "src" / "newsclaims"
    found = {"newsclaims"} | {
        "newsclaims." + ".".join(p.parent.relative_to(src).parts)
        for p in src.rglob("__init__.py")
        if p.parent != src
    }
    assert found - listed == set(), "add these to [tool.setuptools] packages"
    assert listed - found - {"newsclaims.flows"} == set(), "these are listed but do not exist"
