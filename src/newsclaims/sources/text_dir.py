"""``text_dir``: a folder of text files matched by a glob."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from newsclaims import constants as C
from newsclaims.sources.base import RawDocument, Source, SourceConfig, register_source


class TextDirConfig(SourceConfig):
    path: str
    glob: str = "*.txt"
    recursive: bool = False
    max_bytes: int = C.DEFAULT_MAX_DOCUMENT_BYTES


@register_source("text_dir")
class TextDir(Source):
    Config = TextDirConfig
    config: TextDirConfig

    @property
    def root(self) -> Path:
        return (self.base_dir / self.config.path).resolve()

    def documents(self) -> Iterator[RawDocument]:
        root = self.root
        if not root.is_dir():
            raise FileNotFoundError(f"source {self.name!r}: folder {root} does not exist")
        pattern = f"**/{self.config.glob}" if self.config.recursive else self.config.glob
        for path in sorted(root.glob(pattern)):
            if path.is_dir():
                continue
            resolved = path.resolve()
            rel = self._display_path(path)
            if not resolved.exists():  # listed, then gone (or a dangling link)
                yield RawDocument(self.name, rel, b"", self.config.outlet,
                                  error="file vanished between listing and reading")
                continue
            if root not in resolved.parents:  # a link pointing out of the configured root
                yield RawDocument(self.name, rel, b"", self.config.outlet,
                                  error=f"path resolves outside the source root {root}")
                continue
            try:
                size = path.stat().st_size
                if size > self.config.max_bytes:
                    yield RawDocument(self.name, rel, b"", self.config.outlet,
                                      error=f"file is {size} bytes, over the limit of {self.config.max_bytes}")
                    continue
                data = path.read_bytes()
            except FileNotFoundError:
                yield RawDocument(self.name, rel, b"", self.config.outlet,
                                  error="file vanished between listing and reading")
                continue
            except OSError as exc:
                yield RawDocument(self.name, rel, b"", self.config.outlet,
                                  error=f"unreadable: {exc.strerror or exc}")
                continue
            yield RawDocument(self.name, rel, data, self.config.outlet)

    def _display_path(self, path: Path) -> str:
        """Path relative to the sources file's folder when inside it, else absolute."""
        try:
            return path.relative_to(self.base_dir).as_posix()
        except ValueError:
            return path.as_posix()
