"""Attributed claims: direct, indirect and mixed speech with speaker, cue and content spans."""

from newsclaims.claims.extractor import ClaimSpan, extract_claims  # noqa: F401
from newsclaims.claims.lexicon import CueLexicon, load_lexicon  # noqa: F401
