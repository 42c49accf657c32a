"""How a name is read: the words that are titles rather than names, a PERSON span cleaned of them,
the role it carries, and the keys and ids that fold spellings of one name together.

:class:`newsclaims.extract.entities.ArticleEntities` builds an article's entities with these;
:func:`translit_fold`, :func:`person_key` and :func:`match_key` are also what the later stages
(loading, linking) compare names and entity ids with.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Optional

from spacy.tokens import Doc, Span

from newsclaims.extract.kb import KnowledgeBase, fold
from newsclaims.extract.nlp import doc_text

#: words that are titles or honorifics when they stand before a name
TITLE_WORDS = {
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "sir",
    "dame",
    "lord",
    "lady",
    "rev",
    "gen",
    "col",
    "lt",
    "sgt",
    "capt",
    "sen",
    "rep",
    "gov",
    "pres",
    "president",
    "vice",
    "prime",
    "minister",
    "foreign",
    "defense",
    "defence",
    "finance",
    "interior",
    "secretary",
    "general",
    "state",
    "of",
    "chancellor",
    "senator",
    "governor",
    "mayor",
    "ambassador",
    "envoy",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "chairman",
    "chairwoman",
    "chief",
    "deputy",
    "director",
    "judge",
    "justice",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "commander",
    "admiral",
    "marshal",
    "speaker",
    "leader",
    "premier",
    "top",
    "diplomat",
    "former",
    "acting",
    "assistant",
    "executive",
    "head",
    "officer",
    "representative",
    "congressman",
    "congresswoman",
    "attorney",
    "press",
    "national",
    "security",
    "adviser",
    "advisor",
}
#: more words that are titles, not names, when they open a person's name ("Archbishop Desmond Tutu")
TITLE_WORDS_EXTRA = {
    "archbishop",
    "bishop",
    "cardinal",
    "rabbi",
    "imam",
    "reverend",
    "sheikh",
    "ayatollah",
    "baroness",
    "baron",
    "earl",
    "duke",
    "duchess",
    "viscount",
    "professor",
    "detective",
    "inspector",
    "superintendent",
    "constable",
    "sergeant",
    "lieutenant",
    "colonel",
    "brigadier",
    "councillor",
    "alderman",
    "magistrate",
    "coroner",
    "chef",
    "ceo",
    "lords",
    # the portfolio in a minister's title ("Shadow Home Secretary", "Health Minister")
    "shadow",
    "home",
    "health",
    "education",
    "culture",
    "transport",
    "environment",
    "trade",
    "industry",
    "pensions",
    "energy",
    "agriculture",
    "development",
    "international",
    "treasury",
    "justice",
}
#: honorifics: stripped from names like titles, but not a role of the person
HONORIFICS = {"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "lord", "lady", "lords"}
#: titles written before a first name rather than a surname ("Sir Menzies")
FIRST_NAME_TITLES = {"sir", "dame"}

POSSESSIVE = re.compile(r"(?:’s|'s|’|')$")


def translit_fold(token: str) -> str:
    """Fold one name token so common romanisation variants meet: Sergey/Sergei, Zelenskyy/Zelensky."""
    t = unicodedata.normalize("NFKD", token)
    t = "".join(ch for ch in t if not unicodedata.combining(ch)).lower()
    t = re.sub(r"[^a-z]", "", t)
    t = t.replace("x", "ks").replace("kh", "h").replace("ph", "f").replace("w", "v")
    t = re.sub(r"(?:iy|yy|ii|ij|y)$", "i", t)
    t = re.sub(r"(?<=[aeiou])y(?=[aeiou])", "i", t)
    return t


def person_key(tokens: list[str]) -> str:
    """Canonical key of a person's name: first and last token, transliteration-folded."""
    folded = [translit_fold(t) for t in tokens if translit_fold(t)]
    if not folded:
        return ""
    if len(folded) == 1:
        return folded[0]
    return f"{folded[0]}-{folded[-1]}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "x"


def person_slug(tokens: list[str]) -> str:
    """The readable id part of a person's name: first and last token as written ("tony-blair")."""
    toks = [t for t in tokens if slug(t) != "x"]
    if not toks:
        return "x"
    return slug(toks[0]) if len(toks) == 1 else f"{slug(toks[0])}-{slug(toks[-1])}"


def match_key(entity_id: Optional[str]) -> Optional[str]:
    """An entity id with the spelling of a person's name folded ("person:sergey-lavrov" and
    "person:sergei-lavrov" give one key): what stages comparing entities across articles before the
    load (stories, claim groups) compare. Other ids are their own key."""
    if not entity_id or not entity_id.startswith("person:"):
        return entity_id
    return "person:" + "-".join(translit_fold(p) or p for p in entity_id[7:].split("-"))


def is_title(word: str) -> bool:
    low = word.lower().rstrip(".")
    return low in TITLE_WORDS or low in TITLE_WORDS_EXTRA


def _role_text(words: list[str]) -> Optional[str]:
    """A role as written from the title words before a name: ["Foreign", "Secretary"] -> "Foreign
    Secretary"; honorifics ("Mr") and connectors at the edges ("of") are not a role."""
    words = [w for w in words if w.lower().rstrip(".") not in HONORIFICS]
    while words and words[0].lower() in ("of", "the"):
        words = words[1:]
    while words and words[-1].lower() in ("of", "the"):
        words = words[:-1]
    return " ".join(words) or None


def clean_person(span: Span) -> tuple[int, int, list[str], set[str]]:
    """Strip titles at the front and possessives at the end of a PERSON span.

    The stripped title words are returned lower-cased with the titles; as written, they are
    :func:`person_role` of the span."""
    tokens = list(span)
    titles: set[str] = set()
    while len(tokens) > 1 and is_title(tokens[0].text):
        titles.add(tokens[0].text.lower().rstrip("."))
        tokens.pop(0)
    while tokens and tokens[-1].text in ("’s", "'s", "’", "'"):
        tokens.pop()
    if not tokens:
        return span.start_char, span.end_char, [], titles
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    text = POSSESSIVE.sub("", doc_text(span.doc)[start:end])
    end = start + len(text)
    return start, end, text.split(), titles


def person_role(span: Span, doc: Doc) -> Optional[str]:
    """The role a name carries as written: the title words that open the span or stand right before
    it ("Archbishop Desmond Tutu", "Foreign Secretary Jack Straw"; "Russian Foreign Minister Sergey
    Lavrov" -> "Foreign Minister"), honorifics left out."""
    words: list[str] = []
    i = span.start - 1
    while i >= 0 and span.start - i <= 6 and is_title(doc[i].text) and doc[i].text[:1].isupper():
        words.insert(0, doc[i].text)
        i -= 1
    for tok in list(span)[:-1]:
        if not is_title(tok.text):
            break
        words.append(tok.text)
    return _role_text(words)


def titles_before(doc: Doc, start_token: int, kb: KnowledgeBase) -> set[str]:
    """Title words right before a name: "Russian Foreign Minister Sergey Lavrov" -> russian, foreign, minister."""
    out: set[str] = set()
    i = start_token - 1
    while i >= 0 and start_token - i <= 6:
        tok = doc[i]
        low = tok.text.lower().rstrip(".")
        if (
            is_title(tok.text)
            or (tok.ent_type_ in ("NORP", "GPE", "ORG") and tok.text[:1].isupper())
            or kb.demonym(tok.text) is not None
        ):
            out.add(low)
            i -= 1
            continue
        break
    return out
