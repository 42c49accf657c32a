"""The records of an attribution evaluation (gold and predicted attributions, documents, P/R/F1),
reading brat standoff, and span arithmetic: normalised fragments, word tokens, Jaccard, one-to-one
matching, and aligning two versions of a text."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Sequence

Fragments = tuple[tuple[int, int], ...]

ROLES = ("source", "cue", "content")
SPAN_METRICS = ("exact (fragments)", "exact (outer)", "J>=0.5 (1:1)", "any overlap", "soft Jaccard")
ATTRIBUTION_METRICS = ("content", "content+source", "content+source+cue", "content+source (exact)")
JACCARD_THRESHOLD = 0.5
_BRAT_ROLES = {"Source": "source", "Cue": "cue", "Content": "content"}


def default_data_dir() -> Path:
    """``<repo>/../shared/eval/polnear`` (the evaluation data lives next to the repository)."""
    return Path(__file__).resolve().parents[4].parent / "shared" / "eval" / "polnear"


# --- records -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attribution:
    """One attribution (gold relation or predicted claim); spans are raw-text fragments or None."""

    content: Fragments
    source: Optional[Fragments] = None
    cue: Optional[Fragments] = None
    kind: Optional[str] = None  # predicted claim kind (direct / indirect / mixed); None for gold
    speaker: Optional[str] = None  # predicted: the resolved speaker entity's name (None: unresolved)
    speaker_aliases: tuple[str, ...] = ()

    def role(self, name: str) -> Optional[Fragments]:
        return getattr(self, name)


@dataclass
class Document:
    """One article: its raw text, the gold attributions and the predicted claims (raw offsets)."""

    name: str
    text: str
    gold: list[Attribution]
    pred: list[Attribution] = field(default_factory=list)
    status: str = "article"  # article | duplicate | rejected | missing
    body_start: int = 0  # raw offset where the article body starts (title dropped before)


@dataclass
class PRF:
    """Precision/recall counts; ``tp_pred``/``tp_gold`` may be fractional (soft Jaccard)."""

    tp_pred: float = 0.0
    n_pred: int = 0
    tp_gold: float = 0.0
    n_gold: int = 0

    def add(self, other: "PRF") -> None:
        self.tp_pred += other.tp_pred
        self.n_pred += other.n_pred
        self.tp_gold += other.tp_gold
        self.n_gold += other.n_gold

    @property
    def precision(self) -> float:
        return self.tp_pred / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp_gold / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "n_gold": self.n_gold,
            "n_pred": self.n_pred,
            "tp_gold": round(self.tp_gold, 3),
            "tp_pred": round(self.tp_pred, 3),
        }


# --- brat ------------------------------------------------------------------------------------------------

_T_LINE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)(?:\t|$)")
_E_LINE = re.compile(r"^(E\d+)\t(.*)$")


def parse_ann(ann: str) -> list[Attribution]:
    """The attribution relations of one brat ``.ann`` file, in file order (raw, unnormalised spans).

    ``T`` lines give labelled fragments (continuation lines of multi-line span texts are skipped);
    each ``E`` line becomes one :class:`Attribution` from its ``Source`` / ``Cue`` / ``Content``
    arguments (numbered repeats such as ``Content2`` add fragments to the same role). Relations
    without a content span are dropped.
    """
    spans: dict[str, Fragments] = {}
    events: list[dict[str, list[str]]] = []
    for line in ann.split("\n"):
        line = line.rstrip("\r")
        m = _T_LINE.match(line)
        if m:
            frags = tuple((int(a), int(b)) for a, b in (f.split() for f in m.group(3).split(";")))
            spans[m.group(1)] = frags
            continue
        m = _E_LINE.match(line)
        if m:
            roles: dict[str, list[str]] = {}
            for arg in m.group(2).split():
                label, _, ref = arg.partition(":")
                role = _BRAT_ROLES.get(label.rstrip("0123456789"))
                if role and ref:
                    roles.setdefault(role, []).append(ref)
            events.append(roles)
    out = []
    for roles in events:
        parts: dict[str, Optional[Fragments]] = {}
        for role in ROLES:
            frags = [f for ref in roles.get(role, []) for f in spans.get(ref, ())]
            parts[role] = tuple(sorted(frags)) or None
        if parts["content"] is None:
            continue
        out.append(Attribution(content=parts["content"], source=parts["source"], cue=parts["cue"]))
    return out


# --- spans ---------------------------------------------------------------------------------------------


def normalize_span(text: str, frags: Iterable[Sequence[int]]) -> Fragments:
    """Fragments sorted, whitespace stripped at their edges, merged when only whitespace separates
    them (or they overlap); empty fragments dropped."""
    out: list[list[int]] = []
    for s, e in sorted((int(a), int(b)) for a, b in frags):
        s, e = max(0, s), min(len(text), e)
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e <= s:
            continue
        if out and (s <= out[-1][1] or not text[out[-1][1] : s].strip()):
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return tuple((s, e) for s, e in out)


def outer_span(frags: Fragments) -> Fragments:
    return ((frags[0][0], frags[-1][1]),) if frags else ()


_TOKEN = re.compile(r"\w+|[^\w\s]")


class Tokens:
    """Token offsets of one text: runs of word characters, and single punctuation characters."""

    def __init__(self, text: str):
        self.spans = [
            (m.start(), m.end(), m.group()[0].isalnum() or m.group()[0] == "_") for m in _TOKEN.finditer(text)
        ]
        self.starts = [s for s, _, _ in self.spans]
        self.ends = [e for _, e, _ in self.spans]

    def of(self, frags: Optional[Fragments]) -> frozenset[int]:
        """Indexes of the word tokens a span touches (its punctuation tokens when it has no word)."""
        if not frags:
            return frozenset()
        words: set[int] = set()
        punct: set[int] = set()
        for s, e in frags:
            i = bisect.bisect_right(self.ends, s)
            while i < len(self.spans) and self.starts[i] < e:
                (words if self.spans[i][2] else punct).add(i)
                i += 1
        return frozenset(words or punct)


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter) if inter else 0.0


def match_one_to_one(
    gold: Sequence[frozenset], pred: Sequence[frozenset], threshold: float = JACCARD_THRESHOLD
) -> list[tuple[int, int, float]]:
    """Greedy one-to-one matching of token sets by decreasing Jaccard (>= threshold, > 0);
    ties go to the earlier gold, then the earlier prediction. Returns (gold i, pred j, jaccard)."""
    cands = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            if g & p:
                jac = jaccard(g, p)
                if jac >= threshold and jac > 0:
                    cands.append((-jac, i, j))
    cands.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for neg, i, j in cands:
        if i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        out.append((i, j, -neg))
    return out


def text_alignment(a: str, b: str):
    """A function mapping an offset in ``a`` to the corresponding offset in ``b``, for two versions
    of one text that differ in a few places (the decoder's repairs): offsets inside an unchanged run
    map exactly, offsets inside a changed region map proportionally into its counterpart."""
    import difflib

    blocks = [m for m in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks() if m.size]
    starts = [m.a for m in blocks]

    def mapping(x: int) -> int:
        i = bisect.bisect_right(starts, x) - 1
        if i >= 0 and x < blocks[i].a + blocks[i].size:
            return blocks[i].b + (x - blocks[i].a)
        a0, b0 = (blocks[i].a + blocks[i].size, blocks[i].b + blocks[i].size) if i >= 0 else (0, 0)
        a1, b1 = (blocks[i + 1].a, blocks[i + 1].b) if i + 1 < len(blocks) else (len(a), len(b))
        if a1 <= a0:
            return b0
        return b0 + min(b1 - b0, round((x - a0) * (b1 - b0) / (a1 - a0)))

    return mapping


def _squash(s: str) -> str:
    return " ".join(s.split())
