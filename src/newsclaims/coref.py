"""Who a claim's pronoun or description speaker is: agreement, salience and the roles table.

:func:`resolve_claim_speakers` runs once per article after the claims are extracted, over the claims
in text order, so that "the speaker of the last claim" is known when a pronoun is read:

* **first and second person** ("I", "we", "you") are never a speaker by themselves: inside a
  quotation they are the voice of whoever the quotation is attributed to (the claim whose content
  holds it); outside one (a column's own "I") the claim stays without a speaker;
* **he / she** go to a person of the article by agreement (gender from titles -- Mr, Mrs, Ms --,
  from the pronouns the text already binds to the person, and from first names, the list in
  ``kb/first_names.tsv``) and salience (the speaker of the last claims, subjects of recent
  sentences, recency in sentences); a person of the other gender is never chosen, and when two
  candidates are about equally salient the speaker stays empty;
* **it / its / they / their** go only to organisations, countries and groups (ORG, GPE, NORP), and
  only when one of them is clearly the most salient;
* **descriptions** ("the senator", "the newspaper") go to the entity the article ties them to
  (apposition "X, the senator,"; copula "X is the senator"), to the one media organisation of the
  article ("the newspaper", "the daily"), or to the holder of the office on the article's date
  (:mod:`newsclaims.kb.offices`) when the article names no one who could hold it.

Every resolution carries a confidence in [0, 1]; :func:`resolve_claim_speakers` folds it into the
claim's own confidence (a name 1.0; a pronoun by its margin over the runner-up).
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Optional, Sequence

from newsclaims.entities import ArticleEntities, Cluster, quoted_ranges
from newsclaims.nlp import doc_text

if TYPE_CHECKING:  # pragma: no cover
    from newsclaims.claims.extractor import ClaimSpan

FIRST_PERSON = {"i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves"}
SECOND_PERSON = {"you", "your", "yours", "yourself", "yourselves"}
MALE_PRONOUNS = {"he", "him", "his", "himself"}
FEMALE_PRONOUNS = {"she", "her", "hers", "herself"}
THING_PRONOUNS = {"it", "its", "itself"}
PLURAL_PRONOUNS = {"they", "them", "their", "theirs", "themselves"}
RELATIVE = {"who", "which", "that", "whom", "whose"}

MALE_TITLES = {"mr", "sir", "lord", "king", "prince", "congressman", "spokesman", "chairman", "duke",
               "baron", "father", "brother", "husband", "son", "uncle", "grandfather", "businessman",
               "sheikh", "emir", "pope", "archbishop", "cardinal", "monsieur", "herr", "senor", "señor"}
FEMALE_TITLES = {"mrs", "ms", "miss", "dame", "lady", "queen", "princess", "congresswoman", "spokeswoman",
                 "chairwoman", "duchess", "baroness", "mother", "sister", "wife", "daughter", "aunt",
                 "grandmother", "businesswoman", "madame", "mme", "frau", "senora", "señora", "first lady"}
#: nouns that stand for the article's media organisation
MEDIA_HEADS = {"newspaper", "paper", "daily", "network", "channel", "broadcaster", "magazine", "outlet",
               "agency", "station", "tabloid", "weekly", "publication", "site", "website"}
MEDIA_WORDS = re.compile(r"\b(?:times|post|news|journal|herald|tribune|guardian|telegraph|gazette|"
                         r"press|reuters|associated|bloomberg|cnn|bbc|abc|cbs|nbc|fox|msnbc|npr|politico|"
                         r"magazine|daily|mail|sun|express|mirror|independent|observer|economist|"
                         r"interfax|tass|ria|itar|xinhua|afp|agence|channel|radio|tv|television|"
                         r"network|broadcasting|media|wire|week|monthly|review|standard|chronicle|"
                         r"globe|star|inquirer|examiner|record|courier|bulletin)\b", re.I)


# --- gender ---------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def first_names() -> dict[str, str]:
    """First name (lower case) -> "m" or "f", from ``kb/first_names.tsv`` (names that are commonly
    given to both are left out of the file)."""
    out: dict[str, str] = {}
    text = resources.files("newsclaims.kb").joinpath("first_names.tsv").read_text(encoding="utf-8")
    for row in csv.reader((l for l in text.splitlines() if l.strip() and not l.startswith("#")), delimiter="\t"):
        if len(row) >= 2 and row[1].strip() in ("m", "f"):
            out[row[0].strip().lower()] = row[1].strip()
    return out


def pronoun_gender(word: str) -> Optional[str]:
    w = word.lower()
    return "m" if w in MALE_PRONOUNS else "f" if w in FEMALE_PRONOUNS else None


# --- the article's discourse --------------------------------------------------------------------------

@dataclass
class Resolution:
    cluster: Optional[Cluster]
    how: str          # name | pronoun | relative | description | media | office | quote-voice | none
    confidence: float


class Discourse:
    """Sentences, quotations, subjects and the gender evidence of one article's people."""

    def __init__(self, ents: ArticleEntities, published: Optional[dt.date] = None,
                 country_hint: Optional[str] = None, reported: Sequence[tuple[int, int]] = ()):
        self.ents = ents
        self.doc = ents.doc
        self.text = doc_text(self.doc)
        self.quotes = quoted_ranges(self.text)
        self.reported = sorted(reported)  # content spans of the article's claims (reported speech)
        self.sent_starts = [s.start_char for s in self.doc.sents]
        self.published = published
        self.country_hint = country_hint
        self.history: list[tuple[int, Cluster]] = []  # (position, speaker) of the claims read so far
        self._gender: dict[int, Optional[str]] = {}
        self._mentions = self._index_mentions()
        self._pronoun_votes = self._gender_from_pronouns()

    # positions
    def sent_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.sent_starts, pos) - 1)

    def in_quote(self, pos: int) -> bool:
        return any(s <= pos < e for s, e in self.quotes)

    def quote_at(self, pos: int) -> Optional[tuple[int, int]]:
        return next(((s, e) for s, e in self.quotes if s <= pos < e), None)

    def in_reported(self, pos: int) -> bool:
        return any(s <= pos < e for s, e in self.reported)

    def _index_mentions(self) -> list[tuple[int, int, Cluster, float]]:
        """(start, sentence, cluster, weight) of every mention outside quotations: a subject weighs
        more, a mention inside reported speech (another claim's content) less."""
        out = []
        for c in self.ents.clusters:
            for m in c.mentions:
                if self.in_quote(m.start):
                    continue
                span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
                subj = span is not None and span.root.dep_ in ("nsubj", "nsubjpass")
                w = 0.5 if self.in_reported(m.start) else 1.8 if subj else 1.0
                out.append((m.start, self.sent_of(m.start), c, w))
        out.sort(key=lambda x: x[0])
        return out

    def _gender_from_pronouns(self) -> dict[int, list[int]]:
        """Votes [male, female] per cluster: a he/his or she/her later in a sentence whose subject is
        the person's mention, with no other person named in between and outside quotations."""
        votes: dict[int, list[int]] = {}
        people = [(s, c) for s, _, c, w in self._mentions if c.type == "PERSON" and w > 1.0]
        person_starts = sorted(s for s, _, c, _ in self._mentions if c.type == "PERSON")
        for start, c in people:
            sent = self.doc.char_span(start, start + 1, alignment_mode="expand")
            if sent is None:
                continue
            s_end = sent.sent.end_char
            for tok in self.doc.char_span(start, s_end, alignment_mode="expand") or ():
                if tok.idx <= start or self.in_quote(tok.idx):
                    continue
                i = bisect.bisect_right(person_starts, start)
                if i < len(person_starts) and person_starts[i] < tok.idx:
                    break  # another person named before the pronoun
                g = pronoun_gender(tok.text)
                if g is not None and tok.pos_ == "PRON":
                    v = votes.setdefault(id(c), [0, 0])
                    v[0 if g == "m" else 1] += 1
                    break
        return votes

    def gender(self, c: Cluster) -> Optional[str]:
        if id(c) in self._gender:
            return self._gender[id(c)]
        g: Optional[str] = None
        titles = {t.lower().rstrip(".") for t in c.titles}
        m, f = bool(titles & MALE_TITLES), bool(titles & FEMALE_TITLES)
        if m != f:
            g = "m" if m else "f"
        if g is None and len(c.tokens) > 1:
            g = first_names().get(c.tokens[0].lower().rstrip("."))
        if g is None:
            v = self._pronoun_votes.get(id(c))
            if v and v[0] != v[1] and max(v) >= 1 and min(v) == 0:
                g = "m" if v[0] > v[1] else "f"
        self._gender[id(c)] = g
        return g

    # salience
    def salience(self, pos: int, types: set[str], window: int = 4) -> dict[int, tuple[float, Cluster]]:
        """Score of each entity of the given types mentioned before ``pos``: recency of its mentions
        halved with each sentence back, subjects and claim speakers weighted up."""
        here = self.sent_of(pos)
        scores: dict[int, tuple[float, Cluster]] = {}

        def add(c: Cluster, w: float) -> None:
            old = scores.get(id(c))
            scores[id(c)] = ((old[0] if old else 0.0) + w, c)

        for start, sent, c, w in self._mentions:
            if start >= pos:
                break
            if c.type not in types or here - sent > window:
                continue
            add(c, w * 0.5 ** (here - sent))
        for start, c in self.history:
            if start >= pos or c.type not in types:
                continue
            d = here - self.sent_of(start)
            if d <= window:
                add(c, 1.5 * 0.5 ** d)
        if self.history:
            last = max((h for h in self.history if h[0] < pos), key=lambda h: h[0], default=None)
            if last is not None and last[1].type in types and here - self.sent_of(last[0]) <= window:
                add(last[1], 2.0)
        return scores


# --- resolution --------------------------------------------------------------------------------------

def resolve_pronoun(dis: Discourse, word: str, pos: int) -> Resolution:
    low = word.lower()
    if low in FIRST_PERSON or low in SECOND_PERSON:
        return Resolution(None, "none", 1.0)
    if low in MALE_PRONOUNS or low in FEMALE_PRONOUNS:
        want = pronoun_gender(low)
        scores = dis.salience(pos, {"PERSON"})
        cands = []
        for sc, c in scores.values():
            g = dis.gender(c)
            if g is not None and g != want:
                continue
            cands.append((sc * (1.0 if g == want else 0.6), c))
        return _pick(cands, "pronoun")
    if low in THING_PRONOUNS:
        # "it" is an organisation or a country only when one is plainly in focus: the speaker of the
        # last claim or the subject of this or the last sentence, and no other such entity is
        here = dis.sent_of(pos)
        focus: dict[int, Cluster] = {}
        for start, sent, c, w in dis._mentions:
            if start >= pos:
                break
            if c.type in ("ORG", "GPE") and w > 1.0 and here - sent <= 1:
                focus[id(c)] = c
        last = max((h for h in dis.history if h[0] < pos), key=lambda h: h[0], default=None)
        if last is not None and last[1].type in ("ORG", "GPE") and here - dis.sent_of(last[0]) <= 1:
            focus[id(last[1])] = last[1]
        if len(focus) == 1:
            return Resolution(next(iter(focus.values())), "pronoun", 0.7)
        return Resolution(None, "none", 0.0)
    # "they": a group the article rarely names as one entity ("critics", "both candidates"), left open
    return Resolution(None, "none", 0.0)


def _pick(cands: list[tuple[float, Cluster]], how: str, margin: float = 1.5) -> Resolution:
    """The best candidate when it is clearly ahead of the runner-up (score ratio >= ``margin``)."""
    if not cands:
        return Resolution(None, "none", 0.0)
    cands.sort(key=lambda x: -x[0])
    best = cands[0][0]
    second = cands[1][0] if len(cands) > 1 else 0.0
    if second and best < margin * second:
        return Resolution(None, "none", 0.0)
    conf = best / (best + second) if best + second else 0.0
    return Resolution(cands[0][1], how, round(min(0.95, conf), 2))


def _claim_order(c: "ClaimSpan") -> int:
    return c.speaker[0] if c.speaker is not None else c.content_start


def resolve_claim_speakers(claims: Sequence["ClaimSpan"], ents: ArticleEntities,
                           published: Optional[dt.date] = None) -> None:
    """Re-resolve, in text order, the speakers that are pronouns; drop first/second-person speakers
    outside quotations; give quoted "I"/"we" the voice of the enclosing quotation. Updates each
    claim's ``speaker_cluster`` and scales its ``confidence`` by the resolution's."""
    dis = Discourse(ents, published, reported=[sp for c in claims for sp in c.content_spans])
    doc = ents.doc
    ordered = sorted(claims, key=_claim_order)
    for claim in ordered:
        res = None
        if claim.speaker is not None:
            span = doc.char_span(*claim.speaker, alignment_mode="expand")
            root = span.root if span is not None else None
            if root is not None and root.lower_ in RELATIVE:
                res = None  # the extractor binds relative pronouns to their antecedent
            elif root is not None and root.pos_ == "PRON" and len(span) <= 2:
                word = root.text
                if word.lower() in FIRST_PERSON | SECOND_PERSON:
                    res = _quote_voice(dis, claims, claim)
                else:
                    res = resolve_pronoun(dis, word, claim.speaker[0])
        if res is not None:
            claim.speaker_cluster = res.cluster
            claim.confidence = round(claim.confidence * (res.confidence if res.cluster else 1.0), 2)
        if claim.speaker_cluster is not None:
            dis.history.append((_claim_order(claim), claim.speaker_cluster))


def _quote_voice(dis: Discourse, claims: Sequence["ClaimSpan"], claim: "ClaimSpan") -> Resolution:
    """A first-person speaker inside a quotation speaks for whoever the quotation is attributed to."""
    q = dis.quote_at(claim.speaker[0])
    if q is None:
        return Resolution(None, "none", 1.0)
    for other in claims:
        if other is claim or other.speaker_cluster is None:
            continue
        if any(s <= q[0] < e or q[0] <= s < q[1] for s, e in other.content_spans):
            return Resolution(other.speaker_cluster, "quote-voice", 0.9)
    return Resolution(None, "none", 1.0)
