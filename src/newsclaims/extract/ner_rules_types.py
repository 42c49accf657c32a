"""NER rules that settle what type a name is: countries, names wrongly tagged PERSON, one sense per
document.

``kb_countries`` makes a country's name GPE and adds the country names and demonyms the tagger
missed; ``not_people`` gives parties, ministries, councils and places tagged PERSON their type back;
``discourse`` gives every occurrence of a name the label the article gives it elsewhere.
:mod:`newsclaims.extract.ner_rules` applies them in order with the rules of
:mod:`newsclaims.extract.ner_rules_shape`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Optional

from spacy.tokens import Doc

from newsclaims.extract.ner_spans import PSpan, dedupe, is_name, overlaps, upper_lines
from newsclaims.extract.nlp import doc_text

# --- countries and demonyms ------------------------------------------------------------------------

_KB_PATTERNS: dict[int, tuple] = {}


def _kb_patterns(kb):
    """(regex of country names and aliases, regex of demonyms) from the knowledge base."""
    key = id(kb)
    if key not in _KB_PATTERNS:
        names, demonyms = set(), set()
        for alias, entry in kb.surface_forms():
            if entry.type == "GPE" and alias[:1].isupper() and "," not in alias and len(alias) >= 2:
                names.add(alias)
        for entry in kb.entries.values():
            for d in entry.demonyms:
                if d[:1].isupper() and d not in names:
                    demonyms.add(d)

        def rx(words: set[str]):
            alts = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
            return re.compile(r"(?<![\w.\-&])(?:" + alts + r")(?![\w\-&]|\.\w)") if alts else None

        _KB_PATTERNS[key] = (rx(names), rx(demonyms))
    return _KB_PATTERNS[key]


def _capitalised_neighbour(doc: Doc, s: int, e: int) -> bool:
    """The match is part of a longer capitalised name ("New Jersey", "Chad Smith", "Japan Airlines")."""
    span = doc.char_span(s, e, alignment_mode="expand")
    if span is None:
        return True
    for i in (span.start - 1, span.end):
        if 0 <= i < len(doc):
            tok = doc[i]
            if (
                tok.is_alpha
                and tok.text[:1].isupper()
                and not (i == span.start - 1 and tok.is_sent_start)
                and "\n" not in (tok.whitespace_ if i < span.start else doc[span.end - 1].whitespace_)
            ):
                return True
    return False


def rule_kb_countries(doc: Doc, spans: list[PSpan], kb) -> list[PSpan]:
    """Countries and demonyms from the knowledge base: a span that is a country's name or alias is
    GPE whatever the tagger said ("Moldova"/ORG, "Benin"/PERSON); country names and demonyms the
    tagger missed are added as GPE / NORP when they stand alone (not inside a longer capitalised
    name, and short upper-case aliases such as "US" not in lines written in capitals)."""
    text = doc_text(doc)
    out: list[PSpan] = []
    for s, e, label, method in spans:
        if label in ("PERSON", "ORG", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT", "LOC", "NORP", "LAW"):
            entry = kb.lookup(text[s:e], types=("GPE",))
            if entry is not None and text[s : s + 1].isupper() and kb.demonym(text[s:e]) is None:
                label = "GPE"
        out.append((s, e, label, method))
    names, demonyms = _kb_patterns(kb)
    caps = upper_lines(text)
    added: list[PSpan] = []
    for rx, label in ((names, "GPE"), (demonyms, "NORP")):
        if rx is None:
            continue
        for m in rx.finditer(text):
            s, e = m.span()
            if overlaps(s, e, out) or overlaps(s, e, added):
                continue
            word = m.group()
            if word.isupper() and len(word.replace(".", "")) <= 3 and any(ls <= s < le for ls, le in caps):
                continue
            if _capitalised_neighbour(doc, s, e):
                continue
            added.append((s, e, label, "ner"))
    return dedupe(out + added)


# --- parties, ministries, councils, places tagged PERSON ---------------------------------------------

#: words that head an organisation's name ("Powys Health Board"), or name a party by its members
#: ("Lib Dems"): a span ending in one is not a person
ORG_HEADS = {
    "party",
    "council",
    "ministry",
    "department",
    "office",
    "committee",
    "commission",
    "agency",
    "authority",
    "association",
    "union",
    "federation",
    "institute",
    "trust",
    "board",
    "assembly",
    "parliament",
    "government",
    "police",
    "service",
    "services",
    "group",
    "foundation",
    "society",
    "league",
    "corporation",
    "company",
    "inc",
    "ltd",
    "plc",
    "airport",
    "university",
    "college",
    "school",
    "hospital",
    "club",
    "army",
    "navy",
    "command",
    "treasury",
    "cabinet",
    "senate",
    "congress",
    "executive",
    "labour",
    "tories",
    "conservatives",
    "democrats",
    "dems",
    "dem",
    "republicans",
    "liberals",
    "socialists",
    "unionists",
    "nationalists",
    "communists",
    "greens",
}
#: common nouns that say the name beside them is an organisation ("the ministry, Defra";
#: "agriculture department Defra"; "the Defra spokesman" is not one: spokesmen have people too)
ORG_NOUNS = {
    "ministry",
    "department",
    "agency",
    "council",
    "party",
    "company",
    "firm",
    "group",
    "organisation",
    "organization",
    "body",
    "union",
    "board",
    "watchdog",
    "regulator",
    "charity",
    "bank",
    "newspaper",
    "broadcaster",
    "authority",
    "commission",
    "committee",
    "institute",
    "association",
    "airline",
    "carrier",
    "insurer",
    "retailer",
    "supermarket",
    "bank",
    "club",
    "team",
    "quango",
    "think-tank",
    "thinktank",
    "campaign",
    "pollster",
}
#: common nouns that say the name beside them is a place ("the town of Woolwich", "Powys county")
PLACE_NOUNS = {
    "town",
    "city",
    "village",
    "county",
    "borough",
    "district",
    "region",
    "province",
    "state",
    "constituency",
    "suburb",
    "area",
    "island",
    "capital",
    "port",
    "airport",
}
#: verbs of speaking: a name that is their subject is no place (places do not speak)
_SPEECH_LEMMAS = {
    "say",
    "tell",
    "add",
    "claim",
    "argue",
    "insist",
    "warn",
    "state",
    "announce",
    "deny",
    "admit",
    "accuse",
    "urge",
    "believe",
    "think",
    "write",
}
#: prepositions after which a one-word name the article never gives a person's title or first name
#: is a place ("in Woolwich", "at Westminster")
_PLACE_PREPS = {"in", "at", "near", "across", "throughout", "outside", "around"}
_HONORIFIC = re.compile(
    r"^(?:mr|mrs|ms|miss|dr|sir|dame|lord|lady|prof|professor|president|minister|"
    r"secretary|chancellor|senator|governor|mayor|judge|king|queen|prince|princess|"
    r"general|archbishop|bishop|rev|reverend|captain|capt|gen|sen|rep|gov)\.?$",
    re.I,
)


def _single_token_evidence(doc: Doc, span, spans: list[PSpan]) -> tuple[Optional[str], bool]:
    """(label the syntax gives a one-word PERSON occurrence, whether it reads as a person here)."""
    tok = span[0]
    if tok.i > 0 and _HONORIFIC.match(doc[tok.i - 1].text):
        return None, True
    near = [tok.head] if tok.dep_ in ("appos", "compound", "conj") else []
    near += [c for c in tok.children if c.dep_ in ("appos", "compound", "conj")]
    for other in near:
        low = other.lower_
        if other.dep_ == "conj" or tok.dep_ == "conj":
            lab = other.ent_type_
            if lab in ("GPE", "LOC", "FAC"):
                return lab, False
            continue
        if tok.dep_ == "compound" and other is tok.head and low in ("spokesman", "spokeswoman"):
            continue
        if low in ORG_NOUNS:
            return "ORG", False
        if low in PLACE_NOUNS:
            return "GPE", False
    prev = doc[tok.i - 1] if tok.i > 0 else None
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    if (
        prev is not None
        and prev.lower_ == "the"
        and tok.dep_ != "compound"
        and not (nxt is not None and nxt.text[:1].isupper())
    ):
        return "", False  # "the Bill", "the Queen": a person's name takes no article ("the Blair
        # government" is a compound: the name stays)
    if (
        prev is not None
        and prev.lower_ in _PLACE_PREPS
        and tok.dep_ == "pobj"
        and not (tok.i + 1 < len(doc) and doc[tok.i + 1].tag_ == "POS")
    ):
        return "GPE", False
    return None, False


def rule_not_people(doc: Doc, spans: list[PSpan], kb) -> list[PSpan]:
    """Parties, ministries, councils and places the tagger calls PERSON get their type back:
    a PERSON span with a digit ("MI6", "G8") or written as an acronym ("BAA") is an organisation;
    one that is a demonym ("Welsh") is NORP; one that is a knowledge-base name of an organisation
    or place takes its type ("Lib Dems", "Defra" once in the knowledge base); one that ends in a word
    heading organisations' names or naming a party by its members ("Powys Health Board",
    "Labour", "Lib Dem") is an organisation. A one-word PERSON name the article never gives a title
    or a first name takes, in every occurrence (one sense per document), the type the text gives it
    elsewhere: tagged as a place by the model, set beside an organisation or place noun ("the
    ministry, Defra"; "the town of Woolwich"; "Guildford and Woolwich"), or after "in", "at", ...
    ("in Woolwich")."""
    text = doc_text(doc)
    caps = upper_lines(text)
    name_words = _person_name_words(text, spans)
    out: list[PSpan] = []
    singles: dict[str, list[int]] = defaultdict(list)
    for s, e, label, method in spans:
        if label == "PERSON":
            bare = _bare_name(text[s:e])
            typed = _type_from_name(text[s:e], bare, s, kb, caps)
            if typed is not None:
                label = typed
            elif len(bare.split()) == 1 and bare not in name_words:
                singles[bare].append(len(out))
        out.append((s, e, label, method))
    if singles:
        _type_single_names(doc, text, out, singles)
    return [sp for sp in out if sp[2]]


def _person_name_words(text: str, spans: list[PSpan]) -> set[str]:
    """One-word names that are part of a multi-word person's name in this article (its first or
    last word)."""
    name_words: set[str] = set()
    for s, e, label, _ in spans:
        words = text[s:e].split()
        if label == "PERSON" and len(words) > 1:
            name_words.update(w.strip(".,'’") for w in (words[0], words[-1]))
    return name_words


def _bare_name(t: str) -> str:
    """A PERSON span's text without a leading "The" and a trailing possessive."""
    return re.sub(r"^(?:[Tt]he )", "", re.sub(r"(?:’s|'s)$", "", t))


def _type_from_name(t: str, bare: str, s: int, kb, caps: list[tuple[int, int]]) -> Optional[str]:
    """The type a PERSON span's own text gives it: ORG for a digit, an acronym (outside lines in
    capitals) or an organisation's head word at the end; NORP for a demonym; the knowledge base's
    type for one of its organisations or places; "" for a group of people ("MPs": the span is
    dropped). None when the text reads as a person's name."""
    words = bare.split()
    letters = [ch for ch in bare if ch.isalpha()]
    entry = kb.lookup(bare)
    if any(ch.isdigit() for ch in t):
        return "ORG"
    if (
        len(letters) >= 2
        and all(ch.isupper() for ch in letters)
        and not any(ls <= s < le for ls, le in caps)
        and "." not in bare
    ):
        return "ORG"
    if kb.demonym(bare) is not None and entry is None:
        return "NORP"
    if entry is not None and entry.type != "PERSON":
        return entry.type
    if words and re.split(r"[\-–]", words[-1])[-1].lower() in ORG_HEADS and words[-1][:1].isupper():
        return "ORG"
    if re.fullmatch(r"[A-Z]{2,}s", bare):  # "MPs", "MEPs": a group of people, not a name
        return ""
    return None


def _type_single_names(doc: Doc, text: str, out: list[PSpan], singles: dict[str, list[int]]) -> None:
    """One sense per document for one-word PERSON names (``singles``: name -> indices in ``out``):
    each takes, in place, the type most of its occurrences get elsewhere (the model's own labels
    for the same words, and :func:`_single_token_evidence` for every occurrence), unless one
    occurrence reads as a person; a name that is the subject of a verb of speaking is only ever
    made an organisation."""
    # the model's own labels for the same words elsewhere in the article
    elsewhere: dict[str, Counter] = defaultdict(Counter)
    for s, e, label, _ in out:
        if label in ("GPE", "LOC", "FAC", "ORG"):
            elsewhere[text[s:e]][label] += 1
    for word, idxs in singles.items():
        votes: Counter = Counter(elsewhere.get(word, Counter()))
        person = False
        speaks = False
        for tok in doc:  # every occurrence of the word, tagged or not
            if tok.text != word:
                continue
            lab, is_person = _single_token_evidence(doc, doc[tok.i : tok.i + 1], out)
            person |= is_person
            speaks |= tok.dep_ == "nsubj" and tok.head.lemma_ in _SPEECH_LEMMAS
            if lab is not None:
                votes[lab] += 1
        if speaks:  # places do not speak; organisations do
            votes = Counter({k: v for k, v in votes.items() if k == "ORG"})
        if person or not votes:
            continue
        label = votes.most_common(1)[0][0]
        for i in idxs:
            s, e, _, method = out[i]
            out[i] = (s, e, label, method)


# --- one sense per document ------------------------------------------------------------------------

_NAME_SHAPE = re.compile(r"^[A-Z][\w'.\-]*(?: (?:[A-Z&][\w'.\-]*|of|de|van|der|von|al|bin))*$")


def rule_discourse(doc: Doc, spans: list[PSpan], kb) -> list[PSpan]:
    """One sense per document: a one-word name that is the surname of a multi-word person named in
    the article is a person ("Lebed" after "Alexander Lebed"), and untagged occurrences of a name
    tagged elsewhere in the article are added with its most frequent label when the tagger sees
    them as proper nouns (NNP)."""
    text = doc_text(doc)
    names = [sp for sp in spans if is_name(sp[2])]
    votes: dict[str, Counter] = defaultdict(Counter)
    surnames: set[str] = set()
    for s, e, label, _ in names:
        votes[text[s:e]][label] += 1
        words = text[s:e].split()
        if label == "PERSON" and len(words) > 1 and words[-1][:1].isupper() and len(words[-1]) > 2:
            surnames.add(words[-1])
    best: dict[str, str] = {
        t: ("PERSON" if t in surnames else c.most_common(1)[0][0]) for t, c in votes.items()
    }
    for t in surnames:
        best.setdefault(t, "PERSON")
    out = []
    for s, e, label, method in spans:
        if is_name(label) and text[s:e] in surnames:
            label = "PERSON"
        out.append((s, e, label, method))
    added: list[PSpan] = []
    for t, label in best.items():
        if len(t) < 3 or not _NAME_SHAPE.match(t):
            continue
        for m in re.finditer(r"(?<![\w\-])" + re.escape(t) + r"(?![\w\-])", text):
            if overlaps(m.start(), m.end(), out) or overlaps(m.start(), m.end(), added):
                continue
            span = doc.char_span(m.start(), m.end())
            if span is None or not all(tok.tag_ in ("NNP", "NNPS") or not tok.is_alpha for tok in span):
                continue
            added.append((m.start(), m.end(), label, "alias"))
    return dedupe(out + added)
