"""Entities, mentions and claims for a batch of articles (spaCy runs here, and only here)."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import signal
import threading
import time
from dataclasses import dataclass, field
from typing import Iterator, Optional

from newsclaims.extract.claims import extract_claims, load_lexicon
from newsclaims.extract.claims.extractor import claim_id
from newsclaims.extract.claims.spans import ClaimSpan
from newsclaims.extract.entities import ArticleEntities
from newsclaims.extract.kb import load_kb
from newsclaims.extract.nlp import KB_RULER, load_pipeline_nlp, with_kb_ruler  # noqa: F401 (re-exported)
from newsclaims.link.claim_groups import segment_signatures
from newsclaims.models import Article, Claim, EntityAlias, Mention, Reject
from newsclaims.settings import (
    DEFAULT_DOC_SECONDS,
    DEFAULT_MAX_WORDS,
    ENV_DOC_SECONDS,
    ENV_MAX_WORDS,
    ENV_PROCESSES,
)

log = logging.getLogger("newsclaims")

EXTRACT_LANGUAGES = {"en"}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_ON_DAY = re.compile(r"\b(?:on )?(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")


@dataclass
class Extracted:
    articles: list[Article] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    aliases: list[EntityAlias] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


def claim_date(article: Article, sentence: str):
    """The date a claim was made when its sentence names a weekday ("on Friday"): the latest such
    day on or before the publication date."""
    if article.published_date is None:
        return None
    m = _ON_DAY.search(sentence)
    if not m:
        return article.published_date
    import datetime as dt

    want = _WEEKDAYS.index(m.group(1).lower())
    back = (article.published_date.weekday() - want) % 7
    return article.published_date - dt.timedelta(days=back)


def article_records(article: Article, doc, kb, lex) -> tuple[list[Mention], list[EntityAlias], list[Claim]]:
    """One parsed article's rows: its entity mentions (one per span, in text order), its entities'
    aliases and its claims."""
    ents = ArticleEntities(doc, kb, title=article.title, published=article.published_date)
    # claims first: resolving their speakers may add an entity (a name the tagger missed)
    claim_spans = extract_claims(doc, ents, lex)
    mentions, aliases = _entity_records(article, ents)
    claims = [_claim_record(article, doc, cs) for cs in claim_spans]
    return _one_per_span(mentions), aliases, claims


def _entity_records(article: Article, ents: ArticleEntities) -> tuple[list[Mention], list[EntityAlias]]:
    """The mentions of the article's entities and of the names linked to none, and an alias row per
    name of each entity (its canonical name when it has no other)."""
    mentions: list[Mention] = []
    aliases: list[EntityAlias] = []
    for c in ents.clusters:
        eid = c.entity_id
        mentions.extend(_mention(article, m, eid) for m in c.mentions)
        names = c.aliases()
        n = len(c.mentions)
        for alias in sorted(names or {c.canonical_name}):
            aliases.append(
                EntityAlias(
                    entity_id=eid,
                    article_id=article.article_id,
                    name=c.canonical_name,
                    type=c.type,
                    alias=alias,
                    wikidata_id=c.kb.wikidata_id if c.kb else None,
                    n_mentions=n,
                    roles=sorted(c.roles),
                )
            )
    mentions.extend(_mention(article, m, None) for m in ents.other_mentions)
    return mentions, aliases


def _mention(article: Article, m, entity_id: str | None) -> Mention:
    """The mention row of one name in the article (``entity_id`` None: linked to no entity)."""
    return Mention(
        article_id=article.article_id,
        entity_id=entity_id,
        text=m.text,
        label=m.label,
        start_char=m.start,
        end_char=m.end,
        method=m.method,
    )


def _claim_record(article: Article, doc, cs: ClaimSpan) -> Claim:
    """The claim row of one claim span: its texts cut from the body, its date (from the paragraph
    around its content) and its group signatures."""
    body = article.body
    spans = [list(s) for s in cs.content_spans]
    content = " ".join(body[s:e] for s, e in cs.content_spans)
    sp = cs.speaker
    cue = cs.cue
    sent_start = body.rfind("\n", 0, cs.content_start) + 1
    sent_end = body.find("\n", cs.content_end)
    return Claim(
        claim_id=claim_id(article.article_id, cs),
        article_id=article.article_id,
        kind=cs.kind,
        speaker_entity_id=cs.speaker_cluster.entity_id if cs.speaker_cluster else None,
        speaker_text=body[sp[0] : sp[1]] if sp else None,
        speaker_start=sp[0] if sp else None,
        speaker_end=sp[1] if sp else None,
        cue=body[cue[0] : cue[1]] if cue else None,
        cue_start=cue[0] if cue else None,
        cue_end=cue[1] if cue else None,
        content=content,
        content_start=cs.content_start,
        content_end=cs.content_end,
        content_spans=spans,
        confidence=cs.confidence,
        claim_date=claim_date(article, body[sent_start : sent_end if sent_end > 0 else len(body)]),
        group_segments=segment_signatures(
            [doc.char_span(s, e, alignment_mode="expand") or () for s, e in cs.content_spans],
            cs.content_spans,
        ),
    )


def _one_per_span(mentions: list[Mention]) -> list[Mention]:
    """The mentions in text order, one per span (a name can be found as NER and as a description):
    the first of those with the same span."""
    mentions.sort(key=lambda m: (m.start_char, m.end_char))
    uniq: dict[tuple[int, int], Mention] = {}
    for m in mentions:
        uniq.setdefault((m.start_char, m.end_char), m)
    return list(uniq.values())


#: seconds spent per step of :func:`extract_articles` in this process (worker steps are summed over
#: the workers: busy time of each worker added up, not wall time); the benchmark reads it
STAGE_SECONDS: dict[str, float] = {}

#: below this many English articles a batch is extracted in this process (forking costs more)
MIN_PARALLEL_ARTICLES = 16
#: articles per task sent to a worker (one nlp.pipe call)
CHUNK_ARTICLES = 8


class DocumentTimeout(Exception):
    pass


class _Expired(Exception):
    """Raised asynchronously in a worker thread whose document ran out of time."""


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Interrupt the entity and claim rules of one document after ``seconds``.

    In a main thread (worker processes, the CLI) an interval timer's signal interrupts them. In
    other threads (Dask runs tasks in worker threads, where signals cannot be received) a timer
    thread raises an exception in this thread instead (``PyThreadState_SetAsyncExc``); it takes
    effect at the next Python instruction, so rules written in Python stop on time, and a long
    call into compiled code stops when it returns.
    """
    if seconds <= 0:
        yield
        return
    if threading.current_thread() is not threading.main_thread():
        with _thread_time_limit(seconds):
            yield
        return

    def _raise(signum, frame):
        raise DocumentTimeout(f"extraction took longer than {seconds:g} s")

    old = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@contextlib.contextmanager
def _thread_time_limit(seconds: float):
    import ctypes

    tid = ctypes.c_ulong(threading.get_ident())
    lock = threading.Lock()
    state = {"active": True}

    def expire() -> None:
        with lock:
            if state["active"]:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(tid, ctypes.py_object(_Expired))

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    except _Expired:
        raise DocumentTimeout(f"extraction took longer than {seconds:g} s") from None
    finally:
        with lock:
            state["active"] = False
            timer.cancel()
            ctypes.pythonapi.PyThreadState_SetAsyncExc(tid, None)  # one set but not yet raised: drop it


def _add_time(key: str, seconds: float) -> None:
    STAGE_SECONDS[key] = STAGE_SECONDS.get(key, 0.0) + seconds


def default_processes() -> int:
    env = os.environ.get(ENV_PROCESSES)
    if env:
        return max(1, int(env))
    return max(
        1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    )


def _extract_chunk(articles: list[Article], batch_size: int = CHUNK_ARTICLES):
    """NLP and records of a few articles: per article ``(mentions, aliases, claims)`` or the error
    message; with the seconds spent in the model and in the records."""
    kb = load_kb()
    nlp = load_pipeline_nlp()  # its own copy of the model, with the knowledge-base ruler
    lex = load_lexicon()
    t0 = time.perf_counter()
    docs = _parse(nlp, articles, batch_size)
    t1 = time.perf_counter()
    out = []
    limit = float(os.environ.get(ENV_DOC_SECONDS, DEFAULT_DOC_SECONDS))
    for article, doc in zip(articles, docs):
        if isinstance(doc, str):  # the model refused or failed on this document
            out.append(doc)
            continue
        try:
            with _time_limit(limit):
                out.append(article_records(article, doc, kb, lex))
        except DocumentTimeout as exc:
            out.append(str(exc))
        except Exception as exc:  # one article's failure is quarantined, the batch goes on
            log.exception("extraction failed for %s", article.raw_path)
            out.append(f"rules: {exc.__class__.__name__}: {exc}"[:2000])
    return out, t1 - t0, time.perf_counter() - t1


def _parse(nlp, articles: list[Article], batch_size: int) -> list:
    """Per article its parsed Doc, or why the model could not parse it. A body over the model's
    ``max_length`` (spaCy's E088, e.g. an article carrying a base64 attachment) is refused before the
    batch runs; when the batch raises anyway, each article is parsed alone so that only the
    failing one is lost."""
    out: list = [None] * len(articles)
    todo = []
    for i, a in enumerate(articles):
        if len(a.body) > nlp.max_length:
            out[i] = (
                f"model: body has {len(a.body)} characters, over the model's limit of "
                f"{nlp.max_length} (spaCy max_length)"
            )
        else:
            todo.append(i)
    try:
        for i, doc in zip(todo, nlp.pipe((articles[i].body for i in todo), batch_size=batch_size)):
            out[i] = doc
    except Exception:
        log.warning("the model failed on a batch of %d articles: parsing them one by one", len(todo))
        for i in todo:
            try:
                out[i] = nlp(articles[i].body)
            except Exception as exc:  # this article only
                log.exception("the model failed on %s", articles[i].raw_path)
                out[i] = f"model: {exc.__class__.__name__}: {exc}"[:2000]
    return out


def _worker_chunk(articles: list[Article]):
    return _extract_chunk(articles)


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _results(english: list[Article], n_process: int, batch_size: int) -> Iterator:
    """Per article, in order: its records or an error message. With several processes, workers
    forked from this one (the model, the knowledge base and the lexicon loaded here first, so they
    share them) each run the model *and* the records of a chunk, so every core does the whole job
    and only small records travel back."""
    import multiprocessing as mp

    forkable = "fork" in mp.get_all_start_methods()
    if n_process <= 1 or len(english) < MIN_PARALLEL_ARTICLES or not forkable:
        for chunk in _chunks(english, max(batch_size, CHUNK_ARTICLES)):
            res, t_nlp, t_rec = _extract_chunk(chunk, batch_size)
            _add_time("nlp", t_nlp)
            _add_time("records", t_rec)
            yield from res
        return
    pool = _pool(n_process)
    for res, t_nlp, t_rec in pool.imap(_worker_chunk, _chunks(english, CHUNK_ARTICLES)):
        _add_time("nlp", t_nlp)
        _add_time("records", t_rec)
        yield from res


_POOL: dict[tuple, object] = {}


def _pool(n_process: int):
    """Worker processes kept for the next batches of this process (their caches stay warm, no new
    fork per batch); forked after the model, knowledge base and lexicon are loaded, so they share
    them. A pool is keyed by the model object: another model gets new workers."""
    import atexit
    import multiprocessing as mp

    nlp = load_pipeline_nlp()
    load_kb(), load_lexicon()
    key = (id(nlp), n_process, os.getpid())
    pool = _POOL.get(key)
    if pool is None:
        shutdown_pool()  # another model or process: its workers go
        pool = _POOL[key] = mp.get_context("fork").Pool(n_process, initializer=_worker_signals)
        atexit.register(shutdown_pool)
    return pool


def _worker_signals() -> None:
    """A worker takes the default SIGTERM (the parent process may have installed its own)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def shutdown_pool(timeout: float = 10.0) -> None:
    """Stop the extraction workers (also done at exit).

    ``Pool.terminate`` sends SIGTERM and waits for every worker; a worker forked from a process with
    other threads (Prefect's) can inherit a handler for SIGTERM or a lock held at the fork and never
    exit, which hung a run at exit. So the stop is watched: workers still alive after ``timeout``
    seconds are killed (they hold nothing to clean up) and the wait completes."""
    for pool in _POOL.values():
        workers = list(getattr(pool, "_pool", []))
        stopper = threading.Thread(target=lambda p=pool: (p.terminate(), p.join()), daemon=True)
        stopper.start()
        stopper.join(timeout)
        if stopper.is_alive():
            log.warning("extraction workers did not stop within %g s: killing them", timeout)
            for worker in workers:
                if worker.exitcode is None:
                    worker.kill()
            stopper.join(timeout)
    _POOL.clear()


def _reject(article: Article, run_id: str, reason: str) -> Reject:
    """The reject row of an article extraction could not handle (the reason says why)."""
    return Reject(
        raw_path=article.raw_path,
        raw_sha256=article.raw_sha256,
        feed=article.feed,
        stage="extract",
        reason=reason,
        run_id=run_id,
    )


def extract_articles(
    articles: list[Article], run_id: str, *, n_process: Optional[int] = None, batch_size: int = 32
) -> Extracted:
    t0 = time.perf_counter()
    out = Extracted()
    max_words = int(os.environ.get(ENV_MAX_WORDS, DEFAULT_MAX_WORDS))
    for a in articles:
        if a.word_count > max_words:
            reason = f"body has {a.word_count} words, over the extraction limit of {max_words}"
            out.rejects.append(_reject(a, run_id, reason))
    articles = [a for a in articles if a.word_count <= max_words]
    english = [a for a in articles if (a.language or "en") in EXTRACT_LANGUAGES]
    other = [a for a in articles if (a.language or "en") not in EXTRACT_LANGUAGES]
    for a in other:
        log.info("%s: language %s, stored without extraction", a.raw_path, a.language)
        out.articles.append(a)
    n_process = default_processes() if n_process is None else n_process
    for article, res in zip(english, _results(english, n_process, batch_size)):
        if isinstance(res, str):
            out.rejects.append(_reject(article, run_id, res))
            continue
        mentions, aliases, claims = res
        out.articles.append(article)
        out.mentions.extend(mentions)
        out.aliases.extend(aliases)
        out.claims.extend(claims)
    _add_time("extract_articles_wall", time.perf_counter() - t0)
    return out
