"""Each source kind on our own recorded samples (tests/sources/), served from 127.0.0.1."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from localserver import HERE as SAMPLES  # noqa: E402
from localserver import LocalServer

from newsclaims.ingest.sources.registry import SourcesFileError, load_sources  # noqa: E402
from newsclaims.ingest.sources.web import FetchConfig, Fetcher  # noqa: E402
from newsclaims.ingest.state import SourceState  # noqa: E402

FAST = 'fetch = { timeout = 5, retries = 2, backoff = 0.01, allow_hosts = ["127.0.0.1"] }\n'


@pytest.fixture
def server():
    with LocalServer() as s:
        for page in ("ferry", "budget", "catches", "nomain"):
            s.add_file(f"/news/{page}.html", f"pages/{page}.html", "text/html; charset=utf-8")
        s.add_file("/world.xml", "feeds/world.xml")
        yield s


def source(tmp_path, block: str, name: str = "x"):
    p = tmp_path / "sources.toml"
    p.write_text(f'[[sources]]\nname = "{name}"\n{block}\n')
    return load_sources(p).get(name)


# --- rss / atom -------------------------------------------------------------------------------------


def test_rss_items_take_title_and_date_from_the_feed_and_text_from_the_page(tmp_path, server):
    src = source(tmp_path, f'kind = "rss"\nurl = "{server.url("/world.xml")}"\n{FAST}')
    docs = list(src.documents())
    assert [d.raw_path for d in docs] == [server.url("/news/ferry.html"), server.url("/news/budget.html")]
    ferry = docs[0]
    assert ferry.error is None
    assert ferry.metadata["title"] == "Port authority says new ferry line will open in May"
    assert ferry.metadata["date"] == "2024-03-05"
    assert ferry.default_outlet == "Harbour Gazette"
    text = ferry.data.decode()
    assert text.startswith("The port authority said on Tuesday")
    assert "Jonas Vik" in text and "Most read" not in text and "Cookie" not in text
    assert all(h["user-agent"].startswith("newsclaims/") for _, h in server.log)


def test_atom_uses_item_content_without_fetching(tmp_path):
    (tmp_path / "feeds").mkdir()
    shutil.copy(SAMPLES / "feeds/atom.xml", tmp_path / "feeds/atom.xml")
    src = source(
        tmp_path, 'kind = "atom"\npath = "feeds/atom.xml"\nfull_text = "feed"\noutlet = "Valley Courier"'
    )
    a, b = list(src.documents())
    assert a.error is None and a.metadata["date"] == "2024-04-02"
    assert a.metadata["title"].startswith("Council approves")
    assert "Maria Okafor" in a.data.decode() and "\n\n" in a.data.decode()
    assert "date" not in b.metadata  # no date in the entry: the pipeline falls back to the text


def test_broken_xml_is_one_reject_for_the_feed(tmp_path, server):
    server.add_file("/broken.xml", "feeds/broken.xml")
    (doc,) = list(source(tmp_path, f'kind = "rss"\nurl = "{server.url("/broken.xml")}"\n{FAST}').documents())
    assert doc.raw_path == server.url("/broken.xml")
    assert doc.error.startswith("broken XML:")


def test_external_entities_are_refused(tmp_path, server):
    server.add_file("/xxe.xml", "feeds/xxe.xml")
    (doc,) = list(source(tmp_path, f'kind = "rss"\nurl = "{server.url("/xxe.xml")}"\n{FAST}').documents())
    assert "entity" in doc.error and "root:" not in doc.error
    assert len(server.log) == 1  # nothing else fetched


def test_missing_and_unreadable_dates(tmp_path):
    (tmp_path / "nodate.xml").write_bytes((SAMPLES / "feeds/nodate.xml").read_bytes())
    lenient = list(source(tmp_path, 'kind = "rss"\npath = "nodate.xml"').documents())
    assert [d.error for d in lenient] == [None, None] and all("date" not in d.metadata for d in lenient)
    strict = list(source(tmp_path, 'kind = "rss"\npath = "nodate.xml"\nrequire_date = true').documents())
    assert strict[0].error == "item has no date (pubDate / published / updated)"
    assert strict[1].error == "unparseable date 'sometime last spring'"


def test_page_without_main_text_is_a_reject(tmp_path, server):
    feed = (SAMPLES / "feeds/world.xml").read_text().replace("/news/budget.html", "/news/nomain.html")
    server.add("/feed2.xml", feed, "application/rss+xml")
    docs = list(
        source(
            tmp_path, f'kind = "rss"\nurl = "{server.url("/feed2.xml")}"\nfull_text = "page"\n{FAST}'
        ).documents()
    )
    assert docs[0].error is None
    assert docs[1].error == f"page {server.url('/news/nomain.html')}: no main text found"


def test_conditional_requests_and_seen_items(tmp_path, server):
    src = source(tmp_path, f'kind = "rss"\nurl = "{server.url("/world.xml")}"\n{FAST}')
    src.state = SourceState("x", tmp_path / "wh", "r1")
    assert len(list(src.documents())) == 2
    src.state.commit()
    src.state = SourceState("x", tmp_path / "wh", "r2")
    assert list(src.documents()) == []
    assert server.requests_to("/world.xml")[-1]["if-none-match"].startswith('"')
    assert len(server.requests_to("/news/ferry.html")) == 1


def test_retries_with_backoff_then_gives_up_as_transient(tmp_path, server):
    server.add("/flaky.xml", (SAMPLES / "feeds/world.xml").read_text(), "application/rss+xml", fail_times=2)
    docs = list(source(tmp_path, f'kind = "rss"\nurl = "{server.url("/flaky.xml")}"\n{FAST}').documents())
    assert len(docs) == 2 and len(server.requests_to("/flaky.xml")) == 3
    server.add("/down.xml", "x", fail_times=99)
    (doc,) = list(source(tmp_path, f'kind = "rss"\nurl = "{server.url("/down.xml")}"\n{FAST}').documents())
    assert "HTTP 503" in doc.error and len(server.requests_to("/down.xml")) == 3


def test_transient_page_errors_are_retried_next_run(tmp_path, server):
    server.routes["/news/budget.html"]["fail_times"] = 99
    src = source(tmp_path, f'kind = "rss"\nurl = "{server.url("/world.xml")}"\n{FAST}')
    src.state = SourceState("x", tmp_path / "wh", "r1")
    docs = list(src.documents())
    assert docs[0].error is None and "HTTP 503" in docs[1].error
    src.state.commit()
    server.routes["/news/budget.html"]["fail_times"] = 0
    src.state = SourceState("x", tmp_path / "wh", "r2")
    (again,) = list(src.documents())  # the feed is read again (no ETag kept), only the failed item
    assert again.raw_path.endswith("/news/budget.html") and again.error is None


def test_fetcher_size_cap_timeout_scheme_and_redirects(server):
    server.add("/big", "x" * 5000, "text/plain")
    server.add("/slow", "late", "text/plain", delay=1.0)
    server.add("/to-file", "", status=302, headers={"Location": "file:///etc/passwd"}, etag=False)
    server.add("/to-ferry", "", status=301, headers={"Location": "/news/ferry.html"}, etag=False)
    with Fetcher(FetchConfig(max_bytes=3000, timeout=0.3, retries=0)) as f:
        assert "over the limit" in f.get(server.url("/big")).error
        assert "timed out" in f.get(server.url("/slow")).error
        assert "only http and https" in f.get("file:///etc/passwd").error
        assert "redirect refused" in f.get(server.url("/to-file")).error
        r = f.get(server.url("/to-ferry"))
        assert r.ok and r.final_url.endswith("/news/ferry.html")


def test_per_host_concurrency_is_bounded(tmp_path, server):
    pages = [f"/p{i}.html" for i in range(8)]
    for p in pages:
        server.add(
            p, (SAMPLES / "pages/ferry.html").read_text().replace("ferry line", f"ferry line {p}"), delay=0.15
        )
    urls = ", ".join(f'"{server.url(p)}"' for p in pages)
    src = source(
        tmp_path,
        f'kind = "html"\nurls = [{urls}]\nfetch = {{ per_host = 2, concurrency = 8, backoff = 0.01 }}',
    )
    docs = list(src.documents())
    assert len(docs) == 8 and all(d.error is None for d in docs)
    assert server.max_active <= 2


# --- html -------------------------------------------------------------------------------------------


def test_html_folder_of_saved_pages(tmp_path):
    shutil.copytree(SAMPLES / "pages", tmp_path / "pages")
    src = source(tmp_path, 'kind = "html"\npath = "pages"')
    docs = {Path(d.raw_path).name: d for d in src.documents()}
    assert set(docs) == {"budget.html", "catches.html", "ferry.html", "nomain.html"}
    assert docs["budget.html"].metadata == {
        **docs["budget.html"].metadata,
        "title": "Mayor Elena Brandt rejects criticism of the harbour budget",
        "date": "2024-03-06",
    }
    assert docs["budget.html"].default_outlet == "Harbour Gazette"
    assert docs["nomain.html"].error.startswith("no main text found")
    # unchanged files are not read again once the state is committed
    src.state = SourceState("x", tmp_path / "wh", "r1")
    assert len(list(src.documents())) == 4
    src.state.commit()
    src.state = SourceState("x", tmp_path / "wh", "r2")
    assert list(src.documents()) == []


def test_html_folder_links_out_of_root_are_refused(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "secret.html").write_text("<html><body><p>secret</p></body></html>")
    (tmp_path / "pages" / "link.html").symlink_to(tmp_path / "secret.html")
    (doc,) = list(source(tmp_path, 'kind = "html"\npath = "pages"').documents())
    assert "outside the source root" in doc.error


# --- jsonl ------------------------------------------------------------------------------------------

JSONL = (
    'kind = "jsonl"\npath = "wire.jsonl"\n'
    'fields = { text = "body", title = "headline", date = "published_at", id = "guid", outlet = "source" }'
)


def test_jsonl_field_mapping_and_malformed_lines(tmp_path):
    shutil.copy(SAMPLES / "jsonl/wire.jsonl", tmp_path / "wire.jsonl")
    docs = list(source(tmp_path, JSONL).documents())
    assert [d.raw_path for d in docs] == [
        "wire.jsonl#w-1",
        "wire.jsonl#w-2",
        "wire.jsonl#L3",
        "wire.jsonl#w-4",
        "wire.jsonl#w-5",
    ]
    w1 = docs[0]
    assert w1.error is None and w1.default_outlet == "Wire Service"
    assert w1.metadata == {"title": "Central bank keeps interest rates unchanged", "date": "2024-05-02"}
    assert docs[2].error.startswith("line 3: invalid JSON")
    assert docs[3].error == "line 4: no text in field 'body'"
    assert docs[4].error is None and "date" not in docs[4].metadata
    strict = list(source(tmp_path, JSONL + "\nrequire_date = true").documents())
    assert strict[4].error == "line 5: no date in field 'published_at'"


def test_jsonl_reads_only_appended_lines(tmp_path):
    shutil.copy(SAMPLES / "jsonl/wire.jsonl", tmp_path / "wire.jsonl")
    src = source(tmp_path, JSONL)
    src.state = SourceState("x", tmp_path / "wh", "r1")
    assert len(list(src.documents())) == 5
    src.state.commit()
    src.state = SourceState("x", tmp_path / "wh", "r2")
    assert list(src.documents()) == []
    with open(tmp_path / "wire.jsonl", "a") as f:
        f.write('{"guid": "w-6", "headline": "New", "body": "A new line of text about the harbour."}\n')
    src.state = SourceState("x", tmp_path / "wh", "r3")
    assert [d.raw_path for d in src.documents()] == ["wire.jsonl#w-6"]


# --- config safety ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "block,field",
    [
        ('kind = "rss"\nurl = "file:///etc/passwd"', "url"),
        ('kind = "rss"\nurl = "ftp://example.com/feed.xml"', "url"),
        ('kind = "html"\nurls = ["http://ok.example/a", "gopher://x/b"]', "urls.1"),
        ('kind = "rss"\nurl = "https://example.com/f.xml"\nfetch = { timeout = -1 }', "fetch.timeout"),
        ('kind = "rss"\nurl = "https://example.com/f.xml"\nschedule = "every hour"', "schedule"),
        ('kind = "rss"\nurl = "https://example.com/f.xml"\nfull_text = "maybe"', "full_text"),
        ('kind = "jsonl"\npath = "a.jsonl"\nfields = { body = "text" }', "fields.body"),
        ('kind = "rss"', "url"),
    ],
)
def test_invalid_config_names_file_source_and_field(tmp_path, block, field):
    with pytest.raises(SourcesFileError) as e:
        source(tmp_path, block)
    msg = str(e.value)
    assert "sources.toml" in msg and "'x'" in msg and field in msg, msg


def test_invalid_pipeline_schedule(tmp_path):
    p = tmp_path / "sources.toml"
    p.write_text('[pipeline]\nschedule = "61 * * * *"\n')
    with pytest.raises(SourcesFileError, match=r"sources.toml: \[pipeline\]: field 'schedule'"):
        load_sources(p)


def test_unsafe_source_name_is_refused(tmp_path):
    with pytest.raises(SourcesFileError, match="field 'name'"):
        source(tmp_path, 'kind = "rss"\nurl = "https://example.com/f.xml"', name="../../etc")
