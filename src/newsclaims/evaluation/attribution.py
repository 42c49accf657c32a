"""Attributed-claim evaluation on PolNeAR-format data (``newsclaims eval attribution DIR``).

``DIR`` is a split folder holding ``text/<article>.txt`` (raw UTF-8 articles) and
``attributions/<article>_<annotator>.ann`` (brat standoff: ``Source`` / ``Cue`` / ``Content`` spans
tied together by ``E`` relations; ``Content2`` is a second content part). When an article has
several ``.ann`` files (agreement checks), the first by sorted file name is the gold.

The texts go through the real pipeline (a ``text_dir`` source in a temporary sources file,
:func:`newsclaims.pipeline.run_local` into a throw-away warehouse); the ``claims`` table's spans
(offsets into ``articles.body``) are mapped back to the raw files with
:func:`newsclaims.ingest.normalize.body_to_raw` and scored against the gold spans:

Per role (source, cue, content), over the *set of distinct spans* of that role in each document,
micro-averaged over documents:

* ``exact (fragments)`` -- a span is its set of fragments after whitespace is stripped from every
  fragment's edges and fragments separated only by whitespace are merged; spans must be identical.
  A predicted claim's ``content_spans`` are its fragments; gold discontinuous spans
  (``a b;c d``, and ``Content`` + ``Content2``) are theirs.
* ``exact (outer)`` -- first to last character of the (stripped) span; inner gaps ignored.
* ``J>=0.5 (1:1)`` -- word-token Jaccard >= 0.5 under a one-to-one matching (pairs taken by
  decreasing Jaccard). Tokens are runs of ``\\w`` characters; punctuation (quote marks, periods,
  commas) is ignored unless a span holds no word at all.
* ``any overlap`` -- a span counts when it shares at least one token with some span of the other
  side (not one-to-one; the most lenient view).
* ``soft Jaccard`` -- CofeNet-style averaged token Jaccard: precision is the mean, over predicted
  spans, of the best Jaccard with a gold span; recall the mean, over gold spans, of the best
  Jaccard with a predicted span.

Attribution level: predicted claims and gold relations are matched one-to-one on their content
(``J>=0.5`` as above); ``content`` counts matched pairs, ``content+source`` those whose sources
also match (J>=0.5; both absent also matches), ``content+source+cue`` adds the cue.
``content+source (exact)`` requires both spans identical (fragments, as above).

The scoring functions (:func:`parse_ann`, :func:`normalize_span`, :func:`score_documents`, ...)
are pure and take texts and spans only; :func:`run_pipeline` is the only part that touches the
pipeline. Run ``python -m newsclaims.evaluation.attribution DIR --errors 10`` to also print the
boundary differences of near misses and samples of misses / false alarms.
"""

from __future__ import annotations

import argparse
import bisect
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Sequence

from newsclaims.evaluation import write_json

__all__ = [
    "Attribution",
    "Document",
    "PRF",
    "ROLES",
    "SPAN_METRICS",
    "ATTRIBUTION_METRICS",
    "default_data_dir",
    "parse_ann",
    "normalize_span",
    "outer_span",
    "Tokens",
    "jaccard",
    "match_one_to_one",
    "role_scores",
    "attribution_scores",
    "score_documents",
    "load_gold",
    "run_pipeline",
    "error_analysis",
    "format_report",
    "format_errors",
    "main",
]

Fragments = tuple[tuple[int, int], ...]

ROLES = ("source", "cue", "content")
SPAN_METRICS = ("exact (fragments)", "exact (outer)", "J>=0.5 (1:1)", "any overlap", "soft Jaccard")
ATTRIBUTION_METRICS = ("content", "content+source", "content+source+cue", "content+source (exact)")
JACCARD_THRESHOLD = 0.5
_BRAT_ROLES = {"Source": "source", "Cue": "cue", "Content": "content"}


def default_data_dir() -> Path:
    """``<repo>/../shared/eval/polnear`` (the evaluation data lives next to the repository)."""
    return Path(__file__).resolve().parents[3].parent / "shared" / "eval" / "polnear"


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
    status: str = "article"        # article | duplicate | rejected | missing
    body_start: int = 0            # raw offset where the article body starts (title dropped before)


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
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "n_gold": self.n_gold, "n_pred": self.n_pred,
                "tp_gold": round(self.tp_gold, 3), "tp_pred": round(self.tp_pred, 3)}


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
        if out and (s <= out[-1][1] or not text[out[-1][1]:s].strip()):
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
        self.spans = [(m.start(), m.end(), m.group()[0].isalnum() or m.group()[0] == "_")
                      for m in _TOKEN.finditer(text)]
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


def match_one_to_one(gold: Sequence[frozenset], pred: Sequence[frozenset],
                     threshold: float = JACCARD_THRESHOLD) -> list[tuple[int, int, float]]:
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


# --- scoring ---------------------------------------------------------------------------------------------

def _role_spans(text: str, atts: Iterable[Attribution], role: str) -> list[Fragments]:
    """Distinct normalised spans of one role, in text order."""
    seen = {normalize_span(text, a.role(role)) for a in atts if a.role(role)}
    seen.discard(())
    return sorted(seen)


def _doc_role_scores(doc: Document, role: str, tokens: Tokens) -> dict[str, PRF]:
    gold = _role_spans(doc.text, doc.gold, role)
    pred = _role_spans(doc.text, doc.pred, role)
    ng, np_ = len(gold), len(pred)
    out: dict[str, PRF] = {}
    exact = len(set(gold) & set(pred))
    out["exact (fragments)"] = PRF(exact, np_, exact, ng)
    go, po = {outer_span(g) for g in gold}, {outer_span(p) for p in pred}
    # distinct gold spans may share outer bounds only in pathological cases; count per span
    out["exact (outer)"] = PRF(sum(outer_span(p) in go for p in pred), np_,
                               sum(outer_span(g) in po for g in gold), ng)
    gt = [tokens.of(g) for g in gold]
    pt = [tokens.of(p) for p in pred]
    matched = match_one_to_one(gt, pt)
    out["J>=0.5 (1:1)"] = PRF(len(matched), np_, len(matched), ng)
    out["any overlap"] = PRF(sum(any(p & g for g in gt) for p in pt), np_,
                             sum(any(g & p for p in pt) for g in gt), ng)
    out["soft Jaccard"] = PRF(sum(max((jaccard(g, p) for g in gt), default=0.0) for p in pt), np_,
                              sum(max((jaccard(g, p) for p in pt), default=0.0) for g in gt), ng)
    return out


def role_scores(docs: Sequence[Document]) -> dict[str, dict[str, PRF]]:
    """``{role: {metric: PRF}}`` micro-averaged over documents (see module doc for the metrics)."""
    total = {r: {m: PRF() for m in SPAN_METRICS} for r in ROLES}
    for doc in docs:
        tokens = Tokens(doc.text)
        for role in ROLES:
            for metric, prf in _doc_role_scores(doc, role, tokens).items():
                total[role][metric].add(prf)
    return total


def _same_role(text: str, tokens: Tokens, g: Optional[Fragments], p: Optional[Fragments],
               exact: bool = False) -> bool:
    g = normalize_span(text, g) if g else ()
    p = normalize_span(text, p) if p else ()
    if not g or not p:
        return not g and not p
    if exact:
        return g == p
    return jaccard(tokens.of(g), tokens.of(p)) >= JACCARD_THRESHOLD


def _attribution_pairs(doc: Document, tokens: Tokens) -> list[tuple[int, int, float]]:
    gt = [tokens.of(normalize_span(doc.text, a.content)) for a in doc.gold]
    pt = [tokens.of(normalize_span(doc.text, a.content)) for a in doc.pred]
    return match_one_to_one(gt, pt)


def attribution_scores(docs: Sequence[Document]) -> dict[str, PRF]:
    """``{metric: PRF}`` over attributions (gold relations vs predicted claims), micro-averaged."""
    total = {m: PRF() for m in ATTRIBUTION_METRICS}
    for doc in docs:
        tokens = Tokens(doc.text)
        ng, np_ = len(doc.gold), len(doc.pred)
        pairs = _attribution_pairs(doc, tokens)
        n_content = len(pairs)
        n_source = sum(_same_role(doc.text, tokens, doc.gold[i].source, doc.pred[j].source)
                       for i, j, _ in pairs)
        n_full = sum(_same_role(doc.text, tokens, doc.gold[i].source, doc.pred[j].source)
                     and _same_role(doc.text, tokens, doc.gold[i].cue, doc.pred[j].cue)
                     for i, j, _ in pairs)
        gold_exact = {normalize_span(doc.text, a.content): a for a in doc.gold}
        n_exact = 0
        for p in {normalize_span(doc.text, a.content): a for a in doc.pred}.items():
            g = gold_exact.get(p[0])
            if g is not None and _same_role(doc.text, tokens, g.source, p[1].source, exact=True):
                n_exact += 1
        for metric, tp in zip(ATTRIBUTION_METRICS, (n_content, n_source, n_full, n_exact)):
            total[metric].add(PRF(tp, np_, tp, ng))
    return total


def breakdowns(docs: Sequence[Document]) -> dict[str, dict[str, PRF]]:
    """Content-matched attribution recall by gold type (quoted or not, with or without source) and
    precision by predicted claim kind (J>=0.5 content matching)."""
    recall: dict[str, PRF] = {}
    precision: dict[str, PRF] = {}
    for doc in docs:
        tokens = Tokens(doc.text)
        pairs = _attribution_pairs(doc, tokens)
        gm = {i for i, _, _ in pairs}
        pm = {j for _, j, _ in pairs}
        for i, a in enumerate(doc.gold):
            for key in (_gold_type(doc.text, a), "with source" if a.source else "no source"):
                recall.setdefault(key, PRF()).add(PRF(0, 0, i in gm, 1))
        for j, a in enumerate(doc.pred):
            precision.setdefault(a.kind or "?", PRF()).add(PRF(j in pm, 1, 0, 0))
    return {"recall by gold type": recall, "precision by predicted kind": precision}


_QUOTES = "\"“”«»„"


def _gold_type(text: str, a: Attribution) -> str:
    content = " ".join(text[s:e] for s, e in normalize_span(text, a.content))
    n = sum(content.count(q) for q in _QUOTES)
    if n == 0:
        return "unquoted content"
    stripped = content.strip(" .,;:")
    if stripped[:1] in _QUOTES and stripped[-1:] in _QUOTES and n <= 2:
        return "fully quoted content"
    return "partly quoted content"


def score_documents(docs: Sequence[Document]) -> dict:
    """All scores as plain data (what ``--json`` writes, without the run information)."""
    roles = role_scores(docs)
    atts = attribution_scores(docs)
    parts = breakdowns(docs)
    return {
        "roles": {r: {m: prf.as_dict() for m, prf in ms.items()} for r, ms in roles.items()},
        "attributions": {m: prf.as_dict() for m, prf in atts.items()},
        "breakdowns": {k: {kk: prf.as_dict() for kk, prf in sorted(v.items())} for k, v in parts.items()},
    }


# --- error analysis ------------------------------------------------------------------------------------

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


def _edge_diff(text: str, gold: Fragments, pred: Fragments) -> tuple[str, str]:
    """How a predicted span's outer bounds differ from the gold's: ``+x`` the prediction has the
    extra text x, ``-x`` it lacks x; left edge and right edge ('' when equal)."""
    (gs, ge), (ps, pe) = outer_span(gold)[0], outer_span(pred)[0]
    left = "" if gs == ps else ("+" + _squash(text[ps:gs]) if ps < gs else "-" + _squash(text[gs:ps]))
    right = "" if ge == pe else ("+" + _squash(text[ge:pe]) if pe > ge else "-" + _squash(text[pe:ge]))
    return left, right


def _diff_class(d: str) -> str:
    """A coarse class of an edge difference (for counting)."""
    if not d:
        return ""
    body = d[1:].lower()
    sign = "extra " if d[0] == "+" else "missing "
    if not re.search(r"\w", body):
        return sign + "punctuation " + repr(body[:6])
    words = body.split()
    if len(words) <= 2:
        return sign + repr(body)
    return sign + f"{len(words)}+ words"


def _context(text: str, frags: Fragments, width: int = 70) -> str:
    s, e = outer_span(frags)[0]
    return _squash(text[max(0, s - width):s]) + " [[" + _squash(text[s:e]) + "]] " + \
        _squash(text[e:e + width])


def _span_text(text: str, frags: Optional[Fragments], limit: int = 80) -> str:
    if not frags:
        return "-"
    t = " … ".join(_squash(text[s:e]) for s, e in frags)
    return t if len(t) <= limit else t[:limit - 1] + "…"


def error_analysis(docs: Sequence[Document], n_samples: int = 10, top: int = 15, seed: int = 0) -> dict:
    """Near misses (J>=0.5 matched but not exact: edge differences, counted) and misses/false
    alarms (no J>=0.5 match: counted by cue word, sampled with context), per role and for whole
    attributions."""
    rng = random.Random(seed)
    out: dict = {}
    for role in ROLES:
        edges: Counter = Counter()
        classes: Counter = Counter()
        fn: list[tuple[str, str]] = []
        fp: list[tuple[str, str]] = []
        n_near = 0
        for doc in docs:
            tokens = Tokens(doc.text)
            gold = _role_spans(doc.text, doc.gold, role)
            pred = _role_spans(doc.text, doc.pred, role)
            matched = match_one_to_one([tokens.of(g) for g in gold], [tokens.of(p) for p in pred])
            for i, j, _ in matched:
                if outer_span(gold[i]) != outer_span(pred[j]):
                    n_near += 1
                    left, right = _edge_diff(doc.text, gold[i], pred[j])
                    for side, d in (("left", left), ("right", right)):
                        if d:
                            edges[f"{side} {d.lower()[:40]}"] += 1
                            classes[f"{side} {_diff_class(d)}"] += 1
            mg = {i for i, _, _ in matched}
            mp = {j for _, j, _ in matched}
            fn += [(doc.name, _context(doc.text, g)) for i, g in enumerate(gold) if i not in mg]
            fp += [(doc.name, _context(doc.text, p)) for j, p in enumerate(pred) if j not in mp]
        out[role] = {
            "near_misses": n_near,
            "edge_classes": classes.most_common(top),
            "edge_diffs": edges.most_common(top),
            "n_false_negatives": len(fn),
            "n_false_positives": len(fp),
            "false_negatives": rng.sample(fn, min(n_samples, len(fn))),
            "false_positives": rng.sample(fp, min(n_samples, len(fp))),
        }
    out["content_boundaries"] = _content_boundaries(docs, top)
    # whole attributions: which cues the missed gold relations and the false claims have
    missed_cues: Counter = Counter()
    false_cues: Counter = Counter()
    missed_types: Counter = Counter()
    false_kinds: Counter = Counter()
    fn_att: list = []
    fp_att: list = []
    for doc in docs:
        tokens = Tokens(doc.text)
        pairs = _attribution_pairs(doc, tokens)
        gm = {i for i, _, _ in pairs}
        pm = {j for _, j, _ in pairs}
        for i, a in enumerate(doc.gold):
            if i in gm:
                continue
            missed_cues[_span_text(doc.text, a.cue, 40).lower()] += 1
            missed_types[_gold_type(doc.text, a) + (" (in dropped title)" if a.content[0][0] < doc.body_start
                                                    else "")] += 1
            fn_att.append((doc.name, f"source={_span_text(doc.text, a.source)} | cue={_span_text(doc.text, a.cue)}"
                                     f" | content={_context(doc.text, normalize_span(doc.text, a.content), 40)}"))
        for j, a in enumerate(doc.pred):
            if j in pm:
                continue
            false_cues[_span_text(doc.text, a.cue, 40).lower()] += 1
            false_kinds[a.kind or "?"] += 1
            fp_att.append((doc.name, f"[{a.kind}] source={_span_text(doc.text, a.source)} | "
                                     f"cue={_span_text(doc.text, a.cue)} | "
                                     f"content={_context(doc.text, normalize_span(doc.text, a.content), 40)}"))
    out["attribution"] = {
        "n_false_negatives": len(fn_att),
        "n_false_positives": len(fp_att),
        "missed_by_gold_cue": missed_cues.most_common(top * 2),
        "missed_by_gold_type": missed_types.most_common(),
        "false_by_predicted_cue": false_cues.most_common(top * 2),
        "false_by_predicted_kind": false_kinds.most_common(),
        "false_negatives": rng.sample(fn_att, min(n_samples, len(fn_att))),
        "false_positives": rng.sample(fp_att, min(n_samples, len(fp_att))),
    }
    return out


_QUOTE_CHARS = "\"“”'‘’«»"


def _content_boundaries(docs: Sequence[Document], top: int) -> dict:
    """For claims whose cue matches a gold cue (J>=0.5, so both stand for the same relation): how
    the claim's content differs from the gold content, counted by class."""
    classes: Counter = Counter()
    for doc in docs:
        tokens = Tokens(doc.text)
        gold = [(normalize_span(doc.text, g.cue), g) for g in doc.gold if g.cue]
        for p in doc.pred:
            if not p.cue:
                continue
            pc = tokens.of(normalize_span(doc.text, p.cue))
            best = max(gold, key=lambda cg: jaccard(tokens.of(cg[0]), pc), default=None)
            if best is None or jaccard(tokens.of(best[0]), pc) < JACCARD_THRESHOLD:
                continue
            classes[_boundary_class(doc.text, tokens, normalize_span(doc.text, best[1].content),
                                    normalize_span(doc.text, p.content))] += 1
    return {"n_claims_with_matching_cue": sum(classes.values()), "classes": classes.most_common(top)}


def _boundary_class(text: str, tokens: Tokens, gold: Fragments, pred: Fragments) -> str:
    if gold == pred:
        return "exact"
    jac = " (J<0.5)" if jaccard(tokens.of(gold), tokens.of(pred)) < JACCARD_THRESHOLD else " (J>=0.5)"
    if not gold or not pred:
        return "empty span" + jac
    if len(gold) != len(pred):
        return f"gold has {len(gold)} fragments, claim {len(pred)}" + jac
    (gs, ge), (ps, pe) = outer_span(gold)[0], outer_span(pred)[0]
    left = text[gs:ps] if ps >= gs else text[ps:gs]
    right = text[pe:ge] if pe <= ge else text[ge:pe]
    if ps >= gs and pe <= ge:  # the claim lies inside the gold span
        if not re.search(r"\w", left) and not re.search(r"\w", right):
            return "claim lacks edge punctuation/quote marks (gold: " + repr(_squash(left + "…" + right)) + ")" + jac
        if re.search(r"\w", left) and text[ps:ps + 1] in _QUOTE_CHARS:
            return "claim starts at a quote mark, gold starts earlier" + jac
        if re.search(r"\w", left) and re.search(r"\w", right):
            return "claim inside gold (gold longer on both sides)" + jac
        if re.search(r"\w", left):
            return "gold longer on the left" + jac
        return "gold longer on the right" + jac
    if ps <= gs and pe >= ge:
        if not re.search(r"\w", left) and not re.search(r"\w", right):
            return "claim has extra edge punctuation/quote marks" + jac
        if re.search(r"\w", left) and not re.search(r"\w", right):
            return f"claim has extra left text ({_squash(left).lower()[:12]!r})" + jac
        return "claim longer on the right" + jac
    return "spans cross" + jac


# --- data ------------------------------------------------------------------------------------------------

def _read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def load_gold(split_dir: Path, limit: Optional[int] = None) -> tuple[list[Document], dict[str, Path], dict]:
    """Documents with gold attributions (first ``.ann`` by sorted name per article), the text file
    of each, and loading notes. Articles are taken in sorted order; ``limit`` keeps the first N."""
    split_dir = Path(split_dir)
    text_dir, ann_dir = split_dir / "text", split_dir / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise FileNotFoundError(f"{split_dir}: expected text/ and attributions/ folders")
    anns = sorted(ann_dir.glob("*.ann"))
    docs: list[Document] = []
    paths: dict[str, Path] = {}
    notes = {"articles_without_ann": 0, "articles_with_several_ann": 0, "ann_files_used": []}
    for txt in sorted(text_dir.glob("*.txt")):
        name = txt.stem
        mine = [a for a in anns if a.stem.rsplit("_", 1)[0] == name]
        if not mine:
            notes["articles_without_ann"] += 1
            continue
        if len(mine) > 1:
            notes["articles_with_several_ann"] += 1
        notes["ann_files_used"].append(mine[0].name)
        docs.append(Document(name, _read_text(txt), parse_ann(_read_text(mine[0]))))
        paths[name] = txt
        if limit is not None and len(docs) >= limit:
            break
    return docs, paths, notes


def run_pipeline(docs: Sequence[Document], paths: dict[str, Path], work: Path,
                 warehouse_dir: Optional[Path] = None, all_files_dir: Optional[Path] = None) -> dict:
    """Run the real pipeline over the documents' text files and fill in each ``Document.pred``
    (raw offsets), ``status`` and ``body_start``. The texts are read in place when
    ``all_files_dir`` holds exactly them, else copied into ``work`` (a temporary folder).
    Returns run information (counts, seconds, mapping checks)."""
    import datetime as dt

    import tomli_w

    from newsclaims.load import database as W
    from newsclaims.ingest.decode import decode_bytes
    from newsclaims.ingest.normalize import body_to_raw
    from newsclaims.pipeline import prepare_document, run_local
    from newsclaims.ingest.profiles import load_profiles
    from newsclaims.settings import Warehouse
    from newsclaims.ingest.sources.base import RawDocument

    work = Path(work)
    if all_files_dir is not None:
        source_dir = Path(all_files_dir).resolve()
    else:
        source_dir = work / "text"
        source_dir.mkdir(parents=True, exist_ok=True)
        for doc in docs:
            shutil.copyfile(paths[doc.name], source_dir / f"{doc.name}.txt")
    sources_file = work / "sources.toml"
    sources_file.write_text(tomli_w.dumps({"sources": [
        {"name": "polnear", "kind": "text_dir", "path": str(source_dir), "glob": "*.txt",
         "allow_outside": True}]}), encoding="utf-8")
    wh = Warehouse.resolve(warehouse_dir or work / "wh")
    t0 = time.perf_counter()
    summary = run_local(sources_file, wh)
    seconds = time.perf_counter() - t0

    _, arts = W.query(wh, "SELECT article_id, raw_path, body, body_map FROM articles")
    _, claims = W.query(wh, """SELECT c.article_id, c.kind, c.speaker_start, c.speaker_end, c.cue_start, c.cue_end,
                                      c.content_start, c.content_end, c.content_spans, e.name, e.aliases
                               FROM claims c LEFT JOIN entities e ON e.entity_id = c.speaker_entity_id""")
    _, dups = W.query(wh, "SELECT raw_path, duplicate_of FROM duplicates")
    _, rejs = W.query(wh, "SELECT raw_path, stage, reason FROM rejects")
    by_name = {Path(raw).stem: (aid, body, bmap or []) for aid, raw, body, bmap in arts}
    body_of = {aid: body for aid, _, body, _ in arts}
    claims_of: dict[str, list[tuple]] = {}
    for row in claims:
        claims_of.setdefault(row[0], []).append(row[1:])
    dup_of = {Path(raw).stem: aid for raw, aid in dups}
    rej_of = {Path(raw).stem: f"{stage}: {reason}" for raw, stage, reason in rejs}

    info = {"pipeline_seconds": round(seconds, 1), "run": summary.model_dump(mode="json"),
            "rejected": {}, "duplicates": {}, "decoded_differs_from_utf8": 0,
            "mapped_spans": 0, "mapping_mismatches": 0, "mapping_mismatch_examples": []}
    profiles = None
    for doc in docs:
        dup_align = own_body = None
        if doc.name in by_name:
            aid, body, bmap = by_name[doc.name]
        elif doc.name in dup_of:
            aid = dup_of[doc.name]
            body = body_of.get(aid, "")
            if profiles is None:
                profiles = load_profiles()
            own = prepare_document(RawDocument("polnear", doc.name, paths[doc.name].read_bytes()), profiles,
                                   "eval", dt.datetime.now(dt.timezone.utc))
            bmap = getattr(own, "body_map", None) or []
            own_body = getattr(own, "body", None)
            if own_body is not None and own_body != body:
                # a near duplicate: the kept article's claims are offsets into the kept body; carry
                # them over to this document's own body where the text is the same
                dup_align = text_alignment(body, own_body)
            doc.status = "duplicate"
            info["duplicates"][doc.name] = aid
        else:
            doc.status = "rejected" if doc.name in rej_of else "missing"
            if doc.name in rej_of:
                info["rejected"][doc.name] = rej_of[doc.name]
            continue
        decoded = decode_bytes(paths[doc.name].read_bytes()).text
        align = None
        if decoded != doc.text:  # decoding repaired the text (mojibake, a stray BOM): align the two
            info["decoded_differs_from_utf8"] += 1
            align = text_alignment(decoded, doc.text)

        def to_raw(s: Optional[int], e: Optional[int]) -> Optional[tuple[int, int]]:
            if s is None or e is None or e <= s:
                return None
            if dup_align is not None:
                ds, de = dup_align(s), dup_align(e - 1) + 1
                if _squash(body[s:e]) != _squash(own_body[ds:de]):
                    return None  # text the near duplicate does not have
                s, e = ds, de
            rs, re_ = body_to_raw(s, bmap), body_to_raw(e - 1, bmap) + 1
            if align is not None:
                rs, re_ = align(rs), align(re_ - 1) + 1
            info["mapped_spans"] += 1
            if _squash((own_body if dup_align is not None else body)[s:e]) != _squash(doc.text[rs:re_]):
                info["mapping_mismatches"] += 1
                if len(info["mapping_mismatch_examples"]) < 5:
                    info["mapping_mismatch_examples"].append([doc.name, body[s:e][:60], doc.text[rs:re_][:60]])
            return rs, re_

        doc.body_start = body_to_raw(0, bmap) if body else 0
        if align is not None:
            doc.body_start = align(doc.body_start)
        preds = []
        for kind, ss, se, cs, ce, cts, cte, cspans, sname, saliases in claims_of.get(aid, []):
            frags = [to_raw(a, b) for a, b in (cspans or [[cts, cte]])]
            content = tuple(f for f in frags if f)
            if not content or (dup_align is not None and len(content) < len(frags)):
                continue
            src, cue = to_raw(ss, se), to_raw(cs, ce)
            preds.append(Attribution(content=content, source=(src,) if src else None,
                                     cue=(cue,) if cue else None, kind=kind, speaker=sname,
                                     speaker_aliases=tuple(saliases or ())))
        doc.pred = preds
    return info


def speaker_inputs(docs: Sequence[Document]):
    """(name, raw text, gold, predictions) per document, for :func:`speakers.score_speakers`."""
    from newsclaims.evaluation.speakers import Predicted

    for d in docs:
        yield d.name, d.text, d.gold, [Predicted(p.content, p.speaker, p.speaker_aliases) for p in d.pred]


# --- report ----------------------------------------------------------------------------------------------

def _pct(x: float) -> str:
    return f"{100 * x:5.1f}"


def format_report(scores: dict, info: dict) -> str:
    lines = []
    lines.append(f"PolNeAR attribution evaluation: {info.get('split', '?')}")
    lines.append(f"  articles {info['n_docs']} (extracted {info['n_extracted']}, duplicates {info['n_duplicates']}, "
                 f"rejected/missing {info['n_rejected']}); gold attributions {info['n_gold']} "
                 f"({info['n_gold_in_title']} in the dropped title); predicted claims {info['n_pred']}")
    lines.append(f"  pipeline {info.get('pipeline_seconds', 0):.1f}s, total {info.get('total_seconds', 0):.1f}s; "
                 f"span mapping body->raw: {info.get('mapping_mismatches', 0)} mismatches "
                 f"of {info.get('mapped_spans', 0)} spans; pipeline decoding differs from UTF-8 in "
                 f"{info.get('decoded_differs_from_utf8', 0)} files")
    lines.append("")
    head = f"  {'role':<8} {'metric':<30} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6}"
    lines.append(head)
    lines.append("  " + "-" * (len(head) - 2))
    for role in ROLES:
        for metric in SPAN_METRICS:
            d = scores["roles"][role][metric]
            lines.append(f"  {role:<8} {metric:<30} {_pct(d['precision']):>6} {_pct(d['recall']):>6} "
                         f"{_pct(d['f1']):>6} {d['n_gold']:>6} {d['n_pred']:>6}")
        lines.append("")
    for metric in ATTRIBUTION_METRICS:
        d = scores["attributions"][metric]
        label = metric if "exact" in metric else metric + " (J>=0.5)"
        lines.append(f"  {'attrib.':<8} {label:<30} {_pct(d['precision']):>6} {_pct(d['recall']):>6} "
                     f"{_pct(d['f1']):>6} {d['n_gold']:>6} {d['n_pred']:>6}")
    lines.append("")
    for title, rows in scores["breakdowns"].items():
        which = "recall" if title.startswith("recall") else "precision"
        n = "n_gold" if which == "recall" else "n_pred"
        parts = [f"{k} {_pct(v[which]).strip()}% of {v[n]}" for k, v in rows.items()]
        lines.append(f"  {title}: " + "; ".join(parts))
    lines.append("")
    lines.append("  Spans: whitespace stripped at fragment edges; fragments separated by whitespace merged; per role,")
    lines.append("  distinct spans per document, micro-averaged. exact (fragments): identical fragment sets;")
    lines.append("  exact (outer): same first and last character; J>=0.5 (1:1): word-token Jaccard >= 0.5, one-to-one")
    lines.append("  by decreasing Jaccard (punctuation ignored); any overlap: shares a word token with some span;")
    lines.append("  soft Jaccard: mean best token Jaccard per predicted (P) / gold (R) span. Attributions: claims")
    lines.append("  matched 1:1 to gold relations on content (J>=0.5); +source / +cue: those spans also J>=0.5")
    lines.append("  (both absent counts as a match); content+source (exact): both spans identical.")
    return "\n".join(lines)


def format_errors(errors: dict) -> str:
    lines = []
    for role in ROLES:
        e = errors[role]
        lines.append(f"== {role}: {e['n_false_negatives']} missed, {e['n_false_positives']} false "
                     f"(no J>=0.5 match); {e['near_misses']} near misses (J>=0.5 but not the same bounds)")
        lines.append("  near-miss edge classes (+ = prediction has the extra text, - = prediction lacks it):")
        lines += [f"    {n:5d}  {k}" for k, n in e["edge_classes"]]
        lines.append("  most frequent edge differences:")
        lines += [f"    {n:5d}  {k}" for k, n in e["edge_diffs"]]
        if e["false_negatives"]:
            lines.append("  sample misses (gold span in [[ ]]):")
            lines += [f"    {name[:28]}: {ctx}" for name, ctx in e["false_negatives"]]
        if e["false_positives"]:
            lines.append("  sample false alarms (predicted span in [[ ]]):")
            lines += [f"    {name[:28]}: {ctx}" for name, ctx in e["false_positives"]]
        lines.append("")
    b = errors["content_boundaries"]
    lines.append(f"== content boundaries of the {b['n_claims_with_matching_cue']} claims whose cue matches a gold cue:")
    lines += [f"    {n:5d}  {k}" for k, n in b["classes"]]
    lines.append("")
    a = errors["attribution"]
    lines.append(f"== attributions: {a['n_false_negatives']} gold relations without a content match, "
                 f"{a['n_false_positives']} claims without one")
    lines.append("  missed, by gold type: " + "; ".join(f"{k} {n}" for k, n in a["missed_by_gold_type"]))
    lines.append("  missed, by gold cue: " + "; ".join(f"{k} {n}" for k, n in a["missed_by_gold_cue"]))
    lines.append("  false, by predicted kind: " + "; ".join(f"{k} {n}" for k, n in a["false_by_predicted_kind"]))
    lines.append("  false, by predicted cue: " + "; ".join(f"{k} {n}" for k, n in a["false_by_predicted_cue"]))
    if a["false_negatives"]:
        lines.append("  sample missed relations:")
        lines += [f"    {name[:28]}: {t}" for name, t in a["false_negatives"]]
    if a["false_positives"]:
        lines.append("  sample false claims:")
        lines += [f"    {name[:28]}: {t}" for name, t in a["false_positives"]]
    return "\n".join(lines)


# --- command -------------------------------------------------------------------------------------------

def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsclaims eval attribution",
                                description="Score the pipeline's attributed claims on PolNeAR-format data.")
    p.add_argument("directory", type=Path, help="split folder with text/ and attributions/")
    p.add_argument("--limit", type=int, default=None, help="only the first N articles (sorted by name)")
    p.add_argument("--json", dest="json_out", type=Path, default=None, help="also write scores as JSON")
    p.add_argument("--keep", type=Path, default=None,
                   help="build the warehouse in this (new or empty) folder and keep it")
    p.add_argument("--errors", type=int, default=0, metavar="N",
                   help="print error analysis with N sample misses / false alarms per role")
    p.add_argument("--speakers", type=Path, default=None, metavar="FILE",
                   help="also score who said what: resolved speakers against the referents in FILE "
                        "(speakers_dev.jsonl: the referent of each pronoun or description source)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    t0 = time.perf_counter()
    try:
        docs, paths, notes = load_gold(args.directory, args.limit)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not docs:
        print(f"error: no annotated articles in {args.directory}", file=sys.stderr)
        return 2
    if args.speakers is not None and not args.speakers.is_file():
        print(f"error: --speakers {args.speakers}: no such file", file=sys.stderr)
        return 2
    if args.keep is not None and args.keep.exists() and any(args.keep.iterdir()):
        print(f"error: --keep folder {args.keep} is not empty", file=sys.stderr)
        return 2
    text_dir = Path(args.directory) / "text"
    every = args.limit is None and len(docs) == len(list(text_dir.glob("*.txt")))
    with tempfile.TemporaryDirectory(prefix="newsclaims-eval-") as tmp:
        info = run_pipeline(docs, paths, Path(tmp), args.keep, text_dir if every else None)
    scores = score_documents(docs)
    info.update({
        "split": str(args.directory), "n_docs": len(docs),
        "n_extracted": sum(d.status == "article" for d in docs),
        "n_duplicates": sum(d.status == "duplicate" for d in docs),
        "n_rejected": sum(d.status in ("rejected", "missing") for d in docs),
        "n_gold": sum(len(d.gold) for d in docs),
        "n_gold_in_title": sum(a.content[0][0] < d.body_start for d in docs for a in d.gold
                               if d.status in ("article", "duplicate")),
        "n_pred": sum(len(d.pred) for d in docs),
        "total_seconds": round(time.perf_counter() - t0, 1),
        "gold_notes": {k: v for k, v in notes.items() if k != "ann_files_used"},
    })
    print(format_report(scores, info))
    if args.speakers is not None:
        from newsclaims.evaluation.speakers import format_speakers, load_referents, score_speakers

        scores["speakers"] = score_speakers(speaker_inputs(docs), load_referents(args.speakers))
        print()
        print(format_speakers(scores["speakers"]))
    errors = None
    if args.errors:
        errors = error_analysis(docs, args.errors)
        print()
        print(format_errors(errors))
    if args.json_out is not None:
        payload = {"info": info, "scores": scores, "gold_files": notes["ann_files_used"]}
        if errors is not None:
            payload["errors"] = errors
        write_json(args.json_out, payload)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
