"""Attributed claims: direct, indirect and mixed speech with speaker, cue and content spans."""

from newsclaims.extract.claims.extractor import ClaimSpan, extract_claims  # noqa: F401
from newsclaims.extract.claims.lexicon import CueLexicon, load_lexicon  # noqa: F401
