"""``text_dir``: a folder of text files matched by a glob.

Only regular files are read: a FIFO (which would block the run) or a device (which would be read
until memory runs out) is skipped with a reason. The folder must lie inside the sources file's
folder unless the source sets ``allow_outside = true``; the glob is relative to the folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from pydantic import field_validator

from newsclaims import constants as C
from newsclaims.ingest.sources.base import RawDocument, Source, SourceConfig, register_source
from newsclaims.ingest.sources.guards import check_glob, check_source_path, not_regular, read_regular


class SourceUnreadable(OSError):
    """The source as a whole cannot be read (missing folder, refused path): a failure of this source."""


class TextDirConfig(SourceConfig):
    path: str
    glob: str = "*.txt"
    recursive: bool = False
    max_bytes: int = C.DEFAULT_MAX_DOCUMENT_BYTES
    #: a path outside the sources file's folder is refused unless this is set
    allow_outside: bool = False

    @field_validator("glob")
    @classmethod
    def _relative_glob(cls, v: str) -> str:
        return check_glob(v)


@register_source("text_dir")
class TextDir(Source):
    Config = TextDirConfig
    config: TextDirConfig

    @property
    def root(self) -> Path:
        return (self.base_dir / self.config.path).resolve()

    def documents(self) -> Iterator[RawDocument]:
        why = check_source_path(self.base_dir, self.config.path, self.config.allow_outside)
        if why:
            raise SourceUnreadable(f"source {self.name!r}: {why}")
        root = self.root
        if not root.is_dir():
            raise SourceUnreadable(f"source {self.name!r}: folder {root} does not exist")
        pattern = f"**/{self.config.glob}" if self.config.recursive else self.config.glob
        for path in sorted(root.glob(pattern)):
            rel = self._display_path(path)
            if path.is_dir():
                continue
            resolved = path.resolve()
            if not resolved.exists():  # listed, then gone (or a dangling link)
                yield RawDocument(
                    self.name, rel, b"", self.config.outlet, error="file vanished between listing and reading"
                )
                continue
            if root not in resolved.parents:  # a link pointing out of the configured root
                yield RawDocument(
                    self.name,
                    rel,
                    b"",
                    self.config.outlet,
                    error=f"path resolves outside the source root {root}",
                )
                continue
            special = not_regular(path)
            if special:  # a FIFO would block the run, a device would never end
                yield RawDocument(self.name, rel, b"", self.config.outlet, error=special)
                continue
            data, why = read_regular(path, self.config.max_bytes)
            if why:
                yield RawDocument(self.name, rel, b"", self.config.outlet, error=why)
                continue
            yield RawDocument(self.name, rel, data, self.config.outlet)

    def _display_path(self, path: Path) -> str:
        """Path relative to the sources file's folder when inside it, else absolute."""
        try:
            return path.relative_to(self.base_dir).as_posix()
        except ValueError:
            return path.as_posix()
