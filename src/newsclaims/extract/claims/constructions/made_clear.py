"""``X made (it) clear that …``."""

from __future__ import annotations

from typing import Iterator

from newsclaims.extract.claims.context import Context
from newsclaims.extract.claims.spans import ClaimSpan, token_extent


def find(ctx: Context) -> Iterator[ClaimSpan]:
    """``X made (it) clear that …``: the verb phrase through "clear" is the cue, the clause
    after it the content, the subject of "make" the source."""
    for verb in ctx.doc:
        if verb.lemma_.lower() != "make" or verb.pos_ != "VERB" or ctx.in_quote(verb):
            continue
        clear = [
            c for c in verb.children if c.lower_ == "clear" and c.dep_ in ("ccomp", "oprd", "acomp", "xcomp")
        ]
        if not clear:
            continue
        clear = clear[0]
        clauses = [
            c
            for c in list(verb.children) + list(clear.children)
            if c.dep_ in ("ccomp", "advcl") and c.i > clear.i and c.pos_ in ("VERB", "AUX")
        ]
        subj = ctx.subject_of(verb)
        if not clauses or subj is None or subj.i > verb.i:
            continue
        c = min(clauses, key=lambda t: t.i)
        toks = list(c.subtree)
        speaker, cluster = ctx.source(subj, verb)
        cue = (ctx.cue_span(verb)[0], clear.idx + len(clear))
        comp = ctx.tidy(*token_extent(toks))
        comp = ctx.close_quotes(*comp, through=True)
        kind = ctx.quoted_kind(*comp, whole_is_direct=False)
        yield ClaimSpan(kind, [comp], speaker, cue, cluster, 0.8)
