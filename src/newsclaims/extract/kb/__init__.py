"""The offline knowledge base: canonical entities with aliases, types and optional Wikidata ids.

Built from pycountry (every ISO 3166 country with its official and common names) merged with the
curated ``entities.tsv`` shipped here (organisations, usual short forms such as "U.S.", demonyms),
and extended by users with TSV files of the same layout (``NEWSCLAIMS_KB``, ``:``-separated paths).
"""

from __future__ import annotations

import csv
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Optional

from newsclaims.settings import ENV_KB

_NON_ALNUM = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Case-, accent-, punctuation- and article-insensitive key: 'the U.S.' -> 'us'."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("’", "'").replace("'s", "")
    text = text.replace(".", "")
    text = _NON_ALNUM.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    if text.startswith("the "):
        text = text[4:]
    return text


@dataclass
class KBEntry:
    kb_id: str
    type: str
    name: str
    aliases: set[str] = field(default_factory=set)
    wikidata_id: Optional[str] = None
    demonyms: set[str] = field(default_factory=set)
    #: words or names whose presence in a text picks this entry among entries sharing a name
    context: set[str] = field(default_factory=set)

    @property
    def entity_id(self) -> str:
        return f"kb:{self.kb_id}"


class KnowledgeBase:
    def __init__(self, entries: Iterable[KBEntry] = ()):
        self.entries: dict[str, KBEntry] = {}
        self._by_alias: dict[str, list[KBEntry]] = {}
        self._by_demonym: dict[str, KBEntry] = {}
        for e in entries:
            self.add(e)

    def add(self, entry: KBEntry) -> None:
        existing = self.entries.get(entry.kb_id)
        if existing is not None:
            existing.aliases |= entry.aliases | {entry.name}
            existing.demonyms |= entry.demonyms
            existing.context |= entry.context
            existing.wikidata_id = entry.wikidata_id or existing.wikidata_id
            existing.name = entry.name or existing.name
            entry = existing
        else:
            self.entries[entry.kb_id] = entry
        for alias in entry.aliases | {entry.name}:
            bucket = self._by_alias.setdefault(fold(alias), [])
            if entry not in bucket:
                bucket.append(entry)
        for d in entry.demonyms:
            self._by_demonym[fold(d)] = entry

    def lookup(
        self, text: str, types: Optional[Iterable[str]] = None, context: Optional[str] = None
    ) -> Optional[KBEntry]:
        """The entry whose name or alias folds to the same key.

        When several entries share the name ("Georgia"), ``context`` (the article text) decides: the
        entry with the most of its context terms present wins; without evidence, the first (the
        country, from ISO 3166) stands.
        """
        found = self._by_alias.get(fold(text), [])
        if types is not None:
            allowed = set(types)
            found = [e for e in found if e.type in allowed]
        if len(found) > 1 and context:
            scores = [sum(1 for term in e.context if _mentions(context, term)) for e in found]
            best = max(range(len(found)), key=lambda i: (scores[i], -i))
            return found[best]
        return found[0] if found else None

    def demonym(self, text: str) -> Optional[KBEntry]:
        return self._by_demonym.get(fold(text))

    def surface_forms(self) -> Iterable[tuple[str, KBEntry]]:
        for e in self.entries.values():
            for alias in e.aliases | {e.name}:
                yield alias, e


def _mentions(text: str, term: str) -> bool:
    return re.search(r"(?<![\w.])" + re.escape(term) + r"(?![\w])", text) is not None


def _pycountry_entries() -> list[KBEntry]:
    import pycountry

    out = []
    for c in pycountry.countries:
        names = {c.name}
        for attr in ("official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                names.add(value)
        name = getattr(c, "common_name", None) or c.name
        # "Korea, Republic of" style names are not how news writes them; keep them as aliases only
        out.append(KBEntry(c.alpha_3, "GPE", name, names - {name}))
    return out


def read_tsv(text: str) -> list[KBEntry]:
    rows = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    out = []
    for row in csv.DictReader(rows, delimiter="\t"):
        split = lambda v: {a.strip() for a in (v or "").split("|") if a.strip()}  # noqa: E731
        out.append(
            KBEntry(
                row["kb_id"].strip(),
                row["type"].strip(),
                row["name"].strip(),
                split(row.get("aliases")),
                (row.get("wikidata_id") or "").strip() or None,
                split(row.get("demonyms")),
                split(row.get("context")),
            )
        )
    return out


@lru_cache(maxsize=8)
def load_kb(extra: tuple[str, ...] = ()) -> KnowledgeBase:
    kb = KnowledgeBase(_pycountry_entries())
    builtin = resources.files(__package__).joinpath("entities.tsv").read_text(encoding="utf-8")
    for e in read_tsv(builtin):
        kb.add(e)
    env = tuple(p for p in os.environ.get(ENV_KB, "").split(os.pathsep) if p)
    for path in extra + env:
        for e in read_tsv(Path(path).read_text(encoding="utf-8")):
            kb.add(e)
    return kb
