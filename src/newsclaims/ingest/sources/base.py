"""The seam every source kind plugs into.

A source kind is a class with a pydantic ``Config`` and a ``documents()`` generator, registered with
``@register_source("kind")`` (built-in kinds) or through the ``newsclaims.ingest.sources`` entry-point group
(plug-ins). See ``sources/_template.py`` for a new kind in one file.

A source reads its incremental state from ``self.state`` (a :class:`newsclaims.ingest.state.SourceState`;
an unbound, never-persisted one unless the pipeline bound it) and records what it saw there; the
pipeline commits those records only after the warehouse load succeeded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, ClassVar, Iterator, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

from newsclaims.ingest.state import NullState, SourceState

ENTRY_POINT_GROUP = "newsclaims.ingest.sources"
#: metadata key of a document that stands for the whole source's failure (a feed that could not be
#: fetched or parsed): the pipeline records it as a reject and as a failure of the source
SOURCE_FAILURE = "source_failure"


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

    @cached_property
    def sha256(self) -> str:
        """Hex SHA-256 of the bytes (computed once: ingest keys, rejects and duplicates all use it)."""
        return hashlib.sha256(self.data).hexdigest()


class SourceConfig(BaseModel):
    """Fields every source block has; kinds add their own."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=100)
    kind: str
    outlet: Optional[str] = None
    enabled: bool = True
    #: cron expression (5 fields, UTC) for a deployment that runs this source alone
    schedule: Optional[str] = None

    @field_validator("schedule")
    @classmethod
    def _cron(cls, v: Optional[str]) -> Optional[str]:
        return validate_cron(v) if v is not None else v


def validate_cron(expr: str) -> str:
    """A 5-field cron expression as Prefect's CronSchedule accepts it, or ValueError."""
    fields = expr.split()
    if len(fields) != 5:
        raise ValueError(f"cron expression {expr!r} must have 5 fields (minute hour day month weekday)")
    try:
        from cronsim import CronSim, CronSimError
    except ImportError:  # pragma: no cover - cronsim comes with prefect
        return expr
    import datetime as _dt

    try:
        CronSim(expr, _dt.datetime(2024, 1, 1))
    except CronSimError as exc:
        raise ValueError(f"invalid cron expression {expr!r}: {exc}") from None
    return expr


class Source:
    """Base class of source kinds."""

    kind: ClassVar[str] = ""
    Config: ClassVar[type[SourceConfig]] = SourceConfig

    def __init__(self, config: SourceConfig, base_dir: Path):
        self.config = config
        self.base_dir = base_dir
        self.state: SourceState = NullState(config.name)

    def describe(self) -> str:
        """Where the source reads from, for ``newsclaims sources list``."""
        c = self.config
        for attr in ("url", "path"):
            if getattr(c, attr, None):
                return str(getattr(c, attr))
        urls = getattr(c, "urls", None)
        return f"{len(urls)} URL(s)" if urls else ""

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
    """Built-in kinds plus those installed through the ``newsclaims.ingest.sources`` entry points."""
    kinds = dict(_REGISTRY)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name not in kinds:
            cls = ep.load()
            if not (isinstance(cls, type) and issubclass(cls, Source)):
                raise TypeError(f"entry point {ep.name} = {ep.value!r} is not a newsclaims Source class")
            kinds[ep.name] = cls
    return kinds
