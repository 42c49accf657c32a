"""The span the NER rules pass along, and the small helpers every rule family shares.

A span is a tuple ``(start_char, end_char, OntoNotes label, method)``: :data:`PSpan`. The rules
themselves are in :mod:`newsclaims.extract.ner_rules_shape` and
:mod:`newsclaims.extract.ner_rules_types`; :mod:`newsclaims.extract.ner_rules` lists them in order.
"""

from __future__ import annotations

import re
from typing import Iterable

#: a span: (start_char, end_char, OntoNotes label, method)
PSpan = tuple[int, int, str, str]

#: labels of names (the rules leave DATE, CARDINAL, ... alone)
NAME_LABELS = {
    "PERSON",
    "ORG",
    "GPE",
    "LOC",
    "FAC",
    "NORP",
    "EVENT",
    "LAW",
    "PRODUCT",
    "WORK_OF_ART",
    "LANGUAGE",
}
#: method of spans the knowledge-base ruler found (a known name: its edges are not touched)
KB_METHOD = "kb"


def is_name(label: str) -> bool:
    return label in NAME_LABELS


def overlaps(s: int, e: int, spans: Iterable[PSpan]) -> bool:
    return any(a < e and s < b for a, b, *_ in spans)


NUMBERISH = re.compile(r"^[+\-]?[\d][\d.,:/\-+%]*$")


def is_numberish(text: str) -> bool:
    return bool(NUMBERISH.match(text))


def dedupe(spans: Iterable[PSpan]) -> list[PSpan]:
    seen: dict[tuple[int, int], PSpan] = {}
    for sp in sorted(spans, key=lambda x: (x[0], -x[1])):
        seen.setdefault((sp[0], sp[1]), sp)
    return list(seen.values())


def lines(text: str) -> Iterable[tuple[int, int]]:
    return ((m.start(), m.end()) for m in re.finditer(r"[^\n]+", text))


def mostly_upper(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 4 and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


def upper_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of the lines of ``text`` written mostly in capitals (headlines, results tables)."""
    return [(s, e) for s, e in lines(text) if mostly_upper(text[s:e])]
