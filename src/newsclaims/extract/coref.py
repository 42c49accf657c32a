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

The rules for pronouns and descriptions are here; what they read about the article (salience,
gender, the descriptions it ties to names: :class:`~newsclaims.extract.coref_discourse.Discourse`)
is in :mod:`newsclaims.extract.coref_discourse`, and the speakers that are names (a name the tagger
missed, a surname two people share) in :mod:`newsclaims.extract.coref_names`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Optional, Sequence

from newsclaims.extract.coref_discourse import (
    FEMALE_PRONOUNS,
    FIRST_PERSON,
    MALE_PRONOUNS,
    SECOND_PERSON,
    THING_PRONOUNS,
    Discourse,
    Resolution,
    pronoun_gender,
)
from newsclaims.extract.coref_names import check_name_gender, is_camel_name, name_entity
from newsclaims.extract.entities import ArticleEntities, Cluster

if TYPE_CHECKING:  # pragma: no cover
    from newsclaims.extract.claims.extractor import ClaimSpan

#: a he/she is resolved only when the best candidate's score is this many times the runner-up's
PRONOUN_MARGIN = 1.3
RELATIVE = {"who", "which", "that", "whom", "whose"}

#: nouns that stand for the article's media organisation
MEDIA_HEADS = {
    "newspaper",
    "paper",
    "daily",
    "network",
    "channel",
    "broadcaster",
    "magazine",
    "outlet",
    "station",
    "tabloid",
    "weekly",
    "publication",
    "site",
    "website",
}
MEDIA_WORDS = re.compile(
    r"\b(?:times|post|news|journal|herald|tribune|guardian|telegraph|gazette|"
    r"press|reuters|associated|bloomberg|cnn|bbc|abc|cbs|nbc|fox|msnbc|npr|politico|"
    r"magazine|daily|mail|sun|express|mirror|independent|observer|economist|"
    r"interfax|tass|ria|itar|xinhua|afp|agence|channel|radio|tv|television|"
    r"network|broadcasting|media|wire|week|monthly|review|standard|chronicle|"
    r"globe|star|inquirer|examiner|record|courier|bulletin)\b",
    re.I,
)


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


INDEFINITE = {
    "a",
    "an",
    "one",
    "another",
    "some",
    "several",
    "many",
    "most",
    "few",
    "other",
    "others",
    "any",
    "no",
    "each",
    "every",
    "all",
    "both",
    "two",
    "three",
    "four",
    "five",
    "more",
}
DEFINITE = {"the", "this", "that", "these", "those"}
#: a possessive description that speaks for the possessor ("her campaign" -> Clinton)
FOR_POSSESSOR = {"campaign", "camp", "team", "administration", "government"}
#: words in an organisation's name that a description's head noun stands for ("the union" -> the
#: United Mine Workers of America)
ORG_HEADS = {
    "union": {"union", "workers", "federation", "association", "brotherhood", "teamsters"},
    "agency": {
        "agency",
        "office",
        "bureau",
        "administration",
        "service",
        "commission",
        "department",
        "investigations",
        "authority",
    },
    "fund": {"fund"},
    "bank": {"bank"},
    "company": {"company", "corp", "inc", "co", "group", "corporation"},
    "firm": {"company", "corp", "inc", "group", "partners", "llc", "corporation"},
    "committee": {"committee"},
    "commission": {"commission"},
    "party": {"party"},
    "court": {"court"},
    "council": {"council"},
    "foundation": {"foundation"},
    "institute": {"institute"},
    "ministry": {"ministry"},
    "department": {"department"},
    "university": {"university", "college"},
    "group": {"group", "association", "coalition", "alliance", "organization", "organisation"},
    "organization": {"organization", "organisation", "association"},
    "organisation": {"organization", "organisation"},
    "association": {"association"},
    "coalition": {"coalition"},
    "center": {"center", "centre"},
    "pac": {"pac"},
    "league": {"league"},
    "club": {"club", "fc", "united", "city"},
}


def resolve_description(dis: Discourse, span, current: Optional[Cluster]) -> Optional[Resolution]:
    """A noun-phrase speaker without a name. None: nothing to say (keep what the extractor found)."""
    root = span.root
    first = span[0].lower_
    lemma = root.lemma_.lower()
    if root.text[:1].isupper() and current is not None:
        return None  # a name the tagger read as a noun ("Sanders")
    if (
        first in INDEFINITE
        or root.lower_ in INDEFINITE
        or (first not in DEFINITE and root.tag_ == "NNS" and not any(t.dep_ == "poss" for t in root.children))
    ):
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
        media = {
            id(x): x
            for x in dis.ents.clusters
            if x.type == "ORG"
            and MEDIA_WORDS.search(x.name)
            and any(m.start < span.start_char for m in x.mentions)
        }
        if len(media) == 1:
            return Resolution(next(iter(media.values())), "media", 0.8)
    words = ORG_HEADS.get(lemma)
    if words:
        here = dis.sent_of(span.start_char)
        orgs = {
            id(x): x
            for x in dis.ents.clusters
            if x.type == "ORG"
            and len(x.name.split()) > 1
            and words & {w.lower().strip(".,") for w in x.name.split()}
            and any(m.start < span.start_char and here - dis.sent_of(m.start) <= 6 for m in x.mentions)
        }
        if len(orgs) == 1:
            return Resolution(next(iter(orgs.values())), "description", 0.75)
    return None


def _claim_order(c: "ClaimSpan") -> int:
    return c.speaker[0] if c.speaker is not None else c.content_start


def resolve_claim_speakers(
    claims: Sequence["ClaimSpan"], ents: ArticleEntities, published: Optional[dt.date] = None
) -> None:
    """Re-resolve, in text order, the speakers that are pronouns; drop first/second-person speakers
    outside quotations; give quoted "I"/"we" the voice of the enclosing quotation. Updates each
    claim's ``speaker_cluster`` and scales its ``confidence`` by the resolution's."""
    dis = Discourse(
        ents, published or ents.published, reported=[sp for c in claims for sp in c.content_spans]
    )
    doc = ents.doc
    ordered = sorted(claims, key=_claim_order)
    for claim in ordered:
        res = None
        if claim.speaker is not None:
            span = doc.char_span(*claim.speaker, alignment_mode="expand")
            root = span.root if span is not None else None
            if root is not None and root.lower_ in RELATIVE:
                res = None  # the extractor binds relative pronouns to their antecedent
            elif (
                root is not None
                and root.pos_ == "NOUN"
                and not any(t.pos_ == "PROPN" or is_camel_name(t) for t in span)
            ):
                res = resolve_description(dis, span, claim.speaker_cluster)
            elif (
                root is not None
                and claim.speaker_cluster is None
                and any(t.pos_ == "PROPN" or is_camel_name(t) for t in span)
            ):
                res = name_entity(dis, span)
            elif (
                root is not None
                and claim.speaker_cluster is not None
                and claim.speaker_cluster.type == "PERSON"
                and root.pos_ == "PROPN"
            ):
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
