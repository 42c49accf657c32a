"""What each report shows, read from the warehouse's ``rpt_`` views on a read-only connection.

The functions here return plain dictionaries and lists (no markup); the renderers in ``render.py``
turn them into HTML (autoescaped templates), Markdown (escaped) or rich tables.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from contextlib import contextmanager
from typing import Any, Iterator, Optional

import duckdb

from newsclaims.load import database
from newsclaims.load.sql import named_query
from newsclaims.report.diff import highlight, overlap
from newsclaims.settings import Warehouse

#: the views every report needs; when a warehouse predates them they are created as TEMP views
RPT_PREFIX = "rpt_"
STG_PREFIX = "stg_"


class ReportError(RuntimeError):
    """The report cannot be built (unknown story, entity or run; empty warehouse)."""


@contextmanager
def open_warehouse(wh: Warehouse) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection with the stg_ and rpt_ views available (TEMP copies when the warehouse
    lacks them)."""
    con = database.read_connect(wh)  # the read copy: an open report never keeps a run from loading
    try:
        have = {
            v for (v,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()
        }
        for f in database.view_files():
            name = f.name.split("_", 1)[1].rsplit(".", 1)[0]
            if name.startswith((STG_PREFIX, RPT_PREFIX)) and name not in have:  # staging first: file order
                con.execute(
                    re.sub(r"CREATE\s+OR\s+REPLACE\s+VIEW", "CREATE OR REPLACE TEMP VIEW", f.sql, flags=re.I)
                )
        yield con
    finally:
        con.close()


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Optional[list] = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or [])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _one(con, sql: str, params: Optional[list] = None) -> Optional[dict[str, Any]]:
    rows = _rows(con, sql, params)
    return rows[0] if rows else None


def _generated() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


# --------------------------------------------------------------------------------------------- story


def resolve_story(con, ref: str) -> str:
    """A story id from 'latest', a story id (or unique prefix) or an article id."""
    ref = (ref or "latest").strip()
    if ref == "latest":
        # the most recently ingested story (the one whose newest article came in last), not the one
        # with the latest publication date: a user who just ran the pipeline wants what it just read
        row = _one(con, named_query("report_resolve_story"))
        if row is None:
            raise ReportError("no stories in the warehouse yet (article_stories is empty)")
        return row["story_id"]
    row = _one(con, "SELECT story_id FROM article_stories WHERE article_id = ?", [ref])
    if row:
        return row["story_id"]
    ids = [
        r["story_id"]
        for r in _rows(
            con,
            """
        SELECT DISTINCT story_id FROM article_stories WHERE story_id = ? OR starts_with(story_id, ?)
        ORDER BY story_id""",
            [ref, ref],
        )
    ]
    if ref in ids:
        return ref
    if len(ids) == 1:
        return ids[0]
    if len(ids) > 1:
        raise ReportError(f"story {ref!r} is ambiguous: {', '.join(ids[:5])}")
    raise ReportError(f"no story {ref!r} (give a story id, an article id or 'latest')")


def _segments(body: str, claims: list[dict]) -> list[dict]:
    """The article body cut at every claim span boundary: [{text, claims: [ids], anchors: [ids]}]."""
    n = len(body)
    spans = []
    for c in claims:
        for sp in c["content_spans"] or []:
            s, e = max(0, int(sp[0])), min(n, int(sp[1]))
            if e > s:
                spans.append((s, e, c["claim_id"]))
    cuts = sorted({0, n, *[s for s, _, _ in spans], *[e for _, e, _ in spans]})
    first_start: dict[str, int] = {}
    for s, _, cid in spans:
        first_start[cid] = min(s, first_start.get(cid, s))
    out = []
    for a, b in zip(cuts, cuts[1:]):
        covering = [cid for s, e, cid in spans if s <= a and b <= e]
        anchors = sorted({cid for cid, s in first_start.items() if s == a})
        out.append({"text": body[a:b], "claims": sorted(set(covering)), "anchors": anchors})
    return out


def _cross_groups(claims: list[dict], outlets: list[str]) -> list[dict]:
    """Claim groups carried by two or more outlets, every outlet's wording side by side (with the
    words the others do not have highlighted), numbered in order of first appearance."""
    groups: dict[str, list[dict]] = {}
    for c in claims:
        if c["group_n_outlets"] > 1:
            groups.setdefault(c["claim_group_id"], []).append(c)
    cross = []
    for gid, members in groups.items():
        per_outlet = []
        for o in outlets:
            mine = [m for m in members if m["outlet"] == o]
            theirs = [m["content"] for m in members if m["outlet"] != o]
            for m in mine:
                m["diff"] = highlight(m["content"], theirs)
            per_outlet.append({"outlet": o, "claims": mine})
        texts = {o["outlet"]: " ".join(m["content"] for m in o["claims"]) for o in per_outlet if o["claims"]}
        vals = list(texts.values())
        ov = [overlap(a, b) for i, a in enumerate(vals) for b in vals[i + 1 :]]
        cross.append(
            {
                "claim_group_id": gid,
                "speakers": sorted({m["speaker"] for m in members}),
                "kinds": sorted({m["kind"] for m in members}),
                "n_outlets": members[0]["group_n_outlets"],
                "n_claims": len(members),
                "overlap": sum(ov) / len(ov) if ov else None,
                "outlets": per_outlet,
                "order": min(
                    (m["published_date"] or dt.date.max, m["outlet"], m["content_start"]) for m in members
                ),
            }
        )
    cross.sort(key=lambda g: (g["order"], g["claim_group_id"]))
    for i, g in enumerate(cross, 1):
        g["number"] = i
    return cross


def _quoted(speakers: list[dict]) -> list[dict]:
    """Who was quoted how often: one row per speaker, a count per outlet and per kind of speech."""
    who: dict[str, dict] = {}
    for s in speakers:
        w = who.setdefault(
            s["speaker_key"],
            {
                "speaker": s["speaker"],
                "speaker_entity_id": s["speaker_entity_id"],
                "resolved": s["speaker_resolved"],
                "total": int(s["total_claims"]),
                "per_outlet": {},
                "direct": 0,
                "indirect": 0,
                "mixed": 0,
            },
        )
        w["per_outlet"][s["outlet"]] = int(s["n_claims"])
        for k in ("direct", "indirect", "mixed"):
            w[k] += int(s[f"n_{k}"])
    return sorted(who.values(), key=lambda w: (-w["total"], not w["resolved"], w["speaker"].lower()))


def story_report(wh: Warehouse, ref: str = "latest") -> dict[str, Any]:
    with open_warehouse(wh) as con:
        story_id = resolve_story(con, ref)
        articles = _rows(
            con,
            """
            SELECT r.*, a.body FROM rpt_story_articles r JOIN articles a USING (article_id)
            WHERE story_id = ? ORDER BY published_date NULLS LAST, outlet, article_id""",
            [story_id],
        )
        story = _one(con, "SELECT * FROM stories WHERE story_id = ?", [story_id]) or {}
        claims = _rows(
            con,
            """
            SELECT * FROM rpt_story_claims WHERE story_id = ?
            ORDER BY outlet, article_id, content_start, claim_id""",
            [story_id],
        )
        speakers = _rows(
            con,
            """
            SELECT * FROM rpt_story_speakers WHERE story_id = ?
            ORDER BY total_claims DESC, speaker, outlet""",
            [story_id],
        )
        exclusive = _rows(
            con,
            """
            SELECT * FROM rpt_story_exclusive WHERE story_id = ?
            ORDER BY outlet, item_kind, label, item_id""",
            [story_id],
        )
    outlets = sorted({a["outlet"] for a in articles})
    days = [a["published_date"] for a in articles if a["published_date"]]
    by_id = {c["claim_id"]: c for c in claims}
    for c in claims:
        c["anchor"] = f"claim-{c['claim_id']}"

    cross = _cross_groups(claims, outlets)
    quoted = _quoted(speakers)

    exclusive_by_outlet = []
    for o in outlets:
        items = [x for x in exclusive if x["outlet"] == o]
        exc_claims = [
            by_id[x["item_id"]] for x in items if x["item_kind"] == "claim" and x["item_id"] in by_id
        ]
        exc_entities = [x for x in items if x["item_kind"] == "entity"]
        exclusive_by_outlet.append({"outlet": o, "claims": exc_claims, "entities": exc_entities})

    texts = []
    for a in articles:
        mine = [c for c in claims if c["article_id"] == a["article_id"]]
        texts.append({**a, "claims": mine, "segments": _segments(a["body"] or "", mine)})

    title = story.get("title") or (articles[0]["title"] if articles else story_id)
    return {
        "kind": "story",
        "generated": _generated(),
        "story_id": story_id,
        "title": title,
        "first_seen": story.get("first_seen") or (min(days) if days else None),
        "last_seen": story.get("last_seen") or (max(days) if days else None),
        "n_articles": len(articles),
        "outlets": outlets,
        "articles": texts,
        "n_claims": len(claims),
        "n_grouped": sum(1 for c in claims if c["grouped"]),
        "cross_groups": cross,
        "quoted": quoted,
        "exclusive": exclusive_by_outlet,
        "multi_outlet": len(outlets) > 1,
    }


# -------------------------------------------------------------------------------------------- entity


def _fold(text: str) -> str:
    try:
        from newsclaims.extract.names import translit_fold
    except Exception:  # pragma: no cover - the fold is a convenience, plain lowercasing still works

        def translit_fold(t: str) -> str:
            return re.sub(r"[^a-z]", "", unicodedata.normalize("NFKD", t).lower())

    return " ".join(f for f in (translit_fold(t) for t in re.split(r"[\s\-]+", text or "")) if f)


def resolve_entity(con, name: str) -> tuple[dict, list[dict]]:
    """The entity a name means, and the other candidates: exact id, name or alias (any case), then the
    same name after transliteration folding (Sergey/Sergei), then a substring match."""
    q = (name or "").strip()
    if not q:
        raise ReportError("give an entity name")
    cands = _rows(con, named_query("report_resolve_entity"))
    key = _fold(q)
    ql = q.lower()

    def score(e: dict) -> int:
        names = [e["name"], *e["names"]]
        if any(n.lower() == ql for n in names):
            return 3
        if key and any(_fold(n) == key for n in names):
            return 2
        if any(ql in n.lower() for n in names) or (key and any(key in _fold(n) for n in names)):
            return 1
        return 0

    scored = sorted(
        ((score(e), e) for e in cands), key=lambda x: (-x[0], -x[1]["mention_count"], x[1]["name"])
    )
    scored = [(s, e) for s, e in scored if s > 0]
    if not scored:
        raise ReportError(f"no entity named {name!r}")
    best = scored[0][1]
    others = [e for s, e in scored[1:] if s == scored[0][0]][:10]
    return best, others


def entity_report(wh: Warehouse, name: str) -> dict[str, Any]:
    """Everything said by and about one entity (found by any alias or spelling), with its charts."""
    with open_warehouse(wh) as con:
        ent, others = resolve_entity(con, name)
        eid = ent["entity_id"]
        daily = _rows(
            con,
            """
            SELECT * FROM rpt_entity_daily WHERE entity_id = ? ORDER BY day NULLS LAST, outlet""",
            [eid],
        )
        by = _entity_claims(con, eid, "by")
        about = _entity_claims(con, eid, "about")
        arts = _rows(
            con,
            """
            SELECT * FROM rpt_entity_articles WHERE entity_id = ?
            ORDER BY published_date NULLS LAST, outlet, article_id""",
            [eid],
        )
    outlets = sorted({d["outlet"] for d in daily} | {a["outlet"] for a in arts})
    day_labels = _day_labels(daily)
    totals = {
        "mentions": sum(d["mentions"] for d in daily),
        "claims_by": len(by),
        "claims_about": len(about),
        "articles": len(arts),
    }
    return {
        "kind": "entity",
        "generated": _generated(),
        "query": name,
        "entity": ent,
        "others": others,
        "outlets": outlets,
        "daily": daily,
        "days": day_labels,
        "charts": _entity_charts(daily, outlets, day_labels),
        "claims_by": by,
        "claims_about": about,
        "articles": arts,
        "totals": totals,
    }


def _entity_claims(con, eid: str, role: str) -> list[dict]:
    """The claims by (``role`` "by") or about ("about") the entity, in date order."""
    return _rows(
        con,
        """
        SELECT * FROM rpt_entity_claims WHERE entity_id = ? AND role = ?
        ORDER BY published_date NULLS LAST, outlet, article_id, claim_id""",
        [eid, role],
    )


def _day_labels(daily: list[dict]) -> list[str]:
    """The days of the entity's activity (ISO dates in order), then "undated" when some of it is."""
    days = sorted({d["day"] for d in daily if d["day"] is not None})
    undated = any(d["day"] is None for d in daily)
    return [d.isoformat() for d in days] + (["undated"] if undated else [])


def _entity_charts(daily: list[dict], outlets: list[str], day_labels: list[str]) -> list[dict]:
    """Two SVG bar charts per day and outlet: mentions, and claims by or about the entity."""
    from newsclaims.report.chart import grouped_bars

    def series(metric) -> list[dict]:
        out = []
        for o in outlets:
            vals = []
            for label in day_labels:
                vals.append(
                    sum(
                        metric(d)
                        for d in daily
                        if d["outlet"] == o and (d["day"].isoformat() if d["day"] else "undated") == label
                    )
                )
            out.append({"outlet": o, "values": vals})
        return out

    return [
        grouped_bars("Mentions per day and outlet", day_labels, series(lambda d: d["mentions"])),
        grouped_bars(
            "Claims by or about the entity per day and outlet",
            day_labels,
            series(lambda d: d["claims_by"] + d["claims_about"]),
        ),
    ]


# ----------------------------------------------------------------------------------------------- run


def resolve_run(con, ref: Optional[str]) -> str:
    if not ref or ref == "latest":
        row = _one(con, "SELECT run_id FROM rpt_runs WHERE recency = 1")
        if row is None:
            raise ReportError("no runs recorded in the warehouse")
        return row["run_id"]
    ids = [
        r["run_id"]
        for r in _rows(con, "SELECT run_id FROM runs WHERE starts_with(run_id, ?) ORDER BY run_id", [ref])
    ]
    if ref in ids:
        return ref
    if len(ids) == 1:
        return ids[0]
    if ids:
        raise ReportError(f"run {ref!r} is ambiguous: {', '.join(ids[:5])}")
    raise ReportError(f"no run {ref!r}")


def run_report(wh: Warehouse, ref: Optional[str] = None) -> dict[str, Any]:
    with open_warehouse(wh) as con:
        run_id = resolve_run(con, ref)
        run = _one(con, "SELECT * FROM rpt_runs WHERE run_id = ?", [run_id])
        rejects = _rows(
            con, "SELECT * FROM rpt_run_rejects WHERE run_id = ? ORDER BY n DESC, stage, reason", [run_id]
        )
        stages = _rows(
            con, "SELECT stage, seconds FROM rpt_run_stages WHERE run_id = ? ORDER BY stage", [run_id]
        )
        tables = _rows(con, named_query("report_run_tables"), [run_id])
        checks = _rows(con, named_query("report_run_checks"), [run_id])
        duplicates = _rows(
            con,
            """
            SELECT d.raw_path, d.method, d.similarity, d.duplicate_of, a.title AS duplicate_of_title
            FROM duplicates d LEFT JOIN articles a ON a.article_id = d.duplicate_of
            WHERE d.run_id = ? ORDER BY d.raw_path LIMIT 50""",
            [run_id],
        )
        recent = _rows(con, "SELECT * FROM rpt_runs ORDER BY recency LIMIT 10")
    total_stage = sum(s["seconds"] or 0 for s in stages)
    for s in stages:
        s["share"] = (s["seconds"] or 0) / total_stage if total_stage else 0.0
    for t in tables:
        t["per_run"] = bool(t["per_run"])
    return {
        "kind": "run",
        "generated": _generated(),
        "run_id": run_id,
        "run": run,
        "headline": [
            ("documents in", run["n_documents"]),
            ("new articles", run["n_new"]),
            ("duplicates", run["n_duplicates"]),
            ("rejects", run["n_rejects"]),
            ("already seen", run["n_skipped"]),
            ("mentions", run["n_mentions"]),
            ("claims", run["n_claims"]),
        ],
        "rejects": rejects,
        "stages": stages,
        "stage_total": total_stage,
        "tables": tables,
        "checks": checks,
        "n_warn": sum(1 for c in checks if c["status"] == "warn"),
        "duplicates": duplicates,
        "recent": recent,
    }


def to_json(data: dict) -> str:
    return json.dumps(data, default=str, indent=2)
