"""Stories across outlets and claim groups across wordings, assigned incrementally.

Runs after extraction and before the load, over the run's new articles only:

* **Stories.** Each new article (in date order) joins the most similar story among articles
  published within ``window_days`` of it — already loaded ones (read from the warehouse) and the
  run's earlier ones — or starts a new story. Similarity is the cosine of TF-IDF vectors of title and
  body (IDF smoothed over the candidate set) blended with the overlap of the entities both mention.
  Assignments are never revisited, so history is not reclustered.
* **Claim groups.** Two claims in different articles of one story, by the same resolved speaker,
  share a group when some sentence or clause of one and some of the other share at least
  ``min_shared`` content-word stems and those cover at least ``min_overlap`` of the smaller unit
  (entities are compared by id, so "Russia" and "the Russian Federation" meet). This catches other
  translations, partial quotes and paraphrases that keep the key words; groups are the connected
  components of those links. A group's id is ``g_`` + its smallest claim id.

Everything is derived from the warehouse plus the run's lake batches, so a rerun after a crash
computes the same ids.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

from spacy.lang.en.stop_words import STOP_WORDS

WINDOW_DAYS = 7
STORY_THRESHOLD = 0.30
ENTITY_WEIGHT = 0.5
#: an article is compared with those sharing one of its this-many highest-weighted terms (or an entity)
CANDIDATE_TERMS = 15
MIN_SHARED = 3
MIN_OVERLAP = 0.5
MIN_SHARED_WORDS = 2
_ENT_TOKEN = re.compile(r"ENT[0-9a-f]{8}")

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]+")
_SENTENCE = re.compile(r"(?<=[.!?;:])[\"”’']*\s+|\n+")
_CLAUSE = re.compile(r",\s*(?:but|yet|and|while|which|so|although|though)\b|;|\s[—–]\s")
_SUFFIXES = ("ingly", "edly", "ings", "ing", "ied", "ies", "ed", "es", "ly", "s")
_NEGATIONS = {"not", "no", "never", "n't", "nor", "without"}
STOP = {w for w in STOP_WORDS if w not in _NEGATIONS} | {"said", "says", "say", "told", "ve", "ll", "re", "don", "won"}


def stem(word: str) -> str:
    w = word.lower().replace("’", "'").split("'")[0]
    for suf in _SUFFIXES:
        if len(w) - len(suf) >= 3 and w.endswith(suf):
            w = w[: -len(suf)]
            break
    if len(w) > 4 and w.endswith("e"):  # ignore / ignored / ignores meet at "ignor"
        w = w[:-1]
    return w[:6]


def content_stems(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(text) if w.lower().replace("’", "'").split("'")[0] not in STOP]


# --- stories ---------------------------------------------------------------------------------------

@dataclass
class StoryArticle:
    article_id: str
    published_date: Optional[dt.date]
    title: Optional[str]
    body: str
    entities: set[str] = field(default_factory=set)
    outlet: Optional[str] = None
    story_id: Optional[str] = None

    def terms(self) -> Counter:
        return Counter(content_stems(f"{self.title or ''} {self.title or ''} {self.body}"))


def _tfidf(counts: Counter, idf: dict[str, float]) -> dict[str, float]:
    vec = {t: (1 + math.log(c)) * idf.get(t, 1.0) for t, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {t: v / norm for t, v in vec.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def _entity_overlap(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _within(a: Optional[dt.date], b: Optional[dt.date], days: int) -> bool:
    return a is None or b is None or abs((a - b).days) <= days


def assign_stories(new: list[StoryArticle], existing: list[StoryArticle], *, window_days: int = WINDOW_DAYS,
                   threshold: float = STORY_THRESHOLD) -> dict[str, tuple[str, Optional[float]]]:
    """article_id -> (story_id, similarity to the story it joined, or None when it started one)."""
    pool = [a for a in existing if a.story_id]
    order = sorted(new, key=lambda a: (a.published_date or dt.date.max, a.article_id))
    docs = pool + order
    df: Counter = Counter()
    terms = {a.article_id: a.terms() for a in docs}
    for t in terms.values():
        df.update(t.keys())
    n = len(docs)
    idf = {t: math.log((n + 1) / (d + 1)) + 1 for t, d in df.items()}
    vecs = {aid: _tfidf(c, idf) for aid, c in terms.items()}
    # candidates share one of an article's most distinctive terms or entities: an inverted index
    # keeps this linear in practice instead of comparing every pair
    index: dict[str, list[StoryArticle]] = {}

    def keys(a: StoryArticle) -> list[str]:
        top = sorted(vecs[a.article_id].items(), key=lambda kv: -kv[1])[:CANDIDATE_TERMS]
        return [t for t, _ in top] + [f"@{e}" for e in a.entities]

    for other in pool:
        for k in keys(other):
            index.setdefault(k, []).append(other)
    out: dict[str, tuple[str, Optional[float]]] = {}
    for art in order:
        scores: dict[str, float] = {}
        seen: set[str] = set()
        candidates = [o for k in keys(art) for o in index.get(k, ())
                      if not (o.article_id in seen or seen.add(o.article_id))]
        for other in candidates:
            if not _within(art.published_date, other.published_date, window_days):
                continue
            s = (1 - ENTITY_WEIGHT) * _cosine(vecs[art.article_id], vecs[other.article_id]) + \
                ENTITY_WEIGHT * _entity_overlap(art.entities, other.entities)
            if s > scores.get(other.story_id, 0.0):
                scores[other.story_id] = s
        best = max(scores.items(), key=lambda kv: (kv[1], kv[0]), default=None)
        if best is not None and best[1] >= threshold:
            art.story_id = best[0]
            out[art.article_id] = (best[0], round(best[1], 4))
        else:
            art.story_id = "s_" + art.article_id.removeprefix("a_")
            out[art.article_id] = (art.story_id, None)
        for k in keys(art):
            index.setdefault(k, []).append(art)
    return out


# --- claim groups ----------------------------------------------------------------------------------

@dataclass
class GroupClaim:
    claim_id: str
    article_id: str
    story_id: Optional[str]
    speaker_entity_id: Optional[str]
    content: str
    group_id: Optional[str] = None  # set for claims already grouped in the warehouse
    entity_spans: list[tuple[str, str]] = field(default_factory=list)  # (surface text, entity id)

    def units(self) -> list[set[str]]:
        text = self.content
        for surface, eid in sorted(self.entity_spans, key=lambda x: -len(x[0])):
            text = text.replace(surface, f" ENT{hashlib.md5(eid.encode()).hexdigest()[:8]} ")
        sentences = [s for s in _SENTENCE.split(text) if s.strip()]
        pieces = sentences + [c for s in sentences for c in _CLAUSE.split(s) if c.strip()]
        out = []
        for p in pieces:
            ents = set(_ENT_TOKEN.findall(p))
            stems = set(content_stems(_ENT_TOKEN.sub(" ", p))) | ents
            if len(stems) >= MIN_SHARED:
                out.append(stems)
        return out


def same_utterance(a: GroupClaim, b: GroupClaim, *, min_shared: int = MIN_SHARED,
                   min_overlap: float = MIN_OVERLAP) -> bool:
    """Some unit of each shares enough words: at least ``min_shared`` stems or entities, of which at
    least ``MIN_SHARED_WORDS`` are words (not entities, not negations), covering ``min_overlap`` of
    the smaller unit."""
    for ua in a.units():
        for ub in b.units():
            shared = ua & ub
            words = {s for s in shared if not _ENT_TOKEN.fullmatch(s) and s not in _NEGATIONS}
            if len(shared) >= min_shared and len(words) >= MIN_SHARED_WORDS and \
                    len(shared) / min(len(ua), len(ub)) >= min_overlap:
                return True
    return False


def group_claims(new: list[GroupClaim], existing: list[GroupClaim]) -> dict[str, str]:
    """claim_id -> claim_group_id for the new claims (existing claims keep their groups)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(x: str, y: str) -> None:
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)

    by_story: dict[Optional[str], list[GroupClaim]] = {}
    for c in existing + new:
        by_story.setdefault(c.story_id, []).append(c)
    for c in existing:
        union(c.claim_id, c.group_id or c.claim_id)
    new_ids = {c.claim_id for c in new}
    for story, claims in by_story.items():
        if story is None:
            continue
        for i, a in enumerate(claims):
            for b in claims[i + 1:]:
                if a.article_id == b.article_id or a.speaker_entity_id is None or \
                        a.speaker_entity_id != b.speaker_entity_id:
                    continue
                if (a.claim_id in new_ids or b.claim_id in new_ids) and same_utterance(a, b):
                    union(a.claim_id, b.claim_id)
    # an existing group keeps its id; a new group is named after its smallest claim id
    existing_group = {find(c.claim_id): c.group_id for c in existing if c.group_id}
    out = {}
    for c in new:
        root = find(c.claim_id)
        out[c.claim_id] = existing_group.get(root) or ("g_" + root.removeprefix("c_"))
    return out
