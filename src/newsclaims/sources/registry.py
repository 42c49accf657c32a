"""Read a sources file (TOML) into configured source objects."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from pydantic import ValidationError

from newsclaims.sources.base import Source, source_kinds
import newsclaims.sources.text_dir  # noqa: F401  (registers the built-in kind)


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
    kinds = source_kinds()
    base = path.parent.resolve()
    sources: list[Source] = []
    seen: set[str] = set()
    for i, block in enumerate(data.get("sources", [])):
        label = block.get("name", f"#{i + 1}")
        kind = block.get("kind")
        if kind not in kinds:
            raise SourcesFileError(
                f"{path}: source {label!r}: field 'kind': unknown kind {kind!r} "
                f"(known: {', '.join(sorted(kinds))})")
        cls = kinds[kind]
        try:
            config = cls.Config.model_validate(block)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or "?"
            raise SourcesFileError(f"{path}: source {label!r}: field {where!r}: {err['msg']}") from None
        if config.name in seen:
            raise SourcesFileError(f"{path}: source {label!r}: field 'name': duplicate source name")
        seen.add(config.name)
        sources.append(cls(config, base))
    pipeline = data.get("pipeline", {})
    profiles = [(base / p).resolve() for p in data.get("outlet_profiles", [])]
    return SourcesFile(path, sources, pipeline.get("schedule"), profiles)
