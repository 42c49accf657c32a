"""Helpers for the claim construction tests.

Two ways to get a parse:

- :func:`claims_of` / :func:`one` run the statistical model on a sentence we composed (what most
  tests do: they check the rules against the parses the model really gives);
- :func:`fixed_doc` builds a spaCy ``Doc`` from fixed words, heads, dependency labels, parts of
  speech and lemmas, so a rule test does not depend on the model's version; :func:`claims_in` runs
  the extractor on such a Doc.
"""

from __future__ import annotations

from typing import Optional

import pytest
import spacy
from spacy.tokens import Doc

from newsclaims.extract.claims import extract_claims, load_lexicon
from newsclaims.extract.entities import ArticleEntities
from newsclaims.extract.kb import load_kb
from newsclaims.extract.nlp import load_nlp

_VOCAB = spacy.blank("en").vocab


def _described(text: str, claims) -> list[dict]:
    out = []
    for c in claims:
        out.append(
            {
                "kind": c.kind,
                "speaker": text[c.speaker[0] : c.speaker[1]] if c.speaker else None,
                "entity": c.speaker_cluster.canonical_name if c.speaker_cluster else None,
                "cue": text[c.cue[0] : c.cue[1]] if c.cue else None,
                "content": " ".join(text[s:e] for s, e in c.content_spans),
                "fragments": len(c.content_spans),
            }
        )
    return out


def claims_of(text):
    """The claims the extractor finds in ``text`` parsed by the model, as plain dicts."""
    doc = load_nlp()(text)
    ents = ArticleEntities(doc, load_kb())
    return _described(text, extract_claims(doc, ents, load_lexicon()))


def one(text, **expected):
    """The claim of ``text`` with these fields (``contains``: a part of the content); fails if none."""
    found = claims_of(text)
    for c in found:
        if (
            all(c[k] == v for k, v in expected.items() if k != "contains")
            and expected.get("contains", "") in c["content"]
        ):
            return c
    pytest.fail(f"no claim {expected} in {found}")


def fixed_doc(
    words: list[str],
    heads: list[int],
    deps: list[str],
    pos: list[str],
    lemmas: Optional[list[str]] = None,
    tags: Optional[list[str]] = None,
) -> Doc:
    """A parsed Doc without the model: ``heads`` are absolute token indices (the root points at
    itself), every token followed by a space but the last and one before a final punctuation mark."""
    spaces = [
        i + 1 < len(words) and not (i + 2 == len(words) and words[-1] in ".!?") for i in range(len(words))
    ]
    return Doc(
        _VOCAB,
        words=words,
        spaces=spaces,
        heads=heads,
        deps=deps,
        pos=pos,
        lemmas=lemmas or [w.lower() for w in words],
        tags=tags or [""] * len(words),
    )


def claims_in(doc: Doc) -> list[dict]:
    """The claims the extractor finds in a fixed Doc, as plain dicts."""
    return _described(doc.text, extract_claims(doc, ArticleEntities(doc, load_kb()), load_lexicon()))
