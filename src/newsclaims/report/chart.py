"""A grouped bar chart as geometry for a static SVG (drawn by the template, so labels are escaped)."""

from __future__ import annotations

import math

PALETTE = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"]


def _nice_max(v: float) -> int:
    if v <= 5:
        return 5
    mag = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if v <= m * mag:
            return int(m * mag)
    return int(10 * mag)


def grouped_bars(
    title: str, labels: list[str], series: list[dict], *, width: int = 880, height: int = 260
) -> dict:
    """``series`` is [{outlet, values: [one per label]}]; returns what templates/chart.svg.j2 draws."""
    left, right, top, bottom = 44, 12, 16, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    vmax = max([v for s in series for v in s["values"]] + [0])
    ymax = _nice_max(vmax)
    n_groups, n_series = max(len(labels), 1), max(len(series), 1)
    group_w = plot_w / n_groups
    bar_w = min(48.0, group_w * 0.8 / n_series)
    bars, xlabels = [], []
    for gi, label in enumerate(labels):
        gx = left + gi * group_w + (group_w - bar_w * n_series) / 2
        xlabels.append({"x": round(left + gi * group_w + group_w / 2, 1), "text": label})
        for si, s in enumerate(series):
            v = s["values"][gi]
            h = plot_h * v / ymax if ymax else 0
            bars.append(
                {
                    "x": round(gx + si * bar_w, 1),
                    "y": round(top + plot_h - h, 1),
                    "w": round(bar_w - 2, 1),
                    "h": round(h, 1),
                    "color": PALETTE[si % len(PALETTE)],
                    "value": v,
                    "tip": f"{s['outlet']}, {label}: {v}",
                }
            )
    step = max(1, ymax // 5)
    yticks = [{"y": round(top + plot_h - plot_h * t / ymax, 1), "value": t} for t in range(0, ymax + 1, step)]
    legend = [{"outlet": s["outlet"], "color": PALETTE[i % len(PALETTE)]} for i, s in enumerate(series)]
    return {
        "title": title,
        "width": width,
        "height": height,
        "left": left,
        "top": top,
        "plot_w": plot_w,
        "plot_h": plot_h,
        "bars": bars,
        "xlabels": xlabels,
        "yticks": yticks,
        "legend": legend,
        "empty": vmax == 0,
    }
