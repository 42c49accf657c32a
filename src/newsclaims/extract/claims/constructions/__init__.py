"""The claim constructions, run in this order over one article (:func:`run`).

Each construction is a module with ``find(ctx)``, which yields :class:`~newsclaims.extract.claims.spans.ClaimSpan`
records; :meth:`Context.add <newsclaims.extract.claims.context.Context.add>` keeps each one the moment it
is yielded (unless it is empty, says nothing, or repeats a kept claim's content), so a construction
sees the claims of those before it — and its own earlier ones — in ``ctx.claims``.

| # | module            | example                                               | kind                    |
|---|-------------------|-------------------------------------------------------|-------------------------|
| 1 | `verb_cue`        | ``"It is over," she said.`` / ``He said that …``      | direct, indirect, mixed |
| 2 | `source_phrase`   | ``According to the police, two men were arrested.``   | indirect, mixed, direct |
| 3 | `poll`            | ``In a CBS News poll, she led by 10 points.``         | indirect                |
| 4 | `made_clear`      | ``Pike made it clear that she would run.``            | indirect, mixed         |
| 5 | `it_is_clear`     | ``It is unclear whether the talks will resume.``      | indirect, no source     |
| 6 | `nominal`         | ``Trump's claim that the vote was rigged``            | indirect, mixed         |
| 7 | `known_as`        | ``the bill known as the Dream Act``                   | indirect, no source     |
| 8 | `hearsay`         | ``The group is reportedly spending $1.5 million.``    | indirect, no source     |
| 9 | `transcript`      | ``PENCE: And that's why …``                           | direct                  |
| 10| `signed_quote`    | ``“We will not leave.” ― Ana Ruiz``                   | direct                  |
| 11| `leftover_quotes` | a quote no construction claimed                       | direct, mixed           |

**Why the order matters.** Constructions share state: a construction that takes a quote as content
sets ``Quote.used``, and later ones skip used quotes (``verb_cue`` claims the quotes next to its cue
before ``leftover_quotes`` looks for quotes nobody claimed, and ``signed_quote`` may take a quote
back from a speakerless claim). Several constructions skip words another claim already
covers (``it_is_clear``, ``nominal``, ``hearsay``, ``poll``, ``transcript`` look at ``ctx.claims``),
and ``Context.add`` drops a claim whose content repeats one already kept — the first construction to
find a content wins. Reordering this list changes results.
"""

from __future__ import annotations

from newsclaims.extract.claims.constructions import (
    hearsay,
    it_is_clear,
    known_as,
    leftover_quotes,
    made_clear,
    nominal,
    poll,
    signed_quote,
    source_phrase,
    transcript,
    verb_cue,
)
from newsclaims.extract.claims.context import Context

CONSTRUCTIONS = (
    verb_cue,
    source_phrase,
    poll,
    made_clear,
    it_is_clear,
    nominal,
    known_as,
    hearsay,
    transcript,
    signed_quote,
    leftover_quotes,
)


def run(ctx: Context) -> None:
    """Every construction in order, each claim kept (or refused) by ``ctx.add`` as soon as it is found."""
    for construction in CONSTRUCTIONS:
        for claim in construction.find(ctx):
            ctx.add(claim)
