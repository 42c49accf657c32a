"""Source phrases: ``According to the police, two men were arrested.``

The phrase's object is the source, the phrase the cue, the rest of the sentence the content (two
fragments when the phrase interrupts it: ``The plan, according to aides, is dead.``). The phrases are
``source_phrases`` in ``cues.toml``.
"""

from __future__ import annotations

import re
from typing import Iterator

from spacy.tokens import Token

from newsclaims.extract.claims.context import Context
from newsclaims.extract.claims.spans import ClaimSpan, token_extent, trim
from newsclaims.extract.claims.words import CONNECTIVE

_SENTENCE_BREAK = re.compile(r"(?:(?:(?<=[a-z]{4})|(?<=[0-9)%]{2}))[.!?]|[!?]|[:;])[\"”’']*\s+(?=[\"“A-Z])")


def find(ctx: Context) -> Iterator[ClaimSpan]:
    """Each source phrase of the lexicon (``source_phrases`` in ``cues.toml``: "according to", …)
    where its words stand in a row, outside quotes; the object of its last word (or of its first,
    as the parser sometimes hangs it) is the source."""
    phrases = [phrase.split() for phrase in ctx.lex.source_phrases]
    for tok in ctx.doc:
        for words in phrases:
            if tok.lower_ != words[0] or ctx.in_quote(tok):
                continue
            end = tok.i + len(words)
            if end > len(ctx.doc) or [t.lower_ for t in ctx.doc[tok.i : end]] != words:
                continue
            last = ctx.doc[end - 1]
            objs = [c for c in last.children if c.dep_ == "pobj"] or [
                c for c in tok.children if c.dep_ == "pobj"
            ]
            if not objs:
                continue
            phrase_toks = list(tok.subtree) + list(last.subtree)
            yield from _source_phrase(ctx, tok, objs[0], phrase_toks, (tok.idx, last.idx + len(last)))


def _source_phrase(
    ctx: Context, tok: Token, src: Token, phrase_toks: list[Token], cue: tuple[int, int]
) -> Iterator[ClaimSpan]:
    """A source-first phrase ("according to X", "in X's poll"): its object is the source, the rest
    of the sentence without the phrase the content."""
    speaker, cluster = ctx.source(src)
    sent = tok.sent
    ps, pe = token_extent(phrase_toks)
    start = sent.start_char
    if ps > start:
        # a sentence the parser ran together with the one before ('… came from.” London
        # was …', 'firms: London was …'): the content starts after the last break
        breaks = list(_SENTENCE_BREAK.finditer(ctx.text, start, ps))
        if breaks and re.search(r"\w+\W+\w+", ctx.text[breaks[-1].end() : ps]):
            start = breaks[-1].end()
        # nor across a paragraph break (a time stamp or dateline the parser put in the sentence)
        start = max(start, ctx.text.rfind("\n", start, ps) + 1)
    left = trim(ctx.text, start, ps) if ps > start else (ps, ps)
    right = trim(ctx.text, pe, sent.end_char)
    right = (right[0], right[1] - (1 if ctx.text[right[1] - 1 : right[1]] == "." else 0))
    left = (left[0], left[1] - (1 if ctx.text[left[1] - 1 : left[1]] == "." else 0))
    words = lambda f: len(re.findall(r"\w+", ctx.text[f[0] : f[1]]))  # noqa: E731
    if (
        words(left) >= 2
        and words(right) >= 3
        and ctx.text[pe : pe + 1] == ","
        and ctx.text[ps - 2 : ps].strip() == ","
    ):
        # "A, according to X, B": the phrase interrupts the content, two fragments
        frags = [left, right]
    elif words(left) > words(right):
        frags = [left]
    else:
        frags = [right]
    # a connective opening the sentence is the writer's ("Still, according to the poll, …")
    m = CONNECTIVE.match(ctx.text, frags[0][0], frags[0][1])
    if m and m.end() < frags[0][1]:
        frags[0] = (m.end(), frags[0][1])
    content = (frags[0][0], frags[-1][1])
    yield ClaimSpan(ctx.quoted_kind(*content), frags, speaker, cue, cluster, 0.8)
