"""The seam every source kind plugs into.

A source kind is a class with a pydantic ``Config`` and a ``documents()`` generator, registered with
``@register_source("kind")`` (built-in kinds) or through the ``newsclaims.sources`` entry-point group
(plug-ins). See ``sources/_template.py`` for a new kind in one file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, ClassVar, Iterator, Optional

from pydantic import BaseModel, ConfigDict

ENTRY_POINT_GROUP = "newsclaims.sources"


@dataclass
class RawDocument:
    """One document as a feed gave it: bytes plus whatever metadata the feed carries."""

    feed: str
    raw_path: str
    data: bytes
    default_outlet: Optional[str] = None
    metadata: dict[str, Any] = field(default_factory=dict)
    #: set when the document could not even be read; the pipeline records it as a reject
    error: Optional[str] = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


class SourceConfig(BaseModel):
    """Fields every source block has; kinds add their own."""

    model_config = ConfigDict(extra="forbid")

    name: str
    kind: str
    outlet: Optional[str] = None
    enabled: bool = True
    schedule: Optional[str] = None


class Source:
    """Base class of source kinds."""

    kind: ClassVar[str] = ""
    Config: ClassVar[type[SourceConfig]] = SourceConfig

    def __init__(self, config: SourceConfig, base_dir: Path):
        self.config = config
        self.base_dir = base_dir

    @property
    def name(self) -> str:
        return self.config.name

    def documents(self) -> Iterator[RawDocument]:  # pragma: no cover - interface
        raise NotImplementedError


_REGISTRY: dict[str, type[Source]] = {}


def register_source(kind: str):
    """Class decorator: make ``kind`` usable in the sources file."""

    def deco(cls: type[Source]) -> type[Source]:
        cls.kind = kind
        _REGISTRY[kind] = cls
        return cls

    return deco


def source_kinds() -> dict[str, type[Source]]:
    """Built-in kinds plus those installed through the ``newsclaims.sources`` entry points."""
    kinds = dict(_REGISTRY)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name not in kinds:
            kinds[ep.name] = ep.load()
    return kinds
