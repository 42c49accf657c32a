"""Rule-based attribution over a spaCy parse: one article in, its claims out.

1. **Quotes** are found from the quotation marks themselves (:mod:`.quotes`).
2. **Constructions** — reporting verbs, source phrases, polls, nominal cues, transcripts, … — each
   read claims from the dependency parse, in the order and for the reasons given in
   :mod:`.constructions`; what they share (quotes, cue and source spans, speaker resolution, the
   mixed/direct choice) is :class:`.context.Context`.
3. Claims reported inside another claim's content are dropped (:func:`_outermost`), and speakers
   that are descriptions or pronouns are resolved (:func:`newsclaims.extract.coref.resolve_claim_speakers`).

Speakers are resolved to entities through :class:`newsclaims.extract.entities.ArticleEntities`.
"""

from __future__ import annotations

import hashlib

from spacy.tokens import Doc

from newsclaims.extract.claims import constructions
from newsclaims.extract.claims.context import Context
from newsclaims.extract.claims.lexicon import CueLexicon
from newsclaims.extract.claims.spans import ClaimSpan
from newsclaims.extract.coref import resolve_claim_speakers
from newsclaims.extract.entities import ArticleEntities


def extract_claims(doc: Doc, ents: ArticleEntities, lex: CueLexicon) -> list[ClaimSpan]:
    """The article's claims, ordered by content offset, speakers resolved."""
    ctx = Context(doc, ents, lex)
    constructions.run(ctx)
    claims = sorted(_outermost(ctx.claims), key=lambda c: (c.content_start, c.content_end))
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
