"""Polls: ``In a CBS News poll, she led by 10 points``."""

from __future__ import annotations

import re
from typing import Iterator

from newsclaims.extract.claims.context import Context
from newsclaims.extract.claims.spans import ClaimSpan, token_extent, trim
from newsclaims.extract.claims.words import POLL_NOUNS

# "it is unclear whether …": a judgement with no source


def find(ctx: Context) -> Iterator[ClaimSpan]:
    """``In a CBS News poll last month, she led by 10 points`` / ``She led by 10 points in a CBS
    News poll.``: the poll is the source, "in" the cue, the clause the content."""
    for tok in ctx.doc:
        if tok.lower_ != "in" or tok.dep_ != "prep" or ctx.in_quote(tok):
            continue
        obj = next((c for c in tok.children if c.dep_ == "pobj"), None)
        if obj is None or obj.lemma_.lower() not in POLL_NOUNS:
            continue
        sent = tok.sent
        root = sent.root
        phrase = list(tok.subtree)
        ps, pe = token_extent(phrase)
        line = ctx.text.rfind("\n", 0, ps) + 1
        if tok.i == sent.start or not re.search(r"\w", ctx.text[max(line, sent.start_char) : ps]):
            # sentence-initial: the clause after the comma that closes the opening phrase
            comma = ctx.text.find(",", pe, sent.end_char)
            if comma < 0 or ctx.verb_between(pe, comma) or "\n" in ctx.text[pe:comma]:
                continue
            content = trim(ctx.text, comma + 1, sent.end_char)
        elif (
            tok.head.i == root.i
            and not re.search(r"\w", ctx.text[pe : sent.end_char])
            and ctx.text[ps - 1 : ps] == " "
        ):
            content = trim(ctx.text, max(line, sent.start_char), ps)  # sentence-final
        else:
            continue
        if content[1] > content[0] and ctx.text[content[1] - 1] == ".":
            content = (content[0], content[1] - 1)
        if len(re.findall(r"\w+", ctx.text[content[0] : content[1]])) < 3 or any(
            c.content_start < content[1] and content[0] < c.content_end for c in ctx.claims
        ):
            continue
        speaker, cluster = ctx.source(obj)
        yield ClaimSpan("indirect", [content], speaker, (tok.idx, tok.idx + len(tok)), cluster, 0.6)
