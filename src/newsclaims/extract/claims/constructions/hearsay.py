"""Hearsay adverbs: ``The group is reportedly spending $1.5 million`` (``reportedly``, ``allegedly``)."""

from __future__ import annotations

from typing import Iterator

from newsclaims.extract.claims.context import Context
from newsclaims.extract.claims.spans import SUBJECT_DEPS, ClaimSpan, trim
from newsclaims.extract.claims.words import HEARSAY_ADVERBS


def find(ctx: Context) -> Iterator[ClaimSpan]:
    """``The group is reportedly spending $1.5 million`` / ``after he allegedly brandished a
    pistol``: a report nobody is named for; the adverb is the cue, the clause around it the content
    (two fragments, the adverb left out)."""
    for adv in ctx.doc:
        if adv.lower_ not in HEARSAY_ADVERBS or adv.dep_ != "advmod" or ctx.in_quote(adv):
            continue
        verb = adv.head
        if (
            verb.pos_ not in ("VERB", "AUX")
            or verb.i < adv.i
            and verb.i != adv.i - 1
            or ctx.lemma(verb) in ctx.lex.speech_verbs
            or any(c.cue is not None and c.cue[0] <= adv.idx < c.cue[1] for c in ctx.claims)
        ):
            continue
        subj = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS and c.i < adv.i), None)
        if subj is None:
            continue
        toks = [
            t
            for t in verb.subtree
            if t.i >= subj.left_edge.i
            and not (t.dep_ == "mark" or t.dep_ in ("advcl", "prep") and t.i < subj.i)
        ]
        first, last = min(t.i for t in toks), max(t.i for t in toks)
        if not first < adv.i < last:
            continue
        left = trim(ctx.text, ctx.doc[first].idx, adv.idx)
        right = ctx.tidy(adv.idx + len(adv), ctx.doc[last].idx + len(ctx.doc[last]))
        if left[1] > left[0] and right[1] > right[0]:
            yield ClaimSpan("indirect", [left, right], None, (adv.idx, adv.idx + len(adv)), None, 0.5)
