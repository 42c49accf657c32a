"""The quotation finder, the one both claims and entities use: quotation spans from the marks themselves.

Marks: curly “…”, straight "…", guillemets «…», low-high „…“, and the NYT's doubled apostrophes
''…'' and backticks ``…''. A paragraph that ends inside a quote is closed at its end; when the next
paragraph opens with a mark of the same style, the quote continues there (fragments of one quote).
A claim construction that takes a quote as (part of) its content sets ``Quote.used``; later
constructions skip used quotes (see :mod:`newsclaims.extract.claims.constructions`). Entities and
pronoun resolution ask :func:`quoted_ranges` which text is quoted (a name or a pronoun inside a
quotation is the quoted speaker's, not the article's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

OPEN_MARKS = "“«„"
CLOSE_MARKS = "”»“"


@dataclass
class Quote:
    start: int  # the opening mark
    end: int  # one past the closing mark (or the paragraph end when unclosed)
    fragments: list[tuple[int, int]] = field(default_factory=list)
    used: bool = False

    @property
    def spans(self) -> list[tuple[int, int]]:
        return self.fragments or [(self.start, self.end)]


_MARK = re.compile(r"'{2,}|``|[\"“”«»„]")


def _marks(p: str):
    """Double quotation marks of one paragraph as (position, length, kind), kind "open", "close" or
    "both" (straight marks). Two apostrophes and two backticks are double quotes too (the NYT
    convention); in a run of three apostrophes the single quote is the one next to the word."""
    for m in _MARK.finditer(p):
        t = m.group()
        if t[0] == "'":
            if len(t) > 3:
                continue
            after = p[m.end() : m.end() + 1]
            # three apostrophes: an inner single quote closes before a closing pair, opens after an opening one
            at = m.start() + (len(t) - 2 if not after.isalnum() else 0)
            yield at, 2, "both"
        elif t in ("``", "“", "«", "„"):
            yield m.start(), len(t), "open"
        elif t in "”»":
            before, after = p[m.start() - 1 : m.start()], p[m.end() : m.end() + 1]
            # a closing mark typed where an opening one belongs: at the start of a paragraph or
            # after a space, right before a word (”What is …” ― Ana Ruiz)
            yield m.start(), 1, "open" if (not before or before.isspace()) and after.isalnum() else "close"
        else:
            yield m.start(), 1, "both"


def find_quotes(text: str) -> list[Quote]:
    """Quotation spans (marks included), paragraph by paragraph.

    A paragraph that ends inside a quote is closed at its end; when the next paragraph opens with a
    quotation mark, the quote continues there (the news convention for multi-paragraph quotes) and
    the two paragraphs become fragments of one quote.
    """
    quotes: list[Quote] = []
    carry: Optional[Quote] = None
    for para in re.finditer(r"[^\n]+", text):
        p, base = para.group(), para.start()
        open_at: Optional[int] = None
        first = True
        for i, n, kind in _marks(p):
            if open_at is None:
                if kind != "close":
                    open_at = i
                continue
            if kind == "open" and not (p[i] == "“" and p[open_at] == "„"):  # „…“ closes with “
                continue
            s, e = base + open_at, base + i + n
            if carry is not None and first and not p[:open_at].strip() and _same_style(text, carry.start, s):
                carry.fragments.append((s, e))
                carry.end = e
            else:
                quotes.append(Quote(s, e))
            carry, open_at, first = None, None, False
        if open_at is not None:
            s, e = base + open_at, base + len(p.rstrip())
            if carry is not None and first and not p[:open_at].strip() and _same_style(text, carry.start, s):
                carry.fragments.append((s, e))
                carry.end = e
            else:
                carry = Quote(s, e, [(s, e)])
                quotes.append(carry)
        else:
            carry = None
    for q in quotes:
        if len(q.fragments) == 1:
            q.fragments = []
    return quotes


def _same_style(text: str, a: int, b: int) -> bool:
    """Two opening marks of one kind (straight, curly or doubled apostrophes): a quote continued in
    the next paragraph opens it with the mark it opened with; a curly quote after a paragraph opened
    by a straight mark is a quote of its own (inside a block quote)."""

    def style(i: int) -> str:
        c = text[i : i + 1]
        return "straight" if c == '"' else "apostrophes" if c in "'`" else "curly"

    return style(a) == style(b)


def inside(q: Quote, pos: int) -> bool:
    """The position lies inside one of the quote's fragments."""
    return any(s <= pos < e for s, e in q.spans)


def quoted_ranges(text: str) -> list[tuple[int, int]]:
    """The character ranges inside quotation marks (marks included): every fragment of every quote
    :func:`find_quotes` finds, in text order."""
    return sorted(span for q in find_quotes(text) for span in q.spans)
