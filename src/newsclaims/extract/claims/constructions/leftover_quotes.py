"""Quotes no earlier construction claimed (``Quote.used`` unset), last in the order.

- A quote that stands alone as a sentence or paragraph continues the quote just before it:
  ``"We will win," she said. "Nobody can stop us."`` — one claim, two fragments; or, farther away,
  it is a direct claim of the same speaker.
- Otherwise a quote inside a clause is a mixed claim of the clause's subject, when that subject is a
  person, organisation or place: ``Pike called the plan "a disgrace" on Friday.``
"""

from __future__ import annotations

import re
from typing import Iterator, Optional

from spacy.tokens import Span, Token

from newsclaims.extract.claims.context import Context
from newsclaims.extract.claims.spans import ClaimSpan, token_extent, trim
from newsclaims.extract.quotes import Quote


def find(ctx: Context) -> Iterator[ClaimSpan]:
    """Each unclaimed quote, in order: a continuation of the claim before it, a direct claim of that
    claim's speaker, or a mixed claim of the subject of the clause around it."""
    # the claims of the earlier constructions, in text order; the claims this construction adds are
    # not in it (``ctx.claims`` has them)
    by_pos = sorted(ctx.claims, key=lambda c: c.content_start)
    for q in ctx.quotes:
        if q.used:
            continue
        sent = ctx.sentence_at(q.start)
        standalone = sent is not None and _is_whole_sentence(ctx, q, sent)
        previous = _previous_claim(ctx, q, by_pos)
        if standalone and previous is not None and _continues(ctx, previous, q):
            # '"A," X said. "B."' (also 'The plan is "a failure," X said. "B."') and a quoted
            # paragraph right after the paragraph of a quote: B continues the same utterance,
            # one claim with two fragments
            q.used = True
            previous.content_spans = sorted(previous.content_spans + q.spans)
            continue
        if (
            standalone
            and previous is not None
            and previous.speaker_cluster is not None
            and _near(ctx, previous, q)
        ):
            q.used = True
            yield ClaimSpan("direct", q.spans, None, None, previous.speaker_cluster, 0.6)
            continue
        if sent is None or len(ctx.text[q.start : q.end].split()) > 40:
            continue
        claim = _clause_claim(ctx, q, sent)
        if claim is not None:
            yield claim


def _previous_claim(ctx: Context, q: Quote, by_pos: list[ClaimSpan]) -> Optional[ClaimSpan]:
    """The claim a standalone quote may continue: the last claim ending before it, or the last direct
    one when that claim does not end quoted and no paragraph break or other quote lies between."""
    before = [c for c in by_pos if c.content_end <= q.start]
    previous = before[-1] if before else None
    directs = [c for c in before if _ends_quoted(ctx, c)]
    last_direct = max(directs, key=lambda c: c.content_end) if directs else None
    if (
        last_direct is not None
        and (previous is None or not _ends_quoted(ctx, previous))
        and "\n" not in ctx.text[last_direct.content_end : q.start]
        and not any(last_direct.content_end <= o.start < q.start for o in ctx.quotes)
    ):
        previous = last_direct
    return previous


def _continues(ctx: Context, previous: ClaimSpan, q: Quote) -> bool:
    """Whether the closed quote ``q`` goes on with the quoted claim ``previous``: in the same paragraph,
    or as a whole quoted paragraph right after the paragraph of a direct or mixed claim."""
    between = ctx.text[previous.content_end : q.start]
    closed = bool(re.search(r"[\"”»“]|''", ctx.text[q.end - 2 : q.end]))
    return (
        _ends_quoted(ctx, previous)
        and closed
        and (
            "\n" not in between
            or len(re.findall(r"\s*\n\s*", between)) == 1
            and previous.kind in ("direct", "mixed")
            and _whole_paragraph(ctx, q)
            and len(between) < 200
        )
    )


def _clause_claim(ctx: Context, q: Quote, sent: Span) -> Optional[ClaimSpan]:
    """A quote inside a clause: the mixed claim of the clause's subject (a person, organisation or
    place), or nothing; a quote in a clause a kept claim's cue already reports joins that claim."""
    root = sent.root
    verb = _governing_verb(ctx, q, sent) or root
    if verb.lemma_ in ("be", "have"):
        return None  # a scare quote in a statement of the writer's ('the plan is "dead"')
    subj = ctx.subject_of(verb) or ctx.subject_of(root)
    if subj is None:
        return None
    speaker, cluster = ctx.source(subj, verb)
    if cluster is None or cluster.type not in ("PERSON", "ORG", "GPE", "NORP"):
        return None
    cue = (
        ctx.cue_span(verb) if ctx.lex.cue_lemma(verb.lemma_, verb.text) else (verb.idx, verb.idx + len(verb))
    )
    if _join_reported_clause(ctx, q, sent, verb):
        return None
    q.used = True
    s, e = _mixed_content(ctx, q, sent, verb)
    return ClaimSpan("mixed", [(s, e)], speaker, cue, cluster, 0.5)


def _join_reported_clause(ctx: Context, q: Quote, sent: Span, verb: Token) -> bool:
    """When a kept claim's cue is ``verb`` in the same sentence, the quote belongs to the clause that
    cue already reports: one claim, not two. Uses the quote (extending the claim's last fragment to
    the quote when it follows in the same paragraph, an indirect claim becoming mixed) and says so."""
    same = [
        c
        for c in ctx.claims
        if c.cue is not None
        and c.cue[0] <= verb.idx < c.cue[1]
        and sent.start_char <= c.content_start < sent.end_char
    ]
    if not same:
        return False
    q.used = True
    c = same[0]
    if c.content_end <= q.start and "\n" not in ctx.text[c.content_end : q.start]:
        c.content_spans[-1] = (c.content_spans[-1][0], q.end)
        if c.kind == "indirect":
            c.kind = "mixed"
    return True


def _mixed_content(ctx: Context, q: Quote, sent: Span, verb: Token) -> tuple[int, int]:
    """The content of a mixed claim: the words after ``verb`` together with the quote (only the quote
    when another claim starts in the sentence), without a final full stop outside the quote."""
    sent_claimed = any(sent.start_char <= c.content_start < sent.end_char for c in ctx.claims)
    toks = [] if sent_claimed else [t for t in verb.subtree if t.i > verb.i]
    if toks:
        s, e = token_extent(toks)
        s, e = trim(ctx.text, min(s, q.start), max(e, q.end))
    else:
        s, e = q.start, q.end
    if ctx.text[e - 1 : e] == "." and not ctx.text[s:e].endswith(("”", '"', "''", "»")):
        e -= 1
    return s, e


def _ends_quoted(ctx: Context, c: ClaimSpan) -> bool:
    """A direct quote, or mixed content whose last words are quoted."""
    return c.kind == "direct" or c.kind == "mixed" and ctx.text[c.content_end - 1 : c.content_end] in "”\"'"


def _whole_paragraph(ctx: Context, q: Quote) -> bool:
    ls = ctx.text.rfind("\n", 0, q.start) + 1
    le = ctx.text.find("\n", q.end)
    le = len(ctx.text) if le < 0 else le
    return not ctx.text[ls : q.start].strip() and not ctx.text[q.end : le].strip()


def _is_whole_sentence(ctx: Context, q: Quote, sent: Span) -> bool:
    before = re.split(r"[.!?]\s", ctx.text[sent.start_char : q.start])[-1]  # a missed sentence break
    outside = before + ctx.text[q.end : sent.end_char]
    return not re.search(r"\w", outside) or q.start <= sent.start_char + 1


def _near(ctx: Context, previous: ClaimSpan, q: Quote) -> bool:
    between = ctx.text[previous.content_end : q.start]
    return between.count("\n\n") <= 1 and len(between) < 400


def _governing_verb(ctx: Context, q: Quote, sent: Span) -> Optional[Token]:
    toks = [t for t in sent if q.start <= t.idx < q.end]
    if not toks:
        return None
    head = toks[0]
    while head.head.i != head.i and q.start <= head.idx < q.end:
        head = head.head
    while head.pos_ not in ("VERB", "AUX") and head.head.i != head.i:
        head = head.head
    return head if head.pos_ in ("VERB", "AUX") else None
