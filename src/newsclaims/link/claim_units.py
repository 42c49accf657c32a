"""A claim reduced to what the grouping rule compares: its segments (sentences and clause runs) as
units of content-word keys, negation, numbers and predicate verbs; computed from a parse of the content
or, in the pipeline, from segment signatures stored at extraction (the article's own parse)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

#: content words are compared by their lemma, or by this many leading letters of it when > 0
KEY_PREFIX = 0
#: units span at most this many consecutive segments
MAX_UNIT_SEGMENTS = 3

_CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "ADV", "NUM"}
_NEGATORS = {"not", "n't", "no", "never", "none", "nothing", "nobody", "neither", "nor", "without", "cannot"}
#: words after a clause-ending punctuation mark that open a new clause
_CLAUSE_OPENERS = {
    "but",
    "yet",
    "and",
    "or",
    "so",
    "while",
    "whereas",
    "although",
    "though",
    "which",
    "because",
    "as",
    "then",
}
#: verbs that carry no predicate of their own (reporting, auxiliary-like)
_LIGHT_VERBS = {"say", "tell", "add", "note", "be", "have", "do", "go", "get", "make", "let"}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD_NUMBERS = {
    "zero": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "twenty": "20",
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "hundred": "100",
    "thousand": "1000",
    "million": "1000000",
    "billion": "1000000000",
    "dozen": "12",
}


@dataclass(frozen=True)
class Unit:
    """A run of consecutive segments of one claim, reduced to what the match rule compares."""

    text: str
    keys: frozenset[str]
    negated: bool
    numbers: frozenset[str]
    verbs: frozenset[str] = frozenset()
    #: where the unit's text lies in the claim's content (units rebuilt from signatures)
    span: tuple[int, int] | None = None


# --- analysis --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _default_nlp():
    """The project's spaCy model (:func:`newsclaims.extract.nlp.load_nlp`: the configured package or folder)
    without NER: tagger, lemmatizer and parser are what the units need."""
    from newsclaims.extract.nlp import load_nlp, with_attribute_cache

    nlp = with_attribute_cache(load_nlp.__wrapped__())  # same attributes, without the ruler's cost per token
    if "ner" in nlp.pipe_names:
        nlp.disable_pipe("ner")
    return nlp


def _segments(doc) -> list[list]:
    """Sentences of a parsed claim, each cut into clauses at punctuation + clause opener."""
    return _clauses([list(sent) for sent in doc.sents])


def _clauses(sentences: Sequence[Sequence]) -> list[list]:
    """Token runs (sentences, quote fragments) cut into clauses at punctuation + clause opener."""
    segments = []
    for tokens in sentences:
        current: list = []
        for i, token in enumerate(tokens):
            boundary = (
                current
                and i > 0
                and tokens[i - 1].text in {",", ";", ":", "—", "–", "-"}
                and (token.lower_ in _CLAUSE_OPENERS or tokens[i - 1].text in {";", ":", "—", "–"})
            )
            if boundary:
                segments.append(current)
                current = []
            current.append(token)
        if current:
            segments.append(current)
    return [seg for seg in segments if any(not t.is_punct for t in seg)]


def _content_key(token) -> str | None:
    if token.pos_ not in _CONTENT_POS or token.is_stop or token.is_punct or not token.text.strip():
        return None
    lemma = token.lemma_.lower().strip("'’\"“”[]()")
    if not lemma or not any(ch.isalnum() for ch in lemma):
        return None
    if token.like_num or token.pos_ == "NUM":
        return _number_value(token.lower_)
    return lemma[:KEY_PREFIX] if KEY_PREFIX else lemma


def _number_value(text: str) -> str:
    text = text.lower()
    if text in _WORD_NUMBERS:
        return _WORD_NUMBERS[text]
    match = _NUMBER.search(text)
    return match.group(0).replace(",", "") if match else text


def _is_negator(token) -> bool:
    return token.dep_ == "neg" or token.lower_ in _NEGATORS


def _unit(tokens: Sequence) -> Unit:
    keys = {key for t in tokens if (key := _content_key(t))}
    numbers = {_number_value(t.lower_) for t in tokens if t.like_num or t.pos_ == "NUM"}
    negations = sum(1 for t in tokens if _is_negator(t))
    verbs = {
        key
        for t in tokens
        if t.pos_ == "VERB" and t.lemma_.lower() not in _LIGHT_VERBS and (key := _content_key(t))
    }
    text = "".join(t.text_with_ws for t in tokens).strip()
    return Unit(text, frozenset(keys), negations % 2 == 1, frozenset(numbers), frozenset(verbs))


def claim_units(doc, max_segments: int = MAX_UNIT_SEGMENTS) -> list[Unit]:
    """All runs of 1..``max_segments`` consecutive segments of a parsed claim."""
    return _runs([_unit(seg) for seg in _segments(doc)], max_segments)


def _runs(segments: Sequence[Unit], max_segments: int = MAX_UNIT_SEGMENTS) -> list[Unit]:
    """Units of every run of 1..``max_segments`` consecutive segments (each given as a unit)."""
    units = []
    for size in range(1, max_segments + 1):
        for start in range(0, len(segments) - size + 1):
            run = segments[start : start + size]
            spans = [u.span for u in run]
            units.append(
                run[0]
                if size == 1
                else Unit(
                    " ".join(u.text for u in run),
                    frozenset().union(*(u.keys for u in run)),
                    sum(u.negated for u in run) % 2 == 1,
                    frozenset().union(*(u.numbers for u in run)),
                    frozenset().union(*(u.verbs for u in run)),
                    (spans[0][0], spans[-1][1]) if all(spans) else None,
                )
            )
    return units


# --- signatures: a claim's segments computed once, from the article's own parse ---------------------
#
# Extraction has the whole article parsed already; re-parsing each claim's text at link time cost
# most of the link stage.  So the extraction step reduces every claim to its segment *signatures*
# (stored in ``claims.group_segments``) and grouping rebuilds the units from them without spaCy.
# A signature is a list of tags: ``k:<key>`` (content key), ``n:<number>``, ``v:<verb key>``, one
# ``neg`` per negator and ``@<start>:<end>``, where the segment lies in the claim's content (so the
# sentence encoder of :mod:`newsclaims.link.paraphrase` gets the segment's own words; signatures stored
# before it have no ``@`` tag and their claims are parsed again when paraphrase is compared).


def segment_signatures(
    fragments: Sequence[Sequence], spans: Sequence[tuple[int, int]] | None = None
) -> list[list[str]]:
    """Signatures of a claim's segments, from its tokens in the article's parse.

    ``fragments`` are the token runs of the claim's content spans (``"A," she said, "B."`` has two);
    each is cut at the parse's sentence starts and then into clauses like a separately parsed claim.
    ``spans`` are those content spans as (start, end) character offsets in the parsed text; with
    them each signature records where its segment lies in the claim's content (the spans' texts
    joined by a space, as extraction builds ``claims.content``).
    """
    where: dict[int, tuple[int, int]] = {}  # id(token) -> its (start, end) in the content
    sentences: list[list] = []
    base = 0
    for k, tokens in enumerate(fragments):
        current: list = []
        lo, hi = spans[k] if spans is not None and k < len(spans) else (None, None)
        for token in tokens:
            if lo is not None:
                start = min(max(token.idx, lo), hi) - lo + base
                end = min(max(token.idx + len(token.text), lo), hi) - lo + base
                where[id(token)] = (start, end)
            if current and token.is_sent_start:
                sentences.append(current)
                current = []
            if token.is_quote or token.text in "[]":
                continue  # surrounding quotation marks and editorial brackets carry nothing
            current.append(token)
        if current:
            sentences.append(current)
        if lo is not None:
            base += hi - lo + 1
    out = []
    for seg in _clauses(sentences):
        u = _unit(seg)
        sig = (
            sorted(f"k:{k}" for k in u.keys)
            + sorted(f"n:{n}" for n in u.numbers)
            + sorted(f"v:{v}" for v in u.verbs)
            + ["neg"] * u.negated
        )
        offsets = [where[id(t)] for t in seg if id(t) in where]
        if offsets and max(e for _, e in offsets) > min(s for s, _ in offsets):
            sig.append(f"@{min(s for s, _ in offsets)}:{max(e for _, e in offsets)}")
        out.append(sig)
    return out


def units_from_signatures(
    signatures: Sequence[Sequence[str]], max_segments: int = MAX_UNIT_SEGMENTS, content: str | None = None
) -> list[Unit]:
    """The units :func:`claim_units` would compare, rebuilt from stored segment signatures; with
    ``content`` (the claim's text) each unit also gets its words, where the signature says."""
    segments = []
    for sig in signatures:
        tags = {"k": set(), "n": set(), "v": set()}
        negations = 0
        span = None
        for tag in sig:
            if tag == "neg":
                negations += 1
            elif tag.startswith("@"):
                start, _, end = tag[1:].partition(":")
                span = (int(start), int(end))
            else:
                tags[tag[0]].add(tag[2:])
        text = content[span[0] : span[1]] if content is not None and span is not None else ""
        segments.append(
            Unit(
                text,
                frozenset(tags["k"]),
                negations % 2 == 1,
                frozenset(tags["n"]),
                frozenset(tags["v"]),
                span if text else None,
            )
        )
    units = _runs(segments, max_segments)
    if content is not None:  # a run's words are the content from its first to its last segment
        units = [dataclasses.replace(u, text=content[u.span[0] : u.span[1]]) if u.span else u for u in units]
    return units
