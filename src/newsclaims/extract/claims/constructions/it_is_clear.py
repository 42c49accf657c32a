"""``it is unclear whether …``."""

from __future__ import annotations

from typing import Iterator

from newsclaims.extract.claims.context import Context
from newsclaims.extract.claims.spans import ClaimSpan
from newsclaims.extract.claims.words import CLARITY_ADJECTIVES, CLARITY_VERBS


def find(ctx: Context) -> Iterator[ClaimSpan]:
    """``it was unclear whether …`` / ``It is apparent that …``: a judgement nobody is named for; the
    cue runs from "it" through the adjective, the clause after it is the content."""
    for adj in ctx.doc:
        if adj.lemma_.lower() not in CLARITY_ADJECTIVES or adj.dep_ != "acomp" or ctx.in_quote(adj):
            continue
        verb = adj.head
        it = next((c for c in verb.children if c.dep_ in ("nsubj", "expl") and c.lower_ == "it"), None)
        clause = next(
            (
                c
                for c in list(verb.children) + list(adj.children)
                if c.dep_ in ("ccomp", "advcl")
                and c.i > adj.i
                and c.pos_ in ("VERB", "AUX")
                and c.left_edge.lower_ in ("that", "whether", "if")
            ),
            None,
        )
        if (
            it is None
            or clause is None
            or verb.lemma_.lower() not in CLARITY_VERBS
            or any(c.content_start <= adj.idx < c.content_end for c in ctx.claims)
        ):
            continue
        start = min(it.i, verb.i, *[c.i for c in verb.children if c.dep_ in ("aux", "neg") and c.i < adj.i])
        # "it is unclear whether": the question word belongs to the cue, "that" to the content
        end = clause.left_edge if clause.left_edge.lower_ in ("whether", "if") else adj
        first = clause.left_edge.i + (1 if end is not adj else 0)
        content = ctx.tidy(ctx.doc[first].idx, clause.right_edge.idx + len(clause.right_edge))
        if content[1] > content[0]:
            cue = (ctx.doc[start].idx, end.idx + len(end))
            yield ClaimSpan("indirect", [content], None, cue, None, 0.5)
