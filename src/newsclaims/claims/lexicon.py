"""The cue lexicon: reporting verbs and phrases (``cues.toml``), extendable with a file of one's own."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

ENV_CUES = "NEWSCLAIMS_CUES"


@dataclass(frozen=True)
class CueLexicon:
    verbs: frozenset[str]
    belief_verbs: frozenset[str]
    particles: dict[str, str] = field(default_factory=dict)
    source_phrases: tuple[str, ...] = ()

    def is_cue(self, lemma: str) -> bool:
        return lemma.lower() in self.verbs


def _merge(data: dict, into: dict) -> None:
    for key in ("verbs", "belief_verbs", "source_phrases"):
        into.setdefault(key, set()).update(data.get(key, []))
    into.setdefault("particles", {}).update(data.get("particles", {}))


@lru_cache(maxsize=8)
def load_lexicon(extra: tuple[str, ...] = ()) -> CueLexicon:
    merged: dict = {}
    _merge(tomllib.loads(resources.files(__package__).joinpath("cues.toml").read_text(encoding="utf-8")), merged)
    env = tuple(p for p in os.environ.get(ENV_CUES, "").split(os.pathsep) if p)
    for path in extra + env:
        _merge(tomllib.loads(Path(path).read_text(encoding="utf-8")), merged)
    return CueLexicon(
        verbs=frozenset(v.lower() for v in merged["verbs"]),
        belief_verbs=frozenset(v.lower() for v in merged["belief_verbs"]),
        particles=dict(merged["particles"]),
        source_phrases=tuple(sorted(p.lower() for p in merged["source_phrases"])),
    )
