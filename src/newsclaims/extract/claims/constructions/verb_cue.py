"""Reporting verbs from the lexicon (``cues.toml``), read from the dependency parse.

The verb's subject is the source (:meth:`Context.subject_of`); the content is, in order of
preference:

- quotes adjacent to the cue frame, direct: ``"We will win," she said.`` / ``He said: "No."`` /
  ``"A," she said, "B."`` — mixed when the quote ends a clause it does not open:
  ``Ms. Lund is "not a quitter," he said.``;
- a prepositional object: ``She called for new elections.`` (``prep_cues``);
- the clausal complement, indirect (mixed with quoted words inside): ``He said that the plan failed.``;
- the object and its as-phrase: ``They characterized the vote as "a sham."`` (``object_verbs``);
- the clause around a parenthetical frame: ``The plan, she said, would cost too much.``

Passives take the by-phrase as source (``The deal was criticised by unions.``) or none
(``The deal is expected to pass.``); ``Asked whether he would run, …`` is a question without an asker.
"""

from __future__ import annotations

import re
from typing import Iterator, Optional

from spacy.tokens import Token

from newsclaims.extract.claims.context import Context
from newsclaims.extract.claims.spans import ClaimSpan, token_extent, trim
from newsclaims.extract.claims.words import (
    ADDRESSEE_ONLY,
    ADDRESSEE_VERBS,
    AS_ONLY,
    GROUP_NOUNS,
    HYPOTHETICAL,
)
from newsclaims.extract.quotes import OPEN_MARKS, Quote


def find(ctx: Context) -> Iterator[ClaimSpan]:
    for verb in ctx.cue_verbs():
        yield from from_cue(ctx, verb)


def adjacent_quotes(ctx: Context, verb: Token) -> list[Quote]:
    """Quotes right before the cue frame ("…," he said) or right after it (he said: "…")."""
    sent = verb.sent
    out = []
    subj = ctx.subject_of(verb)
    frame_toks = [verb] + ([t for t in subj.subtree] if subj is not None else [])
    frame_start = min(t.idx for t in frame_toks)
    frame_end = max(t.idx + len(t) for t in frame_toks)
    frame_end = max(frame_end, ctx.cue_span(verb)[1])
    for q in ctx.quotes:
        if q.used:
            continue
        # quote ends just before the frame: only punctuation/space between
        gap_before = ctx.text[q.end : frame_start]
        if (
            0 <= len(gap_before) <= 3
            and q.end <= frame_start
            and gap_before.strip(" ,") == ""
            and not (
                re.search(r"[.!?][\"”'’»]*$", ctx.text[q.start : q.end])
                and "," not in gap_before
                and any(c.dep_ == "ccomp" and c.i > verb.i for c in verb.children)
            )
        ):
            # ('"… a quitter." She said she would stay': a quote that ends its sentence
            # belongs to the sentence before, when the cue reports a clause of its own)
            out.append(q)
            continue
        # quote starts right after the frame (and an optional object: "told reporters")
        if q.start >= frame_end and q.start >= sent.start_char - 1:
            gap = ctx.text[frame_end : q.start]
            if (
                len(gap) <= 40
                and re.fullmatch(r"[\s,:]*(?:(?:to |on )?[\w’' .]{0,30}?[,:])?\s*", gap)
                and "\n" not in gap
                and not ctx.verb_between(frame_end, q.start)
                and not re.search(r"\bthat\b", gap)
            ):  # ('said via email that, “…”': a clause)
                out.append(q)
    return out


def from_cue(ctx: Context, verb: Token) -> Iterator[ClaimSpan]:
    subj = ctx.subject_of(verb)
    if (
        subj is not None
        and subj.lower_ == "that"
        and subj.tag_ == "WDT"
        and not adjacent_quotes(ctx, verb)
        and not (
            verb.dep_ == "relcl"
            and (verb.head.ent_type_ in ("PERSON", "ORG", "NORP") or verb.head.lemma_.lower() in GROUP_NOUNS)
        )
    ):
        # "a study that shows …", "a law that requires …": a document or rule, rarely a claim (but
        # "the groups that endorsed him" are speakers)
        return
    if (
        verb.dep_ == "acl"
        and verb.tag_ == "VBG"
        and ctx.lemma(verb) not in ctx.lex.speech_verbs
        and not adjacent_quotes(ctx, verb)
    ):
        return  # "voters supporting the plan": a description of the noun, not a reported stance
    speaker, cluster = ctx.source(subj, verb) if subj is not None else (None, None)
    cue = ctx.cue_span(verb)
    lemma = ctx.lemma(verb)
    quotes = adjacent_quotes(ctx, verb)
    if quotes and subj is not None:
        kind, spans = _quoted(ctx, quotes, cue)
        yield ClaimSpan(kind, _with_relative(ctx, verb, subj, spans), speaker, cue, cluster, 0.9)
        return
    if lemma in ctx.lex.quote_verbs:
        return
    if lemma in AS_ONLY and not (
        any(c.i > verb.i and c.lower_ == "as" and c.dep_ == "prep" for c in verb.children)
        and any(c.i > verb.i and c.dep_ == "dobj" and c.tag_ not in ("WP", "WDT") for c in verb.children)
    ):
        return  # "voters see Clinton as the stronger candidate", not "they saw the film"
    if (
        subj is None
        and lemma == "ask"
        and verb.tag_ == "VBN"
        and verb.dep_ == "advcl"
        and (
            verb.i == verb.sent.start
            or all(
                t.lower_ in ("when", "if", "after", "once", "while", "as", "being")
                for t in ctx.doc[verb.left_edge.i : verb.i]
            )
        )
    ):
        # "Asked whether …, she said" / "…, he said when asked about the deal"
        yield from asked(ctx, verb, cue)
        return
    raised = (
        verb.dep_ == "xcomp"
        and ctx.lemma(verb.head) in ctx.lex.raising_verbs
        and getattr(ctx.raised_cue(verb.head), "i", None) == verb.i
    )
    if (
        lemma not in ctx.lex.speech_verbs
        and not raised
        and any(
            c.dep_ in ("aux", "auxpass")
            and c.lower_ in HYPOTHETICAL
            and not (c.lower_ == "to" and verb.dep_ == "advcl")
            for c in verb.children
        )
    ):
        return  # "would support", "to endorse": an attitude not (yet) held
    if subj is not None and subj.i < verb.i and (subj.dep_ == "nsubjpass" or lemma in ctx.lex.raising_verbs):
        yield from passive(ctx, verb, subj, lemma, cue)
        return
    yield from _reported(ctx, verb, subj, lemma, cue, speaker, cluster)


def _quoted(ctx: Context, quotes: list[Quote], cue: tuple[int, int]) -> tuple[str, list[tuple[int, int]]]:
    """The content and kind of a cue with quotes beside it (the quotes are marked used): the quotes'
    spans, "direct"; or, when the first quote ends a clause it does not open, "mixed" from the
    clause's start."""
    for q in quotes:
        q.used = True
    quotes = sorted(quotes, key=lambda q: q.start)
    spans = [span for q in quotes for span in q.spans]
    kind = "direct"
    first = quotes[0]
    if first.end <= cue[0] and not first.fragments:
        # 'Ms. Lund is “not a quitter,” he said': the clause the quote ends is the content
        sent = ctx.sentence_at(first.start)
        if sent is not None and sent.start_char < first.start:
            prefix = ctx.text[sent.start_char : first.start]
            if (
                re.search(r"\w", prefix)
                and not re.search(r"[\n\"“”«»!?;:]|''", prefix)
                and not re.search(r"(?<!\b[A-Z])(?<!\b[A-Z][a-z])(?<!\b[A-Z][a-z]{2})\.\s", prefix)
                and len(prefix) < 150
                and not ctx.text[first.start - 1 : first.start].isalnum()
                and not any(
                    t.pos_ in ("VERB", "AUX") and ctx.lex.cue_lemma(t.lemma_, t.text)
                    for t in ctx.doc.char_span(sent.start_char, first.start, alignment_mode="expand") or []
                )
            ):
                s0, _ = trim(ctx.text, sent.start_char, first.start)
                spans = [(s0, spans[0][1])] + spans[1:]
                kind = "mixed"
    return kind, spans


def _reported(
    ctx: Context,
    verb: Token,
    subj: Optional[Token],
    lemma: str,
    cue: tuple[int, int],
    speaker: Optional[tuple[int, int]],
    cluster,
) -> Iterator[ClaimSpan]:
    """A cue without adjacent quotes: its content is a prepositional object ("called for X"), its
    clausal complement, its object and as-phrase, or the clause around a parenthetical frame."""
    prep = ctx.prep_cue(verb, lemma)
    if prep is not None:
        cue = (cue[0], max(cue[1], prep[0]))
        comp: Optional[tuple[int, int]] = prep[1]
    else:
        comp = ctx.complement(verb)
    if comp is None and lemma in ctx.lex.object_verbs:
        comp = ctx.object_as(verb)
        objs = [c for c in verb.children if c.dep_ in ("dobj", "dative") and c.i > verb.i]
        if (
            comp is not None
            and lemma in ADDRESSEE_ONLY
            and objs
            and not any(t.pos_ in ("VERB", "AUX") for t in objs[0].subtree)
            and comp
            == trim(ctx.text, objs[0].left_edge.idx, objs[0].right_edge.idx + len(objs[0].right_edge))
        ):
            comp = None  # "he told me on Friday": whom he told, not what
    if comp is None and subj is not None:
        frags = ctx.parenthetical(verb)
        if frags:
            yield ClaimSpan("indirect", frags, speaker, cue, cluster, 0.7)
            return
    if comp is None or subj is None:
        return
    if ctx.quote_at(comp[0]) is None or ctx.text[comp[0]] not in OPEN_MARKS + '"':
        comp = ctx.tidy(*comp)
    comp = ctx.close_quotes(*comp, through=True)
    kind = ctx.quoted_kind(*comp)
    confidence = 0.6 if lemma in ctx.lex.belief_verbs else 0.8
    frags = [comp] + _after_frame(ctx, verb, comp, cue)
    frame_s = min(subj.left_edge.idx, cue[0])
    if comp[0] < frame_s and cue[1] < comp[1] and subj.i < verb.i:
        # the frame inside its own clause: "which he said was a mistake" -> "which" + "was a mistake"
        a, b = trim(ctx.text, comp[0], frame_s), trim(ctx.text, cue[1], comp[1])
        frags = [f for f in (a, b) if f[1] > f[0]]
    yield ClaimSpan(kind, _with_relative(ctx, verb, subj, frags), speaker, cue, cluster, confidence)


def passive(ctx: Context, verb: Token, subj: Token, lemma: str, cue: tuple[int, int]) -> Iterator[ClaimSpan]:
    """A passive cue: the source is the by-phrase, or nobody named. With addressee verbs ("she
    was asked whether …", "they were told to leave") the subject is the addressee and the
    content is the complement; otherwise the subject is what is reported ("The deal is
    expected to pass", "She was named the winner"): subject and complement, two fragments."""
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    src = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
    speaker, cluster = ctx.source(src) if src is not None else (None, None)
    prep = ctx.prep_cue(verb, lemma)
    if prep is not None:
        cue, comp = (cue[0], max(cue[1], prep[0])), prep[1]
    else:
        comp = ctx.complement(verb)
    if comp is None:
        as_ = [
            c
            for c in verb.children
            if c.dep_ in ("prep", "oprd", "attr", "acomp")
            and c.i > verb.i
            and (c.lower_ == "as" or c.dep_ != "prep")
        ]
        if as_:
            toks = list(as_[0].subtree)
            if (
                as_[0].lower_ == "as"
                and len(toks) > 1
                and not re.search(r"\w", ctx.text[cue[1] : as_[0].idx])
            ):
                # "is widely seen as a liberal": "as" right after the verb belongs to the cue
                cue = (cue[0], as_[0].idx + len(as_[0]))
                toks = [t for t in toks if t.i != as_[0].i]
            comp = trim(ctx.text, *token_extent(toks))
    if comp is None and src is None:
        # "they have been accused of hurting civilians", "blamed for the outbreak": the charge, its
        # preposition in the cue
        p = next(
            (
                c
                for c in verb.children
                if c.dep_ == "prep" and c.lower_ in ("of", "for") and c.i == verb.i + 1
            ),
            None,
        )
        obj = next((o for o in p.children if o.dep_ in ("pobj", "pcomp")), None) if p is not None else None
        if obj is not None:
            toks = list(obj.subtree)
            comp = trim(ctx.text, *token_extent(toks))
            cue = (cue[0], p.idx + len(p))
    if lemma in ADDRESSEE_VERBS:
        if comp is not None:
            yield ClaimSpan("indirect", [ctx.tidy(*comp)], speaker, cue, cluster, 0.6)
        return
    if lemma in ctx.lex.raising_verbs:
        if ctx.raised_cue(verb) is not None:
            return  # "she seemed to blame the network": her attribution, with the cue "seemed to blame"
        if (
            subj.lower_ == "it"
            and comp is not None
            and any(c.dep_ == "ccomp" and c.i > verb.i for c in verb.children)
        ):
            # "it appears that the talks failed": an empty subject, the clause is the content
            yield ClaimSpan("indirect", [ctx.tidy(*comp)], speaker, cue, cluster, 0.6)
            return
    subject = ctx.source_span(subj, verb)
    frags = [subject] + ([ctx.tidy(*comp)] if comp is not None else [])
    if comp is None and (
        lemma in ctx.lex.raising_verbs
        or src is None
        and (
            lemma not in ctx.lex.speech_verbs
            or subj.ent_type_ == "PERSON"
            or subj.tag_ == "PRP"
            and subj.lower_ not in ("it", "this", "that")
        )
    ):
        return  # "the diagnosis was confirmed" (a speech verb): the subject is what was said
    yield ClaimSpan("indirect", frags, speaker, cue, cluster, 0.6)


def asked(ctx: Context, verb: Token, cue: tuple[int, int]) -> Iterator[ClaimSpan]:
    """ "Asked whether …, she said …" / "Asked about X, he …": the question is an attribution
    of its own, whose asker the sentence does not name."""
    prep = ctx.prep_cue(verb, "ask")
    if prep is not None:
        cue, content = (cue[0], max(cue[1], prep[0])), prep[1]
    else:
        comps = [
            c
            for c in verb.children
            if c.dep_ in ("ccomp", "xcomp")
            or c.dep_ == "advcl"
            and any(m.dep_ == "mark" and m.lower_ in ("if", "whether") for m in c.children)
        ]
        comps = [c for c in comps if c.i > verb.i]
        if not comps:
            return
        toks = list(comps[0].subtree)
        content = trim(ctx.text, *token_extent(toks))
    if content[1] > content[0]:
        yield ClaimSpan("indirect", [content], None, cue, None, 0.6)


def _after_frame(
    ctx: Context, verb: Token, comp: tuple[int, int], cue: tuple[int, int]
) -> list[tuple[int, int]]:
    """A reported clause before a frame set off by commas, which the sentence then continues
    ("The middle fifth paid 9 percent, the agency said, and the bottom fifth 1 percent" / "…,
    the Times said, including speeches"): what follows the frame is a second fragment."""
    if comp[1] > cue[0] or ctx.text[comp[1] : comp[1] + 1] != ",":
        return []
    sent = verb.sent
    comma = next((t for t in ctx.doc[verb.i + 1 : sent.end] if t.text == "," and not ctx.in_quote(t)), None)
    if comma is None or any(t.pos_ in ("VERB", "AUX") for t in ctx.doc[verb.i + 1 : comma.i]):
        return []
    rest = [t for t in ctx.doc[comma.i + 1 : sent.end] if not t.is_punct or t.i < sent.end - 1]
    if len([t for t in rest if not t.is_punct]) < 2 or any(ctx.in_quote(t) for t in rest):
        return []
    # the rest hangs off the cue verb, and is no attribution of its own (", adding …")
    heads = [t for t in rest if not comma.i < t.head.i < sent.end or t.head.i == t.i]
    if any(h.head.i != verb.i for h in heads) or any(
        h.pos_ in ("VERB", "AUX")
        and ctx.lex.cue_lemma(h.lemma_, h.text)
        or ctx.is_setting(h)
        or h.dep_ == "advmod"
        for h in heads
    ):
        return []  # (", two days after the vote", ", even after …": when, not what)
    if rest[0].dep_ == "cc":
        rest = rest[1:]  # "…, the agency said, and those in the bottom fifth paid …"
    s, e = ctx.tidy(rest[0].idx, rest[-1].idx + len(rest[-1]))
    return [(s, e)] if e > s else []


def _with_relative(
    ctx: Context, verb: Token, subj: Token, frags: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """A wh-word before the frame stands for part of what was said ("which he described as his
    second home", "what she called a rigged system", "who many feel need a win"): it opens the
    content, as a fragment of its own."""
    if subj is None or subj.i > verb.i:
        return frags
    comp = [c for c in verb.children if c.dep_ in ("ccomp", "xcomp") and c.i > verb.i]
    cands = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")] + [
        x for c in comp for x in c.children if x.dep_ in ("nsubj", "nsubjpass")
    ]
    wh = next(
        (
            c
            for c in cands
            if c.tag_ in ("WDT", "WP")
            and c.lower_ in ("which", "what", "who", "whom")
            and c.i < subj.left_edge.i
            and not ctx.in_quote(c)
        ),
        None,
    )
    if (
        wh is None
        or not frags
        or wh.idx >= min(s for s, _ in frags)
        or re.match(r"(?i)that\b", ctx.text[frags[0][0] : frags[0][1]])
    ):
        return frags  # "which she thought that only she would see": the that-clause is complete
    return [(wh.idx, wh.idx + len(wh))] + list(frags)
