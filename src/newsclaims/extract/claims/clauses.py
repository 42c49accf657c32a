"""Where a reported clause or object begins and ends: the span rules the cue constructions share.

A mixin of :class:`newsclaims.extract.claims.context.Context` (it reads the article through
``self.doc``, ``self.text``, ``self.lex`` and the quote helpers there).
"""

from __future__ import annotations

import re
from typing import Optional

from spacy.tokens import Span, Token

from newsclaims.extract.claims.spans import SUBJECT_DEPS, token_extent, trim
from newsclaims.extract.claims.words import (
    INFINITIVE_NOUNS,
    OBJECT_INFINITIVE_VERBS,
    PLATFORM_NOUNS,
    RELATIVE_PRONOUNS,
    SETTING_NOUNS,
)


class Clauses:
    def tidy(self, s: int, e: int) -> tuple[int, int]:
        """The end of a reported clause or object, news-annotation style: never across a line break;
        without a participle cue after a comma (", saying …" is an attribution of its own), a
        trailing non-restrictive relative clause (", which …"), or the sentence's final period."""
        nl = self.text.find("\n", s, e)
        if nl > 0 and self.quote_at(s) is None:
            e = nl
        # nor across a semicolon, which closes the reported clause ("said it was no plan; they
        # learned of it on Friday")
        semi = next(
            (m.start() for m in re.finditer(";", self.text[s:e]) if self.quote_at(s + m.start()) is None),
            None,
        )
        if semi is not None and semi > 0 and self.quote_at(s) is None:
            e = s + semi
        span = self.doc.char_span(s, e, alignment_mode="expand")
        if span is None:
            return trim(self.text, s, e)
        cut = None
        # a reported clause with its own subject keeps a ", which …" that comments on it ("said the
        # army retains power, which worries them"); a reported noun phrase does not
        clause = any(
            r.pos_ in ("VERB", "AUX") and any(c.dep_ in SUBJECT_DEPS for c in r.children)
            for r in span
            if not span.start <= r.head.i < span.end or r.head.i == r.i
        )
        for t in span:
            if t.i == span.start or self.in_quote(t):
                continue
            prev = self.doc[t.i - 1]
            if (
                prev.text == ","
                and t.tag_ == "VBG"
                and self.lemma(t) in self.lex.speech_verbs
                and self.lemma(t) not in self.lex.belief_verbs
            ):
                cut = t.i - 1
                break
            if (
                prev.text == ","
                and (
                    t.lower_ == "who"
                    or t.lower_ == "which"
                    and (not clause or self.lex.cue_lemma(t.head.lemma_, t.head.text))
                )
                and t.head.dep_ == "relcl"
                and t.head.right_edge.i >= span.end - 2
            ):
                cut = t.i - 1
                break
        if cut is None:
            cut = self._trailing_apposition(span)
        if cut is not None and cut > span.start:
            e = self.doc[cut - 1].idx + len(self.doc[cut - 1])
        s, e = trim(self.text, s, e)
        if (
            e > s
            and self.text[e - 1] == "."
            and self.quote_at(e - 1) is None
            and not re.search(r"\b[A-Z]\.$|\b(?:[a-z]\.){2,}$", self.text[s:e])
        ):
            e -= 1
        return s, e

    def _trailing_apposition(self, span: Span) -> Optional[int]:
        """A comma before a noun phrase in apposition that ends the span — the writer's gloss, not
        what was said ("backed Smith, the former governor"; "said it had cut 500 jobs, the first
        cuts in a decade"): the index of that comma."""
        last = span.end - 1
        while last > span.start and self.doc[last].is_punct and not self.in_quote(self.doc[last]):
            last -= 1
        for t in reversed(span[1:]):
            if t.text != "," or self.in_quote(t):
                continue
            nxt = t.i + 1
            if nxt > last:
                return None
            heads = [
                h
                for h in self.doc[nxt : last + 1]
                if h.dep_ in ("appos", "npadvmod")
                and h.left_edge.i == nxt
                and h.right_edge.i >= last
                and h.pos_ in ("NOUN", "PROPN", "NUM")
            ]
            if heads and not any(self.in_quote(x) for x in self.doc[nxt : last + 1]):
                h = heads[0]
                if (
                    h.head.pos_ != "PROPN"
                    and any(x.dep_ == "cc" for x in h.children)
                    or h.pos_ == "PROPN"
                    and h.head.pos_ == "NOUN"
                    and h.head.i < t.i
                ):
                    # a list ("differ on taxes, the trade deal and immigration") or the name after
                    # a description ("his rival, Hillary Clinton"): part of what was said
                    return None
                return t.i
            return None
        return None

    def complement(self, verb: Token) -> Optional[tuple[int, int]]:
        """The clause a cue verb reports ("said [that the talks failed]"), as a character span, or None:
        its first clausal complement after the verb, with what the parser hung elsewhere but belongs
        to it, cut where a new clause starts."""
        comps = self._complements(verb)
        if not comps and self.lemma(verb) in self.lex.speech_verbs:
            adverbial = self._adverbial_report(verb)
            if adverbial is not None:
                return adverbial
        if not comps:
            return None
        right = [c for c in comps if c.i > verb.i]
        c = right[0] if right else comps[0]
        toks = self._with_object(verb, c, sorted(c.subtree, key=lambda t: t.i))
        if c.dep_ == "ccomp" and c.i > verb.i:
            c, toks = self._with_second_clause(verb, c, toks)
        cut = self._clause_cut(c)
        if cut is not None:
            toks = [t for t in toks if t.i < cut] or toks
        elif c.i > verb.i and (c.dep_ == "ccomp" or c.dep_ == "xcomp" and c.tag_ == "VB"):
            # "says he is proud of the campaign and expects to win": the parser hangs the second
            # verb on the cue, but it continues the reported clause (unless it is a cue itself);
            # so do bare infinitives coordinated with a reported one ("proposed to triple the
            # program, grow the corps and create a reserve")
            toks = self._continued(verb, c, toks)
        s, e = token_extent(toks)
        return trim(self.text, s, e)

    def _complements(self, verb: Token) -> list[Token]:
        """The verb's clausal complements (ccomp, xcomp); for ask / wonder / question the "if" or
        "whether" clause; else a verb the parser made the object."""
        comps = [c for c in verb.children if c.dep_ in ("ccomp", "xcomp")]
        if not comps and self.lemma(verb) in ("ask", "wonder", "question"):
            # "asked the students if they were serious": the question, not whom it was put to
            comps = [
                c
                for c in verb.children
                if c.dep_ == "advcl"
                and c.i > verb.i
                and any(
                    m.dep_ == "mark" and m.lower_ in ("if", "whether") and m.i == c.left_edge.i
                    for m in c.children
                )
            ]
        # "said that ..." where the parser hangs the clause off a conjunction
        if not comps:
            comps = [c for c in verb.children if c.dep_ in ("dobj",) and c.pos_ in ("VERB", "AUX")]
        return comps

    def _adverbial_report(self, verb: Token) -> Optional[tuple[int, int]]:
        """A speech verb's reported clause the parser read as adverbial, from its subject on, or None.

        "said after the meeting he would resign": a time phrase before the clause makes the parser
        read the reported clause as an adverbial one; a clause with its own subject and no
        subordinating word is what was said, from its subject on."""
        for c in verb.children:
            subj = next((x for x in c.children if x.dep_ in ("nsubj", "nsubjpass") and x.i < c.i), None)
            if (
                c.dep_ == "advcl"
                and c.i > verb.i
                and c.pos_ in ("VERB", "AUX")
                and subj is not None
                and not any(x.dep_ == "mark" or x.tag_ in ("WRB", "WDT", "WP") for x in c.children)
                and subj.lower_ not in RELATIVE_PRONOUNS
            ):
                toks = [t for t in c.subtree if t.i >= subj.left_edge.i]
                return trim(self.text, *token_extent(toks))
        return None

    def _with_object(self, verb: Token, c: Token, toks: list[Token]) -> list[Token]:
        """The complement's tokens ``toks`` with the verb's object when it belongs to the complement:
        the addressee of an xcomp, the subject of a subjectless ccomp."""
        if c.dep_ == "xcomp" and c.i > verb.i:
            # the addressee of urge / ask / encourage belongs to what they are urged to do
            objs = [o for o in verb.children if o.dep_ == "dobj" and verb.i < o.i < c.i]
            if objs:
                toks = sorted(list(objs[0].subtree) + toks, key=lambda t: t.i)
        elif (
            c.dep_ == "ccomp"
            and c.i > verb.i
            and c.pos_ in ("VERB", "AUX")
            and not any(x.dep_ in SUBJECT_DEPS or x.dep_ == "expl" for x in c.children)
        ):
            # "think the plan was a mistake" read as "think [the plan] [was a mistake]": the object is
            # the clause's subject
            objs = [o for o in verb.children if o.dep_ == "dobj" and verb.i < o.i < c.i]
            if objs:
                # with a modifier the parser hung on the verb in between ("the outreach [to voters]")
                mods = [
                    t for x in verb.children if x.dep_ == "prep" and objs[0].i < x.i < c.i for t in x.subtree
                ]
                between = {t.i for t in list(objs[0].subtree) + mods}
                if all(i in between for i in range(objs[0].left_edge.i, c.left_edge.i)):
                    toks = sorted(list(objs[0].subtree) + mods + toks, key=lambda t: t.i)
        return toks

    def _with_second_clause(self, verb: Token, c: Token, toks: list[Token]) -> tuple[Token, list[Token]]:
        """The ccomp ``c`` (tokens ``toks``) joined with a subjectless ccomp right after it, which then
        stands for the clause; ``c`` and ``toks`` unchanged when there is none.

        "said Trump has respect for the military and his comment was a joke": the parser took the
        second subject into the first clause and hung its verb on the cue, subjectless."""
        for x in verb.children:
            if (
                x.dep_ == "ccomp"
                and x.i > c.i
                and x.left_edge.i == c.right_edge.i + 1
                and not x.left_edge.is_punct
                and not c.right_edge.is_punct
                and x.pos_ in ("VERB", "AUX")
                and not self.in_quote(x)
                and not any(y.dep_ in SUBJECT_DEPS or y.dep_ == "expl" for y in x.children)
            ):
                return x, sorted(toks + list(x.subtree), key=lambda t: t.i)
        return c, toks

    def _continued(self, verb: Token, c: Token, toks: list[Token]) -> list[Token]:
        """The reported clause ``c`` (its tokens ``toks``) with a verb coordinated after it that
        continues it rather than starting an attribution of its own."""
        for x in verb.children:
            if c.dep_ == "xcomp" and (
                x.tag_ != "VB"
                or re.match(
                    r"\s*,\s*(?:and|or|but)\b", self.text[c.right_edge.idx + len(c.right_edge) : x.idx]
                )
            ):
                continue  # ("wanted to see the show, and not stay up late": a step of its own)
            cue_lemma = self.lex.cue_lemma(x.lemma_, x.text)
            that_clause = x.left_edge.lower_ == "that" or any(
                y.dep_ == "mark" and y.lower_ == "that" for y in x.children
            )
            # (a modal marks the reported clause, not the frame: "says it would depress revenue
            # but would eventually add $84 billion")
            modal = any(y.dep_ == "aux" and y.tag_ == "MD" for y in x.children) and not any(
                y.tag_ == "MD" for y in verb.children
            )
            if (
                x.dep_ == "conj"
                and x.i > c.right_edge.i
                and x.pos_ in ("VERB", "AUX")
                and (
                    that_clause
                    or (
                        (
                            cue_lemma is None
                            or cue_lemma in self.lex.belief_verbs
                            or cue_lemma not in self.lex.speech_verbs
                            or modal
                        )
                        and not any(y.dep_ in SUBJECT_DEPS for y in x.children)
                    )
                )
                and not self.in_quote(x)
                and "\n" not in self.text[c.right_edge.idx : x.idx]
            ):
                end = x.right_edge.i
                for y in x.children:
                    if (
                        c.dep_ == "xcomp"
                        and y.dep_ == "conj"
                        and y.i > x.i
                        and any(z.dep_ in SUBJECT_DEPS for z in y.children)
                    ):
                        end = min(end, y.left_edge.i - 1)  # "… and he pledged …": a new clause
                while c.dep_ == "xcomp" and end > x.i and self.doc[end].dep_ in ("cc", "punct"):
                    end -= 1
                return sorted(toks + [t for t in self.doc[c.right_edge.i + 1 : end + 1]], key=lambda t: t.i)
        return toks

    def _clause_cut(self, c: Token) -> Optional[int]:
        """Where a reported clause ends before something that is no part of it: a coordinated verb
        that is a cue of its own ("says he would go and tells the crowd …"), a participle cue
        (", calling them …"), a contrast the writer adds (", though …")."""
        for ch in c.children:
            if ch.i <= c.i:
                continue
            if ch.dep_ == "conj" and ch.pos_ in ("VERB", "AUX"):
                ccs = [x for x in c.children if x.dep_ == "cc" and x.i < ch.i]
                start = ccs[-1].i if ccs else ch.i
                lemma = self.lex.cue_lemma(ch.lemma_, ch.text)
                if (
                    lemma in self.lex.speech_verbs
                    and lemma not in self.lex.belief_verbs
                    and ch.tag_ in ("VBZ", "VBD")
                    and not any(x.dep_ in SUBJECT_DEPS for x in ch.children)
                ):
                    return start
            if (
                ch.dep_ == "advcl"
                and ch.tag_ == "VBG"
                and self.lex.cue_lemma(ch.lemma_, ch.text)
                and self.doc[ch.left_edge.i - 1].text == ","
            ):
                return ch.left_edge.i - 1
            if (
                ch.dep_ == "advcl"
                and any(
                    x.dep_ == "mark"
                    and x.lower_ in ("though", "although", "while", "whereas")
                    and x.i == ch.left_edge.i
                    for x in ch.children
                )
                and self.doc[ch.left_edge.i - 1].text == ","
            ):
                return ch.left_edge.i - 1
        return None

    def object_as(self, verb: Token) -> Optional[tuple[int, int]]:
        """``characterized X as "…"`` / ``accused X of …`` / ``called X "…"``: the object and its phrase."""
        obj = [c for c in verb.children if c.dep_ in ("dobj", "oprd")]
        preps = [c for c in verb.children if c.dep_ in ("prep", "advcl", "oprd") and c.i > verb.i]
        toks: list[Token] = []
        for o in obj:
            sub = list(o.subtree)
            # the object's last modifier telling where or when it was said ("praised the plan on
            # Twitter", "announced his bid in June 2015") is no part of it
            last = [
                c for c in o.children if c.dep_ == "prep" and c.i > o.i and c.right_edge.i == o.right_edge.i
            ]
            if last and self.is_setting(last[0], on_object=True) and last[0].left_edge.i > o.i:
                sub = [t for t in sub if t.i < last[0].left_edge.i]
            toks.extend(sub)
        for p in preps:
            if p.lower_ in ("as", "of", "for") or p.dep_ == "oprd":
                toks.extend(p.subtree)
        toks = [t for t in toks if t.i > verb.i]
        if toks:
            # the rest of the verb phrase after the object belongs to it ("proposed tighter controls
            # on the border on Tuesday", "compared the campaign to a car crash"), up to a comma
            # that opens another predicate
            last = max(t.i for t in toks)
            for c in sorted(verb.children, key=lambda c: c.i):
                if c.i <= last:
                    continue
                if (
                    c.dep_ in ("punct", "cc", "conj")
                    or c.tag_ == "VBG"
                    and self.doc[c.left_edge.i - 1].text == ","
                ):
                    break
                if self.is_setting(c):
                    break
                if (
                    c.dep_ == "advcl"
                    and c.left_edge.lower_ == "to"
                    and c.tag_ == "VB"
                    and obj
                    and all(o.pos_ == "NOUN" and o.lemma_.lower() not in INFINITIVE_NOUNS for o in obj)
                    and not any(p.lower_ == "as" for p in preps)
                    and self.lemma(verb) not in OBJECT_INFINITIVE_VERBS
                ):
                    break  # a purpose ("cited the rising seas to thrill his supporters"): why, not what
                if (
                    c.dep_ in ("prep", "advmod", "npadvmod", "advcl", "xcomp", "oprd", "dative", "acomp")
                    and c.lower_ != "according"
                ):
                    sub = list(c.subtree)
                    if any(self.doc[i].text in ",;:" for i in range(last + 1, c.left_edge.i)):
                        break
                    toks.extend(sub)
                    last = max(last, max(t.i for t in sub))
        # a quoted fragment right after the object ("accused Western governments “hysterically advancing”")
        if not toks:
            return None
        s, e = token_extent(toks)
        end_sent = verb.sent.end_char
        q = self.quote_at(e) or next((q for q in self.quotes if 0 <= q.start - e <= 2), None)
        if q is not None and q.end <= end_sent + 2:
            e = max(e, q.end)
        # extend to the end of the clause when the rest of the sentence hangs off the object
        return trim(self.text, s, e)

    def is_setting(self, c: Token, on_object: bool = False) -> bool:
        """An adjunct that says when, where or how something was said, not what: "on Thursday",
        "last June", "in a speech", "through his lawyer", "as the vote neared". ``on_object``: a
        phrase the parser hung on the object (only a platform or a short date)."""
        sub = list(c.subtree)
        # "on Twitter", "on its website": where, not what
        on_platform = (
            c.dep_ == "prep"
            and c.lower_ == "on"
            and any(o.dep_ == "pobj" and o.lower_ in PLATFORM_NOUNS for o in c.children)
        )
        if on_object:
            return (
                on_platform
                or c.dep_ == "prep"
                and all(t.ent_type_ in ("DATE", "TIME") for t in sub[1:])
                and len(sub) <= 4
            )
        if any(t.ent_type_ in ("DATE", "TIME") for t in sub) and len(sub) <= 6:
            return True
        if c.dep_ == "advcl" and any(
            m.dep_ == "mark" and m.lower_ in ("as", "when", "while", "after", "before", "since", "until")
            for m in c.children
        ):
            return True
        if c.dep_ == "prep" and c.lower_ == "during":
            return True  # "during a campaign stop", "during his time on MSNBC": always when
        if (
            c.dep_ == "prep"
            and c.lower_ in ("through", "in", "at", "via")
            and any(t.lemma_.lower() in SETTING_NOUNS for t in sub)
        ):
            return True
        return on_platform

    def prep_cue(self, verb: Token, lemma: str) -> Optional[tuple[int, tuple[int, int]]]:
        """``called for X`` / ``referred to X`` / ``weighed in on X``: the end of the cue (its
        preposition included) and the content (the preposition's object, with an infinitive that
        follows it: "called on Congress to act")."""
        preps = self.lex.prep_cues.get(lemma)
        if not preps:
            return None
        for c in verb.children:
            mark = c.left_edge
            if (
                c.dep_ == "advcl"
                and c.i > verb.i
                and mark.dep_ == "mark"
                and mark.head.i == c.i
                and 0 < mark.i - verb.i <= 3
                and " ".join(t.lower_ for t in self.doc[verb.i + 1 : mark.i + 1]) in preps
            ):
                # "called for the city to act": the parser reads "for" as opening a clause
                toks = [t for t in c.subtree if t.i > mark.i]
                if toks:
                    s, e = trim(self.text, *token_extent(toks))
                    return mark.idx + len(mark), (s, e)
            if c.dep_ not in ("prep", "dative") or c.i <= verb.i or c.i - verb.i > 3:
                continue
            words = " ".join(t.lower_ for t in self.doc[verb.i + 1 : c.i + 1])
            if words not in preps:
                continue
            objs = [t for t in c.children if t.dep_ in ("pobj", "pcomp")]
            if not objs:
                return None
            toks = list(objs[0].subtree)
            toks += [
                t for x in verb.children if x.dep_ in ("xcomp", "ccomp") and x.i > c.i for t in x.subtree
            ]
            s, e = trim(self.text, *token_extent(toks))
            return c.idx + len(c), (s, e)
        return None

    def parenthetical(self, verb: Token) -> list[tuple[int, int]]:
        """A cue frame set off by commas inside or after the clause it reports ("The plan, she said,
        would cost too much" / "In the long run, economists say, prices will fall"): the clause
        without the frame, in one or two fragments, without the sentence's final period."""
        # "As the Times reported, …" / "…, as Ryan has pointed out.": a frame opened by "as"
        as_frame = any(
            c.dep_ == "mark" and c.lower_ == "as" and c.i == verb.left_edge.i for c in verb.children
        )
        if (
            verb.dep_ not in ("parataxis", "advcl")
            or verb.head.pos_ not in ("VERB", "AUX")
            or verb.head.i < verb.i
            and verb.dep_ == "advcl"
            and not as_frame
        ):
            return []
        # an opening clause the parser hung on the cue ("If this fails, Mr. Diaz argues, …") is part
        # of what is reported, not of the frame
        subj = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS and c.i < verb.i), None)
        opening = {
            t.i
            for c in verb.children
            if subj is not None
            and c.dep_ in ("advcl", "prep")
            and c.right_edge.i < subj.left_edge.i
            and self.doc[c.right_edge.i + 1].text == ","
            for t in c.subtree
        }
        frame = sorted((t for t in verb.subtree if t.i not in opening), key=lambda t: t.i)
        lo, hi = frame[0].i, frame[-1].i
        sent = verb.sent
        opens = (
            as_frame
            and all(t.dep_ == "cc" or t.is_punct for t in self.doc[sent.start : lo])
            and hi + 1 < sent.end
            and "," in (self.doc[hi].text, self.doc[hi + 1].text)
        )
        if not opens and (lo == 0 or self.doc[lo - 1].text != "," and self.doc[lo].text != ","):
            return []
        out = []
        start, end = sent.start, sent.end
        if opens:
            start = lo  # nothing of the sentence before the frame is reported ("But as …")
        k = lo - 1 if self.doc[lo - 1].text == "," else lo
        if (
            k > sent.start
            and self.doc[k - 1].lower_ in ("which", "who")
            and self.doc[k - 1].tag_ in ("WDT", "WP")
        ):
            start = k - 1  # "the stadium, which, she said, is usually full": the clause from its pronoun
        for t in self.doc[hi + 1 : sent.end]:
            if (
                t.text == ","
                and t.i + 1 < sent.end
                and self.doc[t.i + 1].lower_ in ("although", "though", "while", "whereas")
                and self.doc[t.i + 1].dep_ == "mark"
            ):
                end = t.i  # ", although …": the writer's contrast
                break
        for a, b in ((start, lo), (hi + 1, end)):
            if b <= a:
                continue
            fs, fe = trim(self.text, self.doc[a].idx, self.doc[b - 1].idx + len(self.doc[b - 1]))
            if fe > fs and self.text[fe - 1] in ".!?" and b == sent.end:
                fe -= 1
            fs, fe = trim(self.text, fs, fe)
            if fe > fs and re.search(r"\w", self.text[fs:fe]):
                out.append((fs, fe))
        if not out or any(self.quote_at(fs) for fs, _ in out):
            return []
        return out
