"""A new source kind in one file: copy this, rename the class and the kind, fill in ``documents``.

Built into newsclaims: decorate with ``@register_source("kind")`` and import the module in
``registry.py``. As a plug-in from another package: leave the decorator out and declare

    [project.entry-points."newsclaims.ingest.sources"]
    lines = "my_package.my_module:LinesSource"

then ``kind = "lines"`` works in any sources file once that package is installed.
"""

from __future__ import annotations

import hashlib
from typing import Iterator

from newsclaims.ingest.sources.base import RawDocument, Source, SourceConfig


class LinesConfig(SourceConfig):  # name, kind, outlet, enabled, schedule come with the base
    path: str  # your own fields; unknown fields fail at load, naming them
    min_length: int = 40


class LinesSource(Source):
    """Every long enough line of one text file is an article (a toy, but complete)."""

    Config = LinesConfig
    config: LinesConfig

    def documents(self) -> Iterator[RawDocument]:
        path = (self.base_dir / self.config.path).resolve()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            key = "sha256:" + hashlib.sha256(line.encode()).hexdigest()
            if self.state.is_seen(key):  # incremental: committed by the pipeline after the load
                continue
            self.state.mark_seen(key)
            if len(line) < self.config.min_length:
                yield RawDocument(
                    self.name,
                    f"{self.config.path}#L{n}",
                    line.encode(),
                    self.config.outlet,
                    error=f"line {n} is too short",
                )  # a reject with a reason
                continue
            yield RawDocument(
                self.name,
                f"{self.config.path}#L{n}",
                line.encode(),
                self.config.outlet,
                metadata={"title": line[:60]},
            )
