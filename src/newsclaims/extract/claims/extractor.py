"""Rule-based attribution over a spaCy parse.

Three passes over one article:

1. **Quotes** are found from the quotation marks themselves (curly or straight, a paragraph that ends
   inside a quote continuing when the next paragraph opens one again).
2. **Cues** — reporting verbs from the lexicon and source-first phrases ("according to") — are read
   from the dependency parse. Each cue's subject is the source; its content is, in order of
   preference, a quote adjacent to the cue frame (direct: ``"…," he said`` / ``he said: "…"`` /
   ``"A," she said, "B."``), its clausal complement (indirect, or mixed when the complement holds a
   quoted fragment), or its object and ``as``-phrase (``characterized X as "…"``).
3. **Left-over quotes**: a quote that no cue claimed becomes a claim of the subject of its clause
   (mixed), or, when it stands alone as a whole sentence or paragraph, of the speaker of the quote
   just before it (direct, continued).

Speakers are resolved to entities through :class:`newsclaims.extract.entities.ArticleEntities`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Optional

from spacy.tokens import Doc, Span, Token

from newsclaims.extract.claims.lexicon import CueLexicon
from newsclaims.extract.coref import resolve_claim_speakers
from newsclaims.extract.entities import ArticleEntities, Cluster

OPEN_MARKS = "“«„"
CLOSE_MARKS = "”»“"
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
PUNCT_TRIM = " \n\t,;:—–-"
RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}
VERB_GROUP_ADVERBS = {"also", "repeatedly", "later", "then", "now", "openly", "further", "again", "previously",
                      "recently", "often", "publicly", "privately", "once", "frequently", "explicitly",
                      "flatly", "firmly", "specifically", "directly", "formally", "initially", "first",
                      "already", "still", "even", "never", "always", "reportedly", "originally", "just", "only",
                      "ever", "long", "since", "soon", "yet"}
ADDRESSEE_VERBS = {"ask", "tell", "urge", "inform", "brief", "advise", "order", "instruct", "notify", "assure",
                   "reassure", "remind", "warn", "request", "call", "question", "promise"}
GROUP_NOUNS = {"group", "organization", "organisation", "committee", "campaign", "pac", "party", "union",
               "company", "people", "voter", "candidate", "official", "lawmaker", "member", "leader", "country",
               "government", "administration", "agency", "network", "firm", "coalition", "senator", "politician",
               "activist", "supporter", "critic", "donor", "nation", "city", "state", "court"}
AS_ONLY = {"see", "regard"}
ADDRESSEE_ONLY = {"tell", "inform", "brief", "notify", "assure", "reassure", "remind"}
NOUN_CUE_PREPS = {"of", "for", "on", "about", "against", "to"}
SETTING_NOUNS = {"statement", "interview", "speech", "rally", "conference", "briefing", "email", "letter",
                 "tweet", "post", "appearance", "debate", "hearing", "remark", "event", "broadcast", "video",
                 "lawyer", "attorney", "spokesman", "spokeswoman", "spokesperson", "talk", "meeting", "show"}
# where something was said or posted: "on Twitter", "on its website", "on social media"
PLATFORM_NOUNS = {"twitter", "facebook", "instagram", "youtube", "snapchat", "reddit", "television", "tv", "radio",
                  "website", "site", "page", "account", "feed", "blog", "podcast", "media", "air"}
MEDIA_NOUNS = {"statement", "ad", "advertisement", "memo", "paper", "story", "letter", "video", "report",
               "release", "email", "e-mail", "tweet", "post", "message", "note", "op-ed", "editorial", "column",
               "article", "speech", "remarks", "petition", "resolution", "spot", "commercial", "document",
               "brief", "filing", "complaint", "lawsuit", "suit", "motion", "order", "ruling", "opinion"}
SOURCE_CUT_DEPS = {"acl"}
# verbs whose object does what the infinitive says ("urged voters to act", "intended the audience to see it")
OBJECT_INFINITIVE_VERBS = ADDRESSEE_VERBS | {"intend", "want", "expect", "allow", "encourage", "force", "invite",
                                             "challenge", "need", "prefer", "like", "get", "help", "enable",
                                             "require", "push", "press", "pressure", "lobby", "implore", "beg",
                                             "dare", "permit", "compel", "convince", "persuade", "mean"}
# nouns whose own complement is an infinitive ("his call to raise wages", "efforts to find a solution")
INFINITIVE_NOUNS = {"call", "effort", "attempt", "plan", "bid", "push", "proposal", "move", "decision", "promise",
                    "pledge", "vow", "amendment", "fund", "money", "right", "need", "way", "chance", "opportunity",
                    "demand", "request", "order", "offer", "threat", "campaign", "drive", "initiative",
                    "legislation", "bill", "measure", "program", "policy", "power", "authority", "ability",
                    "willingness", "refusal", "failure", "desire", "intention", "commitment", "determination",
                    "resolve", "agreement", "deal", "law", "rule", "time", "appeal", "encouragement", "permission"}
# what a finding can be "in" ("In a CBS News poll, she led by 10 points")
POLL_NOUNS = {"poll", "survey"}
# "it is unclear whether …": a judgement with no source
CLARITY_ADJECTIVES = {"clear", "unclear", "obvious", "apparent", "evident"}
HYPOTHETICAL = {"would", "could", "should", "might", "may", "will", "wo", "ca", "'d", "’d", "'ll", "’ll", "to"}


@dataclass
class Quote:
    start: int  # the opening mark
    end: int    # one past the closing mark (or the paragraph end when unclosed)
    fragments: list[tuple[int, int]] = field(default_factory=list)
    used: bool = False

    @property
    def spans(self) -> list[tuple[int, int]]:
        return self.fragments or [(self.start, self.end)]


@dataclass
class ClaimSpan:
    kind: str
    content_spans: list[tuple[int, int]]
    speaker: Optional[tuple[int, int]] = None
    cue: Optional[tuple[int, int]] = None
    speaker_cluster: Optional[Cluster] = None
    confidence: float = 0.5

    @property
    def content_start(self) -> int:
        return min(s for s, _ in self.content_spans)

    @property
    def content_end(self) -> int:
        return max(e for _, e in self.content_spans)


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
            after = p[m.end():m.end() + 1]
            # three apostrophes: an inner single quote closes before a closing pair, opens after an opening one
            at = m.start() + (len(t) - 2 if not after.isalnum() else 0)
            yield at, 2, "both"
        elif t in ("``", "“", "«", "„"):
            yield m.start(), len(t), "open"
        elif t in "”»":
            before, after = p[m.start() - 1:m.start()], p[m.end():m.end() + 1]
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
            if kind == "open":
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
        c = text[i:i + 1]
        return "straight" if c == '"' else "apostrophes" if c in "'`" else "curly"
    return style(a) == style(b)


_CONNECTIVE = re.compile(r"(?:But|And|However|Yet|So|Still|Also|Instead|Meanwhile|Moreover|In fact|Even so|Indeed|"
                         r"In addition|Now)\b,?\s+(?=\S)")

_TITLE_SMALL = {"of", "the", "a", "an", "and", "for", "with", "in", "on", "to", "at", "&", "or", "from", "by"}


def _is_title(text: str, q: Quote) -> bool:
    """A name in quotation marks (a show, a book, a slogan: “Meet the Press,”), not speech: two to
    six words, each capitalised but for small function words, no sentence punctuation inside."""
    if q.fragments:
        return False
    inner = text[q.start:q.end].strip("\"“”«»„'` ,.;:")
    words = inner.split()
    if not 2 <= len(words) <= 6 or re.search(r"[!?;:]|\.\s", inner):
        return False
    return words[0][:1].isupper() and all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _TITLE_SMALL
                                          for w in words)


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in PUNCT_TRIM:
        s += 1
    while e > s and text[e - 1] in PUNCT_TRIM:
        e -= 1
    return s, e


def _inside(q: Quote, pos: int) -> bool:
    return any(s <= pos < e for s, e in q.spans)


class _Article:
    def __init__(self, doc: Doc, ents: ArticleEntities, lex: CueLexicon):
        self.doc, self.ents, self.lex = doc, ents, lex
        self.text = doc.text
        self.quotes = [q for q in find_quotes(self.text) if not _is_title(self.text, q) and
                       re.search(r"\w", self.text[q.start:q.end])]  # (a lone mark quotes nothing)
        self.claims: list[ClaimSpan] = []

    # --- helpers ---------------------------------------------------------------------------------

    def quote_at(self, pos: int) -> Optional[Quote]:
        for q in self.quotes:
            if _inside(q, pos):
                return q
        return None

    def lemma(self, verb: Token) -> str:
        """The verb's lexicon entry (see :meth:`CueLexicon.cue_lemma`), else its spaCy lemma."""
        return self.lex.cue_lemma(verb.lemma_, verb.text) or verb.lemma_.lower()

    def in_quote(self, tok: Token) -> bool:
        return self.quote_at(tok.idx) is not None

    def cue_span(self, verb: Token, raised: bool = True) -> tuple[int, int]:
        """The cue verb with its auxiliaries, negation and phrasal particle ("has said", "pointed out");
        a participle on a statement runs from the verb that issued it ("issued a statement saying"), a
        cue under a raising verb from that verb ("seemed to blame")."""
        frame = self._media_frame(verb)
        if frame is not None and frame.dep_ != "acl":
            s0 = self.cue_span(frame)[0]
            return s0, verb.idx + len(verb)
        head = verb.head
        if raised and verb.dep_ in ("xcomp", "advcl") and head.lemma_.lower() == "go" and head.i < verb.i and \
                any(c.dep_ == "prt" and c.lower_ == "on" for c in head.children) and \
                any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
            return self.cue_span(head, raised=False)[0], self.cue_span(verb, raised=False)[1]  # "went on to say"
        if raised and verb.dep_ == "xcomp" and self.lemma(verb.head) in self.lex.raising_verbs and \
                getattr(self._raised_cue(verb.head), "i", None) == verb.i:
            return self.cue_span(verb.head)[0], self.cue_span(verb, raised=False)[1]
        toks = [verb]
        between: list[Token] = []
        for t in reversed(self.doc[max(0, verb.i - 5):verb.i]):  # the verb group, not a subject between
            if t.head.i == verb.i and t.dep_ in ("aux", "auxpass", "neg"):
                toks.append(t)
                toks += between  # adverbs inside the group: "has long said", "is widely expected"
                between = []
            elif t.dep_ in ("advmod", "aux", "neg", "preconj") and t.tag_ in ("RB", "RBR", "RBS", "MD", "VBZ",
                                                                               "VBD", "VBP", "DT", "CC"):
                between.append(t)
            else:
                break
        # adverbs inside the verb group: "has also said", "repeatedly warned", "then added"
        first = min(t.i for t in toks)
        toks += [c for c in verb.children if c.dep_ == "advmod" and (first - 1 <= c.i < verb.i) and
                 (c.lower_ in VERB_GROUP_ADVERBS or c.tag_ == "RB" and c.lower_.endswith("ly"))]
        if self._put_it(verb):
            toks.append(self.doc[verb.i + 1])
        particle = self.lex.particles.get(self.lemma(verb))
        toks += [c for c in verb.children if c.dep_ == "prt" and (particle is None or c.lower_ == particle)
                 or c.dep_ == "advmod" and c.lower_ == particle and c.i == verb.i + 1]
        s, e = min(t.idx for t in toks), max(t.idx + len(t) for t in toks)
        # "said in a statement": the statement is how it was said, part of the cue
        last = max(t.i for t in toks)
        for c in verb.children:
            if c.dep_ == "prep" and c.i == last + 1 and c.lower_ == "in":
                objs = [o for o in c.children if o.dep_ == "pobj" and o.lemma_.lower() == "statement"]
                if objs and objs[0].i - c.i <= 3:
                    e = objs[0].idx + len(objs[0])
        # a colon right after the verb introduces the quote and belongs to the cue ("said:")
        if self.text[e:e + 1] == ":":
            e += 1
        return s, e

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
        s, e = min(t.idx for t in toks), max(t.idx + len(t) for t in toks)
        return _trim(self.text, s, e)

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
            document = c.dep_ == "acl" and c.tag_ == "VBN" and self.doc[c.left_edge.i - 1].text != "," and \
                subj.ent_type_ not in ("PERSON", "NORP") and subj.pos_ == "NOUN" and c.i > subj.i
            if c.dep_ in SOURCE_CUT_DEPS and not document or c.dep_ == "relcl" and self._holds_cue(c):
                ids -= {t.i for t in c.subtree}
        while lo - 1 in ids and "\n" not in self.doc[lo - 1].text_with_ws and not self.in_quote(self.doc[lo - 1]) \
                and not self.doc[lo - 1].is_space:
            lo -= 1
        while hi + 1 in ids and "\n" not in self.doc[hi].text_with_ws and not self.in_quote(self.doc[hi + 1]) \
                and not self.doc[hi + 1].is_space:
            hi += 1
        while hi > subj.i and self.doc[hi].is_punct and self.doc[hi].text not in ").":
            hi -= 1
        s, e = self.doc[lo].idx, self.doc[hi].idx + len(self.doc[hi])
        s, e = _trim(self.text, s, e)
        if e <= s:
            return self.speaker_span(subj)
        inner = self.text[s:e]
        if ("," in inner or "—" in inner) and self.text[e:e + 1] == ",":
            e += 1
        return s, e

    def _media_frame(self, verb: Token) -> Optional[Token]:
        """"issued a statement saying …", "released an ad calling …": the verb that put out the
        statement, whose subject is the source and which opens the cue."""
        noun = verb.head
        if verb.dep_ == "acl" and verb.tag_ == "VBG" and noun.lemma_.lower() in MEDIA_NOUNS and \
                noun.dep_ in ("dobj", "pobj") and noun.head.pos_ in ("VERB", "AUX") and noun.head.i < verb.i:
            return noun.head
        return None

    def _holds_cue(self, clause: Token) -> bool:
        """A clause with a speech cue of its own (", who said he …,"), an attribution apart."""
        return any(t.pos_ in ("VERB", "AUX") and self.lemma(t) in self.lex.speech_verbs
                   for t in clause.subtree)

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
        if verb.tag_ == "VB" and verb.dep_ in ("advcl", "xcomp") and verb.head.pos_ in ("VERB", "AUX") and \
                verb.head.i < verb.i and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
            # "leaders met on Friday to discuss the crisis": the purpose is the subject's
            return self.subject_of(verb.head)
        if verb.tag_ == "VBG" and verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and \
                verb.head.head.pos_ in ("VERB", "AUX"):
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
                while found is None and hops < 3 and head.lower_ in ("who", "whom") and antecedent.head.i != antecedent.i:
                    if antecedent.dep_ == "appos":
                        antecedent = antecedent.head
                    elif antecedent.dep_ == "pobj" and antecedent.head.dep_ == "prep" and \
                            antecedent.ent_type_ in ("ORG", "GPE", "FAC", "LOC") and \
                            antecedent.head.head.pos_ in ("NOUN", "PROPN"):
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
        cluster, _how = self.ents.resolve_speaker(span[0], span[1], head.text if head is not None else "",
                                                  head_span)
        return cluster

    def _close_quotes(self, s: int, e: int, through: bool = False) -> tuple[int, int]:
        """A content span that ends (starts) inside a quotation, only punctuation before the
        closing (after the opening) mark, runs through the mark: ``said it was “a disgrace.”``.
        ``through``: a reported clause that opens a quotation runs to its end even when the parse
        stopped earlier (``said that he has “taken every punch, and he is standing.”``)."""
        for q in self.quotes:
            for qs, qe in q.spans:
                if s <= qs < e < qe and (not re.search(r"\w", self.text[e:qe]) or
                                         through and "\n" not in self.text[e:qe] and qe - e < 300):
                    e = qe
                if qs < s < qe <= e and not re.search(r"\w", self.text[qs:s]):
                    s = qs
        return s, e

    def add(self, claim: ClaimSpan) -> None:
        claim.content_spans = [self._dangling_conjunction(*self._close_quotes(*self._stray_mark(s, e)))
                               for s, e in claim.content_spans]
        for s, e in claim.content_spans:
            if e <= s:
                return
        if claim.speaker is not None and len(claim.content_spans) == 1 and \
                _trim(self.text, *claim.content_spans[0]) == _trim(self.text, *claim.speaker):
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
        return not (len(words) == 1 and (words[0].pos_ in ("ADP", "PART", "CCONJ", "SCONJ") or
                                         len(words[0].text) < 2 and not words[0].text.isdigit()))

    def _dangling_conjunction(self, s: int, e: int) -> tuple[int, int]:
        """A span that ends in a conjunction whose conjunct was cut off ("… were not complete, and")
        ends before it."""
        m = re.search(r"[\s,;—–-]+(?:and|but|or)$", self.text[s:e])
        if m and m.start() > 0 and self.quote_at(s + m.start()) is None:
            return _trim(self.text, s, s + m.start())
        return s, e

    def _stray_mark(self, s: int, e: int) -> tuple[int, int]:
        """A quotation mark followed by a space or line break opens nothing (the close of the paragraph
        before, which the parser put into this sentence: '…live."⏎⏎Police said …'): the content starts
        after it."""
        m = re.match(r"[\"“”]\s+(?=\S)", self.text[s:e])
        if m:
            return s + m.end(), e
        return s, e

    # --- pass 2: cues ----------------------------------------------------------------------------

    def cue_verbs(self) -> list[Token]:
        # a "noun" with a subject is a verb the tagger got wrong ("But Trump claims that …")
        return [t for t in self.doc if (t.pos_ in ("VERB", "AUX") or t.pos_ == "NOUN" and t.tag_ == "NNS" and
                                        any(c.dep_ == "nsubj" for c in t.children))
                and (self.lex.cue_lemma(t.lemma_, t.text) or self._put_it(t)) and not self.in_quote(t)]

    def _put_it(self, verb: Token) -> bool:
        """"as the mayor put it, …": a cue, "put it" (with the subject as the source)."""
        return verb.lemma_.lower() == "put" and verb.pos_ == "VERB" and \
            any(c.dep_ == "dobj" and c.lower_ == "it" and c.i == verb.i + 1 for c in verb.children) and \
            any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)

    def adjacent_quotes(self, verb: Token) -> list[Quote]:
        """Quotes right before the cue frame ("…," he said) or right after it (he said: "…")."""
        sent = verb.sent
        out = []
        subj = self.subject_of(verb)
        frame_toks = [verb] + ([t for t in subj.subtree] if subj is not None else [])
        frame_start = min(t.idx for t in frame_toks)
        frame_end = max(t.idx + len(t) for t in frame_toks)
        frame_end = max(frame_end, self.cue_span(verb)[1])
        for q in self.quotes:
            if q.used:
                continue
            # quote ends just before the frame: only punctuation/space between
            gap_before = self.text[q.end:frame_start]
            if 0 <= len(gap_before) <= 3 and q.end <= frame_start and gap_before.strip(" ,") == "" and \
                    not (re.search(r"[.!?][\"”'’»]*$", self.text[q.start:q.end]) and "," not in gap_before and
                         any(c.dep_ == "ccomp" and c.i > verb.i for c in verb.children)):
                # ('"… a quitter." She said she would stay': a quote that ends its sentence
                # belongs to the sentence before, when the cue reports a clause of its own)
                out.append(q)
                continue
            # quote starts right after the frame (and an optional object: "told reporters")
            if q.start >= frame_end and q.start >= sent.start_char - 1:
                gap = self.text[frame_end:q.start]
                if len(gap) <= 40 and re.fullmatch(r"[\s,:]*(?:(?:to |on )?[\w’' .]{0,30}?[,:])?\s*", gap) \
                        and "\n" not in gap and not self._verb_between(frame_end, q.start) and \
                        not re.search(r"\bthat\b", gap):  # ('said via email that, “…”': a clause)
                    out.append(q)
        return out

    def passive(self, verb: Token, subj: Token, lemma: str, cue: tuple[int, int]) -> None:
        """A passive cue: the source is the by-phrase, or nobody named. With addressee verbs ("she
        was asked whether …", "they were told to leave") the subject is the addressee and the
        content is the complement; otherwise the subject is what is reported ("The deal is
        expected to pass", "She was named the winner"): subject and complement, two fragments."""
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        src = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        speaker = self.source_span(src) if src is not None else None
        cluster = self.resolve(self.speaker_span(src), src) if src is not None else None
        prep = self.prep_cue(verb, lemma)
        if prep is not None:
            cue, comp = (cue[0], max(cue[1], prep[0])), prep[1]
        else:
            comp = self.complement(verb)
        if comp is None:
            as_ = [c for c in verb.children if c.dep_ in ("prep", "oprd", "attr", "acomp") and c.i > verb.i
                   and (c.lower_ == "as" or c.dep_ != "prep")]
            if as_:
                toks = list(as_[0].subtree)
                if as_[0].lower_ == "as" and len(toks) > 1 and \
                        not re.search(r"\w", self.text[cue[1]:as_[0].idx]):
                    # "is widely seen as a liberal": "as" right after the verb belongs to the cue
                    cue = (cue[0], as_[0].idx + len(as_[0]))
                    toks = [t for t in toks if t.i != as_[0].i]
                comp = _trim(self.text, min(t.idx for t in toks), max(t.idx + len(t) for t in toks))
        if comp is None and src is None:
            # "they have been accused of hurting civilians", "blamed for the outbreak": the charge, its
            # preposition in the cue
            p = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("of", "for") and
                      c.i == verb.i + 1), None)
            obj = next((o for o in p.children if o.dep_ in ("pobj", "pcomp")), None) if p is not None else None
            if obj is not None:
                toks = list(obj.subtree)
                comp = _trim(self.text, min(t.idx for t in toks), max(t.idx + len(t) for t in toks))
                cue = (cue[0], p.idx + len(p))
        if lemma in ADDRESSEE_VERBS:
            if comp is not None:
                self.add(ClaimSpan("indirect", [self.tidy(*comp)], speaker, cue, cluster, 0.6))
            return
        if lemma in self.lex.raising_verbs:
            if self._raised_cue(verb) is not None:
                return  # "she seemed to blame the network": her attribution, with the cue "seemed to blame"
            if subj.lower_ == "it" and comp is not None and \
                    any(c.dep_ == "ccomp" and c.i > verb.i for c in verb.children):
                # "it appears that the talks failed": an empty subject, the clause is the content
                self.add(ClaimSpan("indirect", [self.tidy(*comp)], speaker, cue, cluster, 0.6))
                return
        subject = self.source_span(subj, verb)
        frags = [subject] + ([self.tidy(*comp)] if comp is not None else [])
        if comp is None and (lemma in self.lex.raising_verbs or src is None and (
                lemma not in self.lex.speech_verbs or subj.ent_type_ == "PERSON" or
                subj.tag_ == "PRP" and subj.lower_ not in ("it", "this", "that"))):
            return  # "the diagnosis was confirmed" (a speech verb): the subject is what was said
        self.add(ClaimSpan("indirect", frags, speaker, cue, cluster, 0.6))

    def _raised_cue(self, verb: Token) -> Optional[Token]:
        """The cue verb a raising verb governs ("seemed to blame", "appears to confirm"), if any."""
        for c in verb.children:
            if c.dep_ == "xcomp" and c.i > verb.i and c.tag_ == "VB" and c.pos_ == "VERB" and \
                    self.lex.cue_lemma(c.lemma_, c.text) and self.lemma(c) not in self.lex.raising_verbs and \
                    any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children) and not self.in_quote(c):
                return c
        return None

    def asked(self, verb: Token, cue: tuple[int, int]) -> None:
        """"Asked whether …, she said …" / "Asked about X, he …": the question is an attribution
        of its own, whose asker the sentence does not name."""
        prep = self.prep_cue(verb, "ask")
        if prep is not None:
            cue, content = (cue[0], max(cue[1], prep[0])), prep[1]
        else:
            comps = [c for c in verb.children if c.dep_ in ("ccomp", "xcomp") or c.dep_ == "advcl" and any(
                m.dep_ == "mark" and m.lower_ in ("if", "whether") for m in c.children)]
            comps = [c for c in comps if c.i > verb.i]
            if not comps:
                return
            toks = list(comps[0].subtree)
            content = _trim(self.text, min(t.idx for t in toks), max(t.idx + len(t) for t in toks))
        if content[1] > content[0]:
            self.add(ClaimSpan("indirect", [content], None, cue, None, 0.6))

    def parenthetical(self, verb: Token) -> list[tuple[int, int]]:
        """A cue frame set off by commas inside or after the clause it reports ("The plan, she said,
        would cost too much" / "In the long run, economists say, prices will fall"): the clause
        without the frame, in one or two fragments, without the sentence's final period."""
        # "As the Times reported, …" / "…, as Ryan has pointed out.": a frame opened by "as"
        as_frame = any(c.dep_ == "mark" and c.lower_ == "as" and c.i == verb.left_edge.i for c in verb.children)
        if verb.dep_ not in ("parataxis", "advcl") or verb.head.pos_ not in ("VERB", "AUX") or \
                verb.head.i < verb.i and verb.dep_ == "advcl" and not as_frame:
            return []
        # an opening clause the parser hung on the cue ("If this fails, Mr. Diaz argues, …") is part
        # of what is reported, not of the frame
        subj = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS and c.i < verb.i), None)
        opening = {t.i for c in verb.children if subj is not None and c.dep_ in ("advcl", "prep") and
                   c.right_edge.i < subj.left_edge.i and self.doc[c.right_edge.i + 1].text == ","
                   for t in c.subtree}
        frame = sorted((t for t in verb.subtree if t.i not in opening), key=lambda t: t.i)
        lo, hi = frame[0].i, frame[-1].i
        sent = verb.sent
        opens = as_frame and all(t.dep_ == "cc" or t.is_punct for t in self.doc[sent.start:lo]) and \
            hi + 1 < sent.end and "," in (self.doc[hi].text, self.doc[hi + 1].text)
        if not opens and (lo == 0 or self.doc[lo - 1].text != "," and self.doc[lo].text != ","):
            return []
        out = []
        start, end = sent.start, sent.end
        if opens:
            start = lo  # nothing of the sentence before the frame is reported ("But as …")
        k = lo - 1 if self.doc[lo - 1].text == "," else lo
        if k > sent.start and self.doc[k - 1].lower_ in ("which", "who") and self.doc[k - 1].tag_ in ("WDT", "WP"):
            start = k - 1  # "the stadium, which, she said, is usually full": the clause from its pronoun
        for t in self.doc[hi + 1:sent.end]:
            if t.text == "," and t.i + 1 < sent.end and \
                    self.doc[t.i + 1].lower_ in ("although", "though", "while", "whereas") and \
                    self.doc[t.i + 1].dep_ == "mark":
                end = t.i  # ", although …": the writer's contrast
                break
        for a, b in ((start, lo), (hi + 1, end)):
            if b <= a:
                continue
            fs, fe = _trim(self.text, self.doc[a].idx, self.doc[b - 1].idx + len(self.doc[b - 1]))
            if fe > fs and self.text[fe - 1] in ".!?" and b == sent.end:
                fe -= 1
            fs, fe = _trim(self.text, fs, fe)
            if fe > fs and re.search(r"\w", self.text[fs:fe]):
                out.append((fs, fe))
        if not out or any(self.quote_at(fs) for fs, _ in out):
            return []
        return out

    def tidy(self, s: int, e: int) -> tuple[int, int]:
        """The end of a reported clause or object, news-annotation style: never across a line break;
        without a participle cue after a comma (", saying …" is an attribution of its own), a
        trailing non-restrictive relative clause (", which …"), or the sentence's final period."""
        nl = self.text.find("\n", s, e)
        if nl > 0 and self.quote_at(s) is None:
            e = nl
        # nor across a semicolon, which closes the reported clause ("said it was no plan; they
        # learned of it on Friday")
        semi = next((m.start() for m in re.finditer(";", self.text[s:e]) if self.quote_at(s + m.start()) is None),
                    None)
        if semi is not None and semi > 0 and self.quote_at(s) is None:
            e = s + semi
        span = self.doc.char_span(s, e, alignment_mode="expand")
        if span is None:
            return _trim(self.text, s, e)
        cut = None
        # a reported clause with its own subject keeps a ", which …" that comments on it ("said the
        # army retains power, which worries them"); a reported noun phrase does not
        clause = any(r.pos_ in ("VERB", "AUX") and any(c.dep_ in SUBJECT_DEPS for c in r.children)
                     for r in span if not span.start <= r.head.i < span.end or r.head.i == r.i)
        for t in span:
            if t.i == span.start or self.in_quote(t):
                continue
            prev = self.doc[t.i - 1]
            if prev.text == "," and t.tag_ == "VBG" and self.lemma(t) in self.lex.speech_verbs \
                    and self.lemma(t) not in self.lex.belief_verbs:
                cut = t.i - 1
                break
            if prev.text == "," and (t.lower_ == "who" or t.lower_ == "which" and (
                    not clause or self.lex.cue_lemma(t.head.lemma_, t.head.text))) and \
                    t.head.dep_ == "relcl" and \
                    t.head.right_edge.i >= span.end - 2:
                cut = t.i - 1
                break
        if cut is None:
            cut = self._trailing_apposition(span)
        if cut is not None and cut > span.start:
            e = self.doc[cut - 1].idx + len(self.doc[cut - 1])
        s, e = _trim(self.text, s, e)
        if e > s and self.text[e - 1] == "." and self.quote_at(e - 1) is None and \
                not re.search(r"\b[A-Z]\.$|\b(?:[a-z]\.){2,}$", self.text[s:e]):
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
            heads = [h for h in self.doc[nxt:last + 1] if h.dep_ in ("appos", "npadvmod") and
                     h.left_edge.i == nxt and h.right_edge.i >= last and h.pos_ in ("NOUN", "PROPN", "NUM")]
            if heads and not any(self.in_quote(x) for x in self.doc[nxt:last + 1]):
                h = heads[0]
                if h.head.pos_ != "PROPN" and any(x.dep_ == "cc" for x in h.children) or \
                        h.pos_ == "PROPN" and h.head.pos_ == "NOUN" and h.head.i < t.i:
                    # a list ("differ on taxes, the trade deal and immigration") or the name after
                    # a description ("his rival, Hillary Clinton"): part of what was said
                    return None
                return t.i
            return None
        return None

    def _verb_between(self, s: int, e: int) -> bool:
        """A verb between two offsets: "she said, adding, “…”" — the quote is the participle's."""
        span = self.doc.char_span(s, e, alignment_mode="contract")
        return span is not None and any(t.pos_ in ("VERB", "AUX") for t in span)

    def complement(self, verb: Token) -> Optional[tuple[int, int]]:
        comps = [c for c in verb.children if c.dep_ in ("ccomp", "xcomp")]
        if not comps and self.lemma(verb) in ("ask", "wonder", "question"):
            # "asked the students if they were serious": the question, not whom it was put to
            comps = [c for c in verb.children if c.dep_ == "advcl" and c.i > verb.i and
                     any(m.dep_ == "mark" and m.lower_ in ("if", "whether") and m.i == c.left_edge.i
                         for m in c.children)]
        # "said that ..." where the parser hangs the clause off a conjunction
        if not comps:
            comps = [c for c in verb.children if c.dep_ in ("dobj",) and c.pos_ in ("VERB", "AUX")]
        if not comps and self.lemma(verb) in self.lex.speech_verbs:
            # "said after the meeting he would resign": a time phrase before the clause makes the
            # parser read the reported clause as an adverbial one; a clause with its own subject
            # and no subordinating word is what was said, from its subject on
            for c in verb.children:
                subj = next((x for x in c.children if x.dep_ in ("nsubj", "nsubjpass") and x.i < c.i), None)
                if c.dep_ == "advcl" and c.i > verb.i and c.pos_ in ("VERB", "AUX") and subj is not None and \
                        not any(x.dep_ == "mark" or x.tag_ in ("WRB", "WDT", "WP") for x in c.children) and \
                        subj.lower_ not in RELATIVE_PRONOUNS:
                    toks = [t for t in c.subtree if t.i >= subj.left_edge.i]
                    return _trim(self.text, min(t.idx for t in toks), max(t.idx + len(t) for t in toks))
        if not comps:
            return None
        right = [c for c in comps if c.i > verb.i]
        c = right[0] if right else comps[0]
        toks = sorted(c.subtree, key=lambda t: t.i)
        if c.dep_ == "xcomp" and c.i > verb.i:
            # the addressee of urge / ask / encourage belongs to what they are urged to do
            objs = [o for o in verb.children if o.dep_ == "dobj" and verb.i < o.i < c.i]
            if objs:
                toks = sorted(list(objs[0].subtree) + toks, key=lambda t: t.i)
        elif c.dep_ == "ccomp" and c.i > verb.i and c.pos_ in ("VERB", "AUX") and \
                not any(x.dep_ in SUBJECT_DEPS or x.dep_ == "expl" for x in c.children):
            # "think the plan was a mistake" read as "think [the plan] [was a mistake]": the object is
            # the clause's subject
            objs = [o for o in verb.children if o.dep_ == "dobj" and verb.i < o.i < c.i]
            if objs:
                # with a modifier the parser hung on the verb in between ("the outreach [to voters]")
                mods = [t for x in verb.children if x.dep_ == "prep" and objs[0].i < x.i < c.i for t in x.subtree]
                between = {t.i for t in list(objs[0].subtree) + mods}
                if all(i in between for i in range(objs[0].left_edge.i, c.left_edge.i)):
                    toks = sorted(list(objs[0].subtree) + mods + toks, key=lambda t: t.i)
        if c.dep_ == "ccomp" and c.i > verb.i:
            # "said Trump has respect for the military and his comment was a joke": the parser took
            # the second subject into the first clause and hung its verb on the cue, subjectless
            for x in verb.children:
                if x.dep_ == "ccomp" and x.i > c.i and x.left_edge.i == c.right_edge.i + 1 and \
                        not x.left_edge.is_punct and not c.right_edge.is_punct and \
                        x.pos_ in ("VERB", "AUX") and not self.in_quote(x) and \
                        not any(y.dep_ in SUBJECT_DEPS or y.dep_ == "expl" for y in x.children):
                    toks = sorted(toks + list(x.subtree), key=lambda t: t.i)
                    c = x
                    break
        cut = self._clause_cut(c)
        if cut is not None:
            toks = [t for t in toks if t.i < cut] or toks
        elif c.i > verb.i and (c.dep_ == "ccomp" or c.dep_ == "xcomp" and c.tag_ == "VB"):
            # "says he is proud of the campaign and expects to win": the parser hangs the second
            # verb on the cue, but it continues the reported clause (unless it is a cue itself);
            # so do bare infinitives coordinated with a reported one ("proposed to triple the
            # program, grow the corps and create a reserve")
            for x in verb.children:
                if c.dep_ == "xcomp" and (x.tag_ != "VB" or
                                          re.match(r"\s*,\s*(?:and|or|but)\b", self.text[c.right_edge.idx +
                                                       len(c.right_edge):x.idx])):
                    continue  # ("wanted to see the show, and not stay up late": a step of its own)
                cue_lemma = self.lex.cue_lemma(x.lemma_, x.text)
                that_clause = x.left_edge.lower_ == "that" or any(y.dep_ == "mark" and y.lower_ == "that"
                                                                   for y in x.children)
                # (a modal marks the reported clause, not the frame: "says it would depress revenue
                # but would eventually add $84 billion")
                modal = any(y.dep_ == "aux" and y.tag_ == "MD" for y in x.children) and \
                    not any(y.tag_ == "MD" for y in verb.children)
                if x.dep_ == "conj" and x.i > c.right_edge.i and x.pos_ in ("VERB", "AUX") and (that_clause or (
                        (cue_lemma is None or cue_lemma in self.lex.belief_verbs or
                         cue_lemma not in self.lex.speech_verbs or modal) and
                        not any(y.dep_ in SUBJECT_DEPS for y in x.children))) and \
                        not self.in_quote(x) and "\n" not in self.text[c.right_edge.idx:x.idx]:
                    end = x.right_edge.i
                    for y in x.children:
                        if c.dep_ == "xcomp" and y.dep_ == "conj" and y.i > x.i and \
                                any(z.dep_ in SUBJECT_DEPS for z in y.children):
                            end = min(end, y.left_edge.i - 1)  # "… and he pledged …": a new clause
                    while c.dep_ == "xcomp" and end > x.i and self.doc[end].dep_ in ("cc", "punct"):
                        end -= 1
                    toks = sorted(toks + [t for t in self.doc[c.right_edge.i + 1:end + 1]],
                                  key=lambda t: t.i)
                    break
        s, e = min(t.idx for t in toks), max(t.idx + len(t) for t in toks)
        return _trim(self.text, s, e)

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
                if lemma in self.lex.speech_verbs and lemma not in self.lex.belief_verbs and \
                        ch.tag_ in ("VBZ", "VBD") and \
                        not any(x.dep_ in SUBJECT_DEPS for x in ch.children):
                    return start
            if ch.dep_ == "advcl" and ch.tag_ == "VBG" and self.lex.cue_lemma(ch.lemma_, ch.text) and \
                    self.doc[ch.left_edge.i - 1].text == ",":
                return ch.left_edge.i - 1
            if ch.dep_ == "advcl" and any(x.dep_ == "mark" and x.lower_ in ("though", "although", "while", "whereas")
                                                          and x.i == ch.left_edge.i for x in ch.children) and \
                    self.doc[ch.left_edge.i - 1].text == ",":
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
            last = [c for c in o.children if c.dep_ == "prep" and c.i > o.i and c.right_edge.i == o.right_edge.i]
            if last and self._setting(last[0], on_object=True) and last[0].left_edge.i > o.i:
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
                if c.dep_ in ("punct", "cc", "conj") or c.tag_ == "VBG" and self.doc[c.left_edge.i - 1].text == ",":
                    break
                if self._setting(c):
                    break
                if c.dep_ == "advcl" and c.left_edge.lower_ == "to" and c.tag_ == "VB" and obj and \
                        all(o.pos_ == "NOUN" and o.lemma_.lower() not in INFINITIVE_NOUNS for o in obj) and \
                        not any(p.lower_ == "as" for p in preps) and self.lemma(verb) not in OBJECT_INFINITIVE_VERBS:
                    break  # a purpose ("cited the rising seas to thrill his supporters"): why, not what
                if c.dep_ in ("prep", "advmod", "npadvmod", "advcl", "xcomp", "oprd", "dative", "acomp") and \
                        c.lower_ != "according":
                    sub = list(c.subtree)
                    if any(self.doc[i].text in ",;:" for i in range(last + 1, c.left_edge.i)):
                        break
                    toks.extend(sub)
                    last = max(last, max(t.i for t in sub))
        # a quoted fragment right after the object ("accused Western governments “hysterically advancing”")
        if not toks:
            return None
        s, e = min(t.idx for t in toks), max(t.idx + len(t) for t in toks)
        end_sent = verb.sent.end_char
        q = self.quote_at(e) or next((q for q in self.quotes if 0 <= q.start - e <= 2), None)
        if q is not None and q.end <= end_sent + 2:
            e = max(e, q.end)
        # extend to the end of the clause when the rest of the sentence hangs off the object
        return _trim(self.text, s, e)

    def _setting(self, c: Token, on_object: bool = False) -> bool:
        """An adjunct that says when, where or how something was said, not what: "on Thursday",
        "last June", "in a speech", "through his lawyer", "as the vote neared". ``on_object``: a
        phrase the parser hung on the object (only a platform or a short date)."""
        sub = list(c.subtree)
        # "on Twitter", "on its website": where, not what
        on_platform = c.dep_ == "prep" and c.lower_ == "on" and \
            any(o.dep_ == "pobj" and o.lower_ in PLATFORM_NOUNS for o in c.children)
        if on_object:
            return on_platform or c.dep_ == "prep" and all(t.ent_type_ in ("DATE", "TIME") for t in sub[1:]) \
                and len(sub) <= 4
        if any(t.ent_type_ in ("DATE", "TIME") for t in sub) and len(sub) <= 6:
            return True
        if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("as", "when", "while", "after", "before",
                                                                      "since", "until") for m in c.children):
            return True
        if c.dep_ == "prep" and c.lower_ == "during":
            return True  # "during a campaign stop", "during his time on MSNBC": always when
        if c.dep_ == "prep" and c.lower_ in ("through", "in", "at", "via") and \
                any(t.lemma_.lower() in SETTING_NOUNS for t in sub):
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
            if c.dep_ == "advcl" and c.i > verb.i and mark.dep_ == "mark" and mark.head.i == c.i and \
                    0 < mark.i - verb.i <= 3 and \
                    " ".join(t.lower_ for t in self.doc[verb.i + 1:mark.i + 1]) in preps:
                # "called for the city to act": the parser reads "for" as opening a clause
                toks = [t for t in c.subtree if t.i > mark.i]
                if toks:
                    s, e = _trim(self.text, min(t.idx for t in toks), max(t.idx + len(t) for t in toks))
                    return mark.idx + len(mark), (s, e)
            if c.dep_ not in ("prep", "dative") or c.i <= verb.i or c.i - verb.i > 3:
                continue
            words = " ".join(t.lower_ for t in self.doc[verb.i + 1:c.i + 1])
            if words not in preps:
                continue
            objs = [t for t in c.children if t.dep_ in ("pobj", "pcomp")]
            if not objs:
                return None
            toks = list(objs[0].subtree)
            toks += [t for x in verb.children if x.dep_ in ("xcomp", "ccomp") and x.i > c.i for t in x.subtree]
            s, e = _trim(self.text, min(t.idx for t in toks), max(t.idx + len(t) for t in toks))
            return c.idx + len(c), (s, e)
        return None

    def from_cue(self, verb: Token) -> None:
        subj = self.subject_of(verb)
        if subj is not None and subj.lower_ == "that" and subj.tag_ == "WDT" and not self.adjacent_quotes(verb) and \
                not (verb.dep_ == "relcl" and (verb.head.ent_type_ in ("PERSON", "ORG", "NORP") or
                                               verb.head.lemma_.lower() in GROUP_NOUNS)):
            # "a study that shows …", "a law that requires …": a document or rule, rarely a claim (but
            # "the groups that endorsed him" are speakers)
            return
        if verb.dep_ == "acl" and verb.tag_ == "VBG" and self.lemma(verb) not in self.lex.speech_verbs and \
                not self.adjacent_quotes(verb):
            return  # "voters supporting the plan": a description of the noun, not a reported stance
        speaker = self.speaker_span(subj) if subj is not None else None
        cluster = self.resolve(speaker, subj)
        if subj is not None:
            speaker = self.source_span(subj, verb)
        cue = self.cue_span(verb)
        lemma = self.lemma(verb)
        belief = lemma in self.lex.belief_verbs
        quotes = self.adjacent_quotes(verb)
        if quotes and subj is not None:
            for q in quotes:
                q.used = True
            quotes = sorted(quotes, key=lambda q: q.start)
            spans = [span for q in quotes for span in q.spans]
            kind = "direct"
            first = quotes[0]
            if first.end <= cue[0] and not first.fragments:
                # 'Ms. Lund is “not a quitter,” he said': the clause the quote ends is the content
                sent = self._sentence_at(first.start)
                if sent is not None and sent.start_char < first.start:
                    prefix = self.text[sent.start_char:first.start]
                    if re.search(r"\w", prefix) and not re.search(r"[\n\"“”«»!?;:]|''", prefix) and \
                            not re.search(r"(?<!\b[A-Z])(?<!\b[A-Z][a-z])(?<!\b[A-Z][a-z]{2})\.\s", prefix) and \
                            len(prefix) < 150 and not self.text[first.start - 1:first.start].isalnum() and \
                            not any(t.pos_ in ("VERB", "AUX") and self.lex.cue_lemma(t.lemma_, t.text)
                                    for t in self.doc.char_span(sent.start_char, first.start,
                                                                alignment_mode="expand") or []):
                        s0, _ = _trim(self.text, sent.start_char, first.start)
                        spans = [(s0, spans[0][1])] + spans[1:]
                        kind = "mixed"
            self.add(ClaimSpan(kind, self._with_relative(verb, subj, spans), speaker, cue, cluster, 0.9))
            return
        if lemma in self.lex.quote_verbs:
            return
        if lemma in AS_ONLY and not (
                any(c.i > verb.i and c.lower_ == "as" and c.dep_ == "prep" for c in verb.children) and
                any(c.i > verb.i and c.dep_ == "dobj" and c.tag_ not in ("WP", "WDT") for c in verb.children)):
            return  # "voters see Clinton as the stronger candidate", not "they saw the film"
        if subj is None and lemma == "ask" and verb.tag_ == "VBN" and verb.dep_ == "advcl" and (
                verb.i == verb.sent.start or all(t.lower_ in ("when", "if", "after", "once", "while", "as", "being")
                                                 for t in self.doc[verb.left_edge.i:verb.i])):
            # "Asked whether …, she said" / "…, he said when asked about the deal"
            self.asked(verb, cue)
            return
        raised = verb.dep_ == "xcomp" and self.lemma(verb.head) in self.lex.raising_verbs and \
            getattr(self._raised_cue(verb.head), "i", None) == verb.i
        if lemma not in self.lex.speech_verbs and not raised and any(
                c.dep_ in ("aux", "auxpass") and c.lower_ in HYPOTHETICAL and
                not (c.lower_ == "to" and verb.dep_ == "advcl") for c in verb.children):
            return  # "would support", "to endorse": an attitude not (yet) held
        if subj is not None and subj.i < verb.i and (subj.dep_ == "nsubjpass" or lemma in self.lex.raising_verbs):
            self.passive(verb, subj, lemma, cue)
            return
        kind = "indirect"
        prep = self.prep_cue(verb, lemma)
        if prep is not None:
            cue = (cue[0], max(cue[1], prep[0]))
            comp: Optional[tuple[int, int]] = prep[1]
        else:
            comp = self.complement(verb)
        if comp is None and lemma in self.lex.object_verbs:
            comp = self.object_as(verb)
            objs = [c for c in verb.children if c.dep_ in ("dobj", "dative") and c.i > verb.i]
            if comp is not None and lemma in ADDRESSEE_ONLY and objs and \
                    not any(t.pos_ in ("VERB", "AUX") for t in objs[0].subtree) and \
                    comp == _trim(self.text, objs[0].left_edge.idx, objs[0].right_edge.idx + len(objs[0].right_edge)):
                comp = None  # "he told me on Friday": whom he told, not what
        if comp is None and subj is not None:
            frags = self.parenthetical(verb)
            if frags:
                self.add(ClaimSpan("indirect", frags, speaker, cue, cluster, 0.7))
                return
        if comp is None or subj is None:
            return
        if self.quote_at(comp[0]) is None or self.text[comp[0]] not in OPEN_MARKS + '"':
            comp = self.tidy(*comp)
        comp = self._close_quotes(*comp, through=True)
        inner = [q for q in self.quotes if comp[0] <= q.start and q.end <= comp[1] + 1]
        if inner:
            kind = "mixed"
            for q in inner:
                q.used = True
            if len(inner) == 1 and (inner[0].start, inner[0].end) == comp:
                kind = "direct"
        confidence = 0.6 if belief else 0.8
        frags = [comp] + self._after_frame(verb, comp, cue)
        frame_s = min(subj.left_edge.idx, cue[0])
        if comp[0] < frame_s and cue[1] < comp[1] and subj.i < verb.i:
            # the frame inside its own clause: "which he said was a mistake" -> "which" + "was a mistake"
            a, b = _trim(self.text, comp[0], frame_s), _trim(self.text, cue[1], comp[1])
            frags = [f for f in (a, b) if f[1] > f[0]]
        self.add(ClaimSpan(kind, self._with_relative(verb, subj, frags), speaker, cue, cluster, confidence))

    def _after_frame(self, verb: Token, comp: tuple[int, int], cue: tuple[int, int]) -> list[tuple[int, int]]:
        """A reported clause before a frame set off by commas, which the sentence then continues
        ("The middle fifth paid 9 percent, the agency said, and the bottom fifth 1 percent" / "…,
        the Times said, including speeches"): what follows the frame is a second fragment."""
        if comp[1] > cue[0] or self.text[comp[1]:comp[1] + 1] != ",":
            return []
        sent = verb.sent
        comma = next((t for t in self.doc[verb.i + 1:sent.end] if t.text == "," and not self.in_quote(t)), None)
        if comma is None or any(t.pos_ in ("VERB", "AUX") for t in self.doc[verb.i + 1:comma.i]):
            return []
        rest = [t for t in self.doc[comma.i + 1:sent.end] if not t.is_punct or t.i < sent.end - 1]
        if len([t for t in rest if not t.is_punct]) < 2 or any(self.in_quote(t) for t in rest):
            return []
        # the rest hangs off the cue verb, and is no attribution of its own (", adding …")
        heads = [t for t in rest if not comma.i < t.head.i < sent.end or t.head.i == t.i]
        if any(h.head.i != verb.i for h in heads) or any(
                h.pos_ in ("VERB", "AUX") and self.lex.cue_lemma(h.lemma_, h.text) or self._setting(h) or
                h.dep_ == "advmod" for h in heads):
            return []  # (", two days after the vote", ", even after …": when, not what)
        if rest[0].dep_ == "cc":
            rest = rest[1:]  # "…, the agency said, and those in the bottom fifth paid …"
        s, e = self.tidy(rest[0].idx, rest[-1].idx + len(rest[-1]))
        return [(s, e)] if e > s else []

    def _with_relative(self, verb: Token, subj: Token, frags: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """A wh-word before the frame stands for part of what was said ("which he described as his
        second home", "what she called a rigged system", "who many feel need a win"): it opens the
        content, as a fragment of its own."""
        if subj is None or subj.i > verb.i:
            return frags
        comp = [c for c in verb.children if c.dep_ in ("ccomp", "xcomp") and c.i > verb.i]
        cands = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")] + \
                [x for c in comp for x in c.children if x.dep_ in ("nsubj", "nsubjpass")]
        wh = next((c for c in cands if c.tag_ in ("WDT", "WP") and c.lower_ in ("which", "what", "who", "whom")
                   and c.i < subj.left_edge.i and not self.in_quote(c)), None)
        if wh is None or not frags or wh.idx >= min(s for s, _ in frags) or \
                re.match(r"(?i)that\b", self.text[frags[0][0]:frags[0][1]]):
            return frags  # "which she thought that only she would see": the that-clause is complete
        return [(wh.idx, wh.idx + len(wh))] + list(frags)

    def made_clear(self) -> None:
        """``X made (it) clear that …``: the verb phrase through "clear" is the cue, the clause
        after it the content, the subject of "make" the source."""
        for verb in self.doc:
            if verb.lemma_.lower() != "make" or verb.pos_ != "VERB" or self.in_quote(verb):
                continue
            clear = [c for c in verb.children if c.lower_ == "clear" and c.dep_ in ("ccomp", "oprd", "acomp", "xcomp")]
            if not clear:
                continue
            clear = clear[0]
            clauses = [c for c in list(verb.children) + list(clear.children)
                       if c.dep_ in ("ccomp", "advcl") and c.i > clear.i and c.pos_ in ("VERB", "AUX")]
            subj = self.subject_of(verb)
            if not clauses or subj is None or subj.i > verb.i:
                continue
            c = min(clauses, key=lambda t: t.i)
            toks = list(c.subtree)
            speaker = self.speaker_span(subj)
            cluster = self.resolve(speaker, subj)
            speaker = self.source_span(subj, verb)
            cue = (self.cue_span(verb)[0], clear.idx + len(clear))
            comp = self.tidy(min(t.idx for t in toks), max(t.idx + len(t) for t in toks))
            comp = self._close_quotes(*comp, through=True)
            inner = [q for q in self.quotes if comp[0] <= q.start and q.end <= comp[1] + 1]
            for q in inner:
                q.used = True
            self.add(ClaimSpan("mixed" if inner else "indirect", [comp], speaker, cue, cluster, 0.8))

    def it_is_clear(self) -> None:
        """``it was unclear whether …`` / ``It is apparent that …``: a judgement nobody is named for; the
        cue runs from "it" through the adjective, the clause after it is the content."""
        for adj in self.doc:
            if adj.lemma_.lower() not in CLARITY_ADJECTIVES or adj.dep_ != "acomp" or self.in_quote(adj):
                continue
            verb = adj.head
            it = next((c for c in verb.children if c.dep_ in ("nsubj", "expl") and c.lower_ == "it"), None)
            clause = next((c for c in list(verb.children) + list(adj.children) if c.dep_ in ("ccomp", "advcl")
                           and c.i > adj.i and c.pos_ in ("VERB", "AUX") and
                           c.left_edge.lower_ in ("that", "whether", "if")), None)
            if it is None or clause is None or verb.lemma_.lower() not in ("be", "become", "seem") or \
                    any(c.content_start <= adj.idx < c.content_end for c in self.claims):
                continue
            start = min(it.i, verb.i, *[c.i for c in verb.children if c.dep_ in ("aux", "neg") and c.i < adj.i])
            # "it is unclear whether": the question word belongs to the cue, "that" to the content
            end = clause.left_edge if clause.left_edge.lower_ in ("whether", "if") else adj
            first = clause.left_edge.i + (1 if end is not adj else 0)
            content = self.tidy(self.doc[first].idx, clause.right_edge.idx + len(clause.right_edge))
            if content[1] > content[0]:
                self.add(ClaimSpan("indirect", [content], None, (self.doc[start].idx, end.idx + len(end)), None,
                                   0.5))

    def reportedly(self) -> None:
        """``The group is reportedly spending $1.5 million`` / ``after he allegedly brandished a
        pistol``: a report nobody is named for; the adverb is the cue, the clause around it the content
        (two fragments, the adverb left out)."""
        for adv in self.doc:
            if adv.lower_ not in ("reportedly", "allegedly") or adv.dep_ != "advmod" or self.in_quote(adv):
                continue
            verb = adv.head
            if verb.pos_ not in ("VERB", "AUX") or verb.i < adv.i and verb.i != adv.i - 1 or \
                    self.lemma(verb) in self.lex.speech_verbs or \
                    any(c.cue is not None and c.cue[0] <= adv.idx < c.cue[1] for c in self.claims):
                continue
            subj = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS and c.i < adv.i), None)
            if subj is None:
                continue
            toks = [t for t in verb.subtree if t.i >= subj.left_edge.i and not (
                t.dep_ == "mark" or t.dep_ in ("advcl", "prep") and t.i < subj.i)]
            first, last = min(t.i for t in toks), max(t.i for t in toks)
            if not first < adv.i < last:
                continue
            left = _trim(self.text, self.doc[first].idx, adv.idx)
            right = self.tidy(adv.idx + len(adv), self.doc[last].idx + len(self.doc[last]))
            if left[1] > left[0] and right[1] > right[0]:
                self.add(ClaimSpan("indirect", [left, right], None, (adv.idx, adv.idx + len(adv)), None, 0.5))

    def known_as(self) -> None:
        """``the bill known as the Dream Act`` / ``the bill, known as …``: a name the public gives,
        with no named source; the cue is "known as", the content the thing named (unless set off by a
        comma) and the name."""
        for v in self.doc:
            if v.lower_ != "known" or v.tag_ != "VBN" or self.in_quote(v) or v.head.i >= v.i or \
                    v.head.pos_ not in ("NOUN", "PROPN"):
                continue
            as_ = next((c for c in v.children if c.dep_ == "prep" and c.lower_ == "as" and c.i == v.i + 1), None)
            obj = next((c for c in as_.children if c.dep_ == "pobj"), None) if as_ is not None else None
            if obj is None:
                continue
            toks = list(obj.subtree)
            last = max(t.i for t in toks)
            while last + 1 < len(self.doc) and self.doc[last + 1].pos_ == "PROPN" and \
                    self.doc[last].whitespace_ and "\n" not in self.doc[last].whitespace_:
                last += 1  # "Super Tuesday" parsed as two phrases
            name = self.tidy(min(t.idx for t in toks), self.doc[last].idx + len(self.doc[last]))
            head = v.head
            frags = [name]
            if "," not in self.text[head.idx:v.idx]:
                outer = head  # "the group of contests known as …": the whole noun phrase
                while outer.dep_ == "pobj" and outer.head.dep_ == "prep" and outer.head.lower_ == "of" and \
                        outer.head.head.pos_ in ("NOUN", "PROPN") and outer.head.head.i < outer.i:
                    outer = outer.head.head
                frags = [_trim(self.text, outer.left_edge.idx, head.idx + len(head)), name]
            if all(e > s for s, e in frags):
                self.add(ClaimSpan("indirect", frags, None, (v.idx, as_.idx + len(as_)), None, 0.5))

    def nominal_cues(self) -> None:
        """Nouns that report what someone said or holds ("Trump's claim that …", "the senator's
        criticism of the plan", "support for the bill from unions"): the noun (with the preposition
        that introduces the content) is the cue, the possessor or by/from phrase the source, the
        that-clause or the preposition's object the content. Only with a named source."""
        for n in self.doc:
            if n.pos_ != "NOUN" or n.lemma_.lower() not in self.lex.noun_cues or self.in_quote(n):
                continue
            if any(c.content_start <= n.idx < c.content_end for c in self.claims if c.cue and
                   c.cue[0] <= n.idx < c.cue[1]):
                continue
            src = next((c for c in n.children if c.dep_ == "poss" and c.i < n.i), None)
            if src is None and n.tag_ == "NNS":
                # "But Trump claims that …": a verb the tagger read as a plural noun, its subject as
                # a compound name
                src = next((c for c in n.children if c.dep_ == "compound" and c.i == n.i - 1 and
                            c.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")), None)
            content = None
            cue_end = n.idx + len(n)
            for c in n.children:
                if c.i <= n.i:
                    continue
                if c.dep_ in ("acl", "ccomp") and any(m.dep_ == "mark" and m.lower_ == "that" or
                                                     m.dep_ == "aux" and m.lower_ == "to" and m.i == c.left_edge.i
                                                     for m in c.children):
                    toks = list(c.subtree)
                    content = (min(t.idx for t in toks), max(t.idx + len(t) for t in toks))
                elif c.dep_ == "prep" and c.lower_ in ("by", "from") and src is None:
                    src = next((o for o in c.children if o.dep_ == "pobj"), None)
                elif c.dep_ == "prep" and c.lower_ in NOUN_CUE_PREPS and content is None:
                    obj = next((o for o in c.children if o.dep_ in ("pobj", "pcomp")), None)
                    if c.lower_ == "to" and n.lemma_.lower() not in ("opposition", "reference", "objection"):
                        continue
                    if obj is not None and c.i == n.i + 1 and obj.ent_type_ not in ("DATE", "TIME"):
                        toks = list(obj.subtree)
                        content = (min(t.idx for t in toks), max(t.idx + len(t) for t in toks))
                        cue_end = c.idx + len(c)
            if src is None or content is None or src.lower_ in RELATIVE_PRONOUNS:
                continue
            content = self.tidy(*content)
            if content[1] <= content[0]:
                continue
            mods = [c for c in n.children if c.dep_ == "amod" and c.i < n.i and (src.i < c.i)]
            cue_start = min([n.idx] + [c.idx for c in mods])
            speaker = self.source_span(src)
            if src.dep_ == "poss":
                case = next((c for c in src.children if c.dep_ == "case"), None)
                if case is not None:
                    speaker = (speaker[0], max(speaker[1], case.idx + len(case)))
            cluster = self.resolve(self.speaker_span(src), src)
            content = self._close_quotes(*content, through=True)
            inner = [q for q in self.quotes if content[0] <= q.start and q.end <= content[1] + 1]
            for q in inner:
                q.used = True
            self.add(ClaimSpan("mixed" if inner else "indirect", [content], speaker, (cue_start, cue_end),
                               cluster, 0.5))

    _SENTENCE_BREAK = re.compile(r"(?:(?:(?<=[a-z]{4})|(?<=[0-9)%]{2}))[.!?]|[!?]|[:;])[\"”’']*\s+(?=[\"“A-Z])")

    def according_to(self) -> None:
        for tok in self.doc:
            if tok.lower_ != "according" or self.in_quote(tok):
                continue
            to = tok.nbor(1) if tok.i + 1 < len(self.doc) else None
            if to is None or to.lower_ != "to":
                continue
            objs = [c for c in to.children if c.dep_ == "pobj"] or \
                   [c for c in tok.children if c.dep_ == "pobj"]
            if not objs:
                continue
            self._source_phrase(tok, objs[0], list(tok.subtree) + list(to.subtree), (tok.idx, to.idx + len(to)))

    def in_poll(self) -> None:
        """``In a CBS News poll last month, she led by 10 points`` / ``She led by 10 points in a CBS
        News poll.``: the poll is the source, "in" the cue, the clause the content."""
        for tok in self.doc:
            if tok.lower_ != "in" or tok.dep_ != "prep" or self.in_quote(tok):
                continue
            obj = next((c for c in tok.children if c.dep_ == "pobj"), None)
            if obj is None or obj.lemma_.lower() not in POLL_NOUNS:
                continue
            sent = tok.sent
            root = sent.root
            phrase = list(tok.subtree)
            ps, pe = min(t.idx for t in phrase), max(t.idx + len(t) for t in phrase)
            line = self.text.rfind("\n", 0, ps) + 1
            if tok.i == sent.start or not re.search(r"\w", self.text[max(line, sent.start_char):ps]):
                # sentence-initial: the clause after the comma that closes the opening phrase
                comma = self.text.find(",", pe, sent.end_char)
                if comma < 0 or self._verb_between(pe, comma) or "\n" in self.text[pe:comma]:
                    continue
                content = _trim(self.text, comma + 1, sent.end_char)
            elif tok.head.i == root.i and not re.search(r"\w", self.text[pe:sent.end_char]) and \
                    self.text[ps - 1:ps] == " ":
                content = _trim(self.text, max(line, sent.start_char), ps)  # sentence-final
            else:
                continue
            if content[1] > content[0] and self.text[content[1] - 1] == ".":
                content = (content[0], content[1] - 1)
            if len(re.findall(r"\w+", self.text[content[0]:content[1]])) < 3 or \
                    any(c.content_start < content[1] and content[0] < c.content_end for c in self.claims):
                continue
            speaker = self.speaker_span(obj)
            self.add(ClaimSpan("indirect", [content], self.source_span(obj), (tok.idx, tok.idx + len(tok)),
                               self.resolve(speaker, obj), 0.6))

    def _source_phrase(self, tok: Token, src: Token, phrase_toks: list[Token], cue: tuple[int, int]) -> None:
        """A source-first phrase ("according to X", "in X's poll"): its object is the source, the rest
        of the sentence without the phrase the content."""
        speaker = self.speaker_span(src)
        cluster = self.resolve(speaker, src)
        speaker = self.source_span(src)
        sent = tok.sent
        ps, pe = min(t.idx for t in phrase_toks), max(t.idx + len(t) for t in phrase_toks)
        start = sent.start_char
        if ps > start:
            # a sentence the parser ran together with the one before ('… came from.” London
            # was …', 'firms: London was …'): the content starts after the last break
            breaks = list(self._SENTENCE_BREAK.finditer(self.text, start, ps))
            if breaks and re.search(r"\w+\W+\w+", self.text[breaks[-1].end():ps]):
                start = breaks[-1].end()
            # nor across a paragraph break (a time stamp or dateline the parser put in the sentence)
            start = max(start, self.text.rfind("\n", start, ps) + 1)
        left = _trim(self.text, start, ps) if ps > start else (ps, ps)
        right = _trim(self.text, pe, sent.end_char)
        right = (right[0], right[1] - (1 if self.text[right[1] - 1:right[1]] == "." else 0))
        left = (left[0], left[1] - (1 if self.text[left[1] - 1:left[1]] == "." else 0))
        words = lambda f: len(re.findall(r"\w+", self.text[f[0]:f[1]]))  # noqa: E731
        if words(left) >= 2 and words(right) >= 3 and self.text[pe:pe + 1] == "," and \
                self.text[ps - 2:ps].strip() == ",":
            # "A, according to X, B": the phrase interrupts the content, two fragments
            frags = [left, right]
        elif words(left) > words(right):
            frags = [left]
        else:
            frags = [right]
        # a connective opening the sentence is the writer's ("Still, according to the poll, …")
        m = _CONNECTIVE.match(self.text, frags[0][0], frags[0][1])
        if m and m.end() < frags[0][1]:
            frags[0] = (m.end(), frags[0][1])
        content = (frags[0][0], frags[-1][1])
        inner = [q for q in self.quotes if content[0] <= q.start and q.end <= content[1] + 1]
        for q in inner:
            q.used = True
        kind = "mixed" if inner else "indirect"
        if len(inner) == 1 and (inner[0].start, inner[0].end) == content:
            kind = "direct"
        self.add(ClaimSpan(kind, frags, speaker, cue, cluster, 0.8))

    # --- punctuation cues -------------------------------------------------------------------------

    _LABEL = re.compile(r"(?m)^[\"“]?([A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,3}):[ \t]+(?=\S)")
    _DASH_NAME = re.compile(r"[ \t]*[―—][ \t]*([A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,3})(?=[ \t]*(?:[.\n“\"]|$))")
    NOT_SPEAKERS = {"update", "updated", "note", "editor's note", "editor’s note", "photo", "source", "watch",
                    "read more", "related", "video", "correction", "clarification", "advertisement", "image",
                    "credit", "caption", "follow", "subscribe", "contact", "tags", "title", "date", "by"}

    def punctuation_cues(self) -> None:
        """Transcript lines ``PENCE: And that's why …`` (a paragraph opening with a name and a colon)
        and quotes signed with a dash, ``“…” ― Ana Ruiz``."""
        for m in self._LABEL.finditer(self.text):
            name = m.group(1)
            if name.lower() in self.NOT_SPEAKERS or self.quote_at(m.start(1)) not in (None,) and \
                    not self.text[m.start():m.start(1)]:
                continue
            span = self.doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
            if span is None:
                continue
            if name == "Q" or any(t.ent_type_ in ("GPE", "LOC") for t in span):
                continue  # an interviewer's question; a list of names by state
            named = name.isupper() or len(name) == 1 or any(t.ent_type_ in ("PERSON", "ORG", "NORP")
                                                              for t in span)
            if not named or any(t.pos_ in ("VERB", "AUX") for t in span):
                continue
            end = self.text.find("\n", m.end())
            end = len(self.text) if end < 0 else end
            nxt = self._LABEL.search(self.text, m.end(), end)
            nested = re.search(r"\s[\"“][A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,3}: ", self.text[m.end():end])
            if nested:
                end = m.end() + nested.start()
            elif nxt:
                end = nxt.start()
            s, e = _trim(self.text, m.end(), end)
            while e > s and self.text[e - 1] in "\"“ ":
                e -= 1
            # a transcript turn (an upper-case label, "PENCE:") is quoted whole, its final period included
            if e > s and self.text[e - 1] == "." and not self.text[s:e].endswith(("”", "''")) and \
                    not (name.isupper() and len(name) > 1):
                e -= 1
            if e - s < 3 or any(c.content_start <= s < c.content_end for c in self.claims):
                continue
            speaker = (m.start(1), m.end(1))
            head = span.root
            for q in self.quotes:
                if s <= q.start and q.end <= e + 1:
                    q.used = True
            self.add(ClaimSpan("direct", [(s, e)], speaker, (m.end(1), m.end(1) + 1),
                               self.resolve(speaker, head), 0.7))
        for q in self.quotes:
            m = self._DASH_NAME.match(self.text, q.end)
            if m is None or q.used and not any(c.content_spans == q.spans and c.speaker is None for c in self.claims):
                continue
            span = self.doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
            if span is None or not (any(t.ent_type_ == "PERSON" for t in span) or
                                    all(t.pos_ == "PROPN" for t in span)):
                continue
            self.claims = [c for c in self.claims if c.content_spans != q.spans]
            q.used = True
            name = m.group(1)
            # the sentence's period is no part of the name ("― Ana Ruiz."), an initial's is ("Jr.")
            cut = 1 if name.endswith(".") and len(name.split()[-1]) > 3 else 0
            speaker = (m.start(1), m.end(1) - cut)
            dash = m.start() + len(m.group()) - len(m.group().lstrip(" \t"))
            self.add(ClaimSpan("direct", q.spans, speaker, (dash, dash + 1), self.resolve(speaker, span.root), 0.7))

    # --- pass 3: quotes left over ----------------------------------------------------------------

    def leftover_quotes(self) -> None:
        previous: Optional[ClaimSpan] = None
        by_pos = sorted(self.claims, key=lambda c: c.content_start)
        for q in self.quotes:
            if q.used:
                continue
            inner_words = len(self.text[q.start:q.end].split())
            before = [c for c in by_pos if c.content_end <= q.start]
            previous = before[-1] if before else None
            sent = self._sentence_at(q.start)
            standalone = sent is not None and self._is_whole_sentence(q, sent)
            directs = [c for c in before if self._ends_quoted(c)]
            last_direct = max(directs, key=lambda c: c.content_end) if directs else None
            if last_direct is not None and (previous is None or not self._ends_quoted(previous)) and \
                    "\n" not in self.text[last_direct.content_end:q.start] and \
                    not any(last_direct.content_end <= o.start < q.start for o in self.quotes):
                previous = last_direct
            between = self.text[previous.content_end:q.start] if previous is not None else ""
            closed = bool(re.search(r"[\"”»“]|''", self.text[q.end - 2:q.end]))
            if standalone and previous is not None and self._ends_quoted(previous) and closed and (
                    "\n" not in between or len(re.findall(r"\s*\n\s*", between)) == 1 and
                    previous.kind in ("direct", "mixed") and self._whole_paragraph(q) and len(between) < 200):
                # '"A," X said. "B."' (also 'The plan is "a failure," X said. "B."') and a quoted
                # paragraph right after the paragraph of a quote: B continues the same utterance,
                # one claim with two fragments
                q.used = True
                previous.content_spans = sorted(previous.content_spans + q.spans)
                continue
            if standalone and previous is not None and previous.speaker_cluster is not None and \
                    self._near(previous, q):
                q.used = True
                self.add(ClaimSpan("direct", q.spans, None, None, previous.speaker_cluster, 0.6))
                continue
            if sent is None or inner_words > 40:
                continue
            root = sent.root
            verb = self._governing_verb(q, sent) or root
            if verb.lemma_ in ("be", "have"):
                continue  # a scare quote in a statement of the writer's ('the plan is "dead"')
            subj = self.subject_of(verb) or self.subject_of(root)
            if subj is None:
                continue
            speaker = self.speaker_span(subj)
            cluster = self.resolve(speaker, subj)
            speaker = self.source_span(subj, verb)
            if cluster is None or cluster.type not in ("PERSON", "ORG", "GPE", "NORP"):
                continue
            cue = self.cue_span(verb) if self.lex.cue_lemma(verb.lemma_, verb.text) else (verb.idx, verb.idx + len(verb))
            same = [c for c in self.claims if c.cue is not None and c.cue[0] <= verb.idx < c.cue[1] and
                    sent.start_char <= c.content_start < sent.end_char]
            if same:
                # the quote belongs to the clause this cue already reports: one claim, not two
                q.used = True
                c = same[0]
                if c.content_end <= q.start and "\n" not in self.text[c.content_end:q.start]:
                    c.content_spans[-1] = (c.content_spans[-1][0], q.end)
                    if c.kind == "indirect":
                        c.kind = "mixed"
                continue
            q.used = True
            sent_claimed = any(sent.start_char <= c.content_start < sent.end_char for c in self.claims)
            toks = [] if sent_claimed else [t for t in verb.subtree if t.i > verb.i]
            if toks:
                s = min(t.idx for t in toks)
                e = max(t.idx + len(t) for t in toks)
                s, e = _trim(self.text, min(s, q.start), max(e, q.end))
            else:
                s, e = q.start, q.end
            if self.text[e - 1:e] == "." and not self.text[s:e].endswith(("”", "\"", "''", "»")):
                e -= 1
            self.add(ClaimSpan("mixed", [(s, e)], speaker, cue, cluster, 0.5))

    def _ends_quoted(self, c: ClaimSpan) -> bool:
        """A direct quote, or mixed content whose last words are quoted."""
        return c.kind == "direct" or c.kind == "mixed" and self.text[c.content_end - 1:c.content_end] in "”\"'"

    def _whole_paragraph(self, q: Quote) -> bool:
        ls = self.text.rfind("\n", 0, q.start) + 1
        le = self.text.find("\n", q.end)
        le = len(self.text) if le < 0 else le
        return not self.text[ls:q.start].strip() and not self.text[q.end:le].strip()

    def _sentence_at(self, pos: int) -> Optional[Span]:
        for sent in self.doc.sents:
            if sent.start_char <= pos < sent.end_char:
                return sent
        return None

    def _is_whole_sentence(self, q: Quote, sent: Span) -> bool:
        before = re.split(r"[.!?]\s", self.text[sent.start_char:q.start])[-1]  # a missed sentence break
        outside = before + self.text[q.end:sent.end_char]
        return not re.search(r"\w", outside) or q.start <= sent.start_char + 1

    def _near(self, previous: ClaimSpan, q: Quote) -> bool:
        between = self.text[previous.content_end:q.start]
        return between.count("\n\n") <= 1 and len(between) < 400

    def _governing_verb(self, q: Quote, sent: Span) -> Optional[Token]:
        toks = [t for t in sent if q.start <= t.idx < q.end]
        if not toks:
            return None
        head = toks[0]
        while head.head.i != head.i and q.start <= head.idx < q.end:
            head = head.head
        while head.pos_ not in ("VERB", "AUX") and head.head.i != head.i:
            head = head.head
        return head if head.pos_ in ("VERB", "AUX") else None


def extract_claims(doc: Doc, ents: ArticleEntities, lex: CueLexicon) -> list[ClaimSpan]:
    art = _Article(doc, ents, lex)
    for verb in art.cue_verbs():
        art.from_cue(verb)
    art.according_to()
    art.in_poll()
    art.made_clear()
    art.it_is_clear()
    art.nominal_cues()
    art.known_as()
    art.reportedly()
    art.punctuation_cues()
    art.leftover_quotes()
    claims = sorted(_outermost(art.claims), key=lambda c: (c.content_start, c.content_end))
    resolve_claim_speakers(claims, ents)
    return claims


def _outermost(claims: list[ClaimSpan]) -> list[ClaimSpan]:
    """Drop a claim reported inside another claim's content ("She said [leaders had agreed to X]",
    "Clinton says [she hopes to win]"): the words belong to the outer attribution, as in news
    attribution annotation where a token belongs to one attribution only. When each cue lies in
    the other's content (two overlapping parses of one sentence), both stay."""
    def within(c: ClaimSpan, o: ClaimSpan) -> bool:
        return c.cue is not None and any(s <= c.cue[0] and c.cue[1] <= e for s, e in o.content_spans)

    return [c for c in claims if not any(o is not c and within(c, o) and not within(o, c) for o in claims)]


def claim_id(article_id: str, claim: ClaimSpan) -> str:
    key = f"{article_id}:{claim.content_start}:{claim.content_end}"
    return "c_" + hashlib.sha256(key.encode()).hexdigest()[:16]
