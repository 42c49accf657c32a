"""Declarative outlet profiles (TOML): recognise an outlet from its text, strip its page noise."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Optional

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

RECOGNISE_WINDOW = 3000


class ProfileError(ValueError):
    pass


class OutletProfileSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    recognise: list[str]
    noise_lines: list[str] = []
    noise_patterns: list[str] = []
    metadata: list[str] = []
    dateline: Optional[str] = None
    subtitle: bool = False

    @field_validator("recognise", "noise_patterns", "metadata")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for p in patterns:
            re.compile(p)
        return patterns


@dataclass
class OutletProfile:
    name: str
    recognise: list[re.Pattern]
    noise_lines: frozenset[str]
    noise_patterns: list[re.Pattern]
    metadata: list[re.Pattern]
    dateline: Optional[re.Pattern]
    subtitle: bool
    origin: str = ""

    @classmethod
    def from_spec(cls, spec: OutletProfileSpec, origin: str) -> "OutletProfile":
        return cls(
            name=spec.name,
            recognise=[re.compile(p) for p in spec.recognise],
            noise_lines=frozenset(line.strip() for line in spec.noise_lines),
            noise_patterns=[re.compile(p) for p in spec.noise_patterns],
            metadata=[re.compile(p, re.M) for p in spec.metadata],
            dateline=re.compile(spec.dateline) if spec.dateline else None,
            subtitle=spec.subtitle,
            origin=origin,
        )

    def score(self, text: str) -> int:
        """How many recognise patterns match the head or tail of the text."""
        window = text[:RECOGNISE_WINDOW] + "\n" + text[-RECOGNISE_WINDOW:]
        return sum(1 for p in self.recognise if p.search(window))


def parse_profiles(text: str, origin: str) -> list[OutletProfile]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{origin}: not valid TOML: {exc}") from exc
    out = []
    for i, block in enumerate(data.get("outlets", [])):
        try:
            spec = OutletProfileSpec.model_validate(block)
        except (ValidationError, re.error) as exc:
            raise ProfileError(f"{origin}: outlet #{i + 1} ({block.get('name', '?')}): {exc}") from None
        out.append(OutletProfile.from_spec(spec, origin))
    return out


@lru_cache(maxsize=1)
def builtin_profiles() -> tuple[OutletProfile, ...]:
    text = resources.files(__package__).joinpath("outlets.toml").read_text(encoding="utf-8")
    return tuple(parse_profiles(text, "newsclaims/ingest/profiles/outlets.toml"))


def load_profiles(extra_files: Iterable[Path] = ()) -> list[OutletProfile]:
    """Built-in profiles, then those of extra files (a later profile of the same name wins)."""
    by_name = {p.name: p for p in builtin_profiles()}
    for path in extra_files:
        for p in parse_profiles(Path(path).read_text(encoding="utf-8"), str(path)):
            by_name[p.name] = p
    return list(by_name.values())


def recognise(text: str, profiles: Iterable[OutletProfile]) -> Optional[OutletProfile]:
    best, best_score = None, 0
    for p in profiles:
        s = p.score(text)
        if s > best_score:
            best, best_score = p, s
    return best
