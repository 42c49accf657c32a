"""Offices and who held them when: "the prime minister" in a British article of 2005 is Tony Blair.

The built-in table ``offices.tsv`` (beside this file) lists heads of state and government, foreign
ministers and party leaders of the countries the project's sources cover, with the dates each
holder was in office. Users add rows (new offices, countries or holders) in TSV files of the same
layout named in ``NEWSCLAIMS_OFFICES`` (``:``-separated paths) or passed to :func:`load_offices`.
Nothing here is looked up on the network.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Optional

from newsclaims.settings import ENV_OFFICES

COLUMNS = ("country", "office", "aliases", "holder", "start", "end")


@dataclass(frozen=True)
class Tenure:
    country: str
    office: str
    aliases: frozenset[str]
    holder: str
    start: dt.date
    end: Optional[dt.date]  # first day out of office; None while in office

    def held_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


def office_phrase(text: str) -> str:
    """'The Prime Minister's' -> 'prime minister' (lower case, no article or possessive)."""
    t = text.lower().replace("’", "'").strip()
    t = re.sub(r"'s?$", "", t)
    t = re.sub(r"^(?:the|this|that)\s+", "", t)
    return re.sub(r"\s+", " ", t).strip()


def _date(value: str, where: str) -> Optional[dt.date]:
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def read_offices_tsv(text: str, source: str = "offices") -> list[Tenure]:
    """Rows of an offices TSV (header ``country office aliases holder start end``; ``#`` lines are
    comments). A bad row raises ``ValueError`` naming the file and line."""
    lines = [
        (i, line) for i, line in enumerate(text.splitlines(), 1) if line.strip() and not line.startswith("#")
    ]
    if not lines:
        return []
    header = [h.strip() for h in lines[0][1].split("\t")]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ValueError(f"{source}:{lines[0][0]}: header lacks column(s) {', '.join(missing)}")
    out = []
    for (lineno, _), row in zip(lines[1:], csv.DictReader((line for _, line in lines), delimiter="\t")):
        where = f"{source}:{lineno}"
        country, office, holder = ((row.get(k) or "").strip() for k in ("country", "office", "holder"))
        if not country or not office or not holder:
            raise ValueError(f"{where}: country, office and holder are required")
        start = _date(row.get("start") or "", where)
        if start is None:
            raise ValueError(f"{where}: start date is required")
        end = _date(row.get("end") or "", where)
        if end is not None and end <= start:
            raise ValueError(f"{where}: end {end} is not after start {start}")
        aliases = frozenset(office_phrase(a) for a in (row.get("aliases") or "").split("|") if a.strip())
        out.append(
            Tenure(country.upper(), office.lower(), aliases | {office_phrase(office)}, holder, start, end)
        )
    return out


class Offices:
    def __init__(self, tenures: Iterable[Tenure] = ()):
        self.tenures: list[Tenure] = list(tenures)

    def holders(self, phrase: str, day: dt.date, countries: Optional[Iterable[str]] = None) -> list[Tenure]:
        """Tenures of the offices a description names (``"the foreign minister"``), held on ``day``,
        optionally only in the given countries."""
        p = office_phrase(phrase)
        want = {c.upper() for c in countries} if countries is not None else None
        return [
            t
            for t in self.tenures
            if p in t.aliases and t.held_on(day) and (want is None or t.country in want)
        ]

    def names_office(self, phrase: str) -> bool:
        p = office_phrase(phrase)
        return any(p in t.aliases for t in self.tenures)


@lru_cache(maxsize=8)
def load_offices(extra: tuple[str, ...] = ()) -> Offices:
    """The built-in table plus the user's files (``extra`` and ``NEWSCLAIMS_OFFICES``)."""
    builtin = resources.files("newsclaims.extract.kb").joinpath("offices.tsv").read_text(encoding="utf-8")
    tenures = read_offices_tsv(builtin, "offices.tsv")
    env = tuple(p for p in os.environ.get(ENV_OFFICES, "").split(os.pathsep) if p)
    for path in extra + env:
        tenures += read_offices_tsv(Path(path).read_text(encoding="utf-8"), path)
    return Offices(tenures)
