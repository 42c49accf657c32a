"""Where things are: warehouse directory, database file, lake, sources file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from newsclaims import constants as C


@dataclass(frozen=True)
class Warehouse:
    """The paths of one warehouse directory (the database file and its Parquet lake)."""

    root: Path

    @classmethod
    def resolve(cls, directory: str | os.PathLike | None = None) -> "Warehouse":
        chosen = directory or os.environ.get(C.ENV_WAREHOUSE) or C.DEFAULT_WAREHOUSE_DIR
        return cls(Path(chosen).expanduser().resolve())

    @property
    def database(self) -> Path:
        return self.root / C.DATABASE_FILE

    @property
    def lake(self) -> Path:
        return self.root / C.LAKE_DIR

    @property
    def commits(self) -> Path:
        return self.lake / C.COMMITS_DIR

    @property
    def lock(self) -> Path:
        return self.root / C.LOCK_FILE

    def ensure(self) -> "Warehouse":
        self.lake.mkdir(parents=True, exist_ok=True)
        self.commits.mkdir(parents=True, exist_ok=True)
        return self


def resolve_sources_file(path: str | os.PathLike | None = None) -> Path:
    chosen = path or os.environ.get(C.ENV_SOURCES) or C.DEFAULT_SOURCES_FILE
    return Path(chosen).expanduser().resolve()
