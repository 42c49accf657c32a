"""The same claim in different words: group claims by one speaker about one utterance.

Two outlets report one interview in two translations; a third quotes half a sentence; a fourth
paraphrases.  :func:`group_claims` links such claims into one claim group and leaves distinct
statements by the same speaker apart.  The pipeline's link stage uses it through
:func:`newsclaims.link.stories.group_claims` (claims of the run's articles against those of the stories
they joined); the extraction step stores each claim's segments (:func:`segment_signatures`, from the
article's own parse), so grouping needs no spaCy. What a claim is reduced to (units of content keys,
negation, numbers, verbs) is :mod:`newsclaims.link.claim_units`; this module holds the match rule and
the grouping.

The rule
--------
Two claims are *comparable* only when they have the same (non-empty) speaker entity and belong to
the same story (equal non-empty ``story_id``) or the same article.  A claim without a speaker is
never grouped with another.

Comparable claims are cut into **segments**: sentences, and clauses inside sentences (split after
a comma, semicolon, colon or dash that precedes a coordinating word such as *but*, *yet*, *and*,
*which*).  Every run of one to three consecutive segments is a **unit**, so a translation that
splits one sentence in two, or a partial quote of half a sentence, still has a unit of the same
extent on the other side.  Two claims *match* when some pair of units, one from each claim,

* shares at least ``min_shared`` content keys (lemmas of nouns, proper nouns, verbs, adjectives,
  adverbs and numbers, minus stop words, so *ignore* / *ignored* and *war* / *wars* meet), or has
  exactly the same key set of at least two keys,
* has a set cosine ``|A & B| / sqrt(|A| |B|)`` of at least ``threshold``,
* agrees on polarity (both or neither unit negated: *there won't be a war* = *there will be
  no war*, but not = *there will be a war*),
* agrees on numbers (when both units carry numbers, they carry the same ones), and
* shares a content verb when both units have one (*troops will leave the region* and *troops
  will stay in the region* share every noun but say opposite things).

Two claims also match when their texts have the same words (case, punctuation and quotation marks
aside: *no one else was injured* has too few content keys for the rule above), and -- when they
come from **different articles** -- when they say the same thing in other words (*Russia is not
interested in a war* / *Russia is not seeking war with the United States and NATO*): some pair of
their units passes the guards above (polarity, numbers, a shared content verb when both have one),
each has at least ``paraphrase_min_keys`` content keys and they share ``paraphrase_min_shared``
(two), with a set cosine of their keys of at least ``paraphrase_min_overlap`` (0.3), and the cosine of the units' sentence
vectors (:mod:`newsclaims.link.paraphrase`, all-MiniLM-L6-v2) is at least ``paraphrase_threshold``.
Within one article paraphrase is not used: an article that says the same thing twice in other
words is summarising a quote (TASS's lead *Russia is not interested in a war, yet Moscow won't
allow its security interests to be disregarded* and the quote it sums up), not reporting one
utterance twice.

A match links the two claims; groups are the connected components (a long claim whose two
sentences match two shorter claims joins all three).  The group id is ``"g_" + the smallest
claim id`` of the component, so it is deterministic and independent of input order; claim ids
already grouped in ``existing`` keep their group id.

spaCy's small English model has no real word vectors (``en_core_web_sm`` ships none), so the
rule is lexical.  ``threshold`` and ``min_shared`` were chosen on pairs composed for the tests
(``tests/link/test_claim_groups.py``: 24 paraphrase pairs, 24 pairs of distinct statements on one subject):
with ``min_shared=3`` and ``threshold=0.5``, 22/24 paraphrases match (lowest matching score 0.73;
the two misses swap synonyms: *keep/remain*, *resigned/stepped down*) and 0/24 distinct pairs do
(every negative scores 0 once polarity, numbers and predicates are checked; with
``min_shared=2`` negatives reach 0.50).  On the two translations of one interview the three true
links score 1.0, 0.55 and 0.67 and no other claim pair reaches the threshold.  Comparing 6-letter
prefixes instead of lemmas (to join *Russia*/*Russian*) also joined *interests*/*interested* and
merged a journalist's summary with the quote it summarises, so lemmas are used.

Paraphrase was chosen by measurement on 476 claim pairs labelled by reading (one speaker, one
story, from the pipeline's runs over ECB+ and BBC News; ``newsclaims eval claim-groups``, see
:mod:`newsclaims.evaluation.claim_groups_eval`).  Word vectors were not an option here (the small
spaCy model has none; the medium one needs Python 3.12); sentence vectors were tried with and
without each guard.  Chosen on the 364 ECB+ pairs and checked on the 112 BBC pairs: with the
guards, the threshold and ``paraphrase_min_keys=2`` raise recall from 0.472 to 0.674 on ECB+ at
precision 0.966 -> 0.976, and on BBC from 0.415 to 0.585 at 0.931 -> 0.950 (with two shared keys,
chosen afterwards for speed: ECB+ 0.646 at 0.975, BBC unchanged; all 476: 0.457 -> 0.630 at
0.957 -> 0.968).  The verb guard is
what keeps precision: in a first pairwise check (units cut by punctuation, all pairs) precision at
thresholds 0.75 / 0.78 / 0.80 was 0.919 / 0.946 / 0.954 without it and 0.960 / 0.974 / 0.972 with
it, against 0.982 for the lexical rule alone; with paraphrase inside articles too, BBC precision fell to 0.89 (its
false matches were all pairs of one article: a statement and its reason, a claim and its
denial); thresholds 0.72 / 0.78 gave ECB+ 0.953 / 0.971 precision at recall 0.691 / 0.556.  The
synonym swaps of the composed pairs (*keep/remain*, *resigned/stepped down*) stay out of reach:
their verbs differ.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Callable, Iterable, Mapping, Sequence

from newsclaims.link.claim_units import (
    Unit,
    _default_nlp,
    claim_units,
    segment_signatures,
    units_from_signatures,
)

__all__ = [
    "GroupableClaim",
    "group_claims",
    "claim_similarity",
    "segment_signatures",
    "units_from_signatures",
    "ClaimMatcher",
    "DEFAULT_THRESHOLD",
    "DEFAULT_MIN_SHARED",
    "DEFAULT_PARAPHRASE_THRESHOLD",
    "DEFAULT_PARAPHRASE_MIN_KEYS",
]

#: set-cosine threshold on the best unit pair
DEFAULT_THRESHOLD = 0.5
#: content keys two units must share (one or two shared words are coincidence)
DEFAULT_MIN_SHARED = 3
#: cosine of the sentence vectors of the best agreeing unit pair at which two claims also match
#: (:mod:`newsclaims.link.paraphrase`); None or an encoder that is off: the lexical rule alone
DEFAULT_PARAPHRASE_THRESHOLD = 0.75
#: whether two claims of one article are compared by paraphrase too
DEFAULT_PARAPHRASE_WITHIN_ARTICLE = False
#: content keys the two units of that pair share: paraphrases of one utterance name the same things,
#: and it spares the encoder most unit pairs (on all BBC claims at once 477 units to encode instead
#: of 1,201 with one shared key; recall on the labelled pairs 0.630 instead of 0.650, same precision)
DEFAULT_PARAPHRASE_MIN_SHARED = 2
#: and their set cosine of content keys (the lexical rule's score, which needs 0.5 and three shared
#: keys): 0.3 left recall on the labelled pairs as it was and the BBC units to encode 477 -> 265
DEFAULT_PARAPHRASE_MIN_OVERLAP = 0.3
#: content keys each unit of that pair needs (two short fragments say too little to compare)
DEFAULT_PARAPHRASE_MIN_KEYS = 2


@dataclass
class GroupableClaim:
    """What claim grouping needs to know about one extracted claim."""

    claim_id: str
    article_id: str
    story_id: str | None
    speaker_entity_id: str | None
    content: str
    outlet: str | None = None
    published_date: date | None = None
    #: segment signatures from extraction (:func:`segment_signatures`); None: parse ``content``
    segments: list[list[str]] | None = None


# --- matching --------------------------------------------------------------------------------------


def unit_similarity(a: Unit, b: Unit, min_shared: int = DEFAULT_MIN_SHARED) -> float:
    """Set cosine of content keys; 0 unless the units share ``min_shared`` keys (or have the same
    key set of at least two keys), agree on polarity and numbers, and -- when both have content
    verbs -- share a verb: "troops will leave the region" and "troops will stay in the region"
    share every noun but say opposite things."""
    shared = len(a.keys & b.keys)
    same_set = shared >= 2 and a.keys == b.keys
    if (shared < min_shared and not same_set) or a.negated != b.negated:
        return 0.0
    if a.numbers and b.numbers and a.numbers != b.numbers:
        return 0.0
    if a.verbs and b.verbs and not (a.verbs & b.verbs):
        return 0.0
    return shared / math.sqrt(len(a.keys) * len(b.keys))


def best_unit_pair(
    units_a: Sequence[Unit], units_b: Sequence[Unit], min_shared: int = DEFAULT_MIN_SHARED
) -> tuple[float, Unit | None, Unit | None]:
    """The best-matching pair of units of two claims and its similarity."""
    best: tuple[float, Unit | None, Unit | None] = (0.0, None, None)
    for a in units_a:
        for b in units_b:
            sim = unit_similarity(a, b, min_shared)
            if sim > best[0]:
                best = (sim, a, b)
    return best


def paraphrase_agree(
    a: Unit, b: Unit, min_keys: int = 0, min_shared: int = 0, min_overlap: float = 0.0
) -> bool:
    """Whether two units may be compared by their sentence vectors: both have words, each has at
    least ``min_keys`` content keys, and they pass the lexical rule's guards -- polarity, numbers
    and, when both have content verbs, a shared one (sentence vectors place *to fire O'Brien* next
    to *to bring O'Brien back* and *Ortiz died instantly* next to *Ortiz was shot in the head*)."""
    return bool(
        a.text
        and b.text
        and a.negated == b.negated
        and len(a.keys) >= min_keys
        and len(b.keys) >= min_keys
        and len(a.keys & b.keys) >= min_shared
        and (not min_overlap or len(a.keys & b.keys) >= min_overlap * math.sqrt(len(a.keys) * len(b.keys)))
        and not (a.numbers and b.numbers and a.numbers != b.numbers)
        and not (a.verbs and b.verbs and not (a.verbs & b.verbs))
    )


def agreeing_units(
    units_a: Sequence[Unit],
    units_b: Sequence[Unit],
    min_keys: int = 0,
    min_shared: int = 0,
    min_overlap: float = 0.0,
) -> list[tuple[Unit, Unit]]:
    """The unit pairs of two claims that :func:`paraphrase_agree`."""
    return [
        (a, b) for a in units_a for b in units_b if paraphrase_agree(a, b, min_keys, min_shared, min_overlap)
    ]


def best_paraphrase(
    units_a: Sequence[Unit],
    units_b: Sequence[Unit],
    encoder,
    min_keys: int = 0,
    min_shared: int = 0,
    min_overlap: float = 0.0,
) -> float:
    """The highest cosine of the sentence vectors of two agreeing units, one of each claim (0 if
    no pair agrees)."""
    pairs = agreeing_units(units_a, units_b, min_keys, min_shared, min_overlap)
    if not pairs:
        return 0.0
    va = encoder.encode([_clean_quote(a.text) for a, _ in pairs])
    vb = encoder.encode([_clean_quote(b.text) for _, b in pairs])
    return float((va * vb).sum(axis=1).max())


_CONFIGURED = object()


class ClaimMatcher:
    """Parses claims once (cached by text) and decides whether two claims match: by the lexical
    rule or, failing it, by the sentence vectors of their best agreeing units
    (:func:`best_paraphrase`, :mod:`newsclaims.link.paraphrase`).  ``encoder=None`` turns the second test
    off; the default is the configured encoder (:func:`newsclaims.link.paraphrase.load_encoder`)."""

    def __init__(
        self,
        nlp=None,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        min_shared: int = DEFAULT_MIN_SHARED,
        encoder=_CONFIGURED,
        paraphrase_threshold: float = DEFAULT_PARAPHRASE_THRESHOLD,
        paraphrase_min_keys: int = DEFAULT_PARAPHRASE_MIN_KEYS,
        same_words: bool = True,
        paraphrase_within_article: bool = DEFAULT_PARAPHRASE_WITHIN_ARTICLE,
        paraphrase_min_shared: int = DEFAULT_PARAPHRASE_MIN_SHARED,
        paraphrase_min_overlap: float = DEFAULT_PARAPHRASE_MIN_OVERLAP,
    ) -> None:
        self.paraphrase_within_article = paraphrase_within_article
        self.paraphrase_min_shared = paraphrase_min_shared
        self.paraphrase_min_overlap = paraphrase_min_overlap
        self._nlp = nlp
        #: claims with the same words match (off: the grouping of before paraphrase, for comparison)
        self.same_words = same_words
        self.threshold = threshold
        self.min_shared = min_shared
        self._encoder = encoder
        self.paraphrase_threshold = paraphrase_threshold
        self.paraphrase_min_keys = paraphrase_min_keys
        self._cache: dict[str, list[Unit]] = {}

    @property
    def nlp(self):
        if self._nlp is None:
            self._nlp = _default_nlp()
        return self._nlp

    @property
    def encoder(self):
        if self._encoder is _CONFIGURED:
            from newsclaims.link.paraphrase import load_encoder

            self._encoder = load_encoder()
        return self._encoder

    def units(self, text: str) -> list[Unit]:
        if text not in self._cache:
            self._cache[text] = claim_units(self.nlp(_clean_quote(text)))
        return self._cache[text]

    def prepare(self, texts: Iterable[str]) -> None:
        """Parse many claim texts in one batch (faster than one by one)."""
        todo = sorted({t for t in texts if t not in self._cache})
        if not todo:  # nothing to parse: do not load the model
            return
        for text, doc in zip(todo, self.nlp.pipe([_clean_quote(t) for t in todo], batch_size=64)):
            self._cache[text] = claim_units(doc)

    def similarity(self, a: str, b: str) -> float:
        """The lexical rule's score of two claim texts."""
        return best_unit_pair(self.units(a), self.units(b), self.min_shared)[0]

    def paraphrased(self, units_a: Sequence[Unit], units_b: Sequence[Unit]) -> float:
        """The paraphrase score of two claims' units when it reaches the threshold, else 0 (also
        without an encoder)."""
        if self.encoder is None:
            return 0.0
        sim = best_paraphrase(
            units_a,
            units_b,
            self.encoder,
            self.paraphrase_min_keys,
            self.paraphrase_min_shared,
            self.paraphrase_min_overlap,
        )
        return sim if sim >= self.paraphrase_threshold else 0.0

    def paraphrase_similarity(self, a: str, b: str) -> float:
        """The paraphrase score of two claim texts (0 without an encoder)."""
        if self.encoder is None:
            return 0.0
        return best_paraphrase(
            self.units(a),
            self.units(b),
            self.encoder,
            self.paraphrase_min_keys,
            self.paraphrase_min_shared,
            self.paraphrase_min_overlap,
        )

    def match(self, a: str, b: str) -> bool:
        """The grouping decision for two claim texts: the lexical rule or, failing it, paraphrase."""
        return (
            self.similarity(a, b) >= self.threshold
            or (self.same_words and _same_words(a, b))
            or self.paraphrased(self.units(a), self.units(b)) > 0
        )


_WORDS = re.compile(r"\w+")


def _same_words(a: str, b: str) -> bool:
    """Two claim texts with the same words (case, punctuation and quotation marks aside)."""
    wa = _WORDS.findall(a.lower().replace("’", "'"))
    return bool(wa) and wa == _WORDS.findall(b.lower().replace("’", "'"))


_EDITORIAL = re.compile(r"\[([^\]]*)\]")


def _clean_quote(text: str) -> str:
    """Quote text without surrounding quotation marks and with editorial brackets opened
    ("[the West]" -> "the West"), normalised to straight apostrophes for the tokenizer."""
    text = text.strip().strip("\"“”„«»'‘’").strip()
    text = _EDITORIAL.sub(r"\1", text)
    return text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')


def claim_similarity(a: str, b: str, nlp=None) -> float:
    """Similarity of two claim texts under the grouping rule (0..1)."""
    return ClaimMatcher(nlp).similarity(a, b)


# --- grouping --------------------------------------------------------------------------------------


def _candidate_pairs(claims: Sequence[GroupableClaim]) -> list[tuple[int, int]]:
    """Index pairs of comparable claims, found by blocking on (speaker, story) and (speaker,
    article) so a prolific speaker's claims are not compared across all stories."""
    blocks: dict[tuple[str, str, str], list[int]] = {}
    for i, claim in enumerate(claims):
        if not claim.speaker_entity_id:
            continue
        blocks.setdefault(("article", claim.speaker_entity_id, claim.article_id), []).append(i)
        if claim.story_id is not None:
            blocks.setdefault(("story", claim.speaker_entity_id, claim.story_id), []).append(i)
    pairs = {pair for members in blocks.values() for pair in itertools.combinations(members, 2)}
    return sorted(pairs)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


def group_claims(
    claims: Sequence[GroupableClaim],
    existing: Mapping[str, str] | None = None,
    *,
    matcher: ClaimMatcher | None = None,
    on_match: Callable[[GroupableClaim, GroupableClaim, float], None] | None = None,
) -> dict[str, str]:
    """claim_id -> claim_group_id for every claim in ``claims``.

    ``existing`` maps claim ids (of claims that are also in ``claims``) to group ids assigned
    in an earlier run; those assignments never change.  A new claim linked to an existing group
    takes its id (the smallest, if it links several); a component without existing members gets
    ``"g_" + min(claim_id)``.  Two existing groups are not merged, even when a new claim links
    both (history is not re-clustered).  ``on_match`` is called for each matching pair (for
    reports and debugging).
    """
    existing = dict(existing or {})
    matcher = matcher or ClaimMatcher()
    claims = list(claims)
    uf = _UnionFind(len(claims))
    pairs = _candidate_pairs(claims)
    matcher.prepare({claims[i].content for pair in pairs for i in pair if claims[i].segments is None})
    units: dict[int, list[Unit]] = {}

    def units_of(i: int) -> list[Unit]:
        if i not in units:
            c = claims[i]
            units[i] = (
                matcher.units(c.content)
                if c.segments is None
                else units_from_signatures(c.segments, content=c.content)
            )
        return units[i]

    def worded_units(i: int) -> list[Unit]:
        """Units with their words (signatures stored before they carried offsets: parse)."""
        found = units_of(i)
        return found if not found or all(u.text for u in found) else matcher.units(claims[i].content)

    matches: list[tuple[int, int, float]] = []
    unmatched: list[tuple[int, int]] = []
    for i, j in pairs:
        if claims[i].claim_id in existing and claims[j].claim_id in existing:
            continue  # both settled in an earlier run
        sim = best_unit_pair(units_of(i), units_of(j), matcher.min_shared)[0]
        if sim >= matcher.threshold:
            matches.append((i, j, sim))
        elif matcher.same_words and _same_words(claims[i].content, claims[j].content):
            matches.append((i, j, 1.0))
        else:
            unmatched.append((i, j))
    if not matcher.paraphrase_within_article:
        unmatched = [(i, j) for i, j in unmatched if claims[i].article_id != claims[j].article_id]
    if unmatched and matcher.encoder is not None:  # the same thing in other words
        texts = {
            _clean_quote(u.text)
            for i, j in unmatched
            for pair in agreeing_units(
                worded_units(i),
                worded_units(j),
                matcher.paraphrase_min_keys,
                matcher.paraphrase_min_shared,
                matcher.paraphrase_min_overlap,
            )
            for u in pair
        }
        matcher.encoder.encode(sorted(texts))  # one batched pass over what will be compared
        for i, j in unmatched:
            sim = matcher.paraphrased(worded_units(i), worded_units(j))
            if sim > 0:
                matches.append((i, j, sim))
    for i, j, sim in sorted(matches):
        uf.union(i, j)
        if on_match is not None:
            on_match(claims[i], claims[j], sim)
    return _assign_ids(claims, uf, existing)


def _assign_ids(
    claims: Sequence[GroupableClaim], uf: _UnionFind, existing: Mapping[str, str]
) -> dict[str, str]:
    components: dict[int, list[int]] = {}
    for i in range(len(claims)):
        components.setdefault(uf.find(i), []).append(i)
    result: dict[str, str] = {}
    for members in components.values():
        settled = sorted({existing[claims[i].claim_id] for i in members if claims[i].claim_id in existing})
        fresh = "g_" + min(claims[i].claim_id for i in members).removeprefix("c_")
        for i in members:
            claim_id = claims[i].claim_id
            if claim_id in existing:
                result[claim_id] = existing[claim_id]
            else:
                result[claim_id] = settled[0] if settled else fresh
    return result
