"""Attributed claims: direct, indirect and mixed speech with speaker, cue and content spans.

Where the parts are: ``extract/quotes.py`` (the quotation finder, shared with entities),
``context.py`` (the article as every construction sees it, with the shared steps), ``clauses.py``
(where a reported clause begins and ends), ``constructions/`` (one module per construction, their order and why it matters in its
``__init__``), ``cues.toml`` (cue verbs, nouns, phrases and every word list; ``words.py`` and
``lexicon.py`` load it), ``extractor.py`` (``extract_claims``: one article in, its claims out).

Where does a claim's speaker come from?

1. ``extract/batch.py`` parses an article and calls ``extract_claims`` (``claims/extractor.py``).
2. ``constructions.run`` (``claims/constructions/__init__.py``) runs each construction's ``find(ctx)``;
   e.g. ``verb_cue.from_cue`` takes the cue verb's subject, ``Context.subject_of`` (``claims/context.py``).
3. ``Context.source(subj, verb)`` gives the speaker: ``source_span`` (the offsets stored as
   ``speaker_start``/``speaker_end``) and ``resolve(speaker_span(...))``, which asks
   ``ArticleEntities.resolve_speaker`` (``extract/entities.py``) for the entity (a ``Cluster``).
4. ``coref.resolve_claim_speakers`` (``extract/coref.py``) re-resolves pronoun speakers in text order.
5. ``extract/batch.py`` writes the cluster's ``entity_id`` as the claim's ``speaker_entity_id``.
"""

from newsclaims.extract.claims.extractor import ClaimSpan, extract_claims  # noqa: F401
from newsclaims.extract.claims.lexicon import CueLexicon, load_lexicon  # noqa: F401
