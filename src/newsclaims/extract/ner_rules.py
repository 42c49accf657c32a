"""Rules that correct the statistical NER before entity resolution (the entity stage calls
:func:`refine_doc`).

The rules work on character spans ``(start, end, label, method)`` with OntoNotes labels and are
general: they use the shape of the text (capitals, line breaks, numbers), the knowledge base
(countries, demonyms) and what the article itself says elsewhere (one sense per document). None is
keyed to a particular name or corpus. (A paragraph that is only a dateline, "LONDON 1996-08-30", is
taken out of the body by the normaliser.) The rules live by family in
:mod:`newsclaims.extract.ner_rules_shape` (the shape of the text: ``allcaps``, ``boundaries``,
``drop_nonnames``, ``sports``) and :mod:`newsclaims.extract.ner_rules_types` (what type a name is:
``kb_countries``, ``not_people``, ``discourse``); the span tuple and the helpers they share are in
:mod:`newsclaims.extract.ner_spans`. In the order :data:`RULES` applies them:

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

from typing import Callable, Optional, Sequence

from spacy.tokens import Doc
from spacy.util import filter_spans

from newsclaims.extract.ner_rules_shape import rule_allcaps, rule_boundaries, rule_drop_nonnames, rule_sports
from newsclaims.extract.ner_rules_types import rule_discourse, rule_kb_countries, rule_not_people
from newsclaims.extract.ner_spans import KB_METHOD, PSpan

REFINED_FLAG = "newsclaims_ner_rules"

__all__ = [
    "KB_METHOD",
    "REFINED_FLAG",
    "RULES",
    "PSpan",
    "refine_doc",
    "refine_spans",
    "rule_allcaps",
    "rule_boundaries",
    "rule_discourse",
    "rule_drop_nonnames",
    "rule_kb_countries",
    "rule_not_people",
    "rule_sports",
]


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
    for name in RULES if rules is None else rules:
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
