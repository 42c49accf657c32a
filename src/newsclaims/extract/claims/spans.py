"""What every construction shares that is not the article: the claim record, span arithmetic and
the word lists more than one module reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from spacy.tokens import Token

from newsclaims.extract.entities import Cluster

SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
PUNCT_TRIM = " \n\t,;:—–-"
SOURCE_CUT_DEPS = {"acl"}
# what a finding can be "in" ("In a CBS News poll, she led by 10 points")


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


def trim(text: str, s: int, e: int) -> tuple[int, int]:
    """The span without the spaces and punctuation (``PUNCT_TRIM``) at either end."""
    while s < e and text[s] in PUNCT_TRIM:
        s += 1
    while e > s and text[e - 1] in PUNCT_TRIM:
        e -= 1
    return s, e


def token_extent(toks: Iterable[Token]) -> tuple[int, int]:
    """The character span from the first token's start to the last token's end."""
    toks = list(toks)
    return min(t.idx for t in toks), max(t.idx + len(t) for t in toks)
