"""``the bill known as the Dream Act``."""

from __future__ import annotations

from typing import Iterator

from newsclaims.extract.claims.context import Context
from newsclaims.extract.claims.spans import ClaimSpan, trim


def find(ctx: Context) -> Iterator[ClaimSpan]:
    """``the bill known as the Dream Act`` / ``the bill, known as …``: a name the public gives,
    with no named source; the cue is "known as", the content the thing named (unless set off by a
    comma) and the name."""
    for v in ctx.doc:
        if (
            v.lower_ != "known"
            or v.tag_ != "VBN"
            or ctx.in_quote(v)
            or v.head.i >= v.i
            or v.head.pos_ not in ("NOUN", "PROPN")
        ):
            continue
        as_ = next((c for c in v.children if c.dep_ == "prep" and c.lower_ == "as" and c.i == v.i + 1), None)
        obj = next((c for c in as_.children if c.dep_ == "pobj"), None) if as_ is not None else None
        if obj is None:
            continue
        toks = list(obj.subtree)
        last = max(t.i for t in toks)
        while (
            last + 1 < len(ctx.doc)
            and ctx.doc[last + 1].pos_ == "PROPN"
            and ctx.doc[last].whitespace_
            and "\n" not in ctx.doc[last].whitespace_
        ):
            last += 1  # "Super Tuesday" parsed as two phrases
        name = ctx.tidy(min(t.idx for t in toks), ctx.doc[last].idx + len(ctx.doc[last]))
        head = v.head
        frags = [name]
        if "," not in ctx.text[head.idx : v.idx]:
            outer = head  # "the group of contests known as …": the whole noun phrase
            while (
                outer.dep_ == "pobj"
                and outer.head.dep_ == "prep"
                and outer.head.lower_ == "of"
                and outer.head.head.pos_ in ("NOUN", "PROPN")
                and outer.head.head.i < outer.i
            ):
                outer = outer.head.head
            frags = [trim(ctx.text, outer.left_edge.idx, head.idx + len(head)), name]
        if all(e > s for s, e in frags):
            yield ClaimSpan("indirect", frags, None, (v.idx, as_.idx + len(as_)), None, 0.5)
