"""Browsing the warehouse without SQL: ``stories``, ``entities``, ``report index``, ``report story
latest`` (the most recently ingested story), the ``sources`` commands that edit the sources file, and
the run summary on an 80-column terminal. A real warehouse: the seeds (published 2022) loaded by one
run, then an article published in 2019 loaded by a second run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import REPO
from typer.testing import CliRunner

from newsclaims.cli.main import app, shorten_words
from newsclaims.load import database

runner = CliRunner()

LATE = (
    "Bridge reopens after repairs\n\nDATE: 2019-05-02\n\n"
    "City engineer Maria Olsen said the old river bridge reopened on Thursday after two years of work. "
    "“We replaced every cable, rebuilt the deck and strengthened the foundations so that the bridge will "
    "carry twice the traffic it was designed for in 1931,” Olsen told the city council on Thursday. "
    "Mayor Tom Berg said the repairs came in under budget.\n"
)


def _sources(folder):
    p = folder / "sources.toml"
    p.write_text(
        '# the feed\n[[sources]]\nname = "feed"\nkind = "text_dir"\npath = "raw"\n\n'
        '# a second source\n[[sources]]\nname = "other"\nkind = "text_dir"\npath = "raw"\n'
        'glob = "*.md"\n\n[pipeline]\nschedule = "0 6 * * *"\n'
    )
    return p


@pytest.fixture(scope="module")
def browse(tmp_path_factory):
    """(sources file, warehouse dir, story id of the 2019 article) after two runs."""
    from newsclaims.pipeline import run_local
    from newsclaims.settings import Warehouse

    root = tmp_path_factory.mktemp("browse")
    shutil.copytree(REPO / "seeds" / "raw", root / "raw")
    sources = _sources(root)
    wh = Warehouse.resolve(root / "wh")
    run_local(sources, wh)
    (root / "raw" / "bridge.txt").write_text(LATE, encoding="utf-8")
    second = run_local(sources, wh)
    assert second.n_articles == 1
    story = database.query(
        wh,
        """SELECT story_id FROM article_stories JOIN articles USING (article_id)
                           WHERE raw_path LIKE '%bridge.txt'""",
    )[1][0][0]
    return sources, wh.root, story


def _cli(*args, width=200):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": str(width)})


def test_report_story_latest_is_the_most_recently_ingested(browse):
    _, wh, late_story = browse
    res = _cli("report", "story", "latest", "--format", "md", "-w", wh)
    assert res.exit_code == 0, res.output
    assert "Bridge reopens" in res.stdout and "Lavrov" not in res.stdout.split("\n", 3)[0]
    assert late_story in res.stdout or "Bridge reopens" in res.stdout.split("\n", 1)[0]


def test_stories_lists_ids_counts_and_dates_with_filters(browse):
    _, wh, late_story = browse
    res = _cli("stories", "-w", wh)
    assert res.exit_code == 0, res.output
    lines = [ln for ln in res.stdout.splitlines() if "s_" in ln]
    assert late_story in lines[0]  # most recently ingested first
    assert "2 stories" in res.stdout or "stories" in res.stdout.splitlines()[-1]
    n_stories = database.query(
        __import__("newsclaims.settings", fromlist=["Warehouse"]).Warehouse.resolve(wh),
        "SELECT count(*) FROM stories",
    )[1][0][0]
    assert res.stdout.strip().splitlines()[-1].startswith(f"{n_stories} stories")
    res = _cli("stories", "--since", "2020-01-01", "-w", wh)
    assert late_story not in res.stdout and "2022-01-28" in res.stdout
    res = _cli("stories", "--search", "bridge repairs", "-w", wh)
    assert late_story in res.stdout and res.stdout.strip().splitlines()[-1].startswith("1 stories")
    res = _cli("stories", "--outlet", "tass", "-w", wh)
    assert late_story not in res.stdout and "TASS" not in res.stdout.splitlines()[-1]
    assert res.stdout.strip().splitlines()[-1].startswith("1 stories")
    res = _cli("stories", "--since", "yesterday", "-w", wh)
    assert res.exit_code == 2 and "YYYY-MM-DD" in res.stderr


def test_entities_lists_ids_types_counts_with_filters(browse):
    _, wh, _ = browse
    res = _cli("entities", "--type", "PERSON", "-w", wh)
    assert res.exit_code == 0, res.output
    body = res.stdout
    assert "person:maria-olsen" in body and "PERSON" in body and " ORG " not in body
    res = _cli("entities", "--search", "lavrov", "-w", wh)
    rows = [ln for ln in res.stdout.splitlines() if "lavrov" in ln.lower()]
    assert rows and all("Lavrov" in r for r in rows)
    res = _cli("entities", "--search", "russian federation", "-w", wh)  # an alias, not the name
    assert "kb:RUS" in res.stdout and res.stdout.strip().splitlines()[-1].startswith("1 entities")
    res = _cli("entities", "--search", "no-such-name-anywhere", "-w", wh)
    assert res.exit_code == 0 and res.stdout.strip().splitlines()[-1].startswith("0 entities")


def test_report_index_links_every_written_report_with_counts(browse, tmp_path):
    _, wh, late_story = browse
    for args in (("story", late_story), ("entity", "Olsen"), ("run",)):
        res = _cli("report", *args, "-w", wh)
        assert res.exit_code == 0, res.output
    res = _cli("report", "index", "-w", wh)
    assert res.exit_code == 0, res.output
    page_path = wh / "reports" / "index.html"
    assert res.stdout.strip() == str(page_path)
    page = page_path.read_text(encoding="utf-8")
    written = sorted(p.name for p in (wh / "reports").glob("*.html") if p.name != "index.html")
    links = sorted(re.findall(r'href="([^"]+)"', page))
    assert links == written and len(written) == 3
    assert "1 article(s)" in page and "mention(s)" in page and "completed" in page
    assert not re.search(r'(src|href)="(https?:)?//', page)  # self-contained
    other = tmp_path / "elsewhere" / "index.html"
    assert _cli("report", "index", "-w", wh, "--out", other).exit_code == 0
    for link in re.findall(r'href="([^"]+)"', other.read_text(encoding="utf-8")):
        assert (other.parent / link).resolve().is_file()


def test_sources_disable_enable_remove_keep_the_rest_of_the_file(tmp_path):
    src = _sources(tmp_path)
    (tmp_path / "raw").mkdir()
    before = src.read_text()
    res = _cli("sources", "disable", "feed", "--sources", src)
    assert res.exit_code == 0, res.output
    from newsclaims.ingest.sources.registry import load_sources

    assert load_sources(src).get("feed").config.enabled is False
    assert load_sources(src).get("other").config.enabled is True
    assert _cli("sources", "disable", "feed", "--sources", src).stdout.startswith(
        "source 'feed' is already disabled"
    )
    assert _cli("sources", "enable", "feed", "--sources", src).exit_code == 0
    assert load_sources(src).get("feed").config.enabled is True
    res = _cli("sources", "remove", "feed", "--sources", src)
    assert res.exit_code == 0, res.output
    after = src.read_text()
    assert [s.name for s in load_sources(src).sources] == ["other"]
    assert "# a second source" in after and "[pipeline]" in after and "# the feed" not in after
    assert after == before.replace(
        '# the feed\n[[sources]]\nname = "feed"\nkind = "text_dir"\npath = "raw"\n\n', ""
    )
    res = _cli("sources", "remove", "feed", "--sources", src)
    assert res.exit_code == 2 and "no source named 'feed'" in res.stderr


def test_sources_add_warns_when_the_path_or_url_does_not_answer(tmp_path):
    class Handler(BaseHTTPRequestHandler):
        def do_HEAD(self):  # noqa: N802
            self.send_response(200 if self.path == "/ok.xml" else 404)
            self.end_headers()

        def log_message(self, *a):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    src = tmp_path / "s.toml"
    try:
        res = _cli(
            "sources", "add", "--name", "ok", "--kind", "rss", "--url", f"{base}/ok.xml", "--sources", src
        )
        assert res.exit_code == 0 and "warning" not in res.stderr
        res = _cli(
            "sources",
            "add",
            "--name",
            "missing",
            "--kind",
            "rss",
            "--url",
            f"{base}/gone.xml",
            "--sources",
            src,
        )
        assert res.exit_code == 0 and "added source 'missing'" in res.stdout
        assert res.stderr.count("\n") == 1 and "answers HTTP 404" in res.stderr
        res = _cli(
            "sources",
            "add",
            "--name",
            "folder",
            "--kind",
            "text_dir",
            "--path",
            "no/such/folder",
            "--sources",
            src,
        )
        assert res.exit_code == 0 and "no/such/folder does not exist" in res.stderr
    finally:
        httpd.shutdown()


def test_sources_list_shows_files_seen_and_when(browse):
    sources, wh, _ = browse
    res = _cli("sources", "list", "--sources", sources, "--warehouse", wh)
    assert res.exit_code == 0, res.output
    feed_row = next(ln for ln in res.stdout.splitlines() if ln.startswith("│ feed"))
    n_files = len(list((sources.parent / "raw").glob("*.txt")))
    assert f"{n_files} of {n_files} files" in feed_row
    last = database.query(
        __import__("newsclaims.settings", fromlist=["Warehouse"]).Warehouse.resolve(wh),
        "SELECT strftime(max(started_at), '%Y-%m-%d %H:%M') FROM runs",
    )[1][0][0]
    assert last in feed_row
    other_row = next(ln for ln in res.stdout.splitlines() if ln.startswith("│ other"))
    assert "0 of 0 files" in other_row


def test_shorten_words_never_cuts_a_word():
    text = "We replaced every cable, rebuilt the deck and strengthened the foundations of the bridge"
    for width in range(5, len(text) + 5):
        got = shorten_words(text, width)
        assert len(got) <= width
        words = set(re.findall(r"\w+", text))
        assert all(w in words for w in re.findall(r"\w+", got)), (width, got)


def test_run_summary_on_an_80_column_terminal_cuts_no_word(tmp_path):
    shutil.copytree(REPO / "seeds" / "raw", tmp_path / "raw")
    (tmp_path / "raw" / "bridge.txt").write_text(LATE, encoding="utf-8")
    src = _sources(tmp_path)
    env = dict(os.environ, COLUMNS="80")
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "newsclaims.cli.main",
            "run",
            "--no-prefect",
            "--sources",
            str(src),
            "--warehouse",
            str(tmp_path / "wh"),
        ],
        env=env,
        text=True,
        capture_output=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr
    table = res.stdout.split("who said what", 1)[1]
    assert max(len(ln) for ln in table.splitlines()) <= 80
    from newsclaims.settings import Warehouse

    contents = " ".join(
        c for (c,) in database.query(Warehouse.resolve(tmp_path / "wh"), "SELECT content FROM claims")[1]
    )
    words = set(re.findall(r"\w+", contents))
    cells = [ln.split("│")[-2] for ln in table.splitlines() if ln.count("│") >= 6]
    tokens = re.findall(r"\w+", " ".join(cells))
    assert tokens and all(t in words for t in tokens if not t.isdigit()), [
        t for t in tokens if t not in words
    ]
    assert any("…" in c for c in cells)  # a long quote was shortened, at a word boundary
