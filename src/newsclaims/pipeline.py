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
from pathlib import Path
from typing import Iterable, Iterator, Optional

from pydantic import BaseModel

from newsclaims import constants as C
from newsclaims.load import lake
from newsclaims import runlog
from newsclaims.ingest import feednoise
from newsclaims.ingest.decode import DecodeError, Decoded, decode_bytes
from newsclaims.faults import checkpoint
from newsclaims.models import (Article, ArticleStory, Claim, ClaimGroup, Duplicate, EntityAlias, Mention,
                               Reject, Run, SourceFailure, StoryChange, to_table)
from newsclaims.ingest.normalize import normalise
from newsclaims.ingest.profiles import load_profiles, recognise
from newsclaims.settings import Warehouse
from newsclaims.ingest.sources.base import SOURCE_FAILURE, RawDocument, Source
from newsclaims.ingest.sources.registry import load_sources
from newsclaims.ingest.state import bind_state, commit_pending, stage_pending
from newsclaims.load import database as wh_mod
from newsclaims.settings import ENV_NEARDUP_SHINGLE_SIZE, ENV_NEARDUP_THRESHOLD

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


# --- near-duplicates -------------------------------------------------------------------------------

NEARDUP_INDEX = "neardup.idx"
NEARDUP_STAMP = "neardup.json"


def _neardup_state(wh: Warehouse) -> tuple[Path, Path]:
    state = wh.root / "state"
    return state / NEARDUP_INDEX, state / NEARDUP_STAMP


def neardup_config():
    """The near-duplicate settings: the measured defaults of :class:`~newsclaims.ingest.neardup.NearDupConfig`
    (5-word shingles, similarity 0.7), overridden by ``NEWSCLAIMS_NEARDUP_THRESHOLD`` and
    ``NEWSCLAIMS_NEARDUP_SHINGLE_SIZE``."""
    import os as _os
    from dataclasses import replace

    from newsclaims.ingest.neardup import NearDupConfig

    config = NearDupConfig()
    raw_t, raw_k = _os.environ.get(ENV_NEARDUP_THRESHOLD), _os.environ.get(ENV_NEARDUP_SHINGLE_SIZE)
    try:
        if raw_t:
            config = replace(config, threshold=float(raw_t))
        if raw_k:
            config = replace(config, shingle_size=int(raw_k))
    except ValueError:
        raise ValueError(f"{ENV_NEARDUP_THRESHOLD} must be a number and {ENV_NEARDUP_SHINGLE_SIZE} "
                         f"an integer (got {raw_t!r}, {raw_k!r})") from None
    if not 0.0 < config.threshold <= 1.0 or config.shingle_size < 1:
        raise ValueError(f"near-dup threshold must be in (0, 1] and shingle size >= 1 "
                         f"(got {config.threshold}, {config.shingle_size})")
    return config


def _config_stamp(config) -> dict:
    return {"shingle_size": config.shingle_size, "num_perm": config.num_perm, "seed": config.seed}


def load_neardup_index(wh: Warehouse, known_articles: dict[str, str]):
    """The near-duplicate index of every kept article, rebuilt from the warehouse when the saved one
    does not describe it (first use, a run that died between saving and loading, or other
    shingle settings)."""
    import json as _json

    from newsclaims.ingest.neardup import NearDupConfig, NearDupIndex

    config = neardup_config()
    index_path, stamp_path = _neardup_state(wh)
    try:
        stamp = _json.loads(stamp_path.read_text())
    except (OSError, ValueError):
        stamp = {}
    if index_path.exists() and stamp.get("articles") == len(known_articles) \
            and stamp.get("config", _config_stamp(NearDupConfig())) == _config_stamp(config):
        return NearDupIndex.load(index_path, config)
    index = NearDupIndex(config)
    if known_articles:
        con = wh_mod.connect(wh, read_only=True)
        try:
            cur = con.execute("SELECT article_id, body FROM articles ORDER BY ingested_at, article_id")
            while rows := cur.fetchmany(1000):
                for aid, body in rows:
                    index.add(aid, body)
        finally:
            con.close()
    return index


def commit_neardup_index(wh: Warehouse, run_id: str) -> None:
    """After the load: the run's index (staged by ingest) becomes the saved one."""
    import json as _json
    import os as _os

    staged = wh.root / "staging" / run_id / NEARDUP_INDEX
    if not staged.exists():
        return
    index_path, stamp_path = _neardup_state(wh)
    index_path.parent.mkdir(parents=True, exist_ok=True)
    _os.replace(staged, index_path)
    n = wh_mod.query(wh, "SELECT count(*) FROM articles")[1][0][0]
    lake.atomic_write_bytes(stamp_path, _json.dumps({"articles": n, "run_id": run_id,
                                                     "config": _config_stamp(neardup_config())}).encode())


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
    ``learned_noise`` is the page noise learned from the document's feed (:mod:`newsclaims.ingest.feednoise`).
    """
    if decoded is None:
        decoded = decode_document(doc, run_id)
    if isinstance(decoded, Reject):
        return decoded
    try:
        profile = recognise(decoded.text, profiles)
        noisy = (lambda line: feednoise.is_noise(line, learned_noise)) if learned_noise else None
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


def ingest(sources_file: Path, wh: Warehouse, run_id: str, *, batch_size: int = C.DEFAULT_BATCH_SIZE,
           only: Optional[list[str]] = None) -> IngestResult:
    """Read every enabled source, keep what is new, and stage it in batches for extraction."""
    t0 = time.perf_counter()
    neardup_config()  # a bad setting fails the run before anything is read
    wh.ensure()
    sf = load_sources(sources_file)
    bind_state(sf.sources, wh, run_id)
    profiles = load_profiles(sf.outlet_profiles)
    seen, known_articles = wh_mod.known_inputs(wh)
    staging = wh.root / "staging" / run_id
    now = dt.datetime.now(dt.timezone.utc)
    result = IngestResult(run_id=run_id, batches=[])
    kept: dict[str, str] = {}  # article id -> raw path (not the article: memory stays flat)
    pending: list[Article] = []
    duplicates: list[Duplicate] = []
    rejects: list[Reject] = []
    seen_this_run: set[tuple[str, str]] = set()
    neardup = None  # loaded on the first new document: a run with nothing new never pays for it
    noise = feednoise.NoiseBook(wh.root, run_id)

    def flush() -> None:
        if pending:
            ids = [a.article_id for a in pending]
            path = lake.staging_location(wh, run_id, f"b_{_digest(ids)}.parquet")
            lake.write_parquet_atomic(to_table(Article, pending), path)
            result.batches.append(str(path))
            pending.clear()
            checkpoint("ingest")

    failures: dict[str, str] = {}
    for source in sf.sources:
        if not source.config.enabled or (only and source.name not in only):
            continue
        for chunk in _chunks(guarded_documents(source, failures, run_id), feednoise.CHUNK_DOCS):
            fresh: list[tuple[RawDocument, Decoded | Reject]] = []
            for doc in chunk:
                result.n_documents += 1
                key = (doc.raw_path, doc.sha256)
                if key in seen or key in seen_this_run:
                    result.n_skipped += 1
                    continue
                seen_this_run.add(key)
                fresh.append((doc, decode_document(doc, run_id)))
            learned = noise.observe_chunk((doc.feed, decoded.text) for doc, decoded in fresh
                                          if not isinstance(decoded, Reject))
            for doc, decoded in fresh:
                item = prepare_document(doc, profiles, run_id, now, decoded=decoded,
                                        learned_noise=learned.get(doc.feed))
                if isinstance(item, Reject):
                    rejects.append(item)
                    continue
                aid = item.article_id
                if aid in known_articles or aid in kept:
                    duplicates.append(Duplicate(
                        raw_path=doc.raw_path, raw_sha256=doc.sha256, feed=doc.feed, outlet=item.outlet,
                        duplicate_of=aid, method="exact", similarity=1.0, run_id=run_id))
                    log.info("%s is an exact duplicate of %s", doc.raw_path, kept.get(aid, aid))
                    continue
                if neardup is None:
                    neardup = load_neardup_index(wh, known_articles)
                hit = neardup.query(item.body)
                if hit is not None and (hit[0] in known_articles or hit[0] in kept):
                    duplicates.append(Duplicate(
                        raw_path=doc.raw_path, raw_sha256=doc.sha256, feed=doc.feed, outlet=item.outlet,
                        duplicate_of=hit[0], method="near", similarity=round(float(hit[1]), 4), run_id=run_id))
                    log.info("%s is a near-duplicate (%.2f) of %s", doc.raw_path, hit[1], hit[0])
                    neardup.add(aid, item.body, duplicate_of=hit[0])  # its wording matches later copies too
                    continue
                neardup.add(aid, item.body)
                kept[aid] = doc.raw_path
                pending.append(item)
                if len(pending) >= batch_size:
                    flush()
    flush()
    if duplicates or rejects:
        keys = [f"{d.raw_path}:{d.raw_sha256}" for d in duplicates] + \
               [f"{r.raw_path}:{r.raw_sha256}" for r in rejects]
        lake.write_batch(wh, f"i_{_digest(keys)}", {Duplicate: duplicates, Reject: rejects},
                         {"run_id": run_id})
    if failures:  # per run: the same failure next run is recorded again
        lake.write_batch(wh, f"f_{_digest([run_id, *sorted(failures)])}", {SourceFailure: [
            SourceFailure(run_id=run_id, source=name, reason=why, failed_at=now)
            for name, why in sorted(failures.items())]}, {"run_id": run_id})
    result.source_failures = dict(sorted(failures.items()))
    noise.stage()
    stage_pending(sf.sources)  # feed state (ETags, seen items) becomes state only after the load
    if neardup is not None and kept:
        staging.mkdir(parents=True, exist_ok=True)
        neardup.save(staging / NEARDUP_INDEX)
    result.n_articles = len(kept)
    result.n_duplicates = len(duplicates)
    result.n_rejects = len(rejects)
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


def _day(value) -> Optional[dt.date]:
    return value.date() if isinstance(value, dt.datetime) else value


def _revision_window(wh: Warehouse, new: list, articles: list[dict]) -> tuple[list, set[str]]:
    """The earlier articles a run re-clusters: :func:`newsclaims.link.stories.revision_window` in SQL, with
    the day of the run's newest ingestion as "now". Also the story ids that a new story could take
    ("s_" + a member's id) but a story outside the window has."""
    from newsclaims.extract.entities import match_key  # person ids compared with their spelling folded
    from newsclaims.link.stories import MAX_WINDOW, REVISION_DAYS, StoryArticle

    days = dt.timedelta(days=REVISION_DAYS)
    since = _day(max(a["ingested_at"] for a in articles)) - days
    dates = [a.published_date for a in new if a.published_date]
    lo = (min(dates) - days) if dates else None
    hi = (max(dates) + days) if dates else None
    con = wh_mod.connect(wh, read_only=True)
    try:
        rows = con.execute("""
            WITH recent AS (
                SELECT s.story_id, max(a.ingested_at)::DATE AS last_ingested
                FROM articles a JOIN article_stories s USING (article_id)
                WHERE a.ingested_at::DATE >= ? OR a.published_date >= ?
                   OR (? IS NOT NULL AND a.published_date BETWEEN ? AND ?)
                GROUP BY s.story_id
            ),
            sized AS (
                SELECT r.story_id, sum(count(*)) OVER (ORDER BY any_value(r.last_ingested) DESC, r.story_id)
                       AS running
                FROM recent r JOIN article_stories s USING (story_id) GROUP BY r.story_id
            )
            SELECT a.article_id, a.published_date, a.title, a.body, a.outlet, s.story_id,
                   list(DISTINCT m.entity_id) FILTER (WHERE m.entity_id IS NOT NULL), any_value(a.ingested_at)
            FROM sized z JOIN article_stories s USING (story_id) JOIN articles a USING (article_id)
            LEFT JOIN mentions m USING (article_id)
            WHERE z.running <= ?
            GROUP BY ALL ORDER BY a.article_id""",
            [since, since, lo, lo, hi, MAX_WINDOW]).fetchall()
        window = [StoryArticle(r[0], r[1], r[2], r[3], {match_key(e) for e in r[6] or []}, r[4], r[5], ingested=_day(r[7]))
                  for r in rows]
        # the names a new story could take ("s_" + a member's id) that a story outside the window has
        inside = {a.story_id for a in window}
        names = ["s_" + aid.removeprefix("a_") for aid in [a.article_id for a in window + new]]
        # ... or that a story merged away had (a dead id is not given to another story)
        history = ("UNION SELECT old_story_id FROM story_changes WHERE old_story_id IN (SELECT unnest($1))"
                   if wh_mod.has_column(con, "story_changes") else "")
        taken = {sid for (sid,) in con.execute(
            f"SELECT story_id FROM article_stories WHERE story_id IN (SELECT unnest($1)) {history}",
            [names]).fetchall() if sid not in inside}
    finally:
        con.close()
    return window, taken


def link_batches(wh: Warehouse, run_id: str, batch_ids: list[str]) -> LinkResult:
    """Assign the run's new articles to stories and their claims to claim groups (see linking.py)."""
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
                        ingested=_day(a["ingested_at"])) for a in articles]
    existing: list[StoryArticle] = []
    existing_claims: list[GroupClaim] = []
    taken: set[str] = set()
    if wh_mod.has_table(wh, "article_stories"):
        existing, taken = _revision_window(wh, new, articles)
    assigned, changes = revise_stories(existing, new, taken=taken)
    new_ids = {a.article_id for a in new}
    story_of = {aid: sid for aid, (sid, _) in assigned.items() if aid in new_ids}
    stories_touched = set(story_of.values())
    # the warehouse still has the stories of before this run: read the claims of the articles that
    # moved into a touched story too, and give every earlier claim its article's revised story
    current = {a.article_id: a.story_id for a in existing}
    read_ids = stories_touched | {c.old_story_id for c in changes if c.new_story_id in stories_touched}
    if existing and stories_touched:
        con = wh_mod.connect(wh, read_only=True)
        try:
            placeholders = ", ".join("?" * len(read_ids))
            # a warehouse loaded before migration 003 has no signatures yet (the load adds the column)
            signatures = "c.group_segments" if wh_mod.has_column(con, "claims", "group_segments") else "NULL"
            rows = con.execute(f"""
                SELECT c.claim_id, c.article_id, s.story_id, c.speaker_entity_id, c.content, g.claim_group_id,
                       c.content_start, c.content_end, {signatures}
                FROM claims c JOIN article_stories s USING (article_id)
                LEFT JOIN claim_groups g USING (claim_id)
                WHERE s.story_id IN ({placeholders}) AND c.speaker_entity_id IS NOT NULL""",
                list(read_ids)).fetchall()
            mrows = con.execute(f"""
                SELECT m.article_id, m.start_char, m.end_char, m.text, m.entity_id FROM mentions m
                JOIN article_stories s USING (article_id)
                WHERE s.story_id IN ({placeholders}) AND m.entity_id IS NOT NULL""",
                list(read_ids)).fetchall()
        finally:
            con.close()
        old_spans: dict[str, list] = {}
        for aid, s, e, text, eid in mrows:
            old_spans.setdefault(aid, []).append((s, e, text, match_key(eid)))
        existing_claims = [
            GroupClaim(r[0], r[1], current.get(r[1], r[2]), match_key(r[3]), r[4], r[5],
                       [(t, eid) for s, e, t, eid in old_spans.get(r[1], []) if r[6] <= s and e <= r[7]], r[8])
            for r in rows if current.get(r[1], r[2]) in stories_touched]

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
    run.stage_seconds = wh_mod.stage_json(stages)  # the load's own time is added once it is known
    try:
        wh_mod.load(wh, run)
    except wh_mod.WarehouseBusy as exc:
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
    feednoise.commit(wh.root, run_id)
    staging = wh.root / "staging" / run_id
    if staging.is_dir():
        shutil.rmtree(staging, ignore_errors=True)
    lake.remove_remote_staging(wh, only=run_id)
    stages["load"] = time.perf_counter() - t0
    runlog.finish_load(wh, run_id, stages)
    n_entities = wh_mod.query(wh, "SELECT count(*) FROM entities")[1][0][0]
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


def run_local(sources_file: Path, wh: Warehouse, *, batch_size: int = C.DEFAULT_BATCH_SIZE,
              wait: Optional[float] = None, only: Optional[list[str]] = None) -> RunSummary:
    """The whole pipeline without the Prefect engine (tests, evaluation commands, benchmarks)."""
    from newsclaims.load.locking import run_lock

    run_id = new_run_id()
    started = dt.datetime.now(dt.timezone.utc)
    with run_lock(wh, run_id, wait), \
            runlog.tracking(runlog.ActiveRun(run_id, wh, str(sources_file), started)):
        runlog.stage("ingest")
        ing = ingest(sources_file, wh, run_id, batch_size=batch_size, only=only)
        runlog.stage("extract", n_documents=ing.n_documents, n_duplicates=ing.n_duplicates,
                     n_skipped=ing.n_skipped)
        t0 = time.perf_counter()
        extracts = [extract_batch(b, wh, run_id) for b in ing.batches]
        t_extract = time.perf_counter() - t0
        runlog.stage("link")
        link = link_batches(wh, run_id, [e.batch_id for e in extracts])
        runlog.stage("load")
        return load_run(wh, sources_file, run_id, started, ing, extracts,
                        {"ingest": ing.seconds, "extract": t_extract, "link": link.seconds})
