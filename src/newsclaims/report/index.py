"""``newsclaims report index``: one self-contained page linking every report already written to the
warehouse's ``reports/`` folder (story dossiers, entity pages, run health), with counts.

Report files are named by ``newsclaims report``: ``story-<story_id>.html``, ``entity-<entity_id with
':' as '-'>.html``, ``run-<run_id>.html``. Each link carries the numbers the warehouse holds for it
now (articles and outlets of a story, mentions and claims of an entity, documents and status of a
run); a report whose story, entity or run is no longer in the warehouse is still listed, marked so.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any, Optional

from newsclaims.settings import Warehouse

KINDS = ("story", "entity", "run")
_TITLE = re.compile(r"<title>(.*?)</title>", re.S | re.I)

CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%}td,th{padding:.25rem .5rem;text-align:left;border-bottom:1px solid #eee}
td.num,th.num{text-align:right}.dim{color:#777}.stat{display:inline-block;margin-right:2rem}
.stat b{font-size:1.4rem;display:block}
"""


def _title(path: Path) -> str:
    try:
        m = _TITLE.search(path.read_text(encoding="utf-8", errors="replace")[:4000])
    except OSError:
        return path.stem
    return html.unescape(re.sub(r"\s+", " ", m.group(1))).strip() if m else path.stem


def index_data(wh: Warehouse) -> dict[str, Any]:
    """The report files found and, for each, what the warehouse holds for it."""
    from newsclaims.report.data import open_warehouse

    folder = wh.root / "reports"
    files = sorted(p for p in folder.glob("*.html") if p.name != "index.html") if folder.is_dir() else []
    with open_warehouse(wh) as con:
        stories = {
            r[0]: r[1:]
            for r in con.execute(
                "SELECT story_id, title, n_articles, n_outlets, first_seen, last_seen FROM stories"
            ).fetchall()
        }
        entities = {
            r[0].replace(":", "-"): r
            for r in con.execute("""
            SELECT e.entity_id, e.name, e.type, e.mention_count,
                   (SELECT count(*) FROM claims c WHERE c.speaker_entity_id = e.entity_id)
            FROM entities e""").fetchall()
        }
        runs = {
            r[0]: r[1:]
            for r in con.execute(
                "SELECT run_id, status, started_at, n_documents, n_new, n_claims FROM rpt_runs"
            ).fetchall()
        }
        totals = {"stories": len(stories), "entities": len(entities), "runs": len(runs)}
    out: dict[str, list[dict]] = {k: [] for k in KINDS}
    for p in files:
        kind, _, ref = p.stem.partition("-")
        if kind not in out:
            continue
        item: dict[str, Any] = {
            "file": p.name,
            "title": _title(p),
            "ref": ref,
            "found": True,
            "written": dt.datetime.fromtimestamp(p.stat().st_mtime).strftime("%Y-%m-%d %H:%M"),
        }
        if kind == "story" and ref in stories:
            t, n_art, n_out, first, last = stories[ref]
            item.update(
                label=t or ref,
                counts=f"{n_art} article(s), {n_out} outlet(s)",
                dates=f"{first or '?'} – {last or '?'}",
            )
        elif kind == "entity" and ref in entities:
            eid, name, typ, n_m, n_c = entities[ref]
            item.update(label=f"{name} ({typ})", counts=f"{n_m} mention(s), {n_c} claim(s) by", dates=eid)
        elif kind == "run" and ref in runs:
            status, started, n_doc, n_new, n_cl = runs[ref]
            item.update(
                label=ref,
                counts=f"{status}: {n_doc} document(s), {n_new} new, {n_cl} claim(s)",
                dates=str(started)[:19] if started else "",
            )
        else:
            item.update(label=item["title"], counts="no longer in the warehouse", dates="", found=False)
        out[kind].append(item)
    return {
        "kind": "index",
        "warehouse": str(wh.root),
        "totals": totals,
        "reports": out,
        "generated": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def index_html(data: dict[str, Any], base: Optional[Path] = None) -> str:
    """The page; links are relative to ``base`` (the folder the page is written to; default reports/)."""
    import os

    e = html.escape
    folder = Path(data["warehouse"]) / "reports"
    href = (lambda name: name) if base is None else (lambda name: os.path.relpath(folder / name, base))
    names = {"story": "Stories", "entity": "Entities", "run": "Runs"}
    parts = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>newsclaims reports: {e(data['warehouse'])}</title><style>{CSS}</style></head><body>",
        f'<h1>Reports</h1><p class="dim">{e(data["warehouse"])} · generated {e(data["generated"])}</p><p>',
    ]
    for kind in KINDS:
        written = len(data["reports"][kind])
        total = data["totals"][{"story": "stories", "entity": "entities", "run": "runs"}[kind]]
        parts.append(
            f'<span class="stat"><b>{written}</b>{names[kind].lower()} report(s) of {total} '
            f"in the warehouse</span>"
        )
    parts.append("</p>")
    for kind in KINDS:
        items = data["reports"][kind]
        parts.append(f'<h2 id="{kind}">{names[kind]} ({len(items)})</h2>')
        if not items:
            parts.append(f'<p class="dim">None written yet: <code>newsclaims report {kind} …</code></p>')
            continue
        parts.append(
            "<table><thead><tr><th>report</th><th>counts now</th><th></th><th>written</th></tr>"
            "</thead><tbody>"
        )
        for it in items:
            cls = "" if it["found"] else ' class="dim"'
            parts.append(
                f'<tr{cls}><td><a href="{e(href(it["file"]), quote=True)}">{e(it["label"])}</a></td>'
                f'<td>{e(it["counts"])}</td><td class="dim">{e(it["dates"])}</td>'
                f'<td class="dim">{e(it["written"])}</td></tr>'
            )
        parts.append("</tbody></table>")
    parts.append("</body></html>\n")
    return "".join(parts)


def write_index(wh: Warehouse, out: Optional[Path] = None) -> tuple[Path, dict]:
    data = index_data(wh)
    out = Path(out) if out else wh.root / "reports" / "index.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(index_html(data, out.parent.resolve()), encoding="utf-8")
    return out, data
