"""Every record the pipeline writes, defined once.

Each pydantic model below is the single definition of one lake table: its Arrow schema is derived
from the model's fields (``arrow_schema(Model)``), and the DuckDB DDL in ``load/sql/migrations`` is
checked against it by the tests. Add a field here, add the column in a new migration, done.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Literal, Optional

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field


class Record(BaseModel):
    model_config = ConfigDict(frozen=False, extra="forbid")

    #: lake table this record is stored in (set on each subclass)
    __table__: typing.ClassVar[str] = ""


class Article(Record):
    """One kept article. ``body`` is the normalised text every span offset points into."""

    __table__ = "articles"
    article_id: str
    feed: str
    outlet: Optional[str] = None
    title: Optional[str] = None
    subtitle: Optional[str] = None
    dateline_place: Optional[str] = None
    published_date: Optional[dt.date] = None
    date_source: Optional[str] = (
        None  # how published_date was found: metadata|date line|dateline|dateline+year-inferred|path
    )
    language: Optional[str] = None
    body: str
    word_count: int
    raw_path: str
    raw_sha256: str
    raw_encoding: Optional[str] = None
    #: offset of body[0] in the decoded raw text: ``body_map`` pieces map body offsets back to raw text
    body_map: list[list[int]] = Field(default_factory=list)
    ingested_at: dt.datetime
    run_id: str


class Duplicate(Record):
    """One input document that was not kept because another article stands for it."""

    __table__ = "duplicates"
    raw_path: str
    raw_sha256: str
    feed: str
    outlet: Optional[str] = None
    duplicate_of: str
    method: Literal["exact", "near"]
    similarity: float
    run_id: str


class Reject(Record):
    """One input document quarantined, with the stage that refused it and why."""

    __table__ = "rejects"
    raw_path: str
    raw_sha256: str
    feed: str
    stage: str
    reason: str
    run_id: str


class Mention(Record):
    __table__ = "mentions"
    article_id: str
    entity_id: Optional[str] = None
    text: str
    label: str
    start_char: int
    end_char: int
    #: how the mention was found: ner|ruler|alias|description|pronoun
    method: str = "ner"


class EntityAlias(Record):
    """What one article says about one entity; ``entities`` is aggregated from these rows."""

    __table__ = "entity_aliases"
    entity_id: str
    article_id: str
    name: str  # the fullest name this article uses
    type: str
    alias: str
    wikidata_id: Optional[str] = None
    n_mentions: int = 1
    #: roles written before the name in this article ("Archbishop", "Foreign Secretary")
    roles: list[str] = Field(default_factory=list)


class Claim(Record):
    __table__ = "claims"
    claim_id: str
    article_id: str
    kind: Literal["direct", "indirect", "mixed"]
    speaker_entity_id: Optional[str] = None
    speaker_text: Optional[str] = None
    speaker_start: Optional[int] = None
    speaker_end: Optional[int] = None
    cue: Optional[str] = None
    cue_start: Optional[int] = None
    cue_end: Optional[int] = None
    content: str
    content_start: int
    content_end: int
    #: every fragment of the content, e.g. both halves of ``"A," she said, "B."``
    content_spans: list[list[int]] = Field(default_factory=list)
    confidence: float = 0.5
    claim_date: Optional[dt.date] = None
    #: the content's segments as claim grouping compares them (see ``claim_groups.segment_signatures``)
    group_segments: Optional[list[list[str]]] = None


class ArticleStory(Record):
    """The story an article is in (a later run that moves it writes a new row: see StoryChange)."""

    __table__ = "article_stories"
    article_id: str
    story_id: str
    similarity: Optional[float] = None
    run_id: str


class StoryChange(Record):
    """A run moved an article from one story to another (see linking.revise_stories)."""

    __table__ = "story_changes"
    run_id: str
    article_id: str
    old_story_id: str
    new_story_id: str


class ClaimGroup(Record):
    """The group of claims (across articles of one story) that report the same utterance."""

    __table__ = "claim_groups"
    claim_id: str
    claim_group_id: str
    run_id: str


class Run(Record):
    __table__ = "runs"
    run_id: str
    flow_run_id: Optional[str] = None
    started_at: dt.datetime
    finished_at: Optional[dt.datetime] = None
    status: str
    sources_file: str
    n_documents: int = 0
    n_articles: int = 0
    n_duplicates: int = 0
    n_rejects: int = 0
    n_skipped: int = 0
    n_mentions: int = 0
    n_claims: int = 0
    stage_seconds: str = "{}"  # JSON object: stage -> seconds
    reason: Optional[str] = None  # why a failed or interrupted run stopped (migration 004)


class SourceFailure(Record):
    """A source that could not be read in a run (missing folder, refused path, feed that could not be
    fetched or parsed, any exception of its reader): the run went on with the other sources."""

    __table__ = "source_failures"
    run_id: str
    source: str
    reason: str
    failed_at: dt.datetime


LAKE_MODELS: tuple[type[Record], ...] = (
    Article,
    Duplicate,
    Reject,
    Mention,
    EntityAlias,
    Claim,
    ArticleStory,
    ClaimGroup,
    SourceFailure,
    StoryChange,
)


# --- Arrow schemas derived from the models -------------------------------------------------------

_SCALARS: dict[object, pa.DataType] = {
    str: pa.string(),
    int: pa.int64(),
    float: pa.float64(),
    bool: pa.bool_(),
    dt.date: pa.date32(),
    dt.datetime: pa.timestamp("us", tz="UTC"),
}


def _arrow_type(annotation: object) -> tuple[pa.DataType, bool]:
    """Return (arrow type, nullable) for a field annotation."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        inner, _ = _arrow_type(args[0])
        return inner, True
    if origin is Literal:
        return pa.string(), False
    if origin is list:
        (item,) = typing.get_args(annotation)
        inner, _ = _arrow_type(item)
        return pa.list_(inner), False
    if annotation in _SCALARS:
        return _SCALARS[annotation], False
    raise TypeError(f"no Arrow type for {annotation!r}")


def arrow_schema(model: type[Record]) -> pa.Schema:
    fields = []
    for name, info in model.model_fields.items():
        typ, nullable = _arrow_type(info.annotation)
        fields.append(pa.field(name, typ, nullable=nullable))
    return pa.schema(fields)


def to_table(model: type[Record], rows: list[Record]) -> pa.Table:
    """Arrow table of records, columns in the model's order, typed by its schema."""
    schema = arrow_schema(model)
    columns = {name: [getattr(r, name) for r in rows] for name in schema.names}
    return pa.table(columns, schema=schema)
