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
  (:mod:`newsclaims.extract.kb.offices`) when the article names no one who could hold it.

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

from newsclaims.extract.entities import ArticleEntities, Cluster
from newsclaims.extract.nlp import doc_text

if TYPE_CHECKING:  # pragma: no cover
    from newsclaims.extract.claims.extractor import ClaimSpan

FIRST_PERSON = {"i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves"}
SECOND_PERSON = {"you", "your", "yours", "yourself", "yourselves"}
MALE_PRONOUNS = {"he", "him", "his", "himself"}
FEMALE_PRONOUNS = {"she", "her", "hers", "herself"}
THING_PRONOUNS = {"it", "its", "itself"}
PLURAL_PRONOUNS = {"they", "them", "their", "theirs", "themselves"}
#: salience added per earlier mention of an entity (up to 20): the article's main character
PROMINENCE = 0.12
#: a he/she is resolved only when the best candidate's score is this many times the runner-up's
PRONOUN_MARGIN = 1.3
#: modifiers that make a role another one ("vice presidential nominee", "former senator")
ROLE_SHIFTERS = frozenset({"vice", "deputy", "former", "assistant", "acting", "ex", "associate", "junior"})
RELATIVE = {"who", "which", "that", "whom", "whose"}

MALE_TITLES = {"mr", "sir", "lord", "king", "prince", "congressman", "spokesman", "chairman", "duke",
               "baron", "father", "brother", "husband", "son", "uncle", "grandfather", "businessman",
               "sheikh", "emir", "pope", "archbishop", "cardinal", "monsieur", "herr", "senor", "señor"}
FEMALE_TITLES = {"mrs", "ms", "miss", "dame", "lady", "queen", "princess", "congresswoman", "spokeswoman",
                 "chairwoman", "duchess", "baroness", "mother", "sister", "wife", "daughter", "aunt",
                 "grandmother", "businesswoman", "madame", "mme", "frau", "senora", "señora", "first lady"}
#: nouns that stand for the article's media organisation
MEDIA_HEADS = {"newspaper", "paper", "daily", "network", "channel", "broadcaster", "magazine", "outlet",
               "station", "tabloid", "weekly", "publication", "site", "website"}
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
    text = resources.files("newsclaims.extract.kb").joinpath("first_names.tsv").read_text(encoding="utf-8")
    for row in csv.reader((line for line in text.splitlines() if line.strip() and not line.startswith("#")), delimiter="\t"):
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
                 reported: Sequence[tuple[int, int]] = ()):
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
                while i >= 0 and self.doc[i].pos_ in ("NOUN", "ADJ", "PROPN") and self.doc[i].dep_ == "compound" \
                        or i >= 0 and self.doc[i].pos_ == "NOUN" and self.doc[i].text.islower() and \
                        self.doc[i].head.i in range(span.start, span.end):
                    if self.doc[i].pos_ == "NOUN" and self.doc[i].text.islower():
                        nouns.append(self.doc[i])
                    i -= 1
                pre = {t.lower_ for t in self.doc[i + 1:span.start]}
                for n in nouns:
                    if not self.in_quote(n.idx):
                        mods = pre | {t.lower_ for t in n.children if t.dep_ in ("amod", "compound")}
                        out.append((m.start, n.lemma_.lower(), c, frozenset(mods)))
        return out

    def bound(self, lemma: str, pos: int, mods: frozenset = frozenset()) -> Optional[Cluster]:
        """The one entity the article has tied the role noun to before ``pos`` (or anywhere, when
        nothing comes before); a capitalised modifier of the description ("the Democratic
        nominee") must be among the binding's."""
        fits = [(p, c) for p, lem, c, m in self.bindings if lem == lemma and mods <= m and not (m & ROLE_SHIFTERS)]
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
        if g is None and c.tokens and (len(c.tokens) > 1 or all(len(m.text.split()) == 1 for m in c.mentions)):
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
                add(c, 1.5 * 0.5 ** d)
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
        return _pick(cands, "pronoun", margin=PRONOUN_MARGIN)
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


INDEFINITE = {"a", "an", "one", "another", "some", "several", "many", "most", "few", "other", "others",
              "any", "no", "each", "every", "all", "both", "two", "three", "four", "five", "more"}
DEFINITE = {"the", "this", "that", "these", "those"}
#: a possessive description that speaks for the possessor ("her campaign" -> Clinton)
FOR_POSSESSOR = {"campaign", "camp", "team", "administration", "government"}
#: words in an organisation's name that a description's head noun stands for ("the union" -> the
#: United Mine Workers of America)
ORG_HEADS = {
    "union": {"union", "workers", "federation", "association", "brotherhood", "teamsters"},
    "agency": {"agency", "office", "bureau", "administration", "service", "commission", "department",
               "investigations", "authority"},
    "fund": {"fund"}, "bank": {"bank"}, "company": {"company", "corp", "inc", "co", "group", "corporation"},
    "firm": {"company", "corp", "inc", "group", "partners", "llc", "corporation"},
    "committee": {"committee"}, "commission": {"commission"}, "party": {"party"},
    "court": {"court"}, "council": {"council"}, "foundation": {"foundation"}, "institute": {"institute"},
    "ministry": {"ministry"}, "department": {"department"}, "university": {"university", "college"},
    "group": {"group", "association", "coalition", "alliance", "organization", "organisation"},
    "organization": {"organization", "organisation", "association"}, "organisation": {"organization", "organisation"},
    "association": {"association"}, "coalition": {"coalition"}, "center": {"center", "centre"},
    "pac": {"pac"}, "league": {"league"}, "club": {"club", "fc", "united", "city"},
}


def resolve_description(dis: Discourse, span, current: Optional[Cluster]) -> Optional[Resolution]:
    """A noun-phrase speaker without a name. None: nothing to say (keep what the extractor found)."""
    root = span.root
    first = span[0].lower_
    lemma = root.lemma_.lower()
    if root.text[:1].isupper() and current is not None:
        return None  # a name the tagger read as a noun ("Sanders")
    if first in INDEFINITE or root.lower_ in INDEFINITE or (first not in DEFINITE and root.tag_ == "NNS"
                                                             and not any(t.dep_ == "poss" for t in root.children)):
        return Resolution(None, "none", 1.0)  # "a spokesman", "critics", "some analysts": generic
    poss = [t for t in root.children if t.dep_ == "poss"]
    if poss and first not in DEFINITE:
        if lemma in FOR_POSSESSOR and poss[0].pos_ == "PRON":
            r = resolve_pronoun(dis, poss[0].text, poss[0].idx)
            return r if r.cluster is not None else Resolution(None, "none", 0.0)
        if poss[0].pos_ == "PRON":
            return None if current is None else Resolution(current, "description", 0.6)
    if first not in DEFINITE and not poss:
        return None
    mods = frozenset(t.lower_ for t in span if t.i < root.i and t.text[:1].isupper() and t.i > span.start)
    c = dis.bound(lemma, span.start_char, mods)
    if c is not None:
        return Resolution(c, "description", 0.85)
    if current is not None:
        return Resolution(current, "description", 0.7)
    if lemma in MEDIA_HEADS:
        media = {id(x): x for x in dis.ents.clusters if x.type == "ORG" and MEDIA_WORDS.search(x.name)
                 and any(m.start < span.start_char for m in x.mentions)}
        if len(media) == 1:
            return Resolution(next(iter(media.values())), "media", 0.8)
    words = ORG_HEADS.get(lemma)
    if words:
        here = dis.sent_of(span.start_char)
        orgs = {id(x): x for x in dis.ents.clusters if x.type == "ORG" and len(x.name.split()) > 1 and
                words & {w.lower().strip(".,") for w in x.name.split()} and
                any(m.start < span.start_char and here - dis.sent_of(m.start) <= 6 for m in x.mentions)}
        if len(orgs) == 1:
            return Resolution(next(iter(orgs.values())), "description", 0.75)
    return None


def name_entity(dis: Discourse, span) -> Optional[Resolution]:
    """A speaker that is a name the tagger missed ("Peabody said", "Secretary General Ban Ki-moon
    said"): the entity of that name, added to the article when it has none. A capitalised word the
    article also writes in lower case ("Video", "Polls") is no name."""
    from newsclaims.extract.entities import TITLE_WORDS, MentionSpan, person_key, slug, translit_fold
    from newsclaims.extract.kb import fold

    doc = dis.doc

    def part(t) -> bool:
        glued = t.i > 0 and doc[t.i - 1].text == "-" and not doc[t.i - 1].whitespace_  # "Ki-moon"
        return (t.pos_ == "PROPN" or _camel(t)) and (t.text[:1].isupper() or glued) and \
            t.lower_.rstrip(".") not in TITLE_WORDS and not dis.in_quote(t.idx) and t.lower_ not in _CALENDAR

    # the name: the span's root, or the last name in it ("the Democratic candidate Hillary Clinton");
    # a name inside a modifier ("the Trump campaign", "sources close to Smith") is not the speaker
    root = span.root
    if not part(root):
        def tied(t) -> bool:  # the name hangs off the root by apposition or compounding only
            while t.i != root.i:
                if t.dep_ not in ("appos", "compound", "flat") or t.head.i == t.i:
                    return False
                t = t.head
            return True

        names = [t for t in span if part(t) and t.i > root.i and tied(t)]
        if root.pos_ != "NOUN" or not names:
            return None
        root = names[-1]

    i = j = root.i
    while i - 1 >= span.start and (part(doc[i - 1]) or doc[i - 1].text == "-" and i - 2 >= span.start):
        i -= 1
    while j + 1 < span.end and (part(doc[j + 1]) or doc[j].whitespace_ == "" and doc[j + 1].text != "'s"
                                and not doc[j + 1].is_punct or doc[j + 1].text == "-"):
        j += 1
    while j > i and (doc[j].is_punct or doc[j].text in ("'s", "’s")):
        j -= 1
    if not part(doc[i]):
        return None
    name = doc.text[doc[i].idx:doc[j].idx + len(doc[j])]
    words = name.replace("-", " ").split()
    if any(re.search(r"(?<![\w.])" + re.escape(w.lower()) + r"(?![\w])", dis.text) for w in words[:1]) or \
            len(name) < 3 or any(w.lower() in _CALENDAR for w in words):
        return None
    known = dis.ents.cluster_at(doc[i].idx, doc[j].idx + len(doc[j]))
    if known is not None:
        return Resolution(known, "name", 0.9)
    for c in dis.ents.clusters:
        if fold(c.name) == fold(name) or \
                c.type == "PERSON" and len(words) == 1 and c.surname == translit_fold(words[0]):
            return Resolution(c, "name", 0.9)
    label = root.ent_type_ if root.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") else \
        "PERSON" if len(words) > 1 and words[0].lower() in first_names() else "ORG"
    toks = name.split()
    key = person_key(toks) if label == "PERSON" else slug(name)
    c = next((x for x in dis.ents.clusters if x.type == label and x.key == key), None) or \
        dis.ents._new_cluster(label, key, name, tokens=toks)
    start = doc[i].idx
    dis.ents._attach(c, MentionSpan(start, start + len(name), name, label, "speaker"))
    return Resolution(c, "name", 0.7)


def _camel(t) -> bool:
    """A name the tagger read as a common noun for its capitals inside ("RealClearPolitics")."""
    return t.pos_ == "NOUN" and re.fullmatch(r"[A-Z][a-z]+[A-Z]\w*", t.text) is not None


_CALENDAR = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
             "february", "march", "april", "may", "june", "july", "august", "september", "october",
             "november", "december", "today", "yesterday", "tonight"}

GENDER_TITLES = {"mr": "m", "mrs": "f", "ms": "f", "miss": "f", "sir": "m", "dame": "f", "lord": "m", "lady": "f"}


def check_name_gender(dis: Discourse, root, current: Cluster) -> Optional[Resolution]:
    """A surname the article shares between people ("Mrs. Clinton": Hillary, not Bill) goes to the
    one whose gender fits the title before it. (A pronoun after the name is no evidence: in "Trump
    said she ..." it is the content's.)"""
    same = [c for c in dis.ents.clusters if c.type == "PERSON" and c.surname and c.surname == current.surname]
    if len(same) < 2:
        return None
    want = None
    prev = root.doc[root.i - 1] if root.i > 0 else None
    if prev is not None:
        want = GENDER_TITLES.get(prev.lower_.rstrip("."))
    if want is None or dis.gender(current) in (want, None):
        return None
    fits = [c for c in same if dis.gender(c) == want]
    if len(fits) == 1:
        return Resolution(fits[0], "name", 0.8)
    return Resolution(None, "none", 0.0)


def _claim_order(c: "ClaimSpan") -> int:
    return c.speaker[0] if c.speaker is not None else c.content_start


def resolve_claim_speakers(claims: Sequence["ClaimSpan"], ents: ArticleEntities,
                           published: Optional[dt.date] = None) -> None:
    """Re-resolve, in text order, the speakers that are pronouns; drop first/second-person speakers
    outside quotations; give quoted "I"/"we" the voice of the enclosing quotation. Updates each
    claim's ``speaker_cluster`` and scales its ``confidence`` by the resolution's."""
    dis = Discourse(ents, published or ents.published, reported=[sp for c in claims for sp in c.content_spans])
    doc = ents.doc
    ordered = sorted(claims, key=_claim_order)
    for claim in ordered:
        res = None
        if claim.speaker is not None:
            span = doc.char_span(*claim.speaker, alignment_mode="expand")
            root = span.root if span is not None else None
            if root is not None and root.lower_ in RELATIVE:
                res = None  # the extractor binds relative pronouns to their antecedent
            elif root is not None and root.pos_ == "NOUN" and not any(t.pos_ == "PROPN" or _camel(t) for t in span):
                res = resolve_description(dis, span, claim.speaker_cluster)
            elif root is not None and claim.speaker_cluster is None and \
                    any(t.pos_ == "PROPN" or _camel(t) for t in span):
                res = name_entity(dis, span)
            elif root is not None and claim.speaker_cluster is not None and claim.speaker_cluster.type == "PERSON" \
                    and root.pos_ == "PROPN":
                res = check_name_gender(dis, root, claim.speaker_cluster)
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
