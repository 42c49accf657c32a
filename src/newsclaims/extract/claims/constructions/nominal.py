"""Nominal cues: ``Trump's claim that …``."""

from __future__ import annotations

from typing import Iterator

from newsclaims.extract.claims.context import Context
from newsclaims.extract.claims.spans import ClaimSpan, token_extent
from newsclaims.extract.claims.words import (
    NOUN_CUE_PREPS,
    NOUN_CUES_WITH_TO,
    NOUN_SOURCE_PREPS,
    RELATIVE_PRONOUNS,
)


def find(ctx: Context) -> Iterator[ClaimSpan]:
    """Nouns that report what someone said or holds ("Trump's claim that …", "the senator's
    criticism of the plan", "support for the bill from unions"): the noun (with the preposition
    that introduces the content) is the cue, the possessor or by/from phrase the source, the
    that-clause or the preposition's object the content. Only with a named source."""
    for n in ctx.doc:
        if n.pos_ != "NOUN" or n.lemma_.lower() not in ctx.lex.noun_cues or ctx.in_quote(n):
            continue
        if any(
            c.content_start <= n.idx < c.content_end
            for c in ctx.claims
            if c.cue and c.cue[0] <= n.idx < c.cue[1]
        ):
            continue
        src = next((c for c in n.children if c.dep_ == "poss" and c.i < n.i), None)
        if src is None and n.tag_ == "NNS":
            # "But Trump claims that …": a verb the tagger read as a plural noun, its subject as
            # a compound name
            src = next(
                (
                    c
                    for c in n.children
                    if c.dep_ == "compound"
                    and c.i == n.i - 1
                    and c.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")
                ),
                None,
            )
        content = None
        cue_end = n.idx + len(n)
        for c in n.children:
            if c.i <= n.i:
                continue
            if c.dep_ in ("acl", "ccomp") and any(
                m.dep_ == "mark"
                and m.lower_ == "that"
                or m.dep_ == "aux"
                and m.lower_ == "to"
                and m.i == c.left_edge.i
                for m in c.children
            ):
                toks = list(c.subtree)
                content = token_extent(toks)
            elif c.dep_ == "prep" and c.lower_ in NOUN_SOURCE_PREPS and src is None:
                src = next((o for o in c.children if o.dep_ == "pobj"), None)
            elif c.dep_ == "prep" and c.lower_ in NOUN_CUE_PREPS and content is None:
                obj = next((o for o in c.children if o.dep_ in ("pobj", "pcomp")), None)
                if c.lower_ == "to" and n.lemma_.lower() not in NOUN_CUES_WITH_TO:
                    continue
                if obj is not None and c.i == n.i + 1 and obj.ent_type_ not in ("DATE", "TIME"):
                    toks = list(obj.subtree)
                    content = token_extent(toks)
                    cue_end = c.idx + len(c)
        if src is None or content is None or src.lower_ in RELATIVE_PRONOUNS:
            continue
        content = ctx.tidy(*content)
        if content[1] <= content[0]:
            continue
        mods = [c for c in n.children if c.dep_ == "amod" and c.i < n.i and (src.i < c.i)]
        cue_start = min([n.idx] + [c.idx for c in mods])
        speaker, cluster = ctx.source(src)
        if src.dep_ == "poss":
            case = next((c for c in src.children if c.dep_ == "case"), None)
            if case is not None:
                speaker = (speaker[0], max(speaker[1], case.idx + len(case)))
        content = ctx.close_quotes(*content, through=True)
        kind = ctx.quoted_kind(*content, whole_is_direct=False)
        yield ClaimSpan(kind, [content], speaker, (cue_start, cue_end), cluster, 0.5)
