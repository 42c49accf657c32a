"""Entity resolution: one canonical entity per real-world thing.

Inside an article: named mentions are cleaned (titles and possessives out of PERSON spans, as
:mod:`newsclaims.extract.names` reads a name), grouped
(a surname or first name joins the full name it belongs to; an acronym joins its expansion), linked
to the knowledge base, and definite descriptions ("the foreign minister", "the veteran diplomat",
"the American side") and pronouns are resolved to the entity they refer to. The claim extractor uses
the same :class:`ArticleEntities` to resolve speakers.

Across articles: entity ids are derived from canonical keys that fold spelling and transliteration
variants (Sergey/Sergei, Zelensky/Zelenskyy/Zelenskiy) and from knowledge-base ids, so the same
person or organisation gets the same id in every article and every run.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Iterable, Optional

from spacy.tokens import Doc, Span

from newsclaims.extract.kb import KBEntry, KnowledgeBase, fold
from newsclaims.extract.names import (
    FIRST_NAME_TITLES,
    POSSESSIVE,
    TITLE_WORDS,
    clean_person,
    is_title,
    person_key,
    person_role,
    person_slug,
    slug,
    titles_before,
    translit_fold,
)
from newsclaims.extract.ner_rules import refine_doc
from newsclaims.extract.nlp import doc_text
from newsclaims.extract.quotes import quoted_ranges

#: how a name is read (titles, keys, ids) is in :mod:`newsclaims.extract.names`
__all__ = ["ArticleEntities", "Cluster", "MentionSpan"]

LINKED_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART"}
#: labels kept as unlinked mentions
OTHER_LABELS = {"DATE", "LANGUAGE"}
KEPT_LABELS = LINKED_LABELS | OTHER_LABELS

#: role nouns that a definite description of a person ends with ("the veteran diplomat")
PERSON_ROLES = {
    "minister",
    "diplomat",
    "president",
    "secretary",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "senator",
    "governor",
    "mayor",
    "chancellor",
    "premier",
    "ambassador",
    "envoy",
    "general",
    "commander",
    "lawmaker",
    "congressman",
    "congresswoman",
    "chairman",
    "chairwoman",
    "director",
    "king",
    "queen",
    "prince",
    "candidate",
    "nominee",
    "judge",
    "prosecutor",
    "attorney",
    "leader",
    "politician",
    "negotiator",
    "adviser",
    "advisor",
    "billionaire",
    "businessman",
    "businesswoman",
    "veteran",
    "official",
    "executive",
    "chief",
    "pope",
    "coach",
    "founder",
}
#: a role noun is compatible with a person whose titles contain any of these words
ROLE_TITLES = {
    "diplomat": {"minister", "secretary", "ambassador", "envoy", "diplomat", "foreign", "state"},
    "official": TITLE_WORDS,
    "leader": {"president", "prime", "premier", "chancellor", "leader", "king", "queen", "chairman"},
    "politician": TITLE_WORDS,
    "lawmaker": {"senator", "sen", "rep", "representative", "congressman", "congresswoman", "mp"},
    "veteran": TITLE_WORDS,
    "chief": {"chief", "head", "director", "executive", "leader"},
    "executive": {"executive", "chief", "ceo", "director", "chairman"},
    "negotiator": {"minister", "secretary", "envoy", "negotiator", "ambassador"},
}
#: nouns that, after a demonym, stand for the country's government ("the American side")
COLLECTIVE_NOUNS = {
    "side",
    "government",
    "administration",
    "delegation",
    "authorities",
    "leadership",
    "ministry",
    "embassy",
    "officials",
    "military",
    "army",
}
PRONOUNS_PERSON = {"he", "she", "him", "her", "his"}


@dataclass
class MentionSpan:
    start: int
    end: int
    text: str
    label: str
    method: str  # ner | alias | description | pronoun


@dataclass
class Cluster:
    """One entity as one article knows it."""

    type: str
    key: str
    name: str
    kb: Optional[KBEntry] = None
    titles: set[str] = field(default_factory=set)
    mentions: list[MentionSpan] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)  # tokens of the fullest name
    #: roles as written before the name ("Archbishop", "Foreign Secretary"): titles are not names
    roles: set[str] = field(default_factory=set)

    @property
    def entity_id(self) -> str:
        """The id people type: ``kb:<kb_id>``, ``person:first-last`` as written (the transliteration
        key in ``key`` is only for matching; the warehouse folds spelling variants to one id at load),
        ``<type>:<slug>`` otherwise."""
        if self.kb is not None:
            return self.kb.entity_id
        if self.type == "PERSON":
            return f"person:{person_slug(self.tokens or self.name.split())}"
        return f"{self.type.lower()}:{self.key}"

    @property
    def canonical_name(self) -> str:
        return self.kb.name if self.kb is not None else self.name

    @property
    def surname(self) -> str:
        return translit_fold(self.tokens[-1]) if self.tokens else ""

    @property
    def first_name(self) -> str:
        return translit_fold(self.tokens[0]) if len(self.tokens) > 1 else ""

    def aliases(self) -> set[str]:
        return {m.text for m in self.mentions if m.method in ("ner", "alias")}


def _nationality(words: Iterable[str], kb: KnowledgeBase) -> set[str]:
    out = set()
    for w in words:
        e = kb.demonym(w) or kb.lookup(w, types=("GPE",))
        if e is not None:
            out.add(e.kb_id)
    return out


class ArticleEntities:
    """Entities of one article, and the resolution of names, descriptions and pronouns to them."""

    def __init__(
        self,
        doc: Doc,
        kb: KnowledgeBase,
        title: Optional[str] = None,
        *,
        refine: bool = True,
        published: Optional[dt.date] = None,
    ):
        self.published = published  # the article's date: offices are resolved to their holder then
        if refine:  # correct the statistical NER first (doc.ents is updated in place)
            refine_doc(doc, kb)
        self.doc = doc
        self.kb = kb
        self.clusters: list[Cluster] = []
        self.other_mentions: list[MentionSpan] = []  # dates and unlinked labels
        self._by_span: dict[tuple[int, int], Cluster] = {}
        self.quotes = quoted_ranges(doc_text(doc))  # what the article quotes: names in it are the speaker's
        self._build()
        self._descriptions()

    # --- building ---------------------------------------------------------------------------------

    def _new_cluster(
        self,
        type_: str,
        key: str,
        name: str,
        kb_entry: Optional[KBEntry] = None,
        tokens: Optional[list[str]] = None,
    ) -> Cluster:
        c = Cluster(type_, key, name, kb_entry, tokens=tokens or name.split())
        self.clusters.append(c)
        return c

    def _attach(self, c: Cluster, m: MentionSpan) -> None:
        c.mentions.append(m)
        self._by_span[(m.start, m.end)] = c

    def _build(self) -> None:
        """Cluster the article's named mentions in text order; a one-word person name waits until
        every other name is placed, so that a surname joins the full name wherever that stands."""
        pending_single: list[tuple[MentionSpan, set[str], Optional[str]]] = []
        ents = list(self.doc.ents)
        person_surnames: set[str] = {
            translit_fold(e[-1].text)
            for e in ents
            if e.label_ == "PERSON" and len(e) > 1 and e[0].text[:1].isupper()
        }
        for ent in ents:
            label = ent.label_
            if label not in KEPT_LABELS:
                continue
            if label in OTHER_LABELS:
                self.other_mentions.append(MentionSpan(ent.start_char, ent.end_char, ent.text, label, "ner"))
                continue
            if self._mislabelled_surname(ent, label, person_surnames):
                label = "PERSON"
            if label != "PERSON":
                self._add_named(ent, label)
                continue
            person = self._person_mention(ent)
            if person is None:
                continue
            m, toks, titles, role = person
            if len(toks) == 1:
                pending_single.append((m, titles, role))
                continue
            self._add_person(m, toks, titles, role)
        for m, titles, role in pending_single:
            self._add_person(m, m.text.split(), titles, role)

    def _mislabelled_surname(self, ent: Span, label: str, person_surnames: set[str]) -> bool:
        """A one-word ORG, GPE or NORP that is the surname of a person of the article and no
        country: a surname the tagger mislabelled ("Lavrov characterized ..." tagged ORG)."""
        return (
            label in ("ORG", "GPE", "NORP")
            and len(ent) == 1
            and translit_fold(POSSESSIVE.sub("", ent.text)) in person_surnames
            and self.kb.lookup(ent.text, types=("GPE",)) is None
        )

    def _person_mention(self, ent: Span) -> Optional[tuple[MentionSpan, list[str], set[str], Optional[str]]]:
        """A PERSON span as a mention without its titles and possessive, with the name's tokens,
        the title words in and before it, and the role it carries; None when only titles are left."""
        doc = self.doc
        start, end, toks, titles = clean_person(ent)
        if not toks:
            return None
        titles |= titles_before(doc, ent.start, self.kb)
        role = person_role(ent, doc)
        return MentionSpan(start, end, doc_text(doc)[start:end], "PERSON", "ner"), toks, titles, role

    def _add_named(self, ent: Span, label: str) -> None:
        """A name that is no person's: to its knowledge-base entity, else to the cluster of the same
        name and type, else to an acronym's expansion (or back), else to a new cluster."""
        doc, kb = self.doc, self.kb
        text = POSSESSIVE.sub("", ent.text).strip()
        if text.lower().startswith("the "):
            start = ent.start_char + 4
            text = text[4:]
        else:
            start = ent.start_char
        m = MentionSpan(start, start + len(text), text, label, "ner")
        entry = kb.lookup(text, context=doc_text(doc))
        if entry is not None and label in ("ORG", "GPE", "LOC", "NORP", "FAC", "LAW", "EVENT"):
            if (
                label == "NORP"
                and entry.type == "GPE"
                and fold(text) not in {fold(a) for a in entry.aliases | {entry.name}}
            ):
                entry = None
        if entry is not None:
            c = next((c for c in self.clusters if c.kb is entry), None) or self._new_cluster(
                entry.type, entry.kb_id, entry.name, entry
            )
            self._attach(c, m)
            return
        key = slug(text)
        c = next((c for c in self.clusters if c.kb is None and c.type == label and c.key == key), None)
        if c is None:
            c = self._acronym_match(text, label) or self._new_cluster(label, key, text)
        self._attach(c, m)

    def _acronym_match(self, text: str, label: str) -> Optional[Cluster]:
        """'NATO' joins 'North Atlantic Treaty Organization' found in the same article, and back."""
        compact = text.replace(".", "")
        for c in self.clusters:
            if c.type not in ("ORG", "GPE") or c.kb is not None:
                continue
            other = c.name.replace(".", "")
            for short, long_ in ((compact, other), (other, compact)):
                words = [w for w in re.split(r"[\s\-]+", long_) if w[:1].isupper()]
                if (
                    short.isupper()
                    and 2 <= len(short) <= 6
                    and len(words) >= 2
                    and "".join(w[0] for w in words) == short
                ):
                    return c
        return None

    def _add_person(
        self, m: MentionSpan, toks: list[str], titles: set[str], role: Optional[str] = None
    ) -> None:
        roles = {role} if role else set()
        folded = [translit_fold(t) for t in toks]
        if len(toks) == 1:
            # a surname (or first name) joins the person of that name seen in this article; after a
            # title only a surname does ("Prince Charles" is not Charles Kennedy; "Sir Menzies" may
            # be Menzies Campbell)
            first_ok = not any(is_title(t) for t in titles - FIRST_NAME_TITLES)
            matches = [
                c
                for c in self.clusters
                if c.type == "PERSON" and (c.surname == folded[0] or (first_ok and c.first_name == folded[0]))
            ]
            if matches:
                # several people share the name: the nearest one mentioned before
                before = [c for c in matches if any(x.start < m.start for x in c.mentions)]
                c = (
                    max(before, key=lambda c: max(x.start for x in c.mentions if x.start < m.start))
                    if before
                    else matches[0]
                )
                c.titles |= titles
                c.roles |= roles
                self._attach(
                    c, MentionSpan(m.start, m.end, m.text, m.label, "alias" if c.tokens != toks else "ner")
                )
                return
        else:
            for c in self.clusters:
                if (
                    c.type == "PERSON"
                    and c.surname == folded[-1]
                    and (
                        len(c.tokens) == 1
                        or c.first_name == folded[0]
                        or c.first_name[:1] == folded[0][:1]
                        and (len(toks[0]) <= 2 or len(c.tokens[0]) <= 2)
                    )
                ):
                    if len(toks) > len(c.tokens):
                        c.tokens, c.name, c.key = toks, " ".join(toks), person_key(toks)
                    c.titles |= titles
                    c.roles |= roles
                    self._attach(c, m)
                    return
        c = self._new_cluster("PERSON", person_key(toks), " ".join(toks), tokens=list(toks))
        c.titles |= titles
        c.roles |= roles
        self._attach(c, m)

    # --- descriptions -----------------------------------------------------------------------------

    def _descriptions(self) -> None:
        """Resolve definite descriptions of people and governments to an entity of the article.

        A description is a noun phrase headed by a role noun ("diplomat", "minister", "side") with a
        definite determiner or a possessive: "the veteran diplomat", "the country's top diplomat".
        """
        text = doc_text(self.doc)
        quotes = self.quotes
        heads = PERSON_ROLES | COLLECTIVE_NOUNS
        for tok in self.doc:
            if tok.lower_ not in heads or tok.pos_ not in ("NOUN", "PROPN") or tok.dep_ == "compound":
                continue
            lefts = list(tok.lefts)
            if not any(
                (c.dep_ == "det" and c.lower_ in ("the", "this", "that")) or c.dep_ == "poss" for c in lefts
            ):
                continue
            start = min(c.left_edge.idx for c in lefts)
            end = tok.idx + len(tok)
            if any(s <= start < e for s, e in quotes) or any(
                s <= tok.idx < e for s, e in self._by_span
            ):  # part of a name already found
                continue
            mods = [t.text for c in lefts for t in c.subtree if t.dep_ != "det" and t.dep_ != "case"]
            # "the president of the club" is no head of state
            office = not any(c.dep_ in ("prep", "poss") for c in tok.children)
            c = self.resolve_description(tok.lower_, mods, start, office)
            if c is not None:
                self._attach(c, MentionSpan(start, end, text[start:end], c.type, "description"))

    def resolve_description(
        self, head: str, mods: list[str], pos: int, office: bool = True
    ) -> Optional[Cluster]:
        head = head.lower()
        if head in COLLECTIVE_NOUNS:
            for w in mods:
                e = self.kb.demonym(w)
                if e is not None:
                    return next((c for c in self.clusters if c.kb is e), None) or self._new_cluster(
                        e.type, e.kb_id, e.name, e
                    )
            return None
        if head not in PERSON_ROLES:
            return None
        nat = _nationality(mods, self.kb)
        wanted = ROLE_TITLES.get(head, {head})
        mods_low = {w.lower() for w in mods}

        def compatible(c: Cluster) -> bool:
            if c.type != "PERSON":
                return False
            c_nat = _nationality(c.titles, self.kb)
            if nat and c_nat and not (nat & c_nat):
                return False
            if not c.titles:
                return head in ("veteran", "official", "politician")
            if not (wanted & c.titles) and head not in c.titles:
                return False
            # "the foreign minister" must not pick a defence minister
            role_mods = {w for w in mods_low if w in TITLE_WORDS and w not in ("top", "former")}
            return not role_mods or bool(role_mods & c.titles) or head in ("diplomat", "official", "veteran")

        before = self.people_before(pos)
        for c in before:
            if compatible(c):
                return c
        # no antecedent: the first compatible person named later in the article (cataphora)
        after = sorted(
            (c for c in self.clusters if c.type == "PERSON" and compatible(c)),
            key=lambda c: min(x.start for x in c.mentions),
        )
        if after:
            return after[0]
        # nobody in the article holds the office: its holder on the article's date
        return self.office_holder(" ".join([*mods, head])) if office else None

    def office_holder(self, phrase: str) -> Optional[Cluster]:
        """The holder of the office a description names ("the prime minister"), on the article's
        date, from the offices table (:mod:`newsclaims.extract.kb.offices`). The country is the one the
        description names ("the Russian foreign minister") or else the country the article
        mentions most among those with such an office; None when that is not clear."""
        if self.published is None:
            return None
        from newsclaims.extract.kb.offices import load_offices

        offices = load_offices()
        words = phrase.split()
        named = {
            e.kb_id for e in (self.kb.demonym(w) or self.kb.lookup(w, types=("GPE",)) for w in words) if e
        }
        tenures = offices.holders(phrase, self.published, named or None)
        if not tenures and named:  # "the British prime minister": the alias without the demonym
            rest = " ".join(w for w in words if not (self.kb.demonym(w) or self.kb.lookup(w, types=("GPE",))))
            tenures = offices.holders(rest, self.published, named)
        if len({t.country for t in tenures}) > 1:
            counts: dict[str, int] = {}
            for c in self.clusters:
                e = c.kb if c.kb is not None and c.kb.type == "GPE" else self.kb.demonym(c.name)
                if e is not None:
                    counts[e.kb_id] = counts.get(e.kb_id, 0) + len(c.mentions)
            ranked = sorted({t.country for t in tenures}, key=lambda k: -counts.get(k, 0))
            if counts.get(ranked[0], 0) == 0 or counts.get(ranked[0], 0) == counts.get(ranked[1], 0):
                return None
            tenures = [t for t in tenures if t.country == ranked[0]]
        holders = {t.holder for t in tenures}
        if len(holders) != 1:
            return None
        holder = holders.pop()
        toks = holder.split()
        last, first = translit_fold(toks[-1]), translit_fold(toks[0])
        for c in self.clusters:
            if c.type == "PERSON" and c.surname == last and (len(c.tokens) == 1 or c.first_name == first):
                return c
        return self._new_cluster("PERSON", person_key(toks), holder, tokens=toks)

    # --- queries ----------------------------------------------------------------------------------

    def people_before(self, pos: int, *, outside_quotes: bool = True) -> list[Cluster]:
        """PERSON clusters by most recent mention before ``pos`` (nearest first)."""
        quotes = self.quotes if outside_quotes else []
        last: dict[int, int] = {}
        for i, c in enumerate(self.clusters):
            if c.type != "PERSON":
                continue
            for x in c.mentions:
                if x.start < pos and not any(s <= x.start < e for s, e in quotes):
                    last[i] = max(last.get(i, -1), x.start)
        return [self.clusters[i] for i in sorted(last, key=lambda i: -last[i])]

    def cluster_at(self, start: int, end: int) -> Optional[Cluster]:
        """The entity of a mention overlapping [start, end), the longest overlap winning."""
        best, best_len = None, 0
        for (s, e), c in self._by_span.items():
            overlap = min(e, end) - max(s, start)
            if overlap > best_len:
                best, best_len = c, overlap
        return best

    def resolve_speaker(
        self, start: int, end: int, head_text: str, head_span: Optional[tuple[int, int]] = None
    ) -> tuple[Optional[Cluster], str]:
        """The entity a speaker span refers to, and how it was found (name|description|pronoun).

        A name must cover the head of the span: in "the Russian top diplomat" the adjective
        "Russian" is not the speaker.
        """
        c = self.cluster_at(*(head_span or (start, end)))
        if c is not None:
            return c, "name"
        low = head_text.lower()
        # a name the tagger missed: the surname or first name of a person of this article
        if head_text[:1].isupper() and low not in PRONOUNS_PERSON:
            key = translit_fold(POSSESSIVE.sub("", head_text))
            named = [
                c
                for c in self.people_before(end, outside_quotes=False)
                if key and (c.surname == key or c.first_name == key)
            ]
            if named:
                return named[0], "name"
        if low in PRONOUNS_PERSON:
            people = self.people_before(start)
            return (people[0], "pronoun") if people else (None, "pronoun")
        span_text = doc_text(self.doc)[start:end]
        words = [re.sub(r"(?:’s|'s)$", "", w) for w in span_text.split()]
        if words:
            c = self.resolve_description(words[-1].lower(), words[:-1], start)
            if c is not None:
                return c, "description"
        return None, "unresolved"
