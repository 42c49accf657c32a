"""Where things are: warehouse directory, database file, lake, sources file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from newsclaims import constants as C

#: where the Parquet lake lives when not in the warehouse folder: a folder or s3://bucket/prefix
ENV_LAKE = "NEWSCLAIMS_LAKE"


@dataclass(frozen=True)
class Warehouse:
    """The paths of one warehouse directory (the database file and its Parquet lake).

    The lake is ``<root>/lake`` unless ``lake_uri`` names another place: a local folder or an
    ``s3://bucket/prefix`` (see :mod:`newsclaims.load.storage`). The database file is always local.
    """

    root: Path
    lake_uri: Optional[str] = None

    @classmethod
    def resolve(cls, directory: str | os.PathLike | None = None,
                lake: str | os.PathLike | None = None) -> "Warehouse":
        chosen = directory or os.environ.get(C.ENV_WAREHOUSE) or C.DEFAULT_WAREHOUSE_DIR
        root = Path(chosen).expanduser().resolve()
        lake = lake or os.environ.get(ENV_LAKE) or None
        if lake is not None:
            from newsclaims.load.storage import check_location, is_remote

            lake = check_location(str(lake))
            if not is_remote(lake):
                lake = str(Path(lake).expanduser().resolve())
                if lake == str(root / C.LAKE_DIR):
                    lake = None
        return cls(root, lake)

    @property
    def database(self) -> Path:
        return self.root / C.DATABASE_FILE

    @property
    def remote_lake(self) -> bool:
        from newsclaims.load.storage import is_remote

        return is_remote(self.lake_uri)

    @property
    def lake(self) -> Path:
        """The local lake folder (for a remote lake, see :attr:`lake_url`)."""
        if self.lake_uri and not self.remote_lake:
            return Path(self.lake_uri)
        return self.root / C.LAKE_DIR

    @property
    def lake_url(self) -> str:
        """The lake as a string: an s3:// URL or an absolute local folder."""
        return self.lake_uri if self.remote_lake else str(self.lake)

    @property
    def commits(self) -> Path:
        return self.lake / C.COMMITS_DIR

    @property
    def lock(self) -> Path:
        return self.root / C.LOCK_FILE

    def ensure(self) -> "Warehouse":
        self.root.mkdir(parents=True, exist_ok=True)
        if not self.remote_lake:
            self.lake.mkdir(parents=True, exist_ok=True)
            self.commits.mkdir(parents=True, exist_ok=True)
        return self


def resolve_sources_file(path: str | os.PathLike | None = None) -> Path:
    chosen = path or os.environ.get(C.ENV_SOURCES) or C.DEFAULT_SOURCES_FILE
    return Path(chosen).expanduser().resolve()
