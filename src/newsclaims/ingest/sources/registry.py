"""Read a sources file (TOML) into configured source objects."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from pydantic import ValidationError

import newsclaims.ingest.sources.html  # noqa: F401
import newsclaims.ingest.sources.jsonl  # noqa: F401
import newsclaims.ingest.sources.rss  # noqa: F401

# the built-in kinds register themselves on import
import newsclaims.ingest.sources.text_dir  # noqa: F401
from newsclaims.ingest.sources.base import Source, source_kinds, validate_cron


class SourcesFileError(ValueError):
    """The sources file is invalid; the message names the file, the source and the field."""


@dataclass
class SourcesFile:
    path: Path
    sources: list[Source]
    pipeline_schedule: Optional[str] = None
    outlet_profiles: list[Path] = field(default_factory=list)

    def get(self, name: str) -> Source:
        for s in self.sources:
            if s.name == name:
                return s
        raise KeyError(f"no source named {name!r} in {self.path}")


def load_sources(path: Path) -> SourcesFile:
    path = Path(path)
    if not path.is_file():
        raise SourcesFileError(f"{path}: sources file not found")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SourcesFileError(f"{path}: not valid TOML: {exc}") from exc
    try:
        kinds = source_kinds()
    except Exception as exc:  # a broken plug-in must not look like a broken sources file
        raise SourcesFileError(
            f"{path}: could not load the source plug-ins (entry points 'newsclaims.ingest.sources'): {exc}"
        ) from exc
    base = path.parent.resolve()
    if not isinstance(data.get("sources", []), list):
        raise SourcesFileError(f"{path}: field 'sources': must be an array of tables ([[sources]])")
    sources: list[Source] = []
    seen: set[str] = set()
    for i, block in enumerate(data.get("sources", [])):
        if not isinstance(block, dict):
            raise SourcesFileError(f"{path}: source #{i + 1}: must be a table")
        label = block.get("name", f"#{i + 1}")
        kind = block.get("kind")
        if kind not in kinds:
            raise SourcesFileError(
                f"{path}: source {label!r}: field 'kind': unknown kind {kind!r} "
                f"(known: {', '.join(sorted(kinds))})"
            )
        cls = kinds[kind]
        try:
            config = cls.Config.model_validate(block)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            field_part = f"field {where!r}: " if where else ""
            raise SourcesFileError(f"{path}: source {label!r}: {field_part}{msg}") from None
        if config.name in seen:
            raise SourcesFileError(f"{path}: source {label!r}: field 'name': duplicate source name")
        seen.add(config.name)
        sources.append(cls(config, base))
    pipeline = data.get("pipeline", {})
    if not isinstance(pipeline, dict):
        raise SourcesFileError(f"{path}: field 'pipeline': must be a table ([pipeline])")
    unknown = set(pipeline) - {"schedule"}
    if unknown:
        raise SourcesFileError(
            f"{path}: [pipeline]: field {sorted(unknown)[0]!r}: unknown field (known: schedule)"
        )
    if pipeline.get("schedule") is not None:
        try:
            validate_cron(str(pipeline["schedule"]))
        except ValueError as exc:
            raise SourcesFileError(f"{path}: [pipeline]: field 'schedule': {exc}") from None
    profiles = [(base / p).resolve() for p in data.get("outlet_profiles", [])]
    return SourcesFile(path, sources, pipeline.get("schedule"), profiles)
