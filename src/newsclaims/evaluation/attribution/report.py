"""The printed report of the scores."""

from __future__ import annotations

from newsclaims.evaluation.attribution.spans import ATTRIBUTION_METRICS, ROLES, SPAN_METRICS

# --- report ----------------------------------------------------------------------------------------------


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}"


def format_report(scores: dict, info: dict) -> str:
    lines = []
    lines.append(f"PolNeAR attribution evaluation: {info.get('split', '?')}")
    lines.append(
        f"  articles {info['n_docs']} (extracted {info['n_extracted']}, duplicates {info['n_duplicates']}, "
        f"rejected/missing {info['n_rejected']}); gold attributions {info['n_gold']} "
        f"({info['n_gold_in_title']} in the dropped title); predicted claims {info['n_pred']}"
    )
    lines.append(
        f"  pipeline {info.get('pipeline_seconds', 0):.1f}s, total {info.get('total_seconds', 0):.1f}s; "
        f"span mapping body->raw: {info.get('mapping_mismatches', 0)} mismatches "
        f"of {info.get('mapped_spans', 0)} spans; pipeline decoding differs from UTF-8 in "
        f"{info.get('decoded_differs_from_utf8', 0)} files"
    )
    lines.append("")
    head = f"  {'role':<8} {'metric':<30} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6}"
    lines.append(head)
    lines.append("  " + "-" * (len(head) - 2))
    for role in ROLES:
        for metric in SPAN_METRICS:
            d = scores["roles"][role][metric]
            lines.append(
                f"  {role:<8} {metric:<30} {_pct(d['precision']):>6} {_pct(d['recall']):>6} "
                f"{_pct(d['f1']):>6} {d['n_gold']:>6} {d['n_pred']:>6}"
            )
        lines.append("")
    for metric in ATTRIBUTION_METRICS:
        d = scores["attributions"][metric]
        label = metric if "exact" in metric else metric + " (J>=0.5)"
        lines.append(
            f"  {'attrib.':<8} {label:<30} {_pct(d['precision']):>6} {_pct(d['recall']):>6} "
            f"{_pct(d['f1']):>6} {d['n_gold']:>6} {d['n_pred']:>6}"
        )
    lines.append("")
    for title, rows in scores["breakdowns"].items():
        which = "recall" if title.startswith("recall") else "precision"
        n = "n_gold" if which == "recall" else "n_pred"
        parts = [f"{k} {_pct(v[which]).strip()}% of {v[n]}" for k, v in rows.items()]
        lines.append(f"  {title}: " + "; ".join(parts))
    lines.append("")
    lines.append(
        "  Spans: whitespace stripped at fragment edges; fragments separated by whitespace merged; per role,"
    )
    lines.append("  distinct spans per document, micro-averaged. exact (fragments): identical fragment sets;")
    lines.append(
        "  exact (outer): same first and last character; J>=0.5 (1:1): word-token Jaccard >= 0.5, one-to-one"
    )
    lines.append(
        "  by decreasing Jaccard (punctuation ignored); any overlap: shares a word token with some span;"
    )
    lines.append(
        "  soft Jaccard: mean best token Jaccard per predicted (P) / gold (R) span. Attributions: claims"
    )
    lines.append(
        "  matched 1:1 to gold relations on content (J>=0.5); +source / +cue: those spans also J>=0.5"
    )
    lines.append("  (both absent counts as a match); content+source (exact): both spans identical.")
    return "\n".join(lines)
