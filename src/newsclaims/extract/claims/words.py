"""The word lists the claim constructions read, from the ``[words]`` table of ``cues.toml``.

Each name below is one list there (lower case unless said otherwise); what each list is for is the
comment above it in ``cues.toml``. The reporting verbs, nouns and phrases themselves are the cue
lexicon (:mod:`.lexicon`), which a user's cues file extends.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources

_WORDS: dict[str, list[str]] = tomllib.loads(
    resources.files(__package__).joinpath("cues.toml").read_text(encoding="utf-8")
)["words"]


def _words(key: str) -> frozenset[str]:
    return frozenset(_WORDS[key])


RELATIVE_PRONOUNS = _words("relative_pronouns")
VERB_GROUP_ADVERBS = _words("verb_group_adverbs")
ADDRESSEE_VERBS = _words("addressee_verbs")
ADDRESSEE_ONLY = _words("addressee_only_verbs")
OBJECT_INFINITIVE_VERBS = ADDRESSEE_VERBS | _words("object_infinitive_verbs")
AS_ONLY = _words("as_only_verbs")
HYPOTHETICAL = _words("hypothetical_auxiliaries")
SETTING_NOUNS = _words("setting_nouns")
PLATFORM_NOUNS = _words("platform_nouns")
MEDIA_NOUNS = _words("media_nouns")
INFINITIVE_NOUNS = _words("infinitive_nouns")
GROUP_NOUNS = _words("group_nouns")
NOUN_CUE_PREPS = _words("noun_cue_preps")
NOUN_SOURCE_PREPS = _words("noun_source_preps")
NOUN_CUES_WITH_TO = _words("noun_cues_with_to")
POLL_NOUNS = _words("poll_nouns")
CLARITY_ADJECTIVES = _words("clarity_adjectives")
CLARITY_VERBS = _words("clarity_verbs")
HEARSAY_ADVERBS = _words("hearsay_adverbs")
NOT_SPEAKERS = _words("not_speakers")
TITLE_SMALL_WORDS = _words("title_small_words")
# sentence-opening connectives, as written (capitalised), in the order of the alternation
CONNECTIVE = re.compile(r"(?:" + "|".join(_WORDS["connectives"]) + r")\b,?\s+(?=\S)")
