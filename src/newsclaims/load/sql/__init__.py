"""The warehouse's SQL, as files: ``migrations/`` (numbered, applied in order, each recorded),
``views/`` (in layers: ``stg_`` staging, core views, ``rpt_`` report views), ``schema.toml`` (what
every table, view and column means), and ``queries/``: the statements the Python code runs that are
more than a line, one file each, read by :func:`named_query`."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=None)
def named_query(name: str) -> str:
    """The text of ``queries/<name>.sql`` (a comment saying what it returns, then one statement)."""
    return resources.files(__name__).joinpath("queries", f"{name}.sql").read_text(encoding="utf-8")
