"""The ingest stage: a sources file -> decoded, normalised, de-duplicated articles in staging batches.

:func:`ingest` (re-exported by :mod:`newsclaims.pipeline`) reads every enabled source
(:func:`guarded_documents`: a broken source costs only itself), decodes each new document and
learns its feed's page noise (:class:`_IngestRun.chunk`), normalises it into an
:class:`~newsclaims.models.Article` or a :class:`~newsclaims.models.Reject`
(:func:`prepare_document`), drops exact and near duplicates (:meth:`_IngestRun.admit`) and writes
the kept articles to staging Parquet, one file per extraction batch; duplicates, rejects and
source failures go to the lake as their own committed batch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from pathlib import Path
from typing import Iterable, Iterator, Optional

from pydantic import BaseModel

from newsclaims import constants as C
from newsclaims.faults import checkpoint
from newsclaims.ingest import pagenoise
from newsclaims.ingest.decode import Decoded, DecodeError, decode_bytes
from newsclaims.ingest.neardup_store import NEARDUP_INDEX, load_neardup_index, neardup_config
from newsclaims.ingest.normalize import normalise
from newsclaims.ingest.profiles import load_profiles, recognise
from newsclaims.ingest.sources.base import SOURCE_FAILURE, RawDocument, Source
from newsclaims.ingest.sources.registry import load_sources
from newsclaims.ingest.state import bind_state, stage_pending
from newsclaims.load import database, lake
from newsclaims.models import Article, Duplicate, Reject, SourceFailure, to_table
from newsclaims.settings import Warehouse

log = logging.getLogger("newsclaims")


class IngestResult(BaseModel):
    run_id: str
    batches: list[str]  # staging Parquet files of new articles, one per extraction batch
    n_documents: int = 0
    n_articles: int = 0
    n_duplicates: int = 0
    n_rejects: int = 0
    n_skipped: int = 0  # seen in an earlier run: nothing to do
    seconds: float = 0.0
    #: source name -> why it could not be read in this run (the run went on with the others)
    source_failures: dict[str, str] = {}


def article_id_for(body: str) -> str:
    """Articles are identified by their normalised body: the same text from anywhere is one article."""
    return "a_" + hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def _reject(doc: RawDocument, run_id: str, stage: str, reason: str) -> Reject:
    return Reject(
        raw_path=doc.raw_path, raw_sha256=doc.sha256, feed=doc.feed, stage=stage, reason=reason, run_id=run_id
    )


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


def prepare_document(
    doc: RawDocument,
    profiles,
    run_id: str,
    now: dt.datetime,
    *,
    decoded: Optional[Decoded | Reject] = None,
    learned_noise: Optional[frozenset[int]] = None,
) -> Article | Reject:
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
        norm = normalise(
            decoded.text, profile, metadata=doc.metadata, raw_path=doc.raw_path, learned_noise=noisy
        )
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
        article_id=article_id_for(norm.body),
        feed=doc.feed,
        outlet=norm.outlet or doc.default_outlet,
        title=norm.title,
        subtitle=norm.subtitle,
        dateline_place=norm.dateline_place,
        published_date=norm.published_date,
        date_source=norm.date_source,
        language=norm.language,
        body=norm.body,
        word_count=norm.word_count,
        raw_path=doc.raw_path,
        raw_sha256=doc.sha256,
        raw_encoding=decoded.encoding,
        body_map=norm.body_map,
        ingested_at=now,
        run_id=run_id,
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
        yield RawDocument(
            source.name,
            f"source:{source.name}",
            run_id.encode(),
            source.config.outlet,
            {SOURCE_FAILURE: True, "stage": "source"},
            error=reason,
        )


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
            path = lake.staging_location(self.wh, self.run_id, f"b_{lake.batch_digest(ids)}.parquet")
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
        learned = self.noise.observe_chunk(
            (doc.feed, decoded.text) for doc, decoded in fresh if not isinstance(decoded, Reject)
        )
        for doc, decoded in fresh:
            item = prepare_document(
                doc, profiles, self.run_id, self.now, decoded=decoded, learned_noise=learned.get(doc.feed)
            )
            if isinstance(item, Reject):
                self.rejects.append(item)
            else:
                self.admit(doc, item)

    def _duplicate(self, doc: RawDocument, item: Article, of: str, method: str, similarity: float) -> None:
        self.duplicates.append(
            Duplicate(
                raw_path=doc.raw_path,
                raw_sha256=doc.sha256,
                feed=doc.feed,
                outlet=item.outlet,
                duplicate_of=of,
                method=method,
                similarity=similarity,
                run_id=self.run_id,
            )
        )

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
            keys = [f"{d.raw_path}:{d.raw_sha256}" for d in self.duplicates] + [
                f"{r.raw_path}:{r.raw_sha256}" for r in self.rejects
            ]
            lake.write_batch(
                wh,
                f"i_{lake.batch_digest(keys)}",
                {Duplicate: self.duplicates, Reject: self.rejects},
                {"run_id": run_id},
            )
        if failures:  # per run: the same failure next run is recorded again
            lake.write_batch(
                wh,
                f"f_{lake.batch_digest([run_id, *sorted(failures)])}",
                {
                    SourceFailure: [
                        SourceFailure(run_id=run_id, source=name, reason=why, failed_at=self.now)
                        for name, why in sorted(failures.items())
                    ]
                },
                {"run_id": run_id},
            )
        self.noise.stage()


def ingest(
    sources_file: Path,
    wh: Warehouse,
    run_id: str,
    *,
    batch_size: int = C.DEFAULT_BATCH_SIZE,
    only: Optional[list[str]] = None,
) -> IngestResult:
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
