"""Rules that correct the statistical NER before entity resolution (the entity stage calls
:func:`refine_doc`).

The rules work on character spans ``(start, end, label, method)`` with OntoNotes labels and are
general: they use the shape of the text (capitals, line breaks, numbers), the knowledge base
(countries, demonyms) and what the article itself says elsewhere (one sense per document). None is
keyed to a particular name or corpus. (A paragraph that is only a dateline, "LONDON 1996-08-30", is
taken out of the body by the normaliser.) In the order :data:`RULES` applies them:

``allcaps``      lines in capitals (headlines inside the body, results tables) are tagged again on a
                 case-restored copy ("NEW YORK AT CHICAGO" -> "New York at Chicago"); only done
                 when the article has such lines
``boundaries``   a name never crosses a line break or an unbalanced bracket, never starts or ends
                 with a number, never ends with a lower-case word
``drop_nonnames`` a name has a capital letter
``kb_countries`` a span that is a country's name or alias in the knowledge base is GPE whatever
                 the tagger said; untagged country names and demonyms standing alone are added
``not_people``   parties, ministries, councils and places tagged PERSON get their type back: digits
                 or an acronym, a demonym, a knowledge-base organisation or place, a last word that
                 heads organisations' names or names a party ("Board", "Labour", "Lib Dems"); a
                 one-word name never given a title or first name takes the type the article gives it
                 elsewhere (tagged as a place, beside "ministry" or "town", after "in" or "at")
``sports``       in a line of names and scores, a one-word place or person-tagged name directly
                 followed by a score is a team (ORG); countries (national teams) stay GPE
``discourse``    one sense per document: the surname of a person named in full is a person, and
                 untagged proper-noun occurrences of a name tagged elsewhere get its label
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Callable, Iterable, Optional, Sequence

from spacy.tokens import Doc
from spacy.util import filter_spans

from newsclaims.extract.nlp import doc_text

#: a span: (start_char, end_char, OntoNotes label, method)
PSpan = tuple[int, int, str, str]

#: labels of names (the rules leave DATE, CARDINAL, ... alone)
NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART",
               "LANGUAGE"}
REFINED_FLAG = "newsclaims_ner_rules"
#: method of spans the knowledge-base ruler found (a known name: its edges are not touched)
KB_METHOD = "kb"


def is_name(label: str) -> bool:
    return label in NAME_LABELS


def _overlaps(s: int, e: int, spans: Iterable[PSpan]) -> bool:
    return any(a < e and s < b for a, b, *_ in spans)


_NUMBERISH = re.compile(r"^[+\-]?[\d][\d.,:/\-+%]*$")
_OPEN, _CLOSE = "([{", ")]}"


def _is_numberish(text: str) -> bool:
    return bool(_NUMBERISH.match(text))


def _dedupe(spans: Iterable[PSpan]) -> list[PSpan]:
    seen: dict[tuple[int, int], PSpan] = {}
    for sp in sorted(spans, key=lambda x: (x[0], -x[1])):
        seen.setdefault((sp[0], sp[1]), sp)
    return list(seen.values())


def _lines(text: str) -> Iterable[tuple[int, int]]:
    return ((m.start(), m.end()) for m in re.finditer(r"[^\n]+", text))


# --- all-capitals lines ----------------------------------------------------------------------------

_FUNCTION_WORDS = {"a", "an", "and", "at", "by", "de", "for", "from", "in", "of", "on", "or", "the",
                   "to", "v", "vs", "with"}


def truecase_line(line: str) -> str:
    """Capitalised words, lower-case function words; same length as ``line``."""
    out = []
    first = True
    for w in re.split(r"(\s+)", line):
        if not w or w.isspace():
            out.append(w)
            continue
        if not first and w.lower() in _FUNCTION_WORDS:
            out.append(w.lower())
        else:
            out.append(re.sub(r"[A-Za-z]+", lambda m: m.group().capitalize(), w))
        first = False
    return "".join(out)


def mostly_upper(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 4 and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


def _retag(text: str) -> list[tuple[int, int, str]]:
    """Entities of ``text`` by the pipeline's NER (and knowledge-base ruler) alone."""
    from newsclaims.extract.nlp import load_pipeline_nlp

    nlp = load_pipeline_nlp()
    keep = {"ner"} | {n for n in nlp.pipe_names if n.startswith("newsclaims_")}
    doc = nlp(text, disable=[n for n in nlp.pipe_names if n not in keep])
    return [(e.start_char, e.end_char, e.label_) for e in doc.ents]


def rule_allcaps(doc: Doc, spans: list[PSpan], kb, *, tagger: Optional[Callable] = None) -> list[PSpan]:
    """Lines in capitals are tagged again, case-restored, and their entities replace the ones found
    in those lines. Only the capitalised lines are tagged (one text, one line each)."""
    text = doc_text(doc)
    lines = [(s, e) for s, e in _lines(text) if mostly_upper(text[s:e])]
    if not lines:
        return spans
    tagger = tagger or _retag
    pieces, starts, pos = [], [], 0
    for s, e in lines:
        starts.append(pos)
        pieces.append(truecase_line(text[s:e]))
        pos += e - s + 1
    cased = "\n".join(pieces)
    if len(cased) != pos - 1:
        return spans

    def to_doc(cs: int, ce: int) -> Optional[tuple[int, int]]:
        for (s, e), st in zip(lines, starts):
            if st <= cs and ce <= st + (e - s):
                return s + cs - st, s + ce - st
        return None

    def in_lines(s: int, e: int) -> bool:
        return any(ls <= s and e <= le for ls, le in lines)

    kept = [sp for sp in spans if not in_lines(sp[0], sp[1])]
    added: list[PSpan] = []
    for cs, ce, label in tagger(cased):
        pos_ = to_doc(cs, ce)
        if pos_ is None or not is_name(label) or _overlaps(*pos_, kept):
            continue
        added.append((pos_[0], pos_[1], label, "ner"))
    return _dedupe(kept + added)


# --- boundaries ------------------------------------------------------------------------------------

def rule_boundaries(doc: Doc, spans: list[PSpan], kb) -> list[PSpan]:
    """Span edges at token level: a name never crosses a line break or an unbalanced bracket (the
    span is split there), does not start or end with a number ("J. Russell 63") or end with a
    lower-case word ("Interfax news agency"); leading lower-case words are dropped from non-person
    names."""
    out: list[PSpan] = []
    for s, e, label, method in spans:
        if not is_name(label) or method == KB_METHOD:
            out.append((s, e, label, method))
            continue
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is None:
            out.append((s, e, label, method))
            continue
        runs: list[list] = [[]]
        depth = 0
        for tok in span:
            t = tok.text
            if "\n" in t or tok.is_space:
                runs.append([])
                continue
            if t in _OPEN:
                depth += 1
            elif t in _CLOSE:
                if depth == 0:
                    runs.append([])
                    continue
                depth -= 1
            runs[-1].append(tok)
            if "\n" in tok.whitespace_ or (tok.i + 1 < len(doc) and "\n" in doc[tok.i + 1].text):
                runs.append([])
        if depth:  # an opening bracket never closed: split there too
            cut: list[list] = []
            for run in runs:
                cur: list = []
                for tok in run:
                    if tok.text in _OPEN:
                        cut.append(cur)
                        cur = []
                        continue
                    cur.append(tok)
                cut.append(cur)
            runs = cut
        for toks, after_colon in _split_at_colon(runs):
            while toks and not _hyphen_joined(toks) and (
                    _is_numberish(toks[-1].text) or toks[-1].is_punct and toks[-1].text not in ".'" or
                    toks[-1].text[:1].islower()):
                toks = toks[:-1]
            if after_colon and sum(t.is_alpha for t in toks) < 2:
                continue
            while toks and (_is_numberish(toks[0].text) or toks[0].is_punct or
                            (label != "PERSON" and toks[0].is_alpha and toks[0].is_lower) or
                            (label == "PERSON" and len(toks) > 1 and _not_name_start(toks[0]))):
                toks = toks[1:]
            if toks:
                out.append((toks[0].idx, toks[-1].idx + len(toks[-1].text), label, method))
    return _dedupe(out)


def _split_at_colon(runs: list[list]) -> list[tuple[list, bool]]:
    """A name never holds a colon: "WALLACE: Let's start" (a transcript's speaker, then the words he
    says) is "WALLACE". Returns (tokens, after a colon); what follows a colon stays a name only when
    two or more words of it are left once its edges are trimmed."""
    out: list[tuple[list, bool]] = []
    for run in runs:
        after = False
        while (colon := next((i for i, tok in enumerate(run) if tok.text == ":"), None)) is not None:
            out.append((run[:colon], after))
            run, after = run[colon + 1:], True
        out.append((run, after))
    return out


def _hyphen_joined(toks: list) -> bool:
    """The span ends in a lower-case part joined by a hyphen with no space: "Park Geun-hye",
    "Ban Ki-moon" (the tokenizer splits "Geun", "-", "hye"); that part belongs to the name."""
    if len(toks) < 3:
        return False
    a, hyphen, b = toks[-3], toks[-2], toks[-1]
    return hyphen.text == "-" and not a.whitespace_ and not hyphen.whitespace_ and b.is_alpha and a.is_alpha


#: lower-case particles that may open a person's name ("de la Hoya", "van Gaal", "al-Assad")
_NAME_PARTICLES = {"de", "del", "della", "der", "den", "di", "da", "dos", "das", "du", "la", "le", "el",
                   "van", "von", "ter", "ten", "al", "bin", "ibn", "st", "mac"}
#: words that open a sentence and get tagged into the name after them ("Across Wales", "The Lib Dems")
_NOT_NAME_START = {"across", "in", "at", "on", "from", "for", "with", "by", "to", "under", "over", "into",
                   "after", "before", "during", "throughout", "outside", "inside", "around", "near",
                   "the", "a", "an", "this", "that", "these", "those", "and", "but", "or", "if", "as",
                   "when", "while", "since", "unlike", "like", "dear", "meanwhile", "yesterday", "today"}


def _not_name_start(tok) -> bool:
    """A first token of a PERSON span that is not part of the name: a lower-case word other than a
    name particle ("rang Lucy"), a capitalised function word ("Across Wales"), or a capitalised
    verb form opening the sentence ("Entering Westminster")."""
    low = tok.lower_
    if low in _NAME_PARTICLES:
        return False
    if tok.is_alpha and tok.is_lower:
        return True
    if low in _NOT_NAME_START:
        return True
    return tok.is_sent_start and tok.tag_ in ("VBG", "VBD", "VBZ", "VBP", "VBN") and tok.pos_ == "VERB"


def rule_drop_nonnames(doc: Doc, spans: list[PSpan], kb) -> list[PSpan]:
    """A name has a capital letter: drop name spans that are lower-case only or have no letter."""
    text = doc_text(doc)
    return [sp for sp in spans if not is_name(sp[2]) or any(ch.isupper() for ch in text[sp[0]:sp[1]])]


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
            if tok.is_alpha and tok.text[:1].isupper() and not (i == span.start - 1 and tok.is_sent_start) \
                    and "\n" not in (tok.whitespace_ if i < span.start else doc[span.end - 1].whitespace_):
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
            if entry is not None and text[s:s + 1].isupper() and kb.demonym(text[s:e]) is None:
                label = "GPE"
        out.append((s, e, label, method))
    names, demonyms = _kb_patterns(kb)
    upper_lines = [(s, e) for s, e in _lines(text) if mostly_upper(text[s:e])]
    added: list[PSpan] = []
    for rx, label in ((names, "GPE"), (demonyms, "NORP")):
        if rx is None:
            continue
        for m in rx.finditer(text):
            s, e = m.span()
            if _overlaps(s, e, out) or _overlaps(s, e, added):
                continue
            word = m.group()
            if word.isupper() and len(word.replace(".", "")) <= 3 and \
                    any(ls <= s < le for ls, le in upper_lines):
                continue
            if _capitalised_neighbour(doc, s, e):
                continue
            added.append((s, e, label, "ner"))
    return _dedupe(out + added)


# --- parties, ministries, councils, places tagged PERSON ---------------------------------------------

#: words that head an organisation's name ("Powys Health Board"), or name a party by its members
#: ("Lib Dems"): a span ending in one is not a person
ORG_HEADS = {
    "party", "council", "ministry", "department", "office", "committee", "commission", "agency",
    "authority", "association", "union", "federation", "institute", "trust", "board", "assembly",
    "parliament", "government", "police", "service", "services", "group", "foundation", "society",
    "league", "corporation", "company", "inc", "ltd", "plc", "airport", "university", "college",
    "school", "hospital", "club", "army", "navy", "command", "treasury", "cabinet", "senate",
    "congress", "executive", "labour", "tories", "conservatives", "democrats", "dems", "dem",
    "republicans", "liberals", "socialists", "unionists", "nationalists", "communists", "greens",
}
#: common nouns that say the name beside them is an organisation ("the ministry, Defra";
#: "agriculture department Defra"; "the Defra spokesman" is not one: spokesmen have people too)
ORG_NOUNS = {"ministry", "department", "agency", "council", "party", "company", "firm", "group",
             "organisation", "organization", "body", "union", "board", "watchdog", "regulator",
             "charity", "bank", "newspaper", "broadcaster", "authority", "commission", "committee",
             "institute", "association", "airline", "carrier", "insurer", "retailer", "supermarket",
             "bank", "club", "team", "quango", "think-tank", "thinktank", "campaign", "pollster"}
#: common nouns that say the name beside them is a place ("the town of Woolwich", "Powys county")
PLACE_NOUNS = {"town", "city", "village", "county", "borough", "district", "region", "province",
               "state", "constituency", "suburb", "area", "island", "capital", "port", "airport"}
#: prepositions after which a one-word name the article never gives a person's title or first name
#: is a place ("in Woolwich", "at Westminster")
_SPEECH_LEMMAS = {"say", "tell", "add", "claim", "argue", "insist", "warn", "state", "announce", "deny",
                  "admit", "accuse", "urge", "believe", "think", "write"}
_PLACE_PREPS = {"in", "at", "near", "across", "throughout", "outside", "around"}
_HONORIFIC = re.compile(r"^(?:mr|mrs|ms|miss|dr|sir|dame|lord|lady|prof|professor|president|minister|"
                        r"secretary|chancellor|senator|governor|mayor|judge|king|queen|prince|princess|"
                        r"general|archbishop|bishop|rev|reverend|captain|capt|gen|sen|rep|gov)\.?$", re.I)


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
    if prev is not None and prev.lower_ == "the" and tok.dep_ != "compound" and \
            not (nxt is not None and nxt.text[:1].isupper()):
        return "", False  # "the Bill", "the Queen": a person's name takes no article ("the Blair
        # government" is a compound: the name stays)
    if prev is not None and prev.lower_ in _PLACE_PREPS and tok.dep_ == "pobj" and \
            not (tok.i + 1 < len(doc) and doc[tok.i + 1].tag_ == "POS"):
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
    upper_lines = [(s, e) for s, e in _lines(text) if mostly_upper(text[s:e])]
    # one-word names that are part of a multi-word person's name in this article
    name_words: set[str] = set()
    for s, e, label, _ in spans:
        words = text[s:e].split()
        if label == "PERSON" and len(words) > 1:
            name_words.update(w.strip(".,'’") for w in (words[0], words[-1]))
    out: list[PSpan] = []
    singles: dict[str, list[int]] = defaultdict(list)
    for s, e, label, method in spans:
        if label == "PERSON":
            t = text[s:e]
            bare = re.sub(r"^(?:[Tt]he )", "", re.sub(r"(?:’s|'s)$", "", t))
            words = bare.split()
            letters = [ch for ch in bare if ch.isalpha()]
            entry = kb.lookup(bare)
            if any(ch.isdigit() for ch in t):
                label = "ORG"
            elif len(letters) >= 2 and all(ch.isupper() for ch in letters) and \
                    not any(ls <= s < le for ls, le in upper_lines) and "." not in bare:
                label = "ORG"
            elif kb.demonym(bare) is not None and entry is None:
                label = "NORP"
            elif entry is not None and entry.type != "PERSON":
                label = entry.type
            elif words and re.split(r"[\-–]", words[-1])[-1].lower() in ORG_HEADS and words[-1][:1].isupper():
                label = "ORG"
            elif re.fullmatch(r"[A-Z]{2,}s", bare):  # "MPs", "MEPs": a group of people, not a name
                label = ""
            elif len(words) == 1 and bare not in name_words:
                singles[bare].append(len(out))
        out.append((s, e, label, method))
    if not singles:
        return [sp for sp in out if sp[2]]
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
            lab, is_person = _single_token_evidence(doc, doc[tok.i:tok.i + 1], out)
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
    return [sp for sp in out if sp[2]]


# --- results lines -----------------------------------------------------------------------------

_SCORE = re.compile(r"^\d{1,3}(?:-\d{1,3})?$")


def rule_sports(doc: Doc, spans: list[PSpan], kb) -> list[PSpan]:
    """Teams in results and standings lines: a one-word place or person-tagged name directly
    followed by a score ("Leicestershire 296", "Hajduk 2 Proleter 0") in a line made mostly of
    names and numbers is an organisation (the team). Countries (national teams) are left alone."""
    text = doc_text(doc)
    out: list[PSpan] = []
    for s, e, label, method in spans:
        if label in ("GPE", "LOC", "PERSON", "NORP", "FAC") and kb.lookup(text[s:e], types=("GPE",)) is None:
            ls = text.rfind("\n", 0, s) + 1
            le = text.find("\n", e)
            le = len(text) if le < 0 else le
            line_toks = text[ls:le].split()
            nums = sum(bool(_NUMBERISH.match(t)) for t in line_toks)
            lower = sum(t.isalpha() and t.islower() for t in line_toks)
            after = text[e:le].split()
            person_like = label == "PERSON" and (len(text[s:e].split()) > 1 or re.match(r"[A-Z]\.", text[s:e]))
            if after and _SCORE.match(after[0]) and nums >= 2 and lower <= 2 and not person_like:
                label = "ORG"
        out.append((s, e, label, method))
    return out


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
    best: dict[str, str] = {t: ("PERSON" if t in surnames else c.most_common(1)[0][0]) for t, c in votes.items()}
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
            if _overlaps(m.start(), m.end(), out) or _overlaps(m.start(), m.end(), added):
                continue
            span = doc.char_span(m.start(), m.end())
            if span is None or not all(tok.tag_ in ("NNP", "NNPS") or not tok.is_alpha for tok in span):
                continue
            added.append((m.start(), m.end(), label, "alias"))
    return _dedupe(out + added)


#: the rules in the order :func:`refine_spans` applies them
RULES: dict[str, Callable] = {
    "allcaps": rule_allcaps,
    "boundaries": rule_boundaries,
    "drop_nonnames": rule_drop_nonnames,
    "kb_countries": rule_kb_countries,
    "not_people": rule_not_people,
    "sports": rule_sports,
    "discourse": rule_discourse,
}


def refine_spans(doc: Doc, spans: list[PSpan], kb, rules: Optional[Sequence[str]] = None) -> list[PSpan]:
    """Apply the named rules (all of :data:`RULES` by default) in order."""
    for name in (RULES if rules is None else rules):
        spans = RULES[name](doc, spans, kb)
    return spans


def refine_doc(doc: Doc, kb, rules: Optional[Sequence[str]] = None) -> Doc:
    """Correct ``doc.ents`` in place with the rules (once per Doc) and return the Doc."""
    if doc.user_data.get(REFINED_FLAG):
        return doc
    spans = [(e.start_char, e.end_char, e.label_, KB_METHOD if e.ent_id_ else "ner") for e in doc.ents]
    refined = refine_spans(doc, spans, kb, rules)
    ents = []
    for s, e, label, method in refined:
        span = doc.char_span(s, e, label=label, alignment_mode="expand")
        if span is not None and len(span):
            if method == KB_METHOD:
                span.id_ = method
            ents.append(span)
    doc.ents = filter_spans(ents)
    doc.user_data[REFINED_FLAG] = True
    return doc
