"""The pipeline's stages as plain functions (the Prefect flow in ``flows/pipeline.py`` only wires them).

ingest  sources file -> decoded, normalised, de-duplicated articles in staging batches (Parquet),
        duplicates and rejects written to the lake as their own committed batch
extract staging batch -> entities, mentions and claims -> one committed lake batch
load    lake -> DuckDB (the only writer), see :mod:`newsclaims.load.database`

Stages take and return paths, ids and small pydantic models, never connections.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import shutil
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from pydantic import BaseModel

from newsclaims import constants as C
from newsclaims import runlog
from newsclaims.faults import checkpoint
from newsclaims.ingest import pagenoise
from newsclaims.ingest.decode import Decoded, DecodeError, decode_bytes
from newsclaims.ingest.neardup_store import (
    NEARDUP_INDEX,
    commit_neardup_index,
    load_neardup_index,
    neardup_config,
)
from newsclaims.ingest.normalize import normalise
from newsclaims.ingest.profiles import load_profiles, recognise
from newsclaims.ingest.sources.base import SOURCE_FAILURE, RawDocument, Source
from newsclaims.ingest.sources.registry import load_sources
from newsclaims.ingest.state import bind_state, commit_pending, stage_pending
from newsclaims.link.window import claims_of_stories, day_of, revision_window_of
from newsclaims.load import database, lake
from newsclaims.models import (
    Article,
    ArticleStory,
    Claim,
    ClaimGroup,
    Duplicate,
    EntityAlias,
    Mention,
    Reject,
    Run,
    SourceFailure,
    StoryChange,
    to_table,
)
from newsclaims.settings import Warehouse

log = logging.getLogger("newsclaims")

EXTRACT_LANGUAGES = {"en"}


class IngestResult(BaseModel):
    run_id: str
    batches: list[str]           # staging Parquet files of new articles, one per extraction batch
    n_documents: int = 0
    n_articles: int = 0
    n_duplicates: int = 0
    n_rejects: int = 0
    n_skipped: int = 0           # seen in an earlier run: nothing to do
    seconds: float = 0.0
    #: source name -> why it could not be read in this run (the run went on with the others)
    source_failures: dict[str, str] = {}


class ExtractResult(BaseModel):
    batch_id: str
    n_articles: int = 0
    n_mentions: int = 0
    n_claims: int = 0
    n_rejects: int = 0
    seconds: float = 0.0


class RunSummary(BaseModel):
    run_id: str
    warehouse: str
    n_documents: int
    n_articles: int
    n_duplicates: int
    n_rejects: int
    n_skipped: int
    n_mentions: int
    n_claims: int
    n_entities: int
    stage_seconds: dict[str, float]
    #: source name -> why it could not be read in this run (the others were loaded)
    source_failures: dict[str, str] = {}
    #: "completed", or LOAD_DEFERRED: readers held the database past the wait, the batches wait in
    #: the lake for the next run
    status: str = "completed"
    message: Optional[str] = None


#: a run whose load gave up waiting for readers of the database (exit code 75, like a locked warehouse)
LOAD_DEFERRED = "load_deferred"


def new_run_id() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("r%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


def article_id_for(body: str) -> str:
    """Articles are identified by their normalised body: the same text from anywhere is one article."""
    return "a_" + hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def _digest(parts: Iterable[str]) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:16]


# --- ingest -----------------------------------------------------------------------------------------

def _reject(doc: RawDocument, run_id: str, stage: str, reason: str) -> Reject:
    return Reject(raw_path=doc.raw_path, raw_sha256=doc.sha256, feed=doc.feed, stage=stage, reason=reason,
                  run_id=run_id)


def decode_document(doc: RawDocument, run_id: str) -> Decoded | Reject:
    """The document's text, or a Reject when it could not be read or decoded."""
    if doc.error:
        return _reject(doc, run_id, doc.metadata.get("stage", "read"), doc.error)
    try:
        return decode_bytes(doc.data)
    except DecodeError as exc:
        return _reject(doc, run_id, "decode", str(exc))
    except Exception as exc:  # a decoder bug costs this document, not the run
        log.exception("decoding failed for %s", doc.raw_path)
        return _reject(doc, run_id, "decode", f"{exc.__class__.__name__}: {exc}")


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def prepare_document(doc: RawDocument, profiles, run_id: str, now: dt.datetime, *,
                     decoded: Optional[Decoded | Reject] = None,
                     learned_noise: Optional[frozenset[int]] = None) -> Article | Reject:
    """Decode and normalise one document into an Article, or a Reject saying why not.

    ``decoded`` is :func:`decode_document`'s result when the caller already has it;
    ``learned_noise`` is the page noise learned from the document's feed (:mod:`newsclaims.ingest.pagenoise`).
    """
    if decoded is None:
        decoded = decode_document(doc, run_id)
    if isinstance(decoded, Reject):
        return decoded
    try:
        profile = recognise(decoded.text, profiles)
        noisy = (lambda line: pagenoise.is_noise(line, learned_noise)) if learned_noise else None
        norm = normalise(decoded.text, profile, metadata=doc.metadata, raw_path=doc.raw_path, learned_noise=noisy)
    except Exception as exc:  # a normaliser bug must cost one document, not the run
        log.exception("normalise failed for %s", doc.raw_path)
        return _reject(doc, run_id, "normalise", f"{exc.__class__.__name__}: {exc}")
    if norm.word_count < C.MIN_BODY_WORDS:
        return _reject(doc, run_id, "normalise", f"no article text (body has {norm.word_count} words)")
    try:
        return _article(doc, norm, decoded, run_id, now)
    except Exception as exc:  # e.g. a value the record refuses: this document only
        log.exception("normalise failed for %s", doc.raw_path)
        return _reject(doc, run_id, "normalise", f"{exc.__class__.__name__}: {exc}")


def _article(doc: RawDocument, norm, decoded: Decoded, run_id: str, now: dt.datetime) -> Article:
    return Article(
        article_id=article_id_for(norm.body), feed=doc.feed, outlet=norm.outlet or doc.default_outlet,
        title=norm.title, subtitle=norm.subtitle, dateline_place=norm.dateline_place,
        published_date=norm.published_date, date_source=norm.date_source, language=norm.language,
        body=norm.body, word_count=norm.word_count, raw_path=doc.raw_path, raw_sha256=doc.sha256,
        raw_encoding=decoded.encoding, body_map=norm.body_map, ingested_at=now, run_id=run_id,
    )


def guarded_documents(source: Source, failures: dict[str, str], run_id: str = "") -> Iterator[RawDocument]:
    """The source's documents; any exception of its reader (a missing folder, a refused path, a
    parser bug) ends this source only: it is recorded in ``failures`` and the run goes on with the
    other sources. A document standing for the whole feed's failure is recorded there too."""
    try:
        for doc in source.documents():
            if doc.error and doc.metadata.get(SOURCE_FAILURE):
                failures.setdefault(source.name, doc.error)
            yield doc
    except Exception as exc:  # one broken source never stops the others
        reason = str(exc) or exc.__class__.__name__
        if not isinstance(exc, OSError) or not str(exc).startswith("source "):
            reason = f"{exc.__class__.__name__}: {reason}"
        log.warning("source %s failed: %s", source.name, reason)
        failures[source.name] = reason
        # also a reject (stage "source"), so that the run's rejects and `report run` show it; the
        # key names the run, so a source failing again next run is recorded again
        yield RawDocument(source.name, f"source:{source.name}", run_id.encode(), source.config.outlet,
                          {SOURCE_FAILURE: True, "stage": "source"}, error=reason)


class _IngestRun:
    """The state of one :func:`ingest`: what is known (earlier runs and this one), the batch being
    filled, the duplicates and rejects found, the near-duplicate index (loaded on the first new
    document: a run with nothing new never pays for it) and the page noise learned per feed."""

    def __init__(self, wh: Warehouse, run_id: str, batch_size: int, result: IngestResult) -> None:
        self.wh, self.run_id, self.batch_size, self.result = wh, run_id, batch_size, result
        self.seen, self.known_articles = database.known_inputs(wh)
        self.now = dt.datetime.now(dt.timezone.utc)
        self.kept: dict[str, str] = {}  # article id -> raw path (not the article: memory stays flat)
        self.pending: list[Article] = []
        self.duplicates: list[Duplicate] = []
        self.rejects: list[Reject] = []
        self.seen_this_run: set[tuple[str, str]] = set()
        self.neardup = None
        self.noise = pagenoise.NoiseBook(wh.root, run_id)

    def flush(self) -> None:
        """Write the batch being filled to staging Parquet (one extraction task's input)."""
        if self.pending:
            ids = [a.article_id for a in self.pending]
            path = lake.staging_location(self.wh, self.run_id, f"b_{_digest(ids)}.parquet")
            lake.write_parquet_atomic(to_table(Article, self.pending), path)
            self.result.batches.append(str(path))
            self.pending.clear()
            checkpoint("ingest")

    def chunk(self, chunk: list[RawDocument], profiles) -> None:
        """Decode the chunk's new documents, learn the page noise of their feeds from them, then
        prepare and admit each."""
        fresh: list[tuple[RawDocument, Decoded | Reject]] = []
        for doc in chunk:
            self.result.n_documents += 1
            key = (doc.raw_path, doc.sha256)
            if key in self.seen or key in self.seen_this_run:
                self.result.n_skipped += 1
                continue
            self.seen_this_run.add(key)
            fresh.append((doc, decode_document(doc, self.run_id)))
        learned = self.noise.observe_chunk((doc.feed, decoded.text) for doc, decoded in fresh
                                           if not isinstance(decoded, Reject))
        for doc, decoded in fresh:
            item = prepare_document(doc, profiles, self.run_id, self.now, decoded=decoded,
                                    learned_noise=learned.get(doc.feed))
            if isinstance(item, Reject):
                self.rejects.append(item)
            else:
                self.admit(doc, item)

    def _duplicate(self, doc: RawDocument, item: Article, of: str, method: str, similarity: float) -> None:
        self.duplicates.append(Duplicate(
            raw_path=doc.raw_path, raw_sha256=doc.sha256, feed=doc.feed, outlet=item.outlet,
            duplicate_of=of, method=method, similarity=similarity, run_id=self.run_id))

    def admit(self, doc: RawDocument, item: Article) -> None:
        """Keep the article unless it is an exact or near duplicate of one already kept."""
        aid, known, kept = item.article_id, self.known_articles, self.kept
        if aid in known or aid in kept:
            self._duplicate(doc, item, aid, "exact", 1.0)
            log.info("%s is an exact duplicate of %s", doc.raw_path, kept.get(aid, aid))
            return
        if self.neardup is None:
            self.neardup = load_neardup_index(self.wh, known)
        hit = self.neardup.query(item.body)
        if hit is not None and (hit[0] in known or hit[0] in kept):
            self._duplicate(doc, item, hit[0], "near", round(float(hit[1]), 4))
            log.info("%s is a near-duplicate (%.2f) of %s", doc.raw_path, hit[1], hit[0])
            self.neardup.add(aid, item.body, duplicate_of=hit[0])  # its wording matches later copies too
            return
        self.neardup.add(aid, item.body)
        kept[aid] = doc.raw_path
        self.pending.append(item)
        if len(self.pending) >= self.batch_size:
            self.flush()

    def finish(self, failures: dict[str, str]) -> None:
        """Write the last batch, the duplicates and rejects, the source failures, the learned noise
        and the near-duplicate index to staging."""
        wh, run_id = self.wh, self.run_id
        self.flush()
        if self.duplicates or self.rejects:
            keys = [f"{d.raw_path}:{d.raw_sha256}" for d in self.duplicates] + \
                   [f"{r.raw_path}:{r.raw_sha256}" for r in self.rejects]
            lake.write_batch(wh, f"i_{_digest(keys)}", {Duplicate: self.duplicates, Reject: self.rejects},
                             {"run_id": run_id})
        if failures:  # per run: the same failure next run is recorded again
            lake.write_batch(wh, f"f_{_digest([run_id, *sorted(failures)])}", {SourceFailure: [
                SourceFailure(run_id=run_id, source=name, reason=why, failed_at=self.now)
                for name, why in sorted(failures.items())]}, {"run_id": run_id})
        self.noise.stage()


def ingest(sources_file: Path, wh: Warehouse, run_id: str, *, batch_size: int = C.DEFAULT_BATCH_SIZE,
           only: Optional[list[str]] = None) -> IngestResult:
    """Read every enabled source, keep what is new, and stage it in batches for extraction."""
    t0 = time.perf_counter()
    neardup_config()  # a bad setting fails the run before anything is read
    wh.ensure()
    sf = load_sources(sources_file)
    bind_state(sf.sources, wh, run_id)
    profiles = load_profiles(sf.outlet_profiles)
    result = IngestResult(run_id=run_id, batches=[])
    run = _IngestRun(wh, run_id, batch_size, result)
    failures: dict[str, str] = {}
    for source in sf.sources:
        if not source.config.enabled or (only and source.name not in only):
            continue
        for chunk in _chunks(guarded_documents(source, failures, run_id), pagenoise.CHUNK_DOCS):
            run.chunk(chunk, profiles)
    run.finish(failures)
    result.source_failures = dict(sorted(failures.items()))
    stage_pending(sf.sources)  # feed state (ETags, seen items) becomes state only after the load
    if run.neardup is not None and run.kept:
        staging = wh.root / "staging" / run_id
        staging.mkdir(parents=True, exist_ok=True)
        run.neardup.save(staging / NEARDUP_INDEX)
    result.n_articles = len(run.kept)
    result.n_duplicates = len(run.duplicates)
    result.n_rejects = len(run.rejects)
    result.seconds = time.perf_counter() - t0
    return result


# --- extract ----------------------------------------------------------------------------------------

def read_staged(path: str | Path) -> list[Article]:
    table = lake.read_parquet(path)  # a local file, or an s3:// object for a remote lake
    return [Article.model_validate(row) for row in table.to_pylist()]


def extract_batch(batch_path: str | Path, wh: Warehouse, run_id: str,
                  n_process: Optional[int] = None) -> ExtractResult:
    """NLP over one staged batch; writes and commits the batch's lake files. ``n_process``: worker
    processes forked for the NLP (None: NEWSCLAIMS_NLP_PROCESSES or the CPUs; 1: in this process)."""
    from newsclaims.extract.batch import extract_articles

    t0 = time.perf_counter()
    articles = read_staged(batch_path)
    batch_id = Path(batch_path).stem
    out = extract_articles(articles, run_id, n_process=n_process)
    checkpoint("extract")
    lake.write_batch(wh, batch_id, {
        Article: out.articles, Mention: out.mentions, EntityAlias: out.aliases, Claim: out.claims,
        Reject: out.rejects,
    }, {"run_id": run_id})
    return ExtractResult(batch_id=batch_id, n_articles=len(out.articles), n_mentions=len(out.mentions),
                         n_claims=len(out.claims), n_rejects=len(out.rejects),
                         seconds=time.perf_counter() - t0)


# --- link -------------------------------------------------------------------------------------------

class LinkResult(BaseModel):
    batch_id: Optional[str] = None
    n_articles: int = 0
    n_new_stories: int = 0
    n_claims: int = 0
    n_grouped: int = 0           # new claims that joined a group with another claim
    n_moved: int = 0             # earlier articles this run moved to another story (story_changes)
    seconds: float = 0.0


def _lake_rows(wh: Warehouse, table: str, batch_ids: list[str]) -> list[dict]:
    rows: list[dict] = []
    for b in batch_ids:
        part = lake.read_batch_table(wh, table, b)
        if part is not None:
            rows.extend(part.to_pylist())
    return rows


def link_batches(wh: Warehouse, run_id: str, batch_ids: list[str]) -> LinkResult:
    """Assign the run's new articles to stories and their claims to claim groups (see :mod:`newsclaims.link.stories`)."""
    from newsclaims.extract.entities import match_key  # person ids compared with their spelling folded
    from newsclaims.link.stories import GroupClaim, StoryArticle, group_claims, revise_stories

    t0 = time.perf_counter()
    articles = _lake_rows(wh, "articles", batch_ids)
    if not articles:
        return LinkResult()
    mentions = _lake_rows(wh, "mentions", batch_ids)
    claims = _lake_rows(wh, "claims", batch_ids)
    ents_by_article: dict[str, set[str]] = {}
    spans_by_article: dict[str, list[tuple[int, int, str, str]]] = {}
    for m in mentions:
        if m["entity_id"]:
            ents_by_article.setdefault(m["article_id"], set()).add(match_key(m["entity_id"]))
            spans_by_article.setdefault(m["article_id"], []).append(
                (m["start_char"], m["end_char"], m["text"], match_key(m["entity_id"])))
    new = [StoryArticle(a["article_id"], a["published_date"], a["title"], a["body"],
                        ents_by_article.get(a["article_id"], set()), a["outlet"],
                        ingested=day_of(a["ingested_at"])) for a in articles]
    existing: list[StoryArticle] = []
    existing_claims: list[GroupClaim] = []
    taken: set[str] = set()
    if database.has_table(wh, "article_stories"):
        existing, taken = revision_window_of(wh, new, articles)
    assigned, changes = revise_stories(existing, new, taken=taken)
    new_ids = {a.article_id for a in new}
    story_of = {aid: sid for aid, (sid, _) in assigned.items() if aid in new_ids}
    stories_touched = set(story_of.values())
    # the warehouse still has the stories of before this run: read the claims of the articles that
    # moved into a touched story too, and give every earlier claim its article's revised story
    current = {a.article_id: a.story_id for a in existing}
    read_ids = stories_touched | {c.old_story_id for c in changes if c.new_story_id in stories_touched}
    if existing and stories_touched:
        existing_claims = claims_of_stories(wh, read_ids, current, stories_touched)

    def entity_spans(c: dict) -> list[tuple[str, str]]:
        return [(t, eid) for s, e, t, eid in spans_by_article.get(c["article_id"], [])
                if c["content_start"] <= s and e <= c["content_end"]]

    new_claims = [GroupClaim(c["claim_id"], c["article_id"], story_of.get(c["article_id"]),
                             match_key(c["speaker_entity_id"]), c["content"], None, entity_spans(c),
                             c.get("group_segments"))
                  for c in claims]
    groups = group_claims(new_claims, existing_claims)
    sizes = Counter(groups.values())
    batch_id = f"l_{_digest(sorted(story_of))}"
    lake.write_batch(wh, batch_id, {
        ArticleStory: [ArticleStory(article_id=aid, story_id=sid, similarity=sim, run_id=run_id)
                       for aid, (sid, sim) in sorted(assigned.items())],
        StoryChange: [StoryChange(run_id=run_id, article_id=c.article_id, old_story_id=c.old_story_id,
                                  new_story_id=c.new_story_id) for c in changes],
        ClaimGroup: [ClaimGroup(claim_id=cid, claim_group_id=gid, run_id=run_id)
                     for cid, gid in sorted(groups.items())],
    }, {"run_id": run_id})
    existing_group_ids = {c.group_id for c in existing_claims}
    return LinkResult(
        batch_id=batch_id, n_articles=len(new), n_claims=len(groups),
        n_new_stories=len({sid for sid in story_of.values()} - {a.story_id for a in existing}),
        n_moved=len(changes),
        n_grouped=sum(1 for g in groups.values() if sizes[g] > 1 or g in existing_group_ids),
        seconds=time.perf_counter() - t0)


# --- load -------------------------------------------------------------------------------------------

def load_run(wh: Warehouse, sources_file: Path, run_id: str, started_at: dt.datetime,
             ingest_result: IngestResult, extracts: list[ExtractResult],
             stage_seconds: dict[str, float], flow_run_id: Optional[str] = None) -> RunSummary:
    t0 = time.perf_counter()
    lake.remove_uncommitted(wh)
    remove_stale_staging(wh, keep=run_id)
    stages = dict(stage_seconds)
    n_rejects = ingest_result.n_rejects + sum(e.n_rejects for e in extracts)
    run = Run(
        run_id=run_id, flow_run_id=flow_run_id, started_at=started_at, finished_at=None,
        status="completed", sources_file=str(sources_file), n_documents=ingest_result.n_documents,
        n_articles=sum(e.n_articles for e in extracts), n_duplicates=ingest_result.n_duplicates,
        n_rejects=n_rejects, n_skipped=ingest_result.n_skipped,
        n_mentions=sum(e.n_mentions for e in extracts), n_claims=sum(e.n_claims for e in extracts),
    )
    run.finished_at = dt.datetime.now(dt.timezone.utc)
    run.stage_seconds = database.stage_json(stages)  # the load's own time is added once it is known
    try:
        database.load(wh, run)
    except database.WarehouseBusy as exc:
        # readers kept the file open past the wait: the run's batches stay committed in the lake for
        # the next run (feed state is not committed, so nothing is lost or counted twice)
        log.warning("%s", exc)
        return RunSummary(
            run_id=run_id, warehouse=str(wh.root), n_documents=run.n_documents, n_articles=run.n_articles,
            n_duplicates=run.n_duplicates, n_rejects=run.n_rejects, n_skipped=run.n_skipped,
            n_mentions=run.n_mentions, n_claims=run.n_claims, n_entities=0,
            stage_seconds={k: round(v, 3) for k, v in stages.items()},
            source_failures=ingest_result.source_failures, status=LOAD_DEFERRED, message=str(exc))
    commit_pending(wh, run_id)
    commit_neardup_index(wh, run_id)
    pagenoise.commit(wh.root, run_id)
    staging = wh.root / "staging" / run_id
    if staging.is_dir():
        shutil.rmtree(staging, ignore_errors=True)
    lake.remove_remote_staging(wh, only=run_id)
    stages["load"] = time.perf_counter() - t0
    runlog.finish_load(wh, run_id, stages)
    n_entities = database.query(wh, "SELECT count(*) FROM entities")[1][0][0]
    return RunSummary(
        run_id=run_id, warehouse=str(wh.root), n_documents=run.n_documents, n_articles=run.n_articles,
        n_duplicates=run.n_duplicates, n_rejects=run.n_rejects, n_skipped=run.n_skipped,
        n_mentions=run.n_mentions, n_claims=run.n_claims, n_entities=n_entities,
        stage_seconds={k: round(v, 3) for k, v in stages.items()},
        source_failures=ingest_result.source_failures,
    )


def remove_stale_staging(wh: Warehouse, keep: str) -> None:
    """Staging folders of earlier runs that were killed (called under the run lock)."""
    lake.remove_remote_staging(wh, keep=keep)
    root = wh.root / "staging"
    if not root.is_dir():
        return
    for folder in root.iterdir():
        if folder.name != keep and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class Stages:
    """How a run calls each stage: plain functions (:func:`run_local`) or Prefect tasks (the flow in
    ``flows/pipeline.py``); :func:`run_stages` wires them the same way for both."""

    ingest: Callable[[], IngestResult]
    extract: Callable[[list[str]], list[ExtractResult]]  # staging batch paths -> one result each
    link: Callable[[list[str]], LinkResult]  # batch ids
    load: Callable[[IngestResult, list[ExtractResult], dict[str, float], dt.datetime], RunSummary]  # + start


def run_stages(wh: Warehouse, run_id: str, sources_file: str, stages: Stages, *,
               wait: Optional[float] = None, flow_run_id: Optional[str] = None) -> RunSummary:
    """The pipeline's wiring, the one place it is written: under the warehouse's run lock, with the
    run tracked for the run log (stage marks, interrupt handling), ingest -> extract every batch ->
    link -> load, timing each stage for the run report."""
    from newsclaims.load.locking import run_lock

    started = dt.datetime.now(dt.timezone.utc)
    with run_lock(wh, run_id, wait), \
            runlog.tracking(runlog.ActiveRun(run_id, wh, sources_file, started, flow_run_id)):
        runlog.stage("ingest")
        ing = stages.ingest()
        runlog.stage("extract", n_documents=ing.n_documents, n_duplicates=ing.n_duplicates,
                     n_skipped=ing.n_skipped)
        t0 = time.perf_counter()
        extracts = stages.extract(ing.batches)
        t_extract = time.perf_counter() - t0
        runlog.stage("link")
        link = stages.link([e.batch_id for e in extracts])
        runlog.stage("load")
        return stages.load(ing, extracts, {"ingest": ing.seconds, "extract": t_extract, "link": link.seconds},
                           started)


def run_local(sources_file: Path, wh: Warehouse, *, batch_size: int = C.DEFAULT_BATCH_SIZE,
              wait: Optional[float] = None, only: Optional[list[str]] = None) -> RunSummary:
    """The whole pipeline without the Prefect engine (``--no-prefect``, tests, evaluation commands,
    benchmarks): :func:`run_stages` with the stages called as plain functions."""
    run_id = new_run_id()
    stages = Stages(
        ingest=lambda: ingest(sources_file, wh, run_id, batch_size=batch_size, only=only),
        extract=lambda batches: [extract_batch(b, wh, run_id) for b in batches],
        link=lambda batch_ids: link_batches(wh, run_id, batch_ids),
        load=lambda ing, extracts, seconds, started: load_run(wh, sources_file, run_id, started, ing, extracts,
                                                              seconds),
    )
    return run_stages(wh, run_id, str(sources_file), stages, wait=wait)
