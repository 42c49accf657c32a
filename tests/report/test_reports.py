"""`newsclaims report`: story dossiers, entity pages and run health on a warehouse the real pipeline built
from the seeds plus a hostile feed (see tests/browser/reports_support.py)."""

from __future__ import annotations

import html
import re

import pytest
from browser.reports_support import build_report_warehouse
from typer.testing import CliRunner

runner = CliRunner()


@pytest.fixture(scope="session")
def report_wh(tmp_path_factory):
    return build_report_warehouse(tmp_path_factory.mktemp("reports"))


def _cli(*args):
    from newsclaims.cli.report import report_app

    return runner.invoke(report_app, [str(a) for a in args])


def _text(page: str) -> str:
    """Visible-ish text of a page: tags dropped, entities decoded (for content assertions)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.fixture(scope="module")
def seed_story(report_wh):
    from newsclaims.report import story_report

    wh, info = report_wh
    return story_report(wh, info["tass"])


# ------------------------------------------------------------------------------------------- views


def test_rpt_views_are_in_the_warehouse(report_wh):
    from newsclaims.load import database

    wh, _ = report_wh
    _, rows = database.query(
        wh, "SELECT view_name FROM duckdb_views() WHERE view_name LIKE 'rpt_%' ORDER BY 1"
    )
    assert {r[0] for r in rows} >= {
        "rpt_story_articles",
        "rpt_story_claims",
        "rpt_story_speakers",
        "rpt_story_exclusive",
        "rpt_entity_claims",
        "rpt_entity_daily",
        "rpt_entity_articles",
        "rpt_runs",
        "rpt_run_rejects",
        "rpt_run_stages",
        "rpt_table_rows",
        "rpt_quality_checks",
    }


# ------------------------------------------------------------------------------------------- story


def test_story_has_both_outlets_and_the_date(seed_story):
    assert seed_story["outlets"] == ["TASS", "The Moscow Times"]
    assert str(seed_story["first_seen"]) == "2022-01-28"


def test_story_shows_the_three_cross_outlet_pairs_side_by_side(seed_story, report_wh):
    _, info = report_wh
    groups = seed_story["cross_groups"]
    for tass_id, mt_id in info["pairs"]:
        hits = []
        for g in groups:
            cols = {o["outlet"]: {c["claim_id"] for c in o["claims"]} for o in g["outlets"]}
            if tass_id in cols["TASS"] and mt_id in cols["The Moscow Times"]:
                hits.append(g)
        assert len(hits) == 1, (tass_id, mt_id)
    # one TASS quote is matched by two Moscow Times wordings: a group with several claims per outlet
    assert any(len(o["claims"]) >= 2 for g in groups for o in g["outlets"])
    # differences are highlighted, shared words are not
    first = next(
        c for g in groups for o in g["outlets"] for c in o["claims"] if c["claim_id"] == info["pairs"][0][1]
    )
    changed = {t.strip() for t, ch in first["diff"] if ch}
    shared = "".join(t for t, ch in first["diff"] if not ch)
    assert "Russia" in changed and "If it depends on" in shared


def test_lavrov_is_the_most_quoted_speaker(seed_story):
    top = seed_story["quoted"][0]
    assert top["speaker"] in ("Sergei Lavrov", "Sergey Lavrov") and top["resolved"]
    assert top["total"] > seed_story["quoted"][1]["total"]
    assert top["per_outlet"]["TASS"] > 0 and top["per_outlet"]["The Moscow Times"] > 0


def test_story_lists_what_only_one_outlet_carried(seed_story, report_wh):
    _, info = report_wh
    grouped = {cid for pair in info["pairs"] for cid in pair}
    excl = {x["outlet"]: x for x in seed_story["exclusive"]}
    assert set(excl) == {"TASS", "The Moscow Times"}
    for outlet, x in excl.items():
        ids = {c["claim_id"] for c in x["claims"]}
        assert ids and not ids & grouped
        assert all(c["outlet"] == outlet for c in x["claims"])
    mt = " ".join(c["content"] for c in excl["The Moscow Times"]["claims"])
    assert "retaliatory measures" in mt


def test_story_page_links_every_claim_to_its_sentence(report_wh):
    wh, info = report_wh
    r = _cli("story", info["tass"], "-w", wh.root, "--out", wh.root / "story.html")
    assert r.exit_code == 0, r.output
    page = (wh.root / "story.html").read_text()
    assert r.output.strip().endswith("story.html")
    text = _text(page)
    for needle in (
        "TASS",
        "The Moscow Times",
        "2022-01-28",
        "Sergei Lavrov",
        "If it depends on the Russian Federation",
        "throwing wool over our eyes",
    ):
        assert needle in text, needle
    links = set(re.findall(r'href="#(claim-c_[0-9a-f]+)"', page))
    anchors = set(re.findall(r'id="(claim-c_[0-9a-f]+)"', page))
    from newsclaims.load import database

    _, rows = database.query(
        wh, "SELECT claim_id FROM claims WHERE article_id IN (?, ?)", [info["tass"], info["mt"]]
    )
    assert {f"claim-{cid}" for (cid,) in rows} == links == anchors
    # the claim's anchor sits at its content span in the article text
    tass_claim = info["pairs"][0][0]
    after = page.split(f'id="claim-{tass_claim}"></span>', 1)[1]
    assert _text(after[:400]).startswith('"If it depends on the Russian Federation')
    # self-contained: nothing is loaded from anywhere else
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "<link " not in page and "@import" not in page and "url(" not in page


def test_story_latest_and_unknown(report_wh):
    wh, _ = report_wh
    r = _cli("story", "latest", "-w", wh.root, "--format", "md")
    assert r.exit_code == 0, r.output
    assert "# Story:" in r.output
    r = _cli("story", "s_nope", "-w", wh.root)
    assert r.exit_code == 1 and "no story" in r.output


def test_story_without_claim_groups(report_wh):
    """The hostile article's story has one outlet and no cross-outlet claim group."""
    from newsclaims.report import story_report, to_html, to_markdown

    wh, info = report_wh
    data = story_report(wh, info["xss"])
    assert data["cross_groups"] == [] and data["outlets"] == ["Example Gazette"]
    page = to_html(data)
    assert "No claim groups span more than one outlet" in page
    assert "Only one outlet covered this story" in page
    assert "No claim group spans more than one outlet" in to_markdown(data)


def test_story_markdown_and_terminal(report_wh):
    wh, info = report_wh
    r = _cli("story", info["mt"], "-w", wh.root, "-f", "md")
    assert r.exit_code == 0, r.output
    assert "| TASS |" in r.output and "## Who was quoted how often" in r.output
    assert re.search(r"\| Sergei Lavrov \| \d+ \| \d+ \| \d+ \|", r.output)
    assert "**Russia**" in r.output  # a difference, in bold
    out = r.output
    r = _cli("story", info["mt"], "-w", wh.root, "-f", "md", "--out", wh.root / "story.md")
    assert r.exit_code == 0 and (wh.root / "story.md").read_text() == out
    r = _cli("story", info["mt"], "-w", wh.root, "-f", "term")
    assert r.exit_code == 0, r.output
    assert "Who was quoted how often" in r.output and "Sergei Lavrov" in r.output


# ------------------------------------------------------------------------------------------ hostile

PAYLOADS = ("<script>window.__pwned=1</script>", '"><img src=x onerror="window.__pwned=2">')


def test_article_markup_renders_as_inert_text(report_wh):
    from newsclaims.report import entity_report, story_report, to_html, to_markdown

    wh, info = report_wh
    data = story_report(wh, info["xss"])
    pages = [to_html(data), to_html(entity_report(wh, "Jo Pike"))]
    for page in pages:
        assert "window.__pwned" in page  # the text is there...
        for p in PAYLOADS:
            assert p not in page  # ...but never as markup
        assert "<img" not in page and "onerror=" not in page.replace("onerror=&#34;", "")
        assert page.count("<script") == 1  # only the page's own script
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;img src=x onerror=&#34;window.__pwned=2&#34;&gt;" in pages[0]
    md = to_markdown(data)
    assert r"\<script\>window.\_\_pwned=1" in md and r"\<img src=x onerror=" in md
    assert not re.search(r"(?<!\\)[<>]", md)  # every angle bracket escaped


# ------------------------------------------------------------------------------------------ entity


def test_entity_report_folds_spellings(report_wh):
    from newsclaims.report import entity_report

    wh, _ = report_wh
    a, b = entity_report(wh, "Sergei Lavrov"), entity_report(wh, "Sergey Lavrov")
    assert a["entity"]["entity_id"] == b["entity"]["entity_id"]
    assert entity_report(wh, "sergey lavrov")["entity"]["entity_id"] == a["entity"]["entity_id"]
    assert {"Sergei Lavrov", "Sergey Lavrov"} <= set(a["entity"]["aliases"])
    assert a["totals"]["claims_by"] >= 20
    assert {d["outlet"] for d in a["daily"]} == {"TASS", "The Moscow Times"}


def test_entity_page_has_a_chart(report_wh):
    wh, _ = report_wh
    out = wh.root / "lavrov.html"
    r = _cli("entity", "Sergey Lavrov", "-w", wh.root, "--out", out)
    assert r.exit_code == 0, r.output
    page = out.read_text()
    assert page.count("<svg") == 2 and page.count("<rect") >= 4
    text = _text(page)
    assert "Sergei Lavrov" in text and "What Sergei Lavrov said" in text and "2022-01-28" in text
    r = _cli("entity", "Sergey Lavrov", "-w", wh.root, "-f", "md")
    assert r.exit_code == 0 and "# Entity: Sergei Lavrov" in r.output
    r = _cli("entity", "Sergey Lavrov", "-w", wh.root, "-f", "term")
    assert r.exit_code == 0 and "Per day and outlet" in r.output
    r = _cli("entity", "Nobody Atall", "-w", wh.root)
    assert r.exit_code == 1 and "no entity" in r.output


# --------------------------------------------------------------------------------------------- run


def test_run_report_lists_each_reject_reason_with_its_count(report_wh):
    from newsclaims.report import run_report

    wh, info = report_wh
    data = run_report(wh, info["run_id"])
    reasons = {r["reason"]: r["n"] for r in data["rejects"]}
    assert len(reasons) == 2 and reasons["empty document"] == 1
    assert sum(n for reason, n in reasons.items() if reason.startswith("binary")) == 1
    assert dict(data["headline"])["rejects"] == 2
    r = _cli("run", "-w", wh.root, "-f", "md")
    assert r.exit_code == 0, r.output
    for reason, n in reasons.items():
        assert f"| decode | {reason} | {n} |" in r.output, reason
    r = _cli("run", info["run_id"][:12], "-w", wh.root, "--out", wh.root / "run.html")
    assert r.exit_code == 0, r.output
    text = _text((wh.root / "run.html").read_text())
    assert "empty document" in text and "Stage timings" in text and "extract" in text
    r = _cli("run", "-w", wh.root, "-f", "term")
    assert r.exit_code == 0 and "empty document" in r.output and "warn" in r.output


def test_run_report_quality_checks(report_wh):
    from newsclaims.report import run_report

    wh, info = report_wh
    checks = {c["check_name"]: c for c in run_report(wh, info["run_id"])["checks"]}
    nodate = checks["articles without a date"]
    assert (nodate["n_flagged"], nodate["n_rows"], nodate["status"]) == (1, 3, "warn")
    assert checks["articles without an outlet"]["status"] == "pass"
    speaker = checks["claims without a resolved speaker"]
    assert speaker["n_rows"] > 0 and speaker["status"] in ("pass", "warn")
    stages = {s["stage"] for s in run_report(wh, info["run_id"])["stages"]}
    assert {"ingest", "extract"} <= stages


def test_reports_open_the_warehouse_read_only(report_wh, monkeypatch):
    from newsclaims.load import database
    from newsclaims.report import entity_report, run_report, story_report

    wh, info = report_wh
    modes = []
    real = database.duckdb.connect  # every connection the reports open (the read copy's included)

    def spy(path, *args, read_only=False, **kw):
        modes.append(read_only)
        return real(path, *args, read_only=read_only, **kw)

    monkeypatch.setattr(database.duckdb, "connect", spy)
    story_report(wh, "latest"), entity_report(wh, "NATO"), run_report(wh)
    assert modes and all(modes)


def test_reports_work_on_a_warehouse_without_rpt_views(report_wh, tmp_path):
    """A warehouse loaded before the rpt_ views existed: reports create them as TEMP views."""
    import shutil

    from newsclaims.load import database
    from newsclaims.report import run_report
    from newsclaims.settings import Warehouse

    wh, _ = report_wh
    old = Warehouse.resolve(tmp_path / "old")
    old.root.mkdir()
    shutil.copy(wh.database, old.database)
    con = database.connect(old)
    for (v,) in con.execute("SELECT view_name FROM duckdb_views() WHERE view_name LIKE 'rpt_%'").fetchall():
        con.execute(f"DROP VIEW {v}")
    con.close()
    assert run_report(old)["rejects"]


def test_bad_format_and_missing_warehouse(tmp_path):
    r = _cli("run", "-w", tmp_path, "-f", "pdf")
    assert r.exit_code == 2
    r = _cli("run", "-w", tmp_path / "nowhere")
    assert r.exit_code == 1 and "no warehouse" in r.output
