"""Entities, mentions and claims for a batch of articles (spaCy runs here, and only here)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from newsclaims.claims import extract_claims, load_lexicon
from newsclaims.claims.extractor import claim_id
from newsclaims.entities import ArticleEntities
from newsclaims.kb import load_kb
from newsclaims.models import Article, Claim, EntityAlias, Mention, Reject
from newsclaims.nlp import KB_RULER, load_pipeline_nlp, with_kb_ruler  # noqa: F401 (re-exported)

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
    ents = ArticleEntities(doc, kb, title=article.title)
    mentions: list[Mention] = []
    aliases: list[EntityAlias] = []
    for c in ents.clusters:
        eid = c.entity_id
        for m in c.mentions:
            mentions.append(Mention(article_id=article.article_id, entity_id=eid, text=m.text,
                                    label=m.label, start_char=m.start, end_char=m.end, method=m.method))
        names = c.aliases()
        n = len(c.mentions)
        for alias in sorted(names or {c.canonical_name}):
            aliases.append(EntityAlias(entity_id=eid, article_id=article.article_id,
                                       name=c.canonical_name, type=c.type, alias=alias,
                                       wikidata_id=c.kb.wikidata_id if c.kb else None, n_mentions=n))
    for m in ents.other_mentions:
        mentions.append(Mention(article_id=article.article_id, entity_id=None, text=m.text, label=m.label,
                                start_char=m.start, end_char=m.end, method=m.method))
    body = article.body
    claims = []
    for cs in extract_claims(doc, ents, lex):
        spans = [list(s) for s in cs.content_spans]
        content = " ".join(body[s:e] for s, e in cs.content_spans)
        sp = cs.speaker
        cue = cs.cue
        sent_start = body.rfind("\n", 0, cs.content_start) + 1
        sent_end = body.find("\n", cs.content_end)
        claims.append(Claim(
            claim_id=claim_id(article.article_id, cs), article_id=article.article_id, kind=cs.kind,
            speaker_entity_id=cs.speaker_cluster.entity_id if cs.speaker_cluster else None,
            speaker_text=body[sp[0]:sp[1]] if sp else None,
            speaker_start=sp[0] if sp else None, speaker_end=sp[1] if sp else None,
            cue=body[cue[0]:cue[1]] if cue else None,
            cue_start=cue[0] if cue else None, cue_end=cue[1] if cue else None,
            content=content, content_start=cs.content_start, content_end=cs.content_end,
            content_spans=spans, confidence=cs.confidence,
            claim_date=claim_date(article, body[sent_start:sent_end if sent_end > 0 else len(body)]),
        ))
    mentions.sort(key=lambda m: (m.start_char, m.end_char))
    # one mention per span (a name can be found as NER and as a description)
    uniq: dict[tuple[int, int], Mention] = {}
    for m in mentions:
        uniq.setdefault((m.start_char, m.end_char), m)
    return list(uniq.values()), aliases, claims


def extract_articles(articles: list[Article], run_id: str, *, n_process: int = 1,
                     batch_size: int = 32) -> Extracted:
    out = Extracted()
    kb = load_kb()
    nlp = load_pipeline_nlp()  # its own copy of the model, with the knowledge-base ruler
    lex = load_lexicon()
    english = [a for a in articles if (a.language or "en") in EXTRACT_LANGUAGES]
    other = [a for a in articles if (a.language or "en") not in EXTRACT_LANGUAGES]
    for a in other:
        log.info("%s: language %s, stored without extraction", a.raw_path, a.language)
        out.articles.append(a)
    docs = nlp.pipe((a.body for a in english), batch_size=batch_size, n_process=n_process)
    for article, doc in zip(english, docs):
        try:
            mentions, aliases, claims = article_records(article, doc, kb, lex)
        except Exception as exc:  # one article's failure is quarantined, the batch goes on
            log.exception("extraction failed for %s", article.raw_path)
            out.rejects.append(Reject(raw_path=article.raw_path, raw_sha256=article.raw_sha256,
                                      feed=article.feed, stage="extract",
                                      reason=f"{exc.__class__.__name__}: {exc}", run_id=run_id))
            continue
        out.articles.append(article)
        out.mentions.extend(mentions)
        out.aliases.extend(aliases)
        out.claims.extend(claims)
    return out
