"""Word-level differences between wordings of one claim (difflib), as plain (text, changed) segments.

Segments are data: renderers escape them (HTML autoescaping, Markdown escaping, rich ``Text``).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Iterable

_TOKEN = re.compile(r"\w+(?:[’'\-]\w+)*|\s+|[^\w\s]")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"'})


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def _is_word(tok: str) -> bool:
    return bool(tok) and (tok[0].isalnum() or tok[0] == "_")


def _norm(tok: str) -> str:
    return tok.translate(_QUOTES).lower()


def _words(toks: list[str]) -> tuple[list[int], list[str]]:
    idx = [i for i, t in enumerate(toks) if _is_word(t)]
    return idx, [_norm(toks[i]) for i in idx]


def highlight(text: str, others: Iterable[str]) -> list[tuple[str, bool]]:
    """Split ``text`` into segments; ``changed`` marks words no wording in ``others`` shares (in order).

    A word counts as shared when difflib matches it against at least one of the other wordings; with no
    other wording nothing is marked. Whitespace and punctuation are never marked on their own, but the
    gap between two marked words is, so a changed phrase reads as one highlight.
    """
    toks = tokens(text)
    idx, words = _words(toks)
    others = [o for o in others if o]
    if not others or not words:
        return [(text, False)] if text else []
    shared = [False] * len(words)
    for other in others:
        _, owords = _words(tokens(other))
        sm = SequenceMatcher(None, words, owords, autojunk=False)
        for block in sm.get_matching_blocks():
            for k in range(block.a, block.a + block.size):
                shared[k] = True
    changed_tok = [False] * len(toks)
    for k, i in enumerate(idx):
        changed_tok[i] = not shared[k]
    # fill the gaps (spaces, punctuation) between two changed words
    pos = [i for i in idx if changed_tok[i]]
    for a, b in zip(pos, pos[1:]):
        between = range(a + 1, b)
        if all(not _is_word(toks[j]) for j in between):
            for j in between:
                changed_tok[j] = True
    segments: list[tuple[str, bool]] = []
    for tok, ch in zip(toks, changed_tok):
        if segments and segments[-1][1] == ch:
            segments[-1] = (segments[-1][0] + tok, ch)
        else:
            segments.append((tok, ch))
    return segments


def overlap(a: str, b: str) -> float:
    """Share of words in common between two wordings (difflib ratio on normalised words)."""
    _, wa = _words(tokens(a))
    _, wb = _words(tokens(b))
    if not wa and not wb:
        return 1.0
    return SequenceMatcher(None, wa, wb, autojunk=False).ratio()
