"""NER rules that read the shape of the text: lines in capitals, span edges, results lines.

``allcaps`` tags lines written in capitals again on a case-restored copy; ``boundaries`` trims and
splits a name's edges (line breaks, brackets, colons, numbers, lower-case words);
``drop_nonnames`` drops names without a capital letter; ``sports`` makes a one-word name followed by
a score in a results line a team. :mod:`newsclaims.extract.ner_rules` applies them in order with
the rules of :mod:`newsclaims.extract.ner_rules_types`.
"""

from __future__ import annotations

import re
from typing import Callable, Optional

from spacy.tokens import Doc

from newsclaims.extract.ner_spans import (
    KB_METHOD,
    PSpan,
    dedupe,
    is_name,
    is_numberish,
    overlaps,
    upper_lines,
)
from newsclaims.extract.nlp import doc_text

# --- all-capitals lines ----------------------------------------------------------------------------

_FUNCTION_WORDS = {
    "a",
    "an",
    "and",
    "at",
    "by",
    "de",
    "for",
    "from",
    "in",
    "of",
    "on",
    "or",
    "the",
    "to",
    "v",
    "vs",
    "with",
}


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
    lines = upper_lines(text)
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
        if pos_ is None or not is_name(label) or overlaps(*pos_, kept):
            continue
        added.append((pos_[0], pos_[1], label, "ner"))
    return dedupe(kept + added)


# --- boundaries ------------------------------------------------------------------------------------

_OPEN, _CLOSE = "([{", ")]}"


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
        for toks, after_colon in _split_at_colon(_runs(doc, span)):
            toks = _trim_end(toks)
            if after_colon and sum(t.is_alpha for t in toks) < 2:
                continue
            toks = _trim_start(toks, label)
            if toks:
                out.append((toks[0].idx, toks[-1].idx + len(toks[-1].text), label, method))
    return dedupe(out)


def _runs(doc: Doc, span) -> list[list]:
    """The span's tokens in runs that cross no line break and no unbalanced bracket: a closing
    bracket never opened, or (when one is left open at the end) every opening bracket."""
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
    return runs


def _trim_end(toks: list) -> list:
    """Drop a number, punctuation other than "." and "'", or a lower-case word from the end (a
    lower-case part joined by a hyphen stays: "Ban Ki-moon")."""
    while (
        toks
        and not _hyphen_joined(toks)
        and (
            is_numberish(toks[-1].text)
            or toks[-1].is_punct
            and toks[-1].text not in ".'"
            or toks[-1].text[:1].islower()
        )
    ):
        toks = toks[:-1]
    return toks


def _trim_start(toks: list, label: str) -> list:
    """Drop a number or punctuation from the start; and a lower-case word from a name that is no
    person's, or from a person's name a word that does not open one (:func:`_not_name_start`)."""
    while toks and (
        is_numberish(toks[0].text)
        or toks[0].is_punct
        or (label != "PERSON" and toks[0].is_alpha and toks[0].is_lower)
        or (label == "PERSON" and len(toks) > 1 and _not_name_start(toks[0]))
    ):
        toks = toks[1:]
    return toks


def _split_at_colon(runs: list[list]) -> list[tuple[list, bool]]:
    """A name never holds a colon: "WALLACE: Let's start" (a transcript's speaker, then the words he
    says) is "WALLACE". Returns (tokens, after a colon); what follows a colon stays a name only when
    two or more words of it are left once its edges are trimmed."""
    out: list[tuple[list, bool]] = []
    for run in runs:
        after = False
        while (colon := next((i for i, tok in enumerate(run) if tok.text == ":"), None)) is not None:
            out.append((run[:colon], after))
            run, after = run[colon + 1 :], True
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
_NAME_PARTICLES = {
    "de",
    "del",
    "della",
    "der",
    "den",
    "di",
    "da",
    "dos",
    "das",
    "du",
    "la",
    "le",
    "el",
    "van",
    "von",
    "ter",
    "ten",
    "al",
    "bin",
    "ibn",
    "st",
    "mac",
}
#: words that open a sentence and get tagged into the name after them ("Across Wales", "The Lib Dems")
_NOT_NAME_START = {
    "across",
    "in",
    "at",
    "on",
    "from",
    "for",
    "with",
    "by",
    "to",
    "under",
    "over",
    "into",
    "after",
    "before",
    "during",
    "throughout",
    "outside",
    "inside",
    "around",
    "near",
    "the",
    "a",
    "an",
    "this",
    "that",
    "these",
    "those",
    "and",
    "but",
    "or",
    "if",
    "as",
    "when",
    "while",
    "since",
    "unlike",
    "like",
    "dear",
    "meanwhile",
    "yesterday",
    "today",
}


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
    return [sp for sp in spans if not is_name(sp[2]) or any(ch.isupper() for ch in text[sp[0] : sp[1]])]


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
            nums = sum(is_numberish(t) for t in line_toks)
            lower = sum(t.isalpha() and t.islower() for t in line_toks)
            after = text[e:le].split()
            person_like = label == "PERSON" and (
                len(text[s:e].split()) > 1 or re.match(r"[A-Z]\.", text[s:e])
            )
            if after and _SCORE.match(after[0]) and nums >= 2 and lower <= 2 and not person_like:
                label = "ORG"
        out.append((s, e, label, method))
    return out
