"""Error analysis: boundary differences of near misses, samples of misses and false alarms, and
their report (``--errors N``)."""

from __future__ import annotations

import random
import re
from collections import Counter
from typing import Optional, Sequence

from newsclaims.evaluation.attribution.scoring import _gold_type, _role_spans, matched_indices
from newsclaims.evaluation.attribution.spans import (
    JACCARD_THRESHOLD,
    ROLES,
    Document,
    Fragments,
    Tokens,
    _squash,
    jaccard,
    match_one_to_one,
    normalize_span,
    outer_span,
)


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
    return (
        _squash(text[max(0, s - width) : s])
        + " [["
        + _squash(text[s:e])
        + "]] "
        + _squash(text[e : e + width])
    )


def _span_text(text: str, frags: Optional[Fragments], limit: int = 80) -> str:
    if not frags:
        return "-"
    t = " … ".join(_squash(text[s:e]) for s, e in frags)
    return t if len(t) <= limit else t[: limit - 1] + "…"


def error_analysis(docs: Sequence[Document], n_samples: int = 10, top: int = 15, seed: int = 0) -> dict:
    """Near misses (J>=0.5 matched but not exact: edge differences, counted) and misses/false
    alarms (no J>=0.5 match: counted by cue word, sampled with context), per role and for whole
    attributions."""
    rng = random.Random(seed)  # one generator, drawn from role by role and then for attributions
    out: dict = {}
    for role in ROLES:
        out[role] = _role_errors(docs, role, rng, n_samples, top)
    out["content_boundaries"] = _content_boundaries(docs, top)
    out["attribution"] = _attribution_errors(docs, rng, n_samples, top)
    return out


def _role_errors(docs: Sequence[Document], role: str, rng: random.Random, n_samples: int, top: int) -> dict:
    """One role's errors: near misses counted by edge difference (and its class), misses and false
    alarms counted and sampled with their context."""
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
    return {
        "near_misses": n_near,
        "edge_classes": classes.most_common(top),
        "edge_diffs": edges.most_common(top),
        "n_false_negatives": len(fn),
        "n_false_positives": len(fp),
        "false_negatives": rng.sample(fn, min(n_samples, len(fn))),
        "false_positives": rng.sample(fp, min(n_samples, len(fp))),
    }


def _attribution_errors(docs: Sequence[Document], rng: random.Random, n_samples: int, top: int) -> dict:
    """Whole attributions: the gold relations no claim matches and the claims no relation matches,
    counted by cue (and by gold type / predicted kind) and sampled with their three spans."""
    missed_cues: Counter = Counter()
    false_cues: Counter = Counter()
    missed_types: Counter = Counter()
    false_kinds: Counter = Counter()
    fn_att: list = []
    fp_att: list = []
    for doc in docs:
        gm, pm = matched_indices(doc)
        for i, a in enumerate(doc.gold):
            if i in gm:
                continue
            missed_cues[_span_text(doc.text, a.cue, 40).lower()] += 1
            missed_types[
                _gold_type(doc.text, a) + (" (in dropped title)" if a.content[0][0] < doc.body_start else "")
            ] += 1
            fn_att.append(
                (
                    doc.name,
                    f"source={_span_text(doc.text, a.source)} | cue={_span_text(doc.text, a.cue)}"
                    f" | content={_context(doc.text, normalize_span(doc.text, a.content), 40)}",
                )
            )
        for j, a in enumerate(doc.pred):
            if j in pm:
                continue
            false_cues[_span_text(doc.text, a.cue, 40).lower()] += 1
            false_kinds[a.kind or "?"] += 1
            fp_att.append(
                (
                    doc.name,
                    f"[{a.kind}] source={_span_text(doc.text, a.source)} | "
                    f"cue={_span_text(doc.text, a.cue)} | "
                    f"content={_context(doc.text, normalize_span(doc.text, a.content), 40)}",
                )
            )
    return {
        "n_false_negatives": len(fn_att),
        "n_false_positives": len(fp_att),
        "missed_by_gold_cue": missed_cues.most_common(top * 2),
        "missed_by_gold_type": missed_types.most_common(),
        "false_by_predicted_cue": false_cues.most_common(top * 2),
        "false_by_predicted_kind": false_kinds.most_common(),
        "false_negatives": rng.sample(fn_att, min(n_samples, len(fn_att))),
        "false_positives": rng.sample(fp_att, min(n_samples, len(fp_att))),
    }


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
            classes[
                _boundary_class(
                    doc.text,
                    tokens,
                    normalize_span(doc.text, best[1].content),
                    normalize_span(doc.text, p.content),
                )
            ] += 1
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
            return (
                "claim lacks edge punctuation/quote marks (gold: "
                + repr(_squash(left + "…" + right))
                + ")"
                + jac
            )
        if re.search(r"\w", left) and text[ps : ps + 1] in _QUOTE_CHARS:
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


def format_errors(errors: dict) -> str:
    lines = []
    for role in ROLES:
        e = errors[role]
        lines.append(
            f"== {role}: {e['n_false_negatives']} missed, {e['n_false_positives']} false "
            f"(no J>=0.5 match); {e['near_misses']} near misses (J>=0.5 but not the same bounds)"
        )
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
    lines.append(
        f"== content boundaries of the {b['n_claims_with_matching_cue']} claims whose cue matches a gold cue:"
    )
    lines += [f"    {n:5d}  {k}" for k, n in b["classes"]]
    lines.append("")
    a = errors["attribution"]
    lines.append(
        f"== attributions: {a['n_false_negatives']} gold relations without a content match, "
        f"{a['n_false_positives']} claims without one"
    )
    lines.append("  missed, by gold type: " + "; ".join(f"{k} {n}" for k, n in a["missed_by_gold_type"]))
    lines.append("  missed, by gold cue: " + "; ".join(f"{k} {n}" for k, n in a["missed_by_gold_cue"]))
    lines.append(
        "  false, by predicted kind: " + "; ".join(f"{k} {n}" for k, n in a["false_by_predicted_kind"])
    )
    lines.append(
        "  false, by predicted cue: " + "; ".join(f"{k} {n}" for k, n in a["false_by_predicted_cue"])
    )
    if a["false_negatives"]:
        lines.append("  sample missed relations:")
        lines += [f"    {name[:28]}: {t}" for name, t in a["false_negatives"]]
    if a["false_positives"]:
        lines.append("  sample false claims:")
        lines += [f"    {name[:28]}: {t}" for name, t in a["false_positives"]]
    return "\n".join(lines)
