"""The article as every construction sees it: the parse, the quotes, the claims found so far, and
the helpers written once — the cue's span, the speaker's span resolved to an entity and widened to
the source as annotated (:meth:`Context.source`), a content's inner quotes marked and its kind chosen
(:meth:`Context.quoted_kind`), and :meth:`Context.add`, the gate every claim passes.
"""

from __future__ import annotations

import re
from typing import Optional

from spacy.tokens import Doc, Span, Token

from newsclaims.extract.claims.clauses import Clauses
from newsclaims.extract.claims.lexicon import CueLexicon
from newsclaims.extract.claims.spans import SOURCE_CUT_DEPS, SUBJECT_DEPS, ClaimSpan, token_extent, trim
from newsclaims.extract.claims.words import (
    MEDIA_NOUNS,
    RELATIVE_PRONOUNS,
    TITLE_SMALL_WORDS,
    VERB_GROUP_ADVERBS,
)
from newsclaims.extract.entities import ArticleEntities, Cluster
from newsclaims.extract.quotes import Quote, find_quotes, inside


def is_title(text: str, q: Quote) -> bool:
    """A name in quotation marks (a show, a book, a slogan: “Meet the Press,”), not speech: two to
    six words, each capitalised but for small function words, no sentence punctuation inside."""
    if q.fragments:
        return False
    inner = text[q.start : q.end].strip("\"“”«»„'` ,.;:")
    words = inner.split()
    if not 2 <= len(words) <= 6 or re.search(r"[!?;:]|\.\s", inner):
        return False
    return words[0][:1].isupper() and all(
        w[:1].isupper() or w[:1].isdigit() or w.lower() in TITLE_SMALL_WORDS for w in words
    )


class Context(Clauses):
    def __init__(self, doc: Doc, ents: ArticleEntities, lex: CueLexicon):
        self.doc, self.ents, self.lex = doc, ents, lex
        self.text = doc.text
        self.quotes = [
            q
            for q in find_quotes(self.text)
            if not is_title(self.text, q) and re.search(r"\w", self.text[q.start : q.end])
        ]  # (a lone mark quotes nothing)
        self.claims: list[ClaimSpan] = []

    def quote_at(self, pos: int) -> Optional[Quote]:
        for q in self.quotes:
            if inside(q, pos):
                return q
        return None

    def lemma(self, verb: Token) -> str:
        """The verb's lexicon entry (see :meth:`CueLexicon.cue_lemma`), else its spaCy lemma."""
        return self.lex.cue_lemma(verb.lemma_, verb.text) or verb.lemma_.lower()

    def in_quote(self, tok: Token) -> bool:
        return self.quote_at(tok.idx) is not None

    def sentence_at(self, pos: int) -> Optional[Span]:
        for sent in self.doc.sents:
            if sent.start_char <= pos < sent.end_char:
                return sent
        return None

    def verb_between(self, s: int, e: int) -> bool:
        """A verb between two offsets: "she said, adding, “…”" — the quote is the participle's."""
        span = self.doc.char_span(s, e, alignment_mode="contract")
        return span is not None and any(t.pos_ in ("VERB", "AUX") for t in span)

    def cue_verbs(self) -> list[Token]:
        # a "noun" with a subject is a verb the tagger got wrong ("But Trump claims that …")
        return [
            t
            for t in self.doc
            if (
                t.pos_ in ("VERB", "AUX")
                or t.pos_ == "NOUN"
                and t.tag_ == "NNS"
                and any(c.dep_ == "nsubj" for c in t.children)
            )
            and (self.lex.cue_lemma(t.lemma_, t.text) or self.put_it(t))
            and not self.in_quote(t)
        ]

    def put_it(self, verb: Token) -> bool:
        """ "as the mayor put it, …": a cue, "put it" (with the subject as the source)."""
        return (
            verb.lemma_.lower() == "put"
            and verb.pos_ == "VERB"
            and any(c.dep_ == "dobj" and c.lower_ == "it" and c.i == verb.i + 1 for c in verb.children)
            and any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)
        )

    def cue_span(self, verb: Token, raised: bool = True) -> tuple[int, int]:
        """The cue verb with its auxiliaries, negation and phrasal particle ("has said", "pointed out");
        a participle on a statement runs from the verb that issued it ("issued a statement saying"), a
        cue under a raising verb from that verb ("seemed to blame")."""
        outer = self._outer_cue_span(verb, raised)
        if outer is not None:
            return outer
        toks = self._verb_group(verb)
        s, e = token_extent(toks)
        e = self._statement_end(verb, toks, e)
        # a colon right after the verb introduces the quote and belongs to the cue ("said:")
        if self.text[e : e + 1] == ":":
            e += 1
        return s, e

    def _outer_cue_span(self, verb: Token, raised: bool) -> Optional[tuple[int, int]]:
        """The cue when it starts at another verb: the verb that issued a statement ("issued a statement
        saying"), "went on to say", a raising verb ("seemed to blame"); None otherwise."""
        frame = self._media_frame(verb)
        if frame is not None and frame.dep_ != "acl":
            s0 = self.cue_span(frame)[0]
            return s0, verb.idx + len(verb)
        head = verb.head
        if (
            raised
            and verb.dep_ in ("xcomp", "advcl")
            and head.lemma_.lower() == "go"
            and head.i < verb.i
            and any(c.dep_ == "prt" and c.lower_ == "on" for c in head.children)
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
        ):
            return self.cue_span(head, raised=False)[0], self.cue_span(verb, raised=False)[
                1
            ]  # "went on to say"
        if (
            raised
            and verb.dep_ == "xcomp"
            and self.lemma(verb.head) in self.lex.raising_verbs
            and getattr(self.raised_cue(verb.head), "i", None) == verb.i
        ):
            return self.cue_span(verb.head)[0], self.cue_span(verb, raised=False)[1]
        return None

    def _verb_group(self, verb: Token) -> list[Token]:
        """The cue verb's tokens: the verb, its auxiliaries and negation with adverbs inside the group,
        "put it", and its phrasal particle."""
        toks = [verb]
        between: list[Token] = []
        for t in reversed(self.doc[max(0, verb.i - 5) : verb.i]):  # the verb group, not a subject between
            if t.head.i == verb.i and t.dep_ in ("aux", "auxpass", "neg"):
                toks.append(t)
                toks += between  # adverbs inside the group: "has long said", "is widely expected"
                between = []
            elif t.dep_ in ("advmod", "aux", "neg", "preconj") and t.tag_ in (
                "RB",
                "RBR",
                "RBS",
                "MD",
                "VBZ",
                "VBD",
                "VBP",
                "DT",
                "CC",
            ):
                between.append(t)
            else:
                break
        # adverbs inside the verb group: "has also said", "repeatedly warned", "then added"
        first = min(t.i for t in toks)
        toks += [
            c
            for c in verb.children
            if c.dep_ == "advmod"
            and (first - 1 <= c.i < verb.i)
            and (c.lower_ in VERB_GROUP_ADVERBS or c.tag_ == "RB" and c.lower_.endswith("ly"))
        ]
        if self.put_it(verb):
            toks.append(self.doc[verb.i + 1])
        particle = self.lex.particles.get(self.lemma(verb))
        toks += [
            c
            for c in verb.children
            if c.dep_ == "prt"
            and (particle is None or c.lower_ == particle)
            or c.dep_ == "advmod"
            and c.lower_ == particle
            and c.i == verb.i + 1
        ]
        return toks

    def _statement_end(self, verb: Token, toks: list[Token], e: int) -> int:
        """Where the cue ends when "in a statement" follows it ("said in a statement": the statement is
        how it was said, part of the cue); ``e`` otherwise."""
        last = max(t.i for t in toks)
        for c in verb.children:
            if c.dep_ == "prep" and c.i == last + 1 and c.lower_ == "in":
                objs = [o for o in c.children if o.dep_ == "pobj" and o.lemma_.lower() == "statement"]
                if objs and objs[0].i - c.i <= 3:
                    e = objs[0].idx + len(objs[0])
        return e

    def raised_cue(self, verb: Token) -> Optional[Token]:
        """The cue verb a raising verb governs ("seemed to blame", "appears to confirm"), if any."""
        for c in verb.children:
            if (
                c.dep_ == "xcomp"
                and c.i > verb.i
                and c.tag_ == "VB"
                and c.pos_ == "VERB"
                and self.lex.cue_lemma(c.lemma_, c.text)
                and self.lemma(c) not in self.lex.raising_verbs
                and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
                and not self.in_quote(c)
            ):
                return c
        return None

    def speaker_span(self, subj: Token) -> tuple[int, int]:
        """The subject noun phrase without relative clauses, appositions after a comma and the like."""
        cut = {"relcl", "acl", "appos", "punct", "advcl", "prep"}
        left = [t for t in subj.lefts]
        right: list[Token] = []
        for t in subj.rights:
            if t.dep_ in cut or t.text in ",(":
                break
            right.append(t)
        toks = [subj]
        for t in left:
            toks.extend(t.subtree)
        for t in right:
            toks.extend(t.subtree)
        toks = [t for t in toks if not self.in_quote(t)] or [subj]
        s, e = token_extent(toks)
        return trim(self.text, s, e)

    def source_span(self, subj: Token, verb: Optional[Token] = None) -> tuple[int, int]:
        """The source as news annotation marks it: the whole subject noun phrase, with appositions,
        parenthetical party labels ("(R-Ohio)"), prepositional modifiers and relative clauses
        ("Sen. Ann Pike, a Republican from Ohio, who …,"); an apposition's closing comma included.
        The phrase never reaches across a line break or into a quotation."""
        if subj.lower_ in RELATIVE_PRONOUNS or subj.pos_ == "PRON":
            return self.speaker_span(subj)
        # contiguous run around the head, stopping at quotes, line breaks and the cue itself
        lo = hi = subj.i
        ids = {t.i for t in subj.subtree}
        if verb is not None:
            ids -= {t.i for t in verb.subtree} if verb.i in ids else {verb.i}
        # a clause on the name (", who lives in Ohio,", ", wearing a cap,") is no part of the source;
        # the name with its title, age (", 58,"), apposition and party label is
        for c in subj.rights:
            # (but a participle right on a document is part of its name: "a poll released Friday",
            # "a report conducted by the agency")
            document = (
                c.dep_ == "acl"
                and c.tag_ == "VBN"
                and self.doc[c.left_edge.i - 1].text != ","
                and subj.ent_type_ not in ("PERSON", "NORP")
                and subj.pos_ == "NOUN"
                and c.i > subj.i
            )
            if c.dep_ in SOURCE_CUT_DEPS and not document or c.dep_ == "relcl" and self._holds_cue(c):
                ids -= {t.i for t in c.subtree}
        while (
            lo - 1 in ids
            and "\n" not in self.doc[lo - 1].text_with_ws
            and not self.in_quote(self.doc[lo - 1])
            and not self.doc[lo - 1].is_space
        ):
            lo -= 1
        while (
            hi + 1 in ids
            and "\n" not in self.doc[hi].text_with_ws
            and not self.in_quote(self.doc[hi + 1])
            and not self.doc[hi + 1].is_space
        ):
            hi += 1
        while hi > subj.i and self.doc[hi].is_punct and self.doc[hi].text not in ").":
            hi -= 1
        s, e = self.doc[lo].idx, self.doc[hi].idx + len(self.doc[hi])
        s, e = trim(self.text, s, e)
        if e <= s:
            return self.speaker_span(subj)
        inner = self.text[s:e]
        if ("," in inner or "—" in inner) and self.text[e : e + 1] == ",":
            e += 1
        return s, e

    def _media_frame(self, verb: Token) -> Optional[Token]:
        """ "issued a statement saying …", "released an ad calling …": the verb that put out the
        statement, whose subject is the source and which opens the cue."""
        noun = verb.head
        if (
            verb.dep_ == "acl"
            and verb.tag_ == "VBG"
            and noun.lemma_.lower() in MEDIA_NOUNS
            and noun.dep_ in ("dobj", "pobj")
            and noun.head.pos_ in ("VERB", "AUX")
            and noun.head.i < verb.i
        ):
            return noun.head
        return None

    def _holds_cue(self, clause: Token) -> bool:
        """A clause with a speech cue of its own (", who said he …,"), an attribution apart."""
        return any(
            t.pos_ in ("VERB", "AUX") and self.lemma(t) in self.lex.speech_verbs for t in clause.subtree
        )

    def subject_of(self, verb: Token) -> Optional[Token]:
        for c in verb.children:
            if c.dep_ in SUBJECT_DEPS and not self.in_quote(c):
                return c
        # "..., said Lavrov" parses the name as a dependent after the verb sometimes
        for c in verb.rights:
            if c.dep_ in ("dobj", "attr", "npadvmod") and c.ent_type_ == "PERSON":
                return c
        # conjoined verbs share the subject: "he signaled ... and said"
        if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
            return self.subject_of(verb.head)
        # relative clause: "Lavrov, who is set to speak ..., said" / "the diplomat, who said ..."
        if verb.dep_ == "relcl":
            return verb.head
        # a bare participle takes the subject of the verb it hangs off: "he said, adding that …",
        # "Noting that …, Tester added"; on a noun it is the noun: "voters saying they …"
        if (
            verb.tag_ == "VB"
            and verb.dep_ in ("advcl", "xcomp")
            and verb.head.pos_ in ("VERB", "AUX")
            and verb.head.i < verb.i
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
        ):
            # "leaders met on Friday to discuss the crisis": the purpose is the subject's
            return self.subject_of(verb.head)
        if (
            verb.tag_ == "VBG"
            and verb.dep_ == "pcomp"
            and verb.head.dep_ == "prep"
            and verb.head.head.pos_ in ("VERB", "AUX")
        ):
            return self.subject_of(verb.head.head)  # "she won by talking about jobs"
        if verb.tag_ == "VBG" and verb.head.i != verb.i:
            if verb.dep_ in ("advcl", "xcomp", "conj", "ccomp", "dep") and verb.head.pos_ in ("VERB", "AUX"):
                return self.subject_of(verb.head)
            if verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
                frame = self._media_frame(verb)
                if frame is not None:
                    return self.subject_of(frame)
                return verb.head
        return None

    def resolve(self, span: Optional[tuple[int, int]], head: Optional[Token]) -> Optional[Cluster]:
        """The entity a speaker refers to; a relative pronoun stands for the noun it modifies."""
        if span is None:
            return None
        if head is not None and head.lower_ in RELATIVE_PRONOUNS:
            clause = head.head
            while clause.dep_ != "relcl" and clause.head.i != clause.i:
                clause = clause.head
            if clause.dep_ == "relcl":
                antecedent = clause.head
                found = self.resolve(self.speaker_span(antecedent), antecedent)
                # "John Bentel, a staffer at the State Department who told ...": "who" is a person,
                # the noun the place hangs off, or the name that noun is in apposition to
                hops = 0
                while (
                    found is None
                    and hops < 3
                    and head.lower_ in ("who", "whom")
                    and antecedent.head.i != antecedent.i
                ):
                    if antecedent.dep_ == "appos":
                        antecedent = antecedent.head
                    elif (
                        antecedent.dep_ == "pobj"
                        and antecedent.head.dep_ == "prep"
                        and antecedent.ent_type_ in ("ORG", "GPE", "FAC", "LOC")
                        and antecedent.head.head.pos_ in ("NOUN", "PROPN")
                    ):
                        antecedent = antecedent.head.head
                    else:
                        break
                    found = self.resolve(self.speaker_span(antecedent), antecedent)
                    hops += 1
                if found is None and head.lower_ in ("who", "whom") and antecedent.pos_ == "NOUN":
                    appos = [c for c in antecedent.children if c.dep_ == "appos"]
                    if appos:
                        found = self.resolve(self.speaker_span(appos[0]), appos[0])
                return found
            return None
        head_span = (head.idx, head.idx + len(head)) if head is not None else None
        cluster, _how = self.ents.resolve_speaker(
            span[0], span[1], head.text if head is not None else "", head_span
        )
        return cluster

    def source(self, subj: Token, verb: Optional[Token] = None) -> tuple[tuple[int, int], Optional[Cluster]]:
        """Who said it, for a source token (a subject, a by-phrase's or a source phrase's object): the
        source span as annotated (:meth:`source_span`: the whole noun phrase, appositions and all)
        and the entity it names, resolved from the tighter :meth:`speaker_span`."""
        return self.source_span(subj, verb), self.resolve(self.speaker_span(subj), subj)

    def quoted_kind(self, s: int, e: int, whole_is_direct: bool = True) -> str:
        """Mark the quotes inside a content span used and say what kind of speech it is: "indirect"
        (no quote inside), "mixed" (quoted words in a reported clause), or — ``whole_is_direct`` —
        "direct" when the content is exactly one quote."""
        inner = [q for q in self.quotes if s <= q.start and q.end <= e + 1]
        for q in inner:
            q.used = True
        if not inner:
            return "indirect"
        if whole_is_direct and len(inner) == 1 and (inner[0].start, inner[0].end) == (s, e):
            return "direct"
        return "mixed"

    def close_quotes(self, s: int, e: int, through: bool = False) -> tuple[int, int]:
        """A content span that ends (starts) inside a quotation, only punctuation before the
        closing (after the opening) mark, runs through the mark: ``said it was “a disgrace.”``.
        ``through``: a reported clause that opens a quotation runs to its end even when the parse
        stopped earlier (``said that he has “taken every punch, and he is standing.”``)."""
        for q in self.quotes:
            for qs, qe in q.spans:
                if s <= qs < e < qe and (
                    not re.search(r"\w", self.text[e:qe])
                    or through
                    and "\n" not in self.text[e:qe]
                    and qe - e < 300
                ):
                    e = qe
                if qs < s < qe <= e and not re.search(r"\w", self.text[qs:s]):
                    s = qs
        return s, e

    def add(self, claim: ClaimSpan) -> None:
        claim.content_spans = [
            self._dangling_conjunction(*self.close_quotes(*self._stray_mark(s, e)))
            for s, e in claim.content_spans
        ]
        for s, e in claim.content_spans:
            if e <= s:
                return
        if (
            claim.speaker is not None
            and len(claim.content_spans) == 1
            and trim(self.text, *claim.content_spans[0]) == trim(self.text, *claim.speaker)
        ):
            claim.speaker, claim.speaker_cluster = None, None  # the object read as the subject too
        if len(claim.content_spans) == 1 and not self._says_something(*claim.content_spans[0]):
            return  # a bare preposition or a letter ("they never asked for", "told s")
        for other in self.claims:
            if other.content_spans == claim.content_spans:
                return
        self.claims.append(claim)

    def _says_something(self, s: int, e: int) -> bool:
        span = self.doc.char_span(s, e, alignment_mode="expand")
        if span is None:
            return True
        words = [t for t in span if not t.is_punct]
        return not (
            len(words) == 1
            and (
                words[0].pos_ in ("ADP", "PART", "CCONJ", "SCONJ")
                or len(words[0].text) < 2
                and not words[0].text.isdigit()
            )
        )

    def _dangling_conjunction(self, s: int, e: int) -> tuple[int, int]:
        """A span that ends in a conjunction whose conjunct was cut off ("… were not complete, and")
        ends before it."""
        m = re.search(r"[\s,;—–-]+(?:and|but|or)$", self.text[s:e])
        if m and m.start() > 0 and self.quote_at(s + m.start()) is None:
            return trim(self.text, s, s + m.start())
        return s, e

    def _stray_mark(self, s: int, e: int) -> tuple[int, int]:
        """A quotation mark followed by a space or line break opens nothing (the close of the paragraph
        before, which the parser put into this sentence: '…live."⏎⏎Police said …'): the content starts
        after it."""
        m = re.match(r"[\"“”]\s+(?=\S)", self.text[s:e])
        if m:
            return s + m.end(), e
        return s, e
