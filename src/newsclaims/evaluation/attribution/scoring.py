"""Scores per role and per attribution (see the package docstring for the metrics)."""

from __future__ import annotations

from typing import Iterable, Optional, Sequence

from newsclaims.evaluation.attribution.spans import (
    ATTRIBUTION_METRICS,
    JACCARD_THRESHOLD,
    PRF,
    ROLES,
    SPAN_METRICS,
    Attribution,
    Document,
    Fragments,
    Tokens,
    jaccard,
    match_one_to_one,
    normalize_span,
    outer_span,
)

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
    out["exact (outer)"] = PRF(
        sum(outer_span(p) in go for p in pred), np_, sum(outer_span(g) in po for g in gold), ng
    )
    gt = [tokens.of(g) for g in gold]
    pt = [tokens.of(p) for p in pred]
    matched = match_one_to_one(gt, pt)
    out["J>=0.5 (1:1)"] = PRF(len(matched), np_, len(matched), ng)
    out["any overlap"] = PRF(
        sum(any(p & g for g in gt) for p in pt), np_, sum(any(g & p for p in pt) for g in gt), ng
    )
    out["soft Jaccard"] = PRF(
        sum(max((jaccard(g, p) for g in gt), default=0.0) for p in pt),
        np_,
        sum(max((jaccard(g, p) for p in pt), default=0.0) for g in gt),
        ng,
    )
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


def _same_role(
    text: str, tokens: Tokens, g: Optional[Fragments], p: Optional[Fragments], exact: bool = False
) -> bool:
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


def matched_indices(doc: Document) -> tuple[set[int], set[int]]:
    """The gold and the predicted attributions of ``doc`` matched one-to-one on content (J>=0.5)."""
    pairs = _attribution_pairs(doc, Tokens(doc.text))
    return {i for i, _, _ in pairs}, {j for _, j, _ in pairs}


def attribution_scores(docs: Sequence[Document]) -> dict[str, PRF]:
    """``{metric: PRF}`` over attributions (gold relations vs predicted claims), micro-averaged."""
    total = {m: PRF() for m in ATTRIBUTION_METRICS}
    for doc in docs:
        tokens = Tokens(doc.text)
        ng, np_ = len(doc.gold), len(doc.pred)
        pairs = _attribution_pairs(doc, tokens)
        n_content = len(pairs)
        n_source = sum(
            _same_role(doc.text, tokens, doc.gold[i].source, doc.pred[j].source) for i, j, _ in pairs
        )
        n_full = sum(
            _same_role(doc.text, tokens, doc.gold[i].source, doc.pred[j].source)
            and _same_role(doc.text, tokens, doc.gold[i].cue, doc.pred[j].cue)
            for i, j, _ in pairs
        )
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
        gm, pm = matched_indices(doc)
        for i, a in enumerate(doc.gold):
            for key in (_gold_type(doc.text, a), "with source" if a.source else "no source"):
                recall.setdefault(key, PRF()).add(PRF(0, 0, i in gm, 1))
        for j, a in enumerate(doc.pred):
            precision.setdefault(a.kind or "?", PRF()).add(PRF(j in pm, 1, 0, 0))
    return {"recall by gold type": recall, "precision by predicted kind": precision}


_QUOTES = '"“”«»„'


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
