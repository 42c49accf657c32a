"""What speaker resolution knows about one article: its people's gender, what is salient where,
and the descriptions the article ties to names.

:class:`Discourse` indexes the article once (mentions outside quotations, weighted; the gender
evidence of each person; the bindings "X, the senator," and "X is the senator") and answers the
questions of :mod:`newsclaims.extract.coref`: who is salient at a position, which gender a person
has, which entity a role noun is bound to. :class:`Resolution` is what every resolution rule
returns.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Optional, Sequence

from newsclaims.extract.entities import ArticleEntities, Cluster
from newsclaims.extract.nlp import doc_text

FIRST_PERSON = {"i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves"}
SECOND_PERSON = {"you", "your", "yours", "yourself", "yourselves"}
MALE_PRONOUNS = {"he", "him", "his", "himself"}
FEMALE_PRONOUNS = {"she", "her", "hers", "herself"}
THING_PRONOUNS = {"it", "its", "itself"}
PLURAL_PRONOUNS = {"they", "them", "their", "theirs", "themselves"}
#: salience added per earlier mention of an entity (up to 20): the article's main character
PROMINENCE = 0.12
#: modifiers that make a role another one ("vice presidential nominee", "former senator")
ROLE_SHIFTERS = frozenset({"vice", "deputy", "former", "assistant", "acting", "ex", "associate", "junior"})

MALE_TITLES = {
    "mr",
    "sir",
    "lord",
    "king",
    "prince",
    "congressman",
    "spokesman",
    "chairman",
    "duke",
    "baron",
    "father",
    "brother",
    "husband",
    "son",
    "uncle",
    "grandfather",
    "businessman",
    "sheikh",
    "emir",
    "pope",
    "archbishop",
    "cardinal",
    "monsieur",
    "herr",
    "senor",
    "señor",
}
FEMALE_TITLES = {
    "mrs",
    "ms",
    "miss",
    "dame",
    "lady",
    "queen",
    "princess",
    "congresswoman",
    "spokeswoman",
    "chairwoman",
    "duchess",
    "baroness",
    "mother",
    "sister",
    "wife",
    "daughter",
    "aunt",
    "grandmother",
    "businesswoman",
    "madame",
    "mme",
    "frau",
    "senora",
    "señora",
    "first lady",
}


# --- gender ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def first_names() -> dict[str, str]:
    """First name (lower case) -> "m" or "f", from ``kb/first_names.tsv`` (names that are commonly
    given to both are left out of the file)."""
    out: dict[str, str] = {}
    text = resources.files("newsclaims.extract.kb").joinpath("first_names.tsv").read_text(encoding="utf-8")
    for row in csv.reader(
        (line for line in text.splitlines() if line.strip() and not line.startswith("#")), delimiter="\t"
    ):
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
    how: str  # name | pronoun | relative | description | media | office | quote-voice | none
    confidence: float


class Discourse:
    """Sentences, quotations, subjects and the gender evidence of one article's people."""

    def __init__(
        self,
        ents: ArticleEntities,
        published: Optional[dt.date] = None,
        reported: Sequence[tuple[int, int]] = (),
    ):
        self.ents = ents
        self.doc = ents.doc
        self.text = doc_text(self.doc)
        self.quotes = ents.quotes
        self.reported = sorted(reported)  # content spans of the article's claims (reported speech)
        self.sent_starts = [s.start_char for s in self.doc.sents]
        self.published = published
        self.history: list[tuple[int, Cluster]] = []  # (position, speaker) of the claims read so far
        self._gender: dict[int, Optional[str]] = {}
        self._mentions = self._index_mentions()
        self._pronoun_votes = self._gender_from_pronouns()
        self.bindings = self._bindings()

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

    def _bindings(self) -> list[tuple[int, str, Cluster]]:
        """(position, role noun, entity) for every description the article ties to a named entity:
        an apposition ("Donald Trump, the Republican nominee"; "the senator, Lindsey Graham"), a
        copula ("X is the club manager") or a role noun right before the name ("Republican nominee
        Donald Trump")."""
        out = []
        for c in self.ents.clusters:
            if c.type not in ("PERSON", "ORG", "GPE", "NORP"):
                continue
            for m in c.mentions:
                if m.method not in ("ner", "alias"):
                    continue
                span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
                if span is None:
                    continue
                r = span.root
                nouns = [t for t in r.children if t.dep_ == "appos" and t.pos_ == "NOUN"]
                if r.dep_ == "appos" and r.head.pos_ == "NOUN":
                    nouns.append(r.head)
                if r.dep_ in ("nsubj", "nsubjpass") and r.head.lemma_ == "be":
                    nouns += [t for t in r.head.children if t.dep_ == "attr" and t.pos_ == "NOUN"]
                i = span.start - 1
                while (
                    i >= 0
                    and self.doc[i].pos_ in ("NOUN", "ADJ", "PROPN")
                    and self.doc[i].dep_ == "compound"
                    or i >= 0
                    and self.doc[i].pos_ == "NOUN"
                    and self.doc[i].text.islower()
                    and self.doc[i].head.i in range(span.start, span.end)
                ):
                    if self.doc[i].pos_ == "NOUN" and self.doc[i].text.islower():
                        nouns.append(self.doc[i])
                    i -= 1
                pre = {t.lower_ for t in self.doc[i + 1 : span.start]}
                for n in nouns:
                    if not self.in_quote(n.idx):
                        mods = pre | {t.lower_ for t in n.children if t.dep_ in ("amod", "compound")}
                        out.append((m.start, n.lemma_.lower(), c, frozenset(mods)))
        return out

    def bound(self, lemma: str, pos: int, mods: frozenset = frozenset()) -> Optional[Cluster]:
        """The one entity the article has tied the role noun to before ``pos`` (or anywhere, when
        nothing comes before); a capitalised modifier of the description ("the Democratic
        nominee") must be among the binding's."""
        fits = [
            (p, c) for p, lem, c, m in self.bindings if lem == lemma and mods <= m and not (m & ROLE_SHIFTERS)
        ]
        before = {id(c): c for p, c in fits if p < pos}
        if not before:
            before = {id(c): c for p, c in fits}
        return next(iter(before.values())) if len(before) == 1 else None

    def gender(self, c: Cluster) -> Optional[str]:
        if id(c) in self._gender:
            return self._gender[id(c)]
        g: Optional[str] = None
        titles = {t.lower().rstrip(".") for t in c.titles}
        m, f = bool(titles & MALE_TITLES), bool(titles & FEMALE_TITLES)
        if m != f:
            g = "m" if m else "f"
        if (
            g is None
            and c.tokens
            and (len(c.tokens) > 1 or all(len(m.text.split()) == 1 for m in c.mentions))
        ):
            # a first name; a one-word person ("Kevin") is called by the first name too
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
                add(c, 1.5 * 0.5**d)
        # prominence: an article's main character stays in focus ("Mr. Obama" named thirty times)
        counts: dict[int, int] = {}
        for start, _, c, _ in self._mentions:
            if start >= pos:
                break
            counts[id(c)] = counts.get(id(c), 0) + 1
        for key, (sc, c) in list(scores.items()):
            scores[key] = (sc + PROMINENCE * min(counts.get(key, 0), 20), c)
        if self.history:
            last = max((h for h in self.history if h[0] < pos), key=lambda h: h[0], default=None)
            if last is not None and last[1].type in types and here - self.sent_of(last[0]) <= window:
                add(last[1], 2.0)
        return scores
