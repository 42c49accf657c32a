"""Signed quotes: ``“We will not leave.” ― Ana Ruiz``.

A quote followed by a dash and a name is that person's (direct). It takes the quote even when an
earlier construction claimed it without a speaker (that claim is dropped).
"""

from __future__ import annotations

import re
from typing import Iterator

from newsclaims.extract.claims.context import Context
from newsclaims.extract.claims.spans import ClaimSpan

_DASH_NAME = re.compile(r"[ \t]*[―—][ \t]*([A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,3})(?=[ \t]*(?:[.\n“\"]|$))")


def find(ctx: Context) -> Iterator[ClaimSpan]:
    for q in ctx.quotes:
        m = _DASH_NAME.match(ctx.text, q.end)
        if (
            m is None
            or q.used
            and not any(c.content_spans == q.spans and c.speaker is None for c in ctx.claims)
        ):
            continue
        span = ctx.doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
        if span is None or not (
            any(t.ent_type_ == "PERSON" for t in span) or all(t.pos_ == "PROPN" for t in span)
        ):
            continue
        ctx.claims = [c for c in ctx.claims if c.content_spans != q.spans]
        q.used = True
        name = m.group(1)
        # the sentence's period is no part of the name ("― Ana Ruiz."), an initial's is ("Jr.")
        cut = 1 if name.endswith(".") and len(name.split()[-1]) > 3 else 0
        speaker = (m.start(1), m.end(1) - cut)
        dash = m.start() + len(m.group()) - len(m.group().lstrip(" \t"))
        yield ClaimSpan("direct", q.spans, speaker, (dash, dash + 1), ctx.resolve(speaker, span.root), 0.7)
