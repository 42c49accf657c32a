"""What a story is compared on: an article's views (body, lead, headline, entity ids, people, places,
numbers and calendar words, proper names), their TF-IDF vectors, and the settings of the comparison
(:class:`StoryParams`)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Optional

from spacy.lang.en.stop_words import STOP_WORDS

WINDOW_DAYS = 7
#: the revision window: each run re-clusters the stories with an article published or ingested in
#: the last this-many days (see :func:`revise_stories` and ``link.window.revision_window_of``) ...
REVISION_DAYS = 7
#: ... up to this many articles (whole stories, most recently ingested first): the pair scores of
#: the window are a dense matrix
MAX_WINDOW = 5000
STORY_THRESHOLD = 0.22
#: an article is compared with those sharing one of its this-many highest-weighted terms (or an entity)
CANDIDATE_TERMS = 15
CANDIDATE_ENTITIES = 5

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]+")
_SUFFIXES = ("ingly", "edly", "ings", "ing", "ied", "ies", "ed", "es", "ly", "s")
_NEGATIONS = {"not", "no", "never", "n't", "nor", "without"}
STOP = {w for w in STOP_WORDS if w not in _NEGATIONS} | {
    "said",
    "says",
    "say",
    "told",
    "ve",
    "ll",
    "re",
    "don",
    "won",
}


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

#: the views of an article and their weights in the similarity (see :class:`StoryParams`)
VIEWS = ("body", "lead", "title", "entities", "people", "places", "specifics", "names")
#: entity id prefixes of the ``places`` view (``kb:`` ids are countries and places of the knowledge base)
_PLACE_TYPES = ("gpe:", "loc:", "fac:", "kb:")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CALENDAR = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june "
    "july august september october november december".split()
)
#: a capitalised word that does not open a sentence or a line: a name, whether or not NER found it
_NAME = re.compile(r"(?<![.!?:]\s)(?<![.!?:]\s[\"“‘'])(?<!^)\b([A-Z][a-z]+(?:[A-Z][a-z]+)?)\b", re.M)


def proper_names(text: str) -> list[str]:
    """Capitalised words that do not open a sentence or a line, lower-cased, without stop words and
    calendar words ("Cheeks", "Mysore", "Sukanya"): the names that tell two events of one kind apart,
    including those the entity recogniser missed or resolved differently in each article."""
    return [w for w in (x.lower() for x in _NAME.findall(text)) if w not in STOP and w not in _CALENDAR]


@dataclass(frozen=True)
class StoryParams:
    """How articles are compared with stories (see :mod:`newsclaims.evaluation.stories_eval` for the
    measurements).

    Defaults: the weights chosen on ECB+ train for body, lead, entity ids and specifics (0.2 / 0.2 /
    0.3 / 0.3, threshold 0.22), scaled by 0.9 to make room for the proper-name view at 0.1, the
    largest share that did not cost ECB+ train what it gains on dev. The headline, people and places
    views are off by default: a logistic regression on ECB+ train article pairs
    (``newsclaims eval stories FILE --split train --reuse DIR --fit-weights``)
    spreads weight over all eight views, and those weights cluster ECB+ dev better but train worse."""

    window_days: int = WINDOW_DAYS
    threshold: float = STORY_THRESHOLD
    body_weight: float = 0.18
    lead_weight: float = 0.18
    title_weight: float = 0.0
    entity_weight: float = 0.27
    people_weight: float = 0.0
    places_weight: float = 0.0
    specifics_weight: float = 0.27
    names_weight: float = 0.1
    #: the lead view is the headline plus this many words of the body
    lead_words: int = 20
    #: an article is compared with a story's centroid ("centroid"), its closest member within the
    #: window ("max"), the mean of those two ("max+centroid") or the mean over its members ("mean");
    #: on ECB+ the first three score within noise of each other, and the centroid costs least
    linkage: str = "centroid"
    #: member linkages compare with at most this many of a story's latest members (bounded cost)
    max_members: int = 200
    #: a story is only joined when the mean cosine of the word views (body, lead) reaches this share
    #: of the threshold: shared numbers, days and entities refine a match of the text, never make one
    min_text: float = 0.5
    candidate_terms: int = CANDIDATE_TERMS
    #: ... or one of its this-many rarest entities (a country or a broadcaster named everywhere would
    #: make every story of the window a candidate)
    candidate_entities: int = CANDIDATE_ENTITIES

    def weights(self) -> dict[str, float]:
        return {
            "body": self.body_weight,
            "lead": self.lead_weight,
            "title": self.title_weight,
            "entities": self.entity_weight,
            "people": self.people_weight,
            "places": self.places_weight,
            "specifics": self.specifics_weight,
            "names": self.names_weight,
        }


@dataclass
class StoryArticle:
    article_id: str
    published_date: Optional[dt.date]
    title: Optional[str]
    body: str
    entities: set[str] = field(default_factory=set)
    outlet: Optional[str] = None
    story_id: Optional[str] = None
    #: the day the article was ingested (the revision window and story age of undated articles)
    ingested: Optional[dt.date] = None
    #: term counts per view, computed once (keyed by lead length)
    cache: dict = field(default_factory=dict, repr=False, compare=False)

    def terms(self) -> Counter:
        return self.views()["body"]

    def views(self, lead_words: int = StoryParams.lead_words) -> dict[str, Counter]:
        """Term counts of the views: ``body`` (content-word stems of headline, twice, and body),
        ``lead`` (headline and the first ``lead_words`` words: news puts the event first), ``title``
        (the headline alone, or the first 12 words when there is none), ``entities`` (the resolved
        entity ids of the article's mentions: who and where), ``people`` and ``places`` (the person
        ids and the place ids among them: the same name weighs more than the same organisation),
        ``specifics`` (numbers of two or more characters and calendar words: how many and which day,
        where two events of one kind differ) and ``names`` (:func:`proper_names` of headline and body:
        who and where, by the words the article uses)."""
        got = self.cache.get(lead_words)
        if got is None:
            title = self.title or ""
            text = f"{title} {title} {self.body}"
            lead = " ".join(self.body.split()[:lead_words])
            # a lone digit (list counts, "2 p.m.") is too common to tell events apart
            specifics = Counter(
                n.replace(",", "") for n in _NUMBER.findall(f"{title} {self.body}") if len(n) > 1
            )
            specifics.update(
                w for w in (x.lower() for x in _WORD.findall(f"{title} {self.body}")) if w in _CALENDAR
            )
            got = self.cache[lead_words] = {
                "body": Counter(content_stems(text)),
                "lead": Counter(content_stems(f"{title} {lead}")),
                "title": Counter(content_stems(title or " ".join(self.body.split()[:12]))),
                "entities": Counter(self.entities),
                "people": Counter(e for e in self.entities if e.startswith("person:")),
                "places": Counter(e for e in self.entities if e.startswith(_PLACE_TYPES)),
                "specifics": specifics,
                "names": Counter(proper_names(f"{title}\n{self.body}")),
            }
        return got


def idf_of(term_sets: Iterable[Iterable[str]]) -> dict[str, float]:
    """Smoothed inverse document frequency, ``log((n + 1) / (df + 1)) + 1``, of the terms of ``n``
    documents (each given by its distinct terms)."""
    df: Counter = Counter()
    n = 0
    for terms in term_sets:
        df.update(terms)
        n += 1
    return {t: math.log((n + 1) / (d + 1)) + 1 for t, d in df.items()}


def _tfidf(counts: Counter, idf: dict[str, float]) -> dict[str, float]:
    vec = {t: (1 + math.log(c)) * idf.get(t, 1.0) for t, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {t: v / norm for t, v in vec.items()}


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def _within(a: Optional[dt.date], b: Optional[dt.date], days: int) -> bool:
    return a is None or b is None or abs((a - b).days) <= days
