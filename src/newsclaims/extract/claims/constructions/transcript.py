"""Transcript lines: ``PENCE: And that's why we will win.``

A paragraph that opens with a name and a colon is that speaker's turn (direct), up to the next
label or the paragraph end; labels such as "Update:" or "Photo:" (``NOT_SPEAKERS``), "Q:" and
place names are not speakers.
"""

from __future__ import annotations

import re
from typing import Iterator

from newsclaims.extract.claims.context import Context
from newsclaims.extract.claims.spans import ClaimSpan, trim
from newsclaims.extract.claims.words import NOT_SPEAKERS

_LABEL = re.compile(r"(?m)^[\"“]?([A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,3}):[ \t]+(?=\S)")


def find(ctx: Context) -> Iterator[ClaimSpan]:
    """Transcript lines ``PENCE: And that's why …`` (a paragraph opening with a name and a colon)
    and quotes signed with a dash, ``“…” ― Ana Ruiz``."""
    for m in _LABEL.finditer(ctx.text):
        name = m.group(1)
        if (
            name.lower() in NOT_SPEAKERS
            or ctx.quote_at(m.start(1)) not in (None,)
            and not ctx.text[m.start() : m.start(1)]
        ):
            continue
        span = ctx.doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
        if span is None:
            continue
        if name == "Q" or any(t.ent_type_ in ("GPE", "LOC") for t in span):
            continue  # an interviewer's question; a list of names by state
        named = (
            name.isupper() or len(name) == 1 or any(t.ent_type_ in ("PERSON", "ORG", "NORP") for t in span)
        )
        if not named or any(t.pos_ in ("VERB", "AUX") for t in span):
            continue
        end = ctx.text.find("\n", m.end())
        end = len(ctx.text) if end < 0 else end
        nxt = _LABEL.search(ctx.text, m.end(), end)
        nested = re.search(r"\s[\"“][A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,3}: ", ctx.text[m.end() : end])
        if nested:
            end = m.end() + nested.start()
        elif nxt:
            end = nxt.start()
        s, e = trim(ctx.text, m.end(), end)
        while e > s and ctx.text[e - 1] in '"“ ':
            e -= 1
        # a transcript turn (an upper-case label, "PENCE:") is quoted whole, its final period included
        if (
            e > s
            and ctx.text[e - 1] == "."
            and not ctx.text[s:e].endswith(("”", "''"))
            and not (name.isupper() and len(name) > 1)
        ):
            e -= 1
        if e - s < 3 or any(c.content_start <= s < c.content_end for c in ctx.claims):
            continue
        speaker = (m.start(1), m.end(1))
        head = span.root
        for q in ctx.quotes:
            if s <= q.start and q.end <= e + 1:
                q.used = True
        yield ClaimSpan(
            "direct", [(s, e)], speaker, (m.end(1), m.end(1) + 1), ctx.resolve(speaker, head), 0.7
        )
