"""The cue lexicon: reporting verbs and phrases (``cues.toml``), extendable with a file of one's own."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Optional

from newsclaims.settings import ENV_CUES


@dataclass(frozen=True)
class CueLexicon:
    verbs: frozenset[str]
    belief_verbs: frozenset[str]
    particles: dict[str, str] = field(default_factory=dict)
    source_phrases: tuple[str, ...] = ()
    object_verbs: frozenset[str] = frozenset()
    speech_verbs: frozenset[str] = frozenset()
    quote_verbs: frozenset[str] = frozenset()
    raising_verbs: frozenset[str] = frozenset()
    noun_cues: frozenset[str] = frozenset()
    prep_cues: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def is_cue(self, lemma: str) -> bool:
        return lemma.lower() in self.verbs

    def cue_lemma(self, lemma: str, word: str) -> Optional[str]:
        """The lexicon entry a verb stands for, from its lemma or, when the lemmatiser got it wrong
        ("hoped" -> "hop"), from its word form; None when it is no cue."""
        for cand in (lemma.lower(), *_base_forms(word.lower())):
            if cand in self.verbs:
                return cand
        return None


def _base_forms(word: str) -> list[str]:
    """Candidate base forms of an inflected verb: the word itself, -s / -ed / -ing removed."""
    out = [word]
    for suffix, repl in (
        ("ies", "y"),
        ("ied", "y"),
        ("es", ""),
        ("s", ""),
        ("ed", ""),
        ("ed", "e"),
        ("d", ""),
        ("ing", ""),
        ("ing", "e"),
    ):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)] + repl
            out.append(stem)
            if suffix in ("ed", "ing") and len(stem) > 3 and stem[-1] == stem[-2]:
                out.append(stem[:-1])  # "stopped" -> "stop"
    return out


def _merge(data: dict, into: dict) -> None:
    for key in (
        "verbs",
        "belief_verbs",
        "source_phrases",
        "object_verbs",
        "quote_verbs",
        "raising_verbs",
        "noun_cues",
    ):
        into.setdefault(key, set()).update(data.get(key, []))
    into.setdefault("particles", {}).update(data.get("particles", {}))
    for phrase in data.get("prep_cues", []):
        verb, _, prep = phrase.partition(" ")
        into.setdefault("prep_cues", {}).setdefault(verb, set()).add(prep)


@lru_cache(maxsize=8)
def load_lexicon(extra: tuple[str, ...] = ()) -> CueLexicon:
    merged: dict = {}
    _merge(
        tomllib.loads(resources.files(__package__).joinpath("cues.toml").read_text(encoding="utf-8")), merged
    )
    env = tuple(p for p in os.environ.get(ENV_CUES, "").split(os.pathsep) if p)
    for path in extra + env:
        _merge(tomllib.loads(Path(path).read_text(encoding="utf-8")), merged)
    objects = frozenset(v.lower() for v in merged.get("object_verbs", ()))
    preps = {v.lower(): tuple(sorted(p.lower() for p in ps)) for v, ps in merged.get("prep_cues", {}).items()}
    speech = frozenset(v.lower() for v in merged["verbs"])
    quote_only = frozenset(v.lower() for v in merged.get("quote_verbs", ())) - speech - objects
    raising = frozenset(v.lower() for v in merged.get("raising_verbs", ()))
    return CueLexicon(
        verbs=speech | objects | frozenset(preps) | quote_only | raising,
        raising_verbs=raising,
        noun_cues=frozenset(v.lower() for v in merged.get("noun_cues", ())),
        speech_verbs=speech,
        quote_verbs=quote_only,
        object_verbs=objects,
        prep_cues=preps,
        belief_verbs=frozenset(v.lower() for v in merged["belief_verbs"]),
        particles=dict(merged["particles"]),
        source_phrases=tuple(sorted(p.lower() for p in merged["source_phrases"])),
    )
