"""Speakers that are names: a name the tagger missed ("Peabody said"), and a surname two people of
the article share ("Mrs. Clinton"). :func:`newsclaims.extract.coref.resolve_claim_speakers` calls
:func:`name_entity` and :func:`check_name_gender`.
"""

from __future__ import annotations

import re
from typing import Optional

from newsclaims.extract.coref_discourse import Discourse, Resolution, first_names
from newsclaims.extract.entities import Cluster, MentionSpan
from newsclaims.extract.kb import fold
from newsclaims.extract.names import TITLE_WORDS, person_key, slug, translit_fold


def name_entity(dis: Discourse, span) -> Optional[Resolution]:
    """A speaker that is a name the tagger missed ("Peabody said", "Secretary General Ban Ki-moon
    said"): the entity of that name, added to the article when it has none. A capitalised word the
    article also writes in lower case ("Video", "Polls") is no name."""
    root = _name_root(dis, span)
    if root is None:
        return None
    extent = _name_extent(dis, span, root)
    if extent is None:
        return None
    start, end = extent
    name = dis.doc.text[start:end]
    words = name.replace("-", " ").split()
    if not _reads_as_name(dis, name, words):
        return None
    known = _known_entity(dis, name, words, start, end)
    if known is not None:
        return Resolution(known, "name", 0.9)
    return Resolution(_add_name_entity(dis, root, name, words, start), "name", 0.7)


def _is_name_part(dis: Discourse, t) -> bool:
    """A token that can be part of a name: a proper noun (or a word with capitals inside) written
    with a capital or glued to a hyphen before it ("Ki-moon"), not a title, a day or a month, and
    outside quotations."""
    doc = dis.doc
    glued = t.i > 0 and doc[t.i - 1].text == "-" and not doc[t.i - 1].whitespace_  # "Ki-moon"
    return (
        (t.pos_ == "PROPN" or is_camel_name(t))
        and (t.text[:1].isupper() or glued)
        and t.lower_.rstrip(".") not in TITLE_WORDS
        and not dis.in_quote(t.idx)
        and t.lower_ not in _CALENDAR
    )


def _name_root(dis: Discourse, span):
    """The token the name is read around: the span's root, or the last name in it ("the Democratic
    candidate Hillary Clinton"); None when there is none. A name inside a modifier ("the Trump
    campaign", "sources close to Smith") is not the speaker."""
    root = span.root
    if _is_name_part(dis, root):
        return root
    names = [t for t in span if _is_name_part(dis, t) and t.i > root.i and _tied_to(t, root)]
    if root.pos_ != "NOUN" or not names:
        return None
    return names[-1]


def _tied_to(t, root) -> bool:
    """The token hangs off ``root`` by apposition or compounding only."""
    while t.i != root.i:
        if t.dep_ not in ("appos", "compound", "flat") or t.head.i == t.i:
            return False
        t = t.head
    return True


def _name_extent(dis: Discourse, span, root) -> Optional[tuple[int, int]]:
    """(start, end) characters of the whole name around ``root`` inside the span: name parts and
    hyphens on both sides, then trailing punctuation and possessives trimmed; None when it does not
    start with a name part."""
    doc = dis.doc
    i = j = root.i
    while i - 1 >= span.start and (
        _is_name_part(dis, doc[i - 1]) or doc[i - 1].text == "-" and i - 2 >= span.start
    ):
        i -= 1
    while j + 1 < span.end and (
        _is_name_part(dis, doc[j + 1])
        or doc[j].whitespace_ == ""
        and doc[j + 1].text != "'s"
        and not doc[j + 1].is_punct
        or doc[j + 1].text == "-"
    ):
        j += 1
    while j > i and (doc[j].is_punct or doc[j].text in ("'s", "’s")):
        j -= 1
    if not _is_name_part(dis, doc[i]):
        return None
    return doc[i].idx, doc[j].idx + len(doc[j])


def _reads_as_name(dis: Discourse, name: str, words: list[str]) -> bool:
    """No name: a first word the article also writes in lower case ("Video", "Polls"), fewer than
    three characters, or a day or month in it."""
    lower_elsewhere = any(
        re.search(r"(?<![\w.])" + re.escape(w.lower()) + r"(?![\w])", dis.text) for w in words[:1]
    )
    return not (lower_elsewhere or len(name) < 3 or any(w.lower() in _CALENDAR for w in words))


def _known_entity(dis: Discourse, name: str, words: list[str], start: int, end: int) -> Optional[Cluster]:
    """The article's entity of the name: one with a mention there, one of the same folded name, or
    the person whose surname a one-word name is."""
    known = dis.ents.cluster_at(start, end)
    if known is not None:
        return known
    for c in dis.ents.clusters:
        if (
            fold(c.name) == fold(name)
            or c.type == "PERSON"
            and len(words) == 1
            and c.surname == translit_fold(words[0])
        ):
            return c
    return None


def _add_name_entity(dis: Discourse, root, name: str, words: list[str], start: int) -> Cluster:
    """The name as a mention ("speaker") of the entity of its type and key, made when the article
    has none: the tagger's type of ``root``, else PERSON when a known first name opens a name of
    several words, else ORG."""
    label = (
        root.ent_type_
        if root.ent_type_ in ("PERSON", "ORG", "GPE", "NORP")
        else "PERSON"
        if len(words) > 1 and words[0].lower() in first_names()
        else "ORG"
    )
    toks = name.split()
    key = person_key(toks) if label == "PERSON" else slug(name)
    c = next(
        (x for x in dis.ents.clusters if x.type == label and x.key == key), None
    ) or dis.ents._new_cluster(label, key, name, tokens=toks)
    dis.ents._attach(c, MentionSpan(start, start + len(name), name, label, "speaker"))
    return c


def is_camel_name(t) -> bool:
    """A name the tagger read as a common noun for its capitals inside ("RealClearPolitics")."""
    return t.pos_ == "NOUN" and re.fullmatch(r"[A-Z][a-z]+[A-Z]\w*", t.text) is not None


_CALENDAR = {
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "today",
    "yesterday",
    "tonight",
}

GENDER_TITLES = {
    "mr": "m",
    "mrs": "f",
    "ms": "f",
    "miss": "f",
    "sir": "m",
    "dame": "f",
    "lord": "m",
    "lady": "f",
}


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
