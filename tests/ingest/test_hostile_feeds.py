"""Issue 19, network sources against real servers on 127.0.0.1: decompression is bounded, a request
has a deadline, secret headers stay with their origin, credentials in URLs are refused, links from
feed content never reach internal addresses, and a feed that cannot be parsed is a recorded failure
of its source while the others load."""

from __future__ import annotations

import gzip
import time
import tracemalloc
import zlib

import pytest
from hostile import ARTICLES, bounded, files_containing, page, rss  # noqa: E402
from localserver import LocalServer  # noqa: E402

from newsclaims.ingest.sources.registry import SourcesFileError, load_sources  # noqa: E402
from newsclaims.ingest.sources.web import FetchConfig, Fetcher  # noqa: E402
from newsclaims.load import database  # noqa: E402
from newsclaims.pipeline import run_local  # noqa: E402
from newsclaims.settings import Warehouse  # noqa: E402


@pytest.fixture(autouse=True)
def _one_process(monkeypatch):
    monkeypatch.setenv("NEWSCLAIMS_NLP_PROCESSES", "1")


def rows(wh, sql, params=None):
    return database.query(wh, sql, params)[1]


def zeros_gzip(n_bytes: int) -> bytes:
    """gzip of ``n_bytes`` zero bytes, compressed as a stream (the test never holds them)."""
    c = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"\0" * (1 << 20)
    out = [c.compress(chunk) for _ in range(n_bytes >> 20)]
    return b"".join(out) + c.flush()


@pytest.fixture(scope="module")
def bombs():
    inner = zeros_gzip(1 << 30)  # 1 GiB of zeros, about 1 MB of gzip
    return {"single": inner, "stacked": gzip.compress(inner, 9)}  # gzip, gzip: a few KB


def test_decoded_bytes_are_bounded_as_they_are_produced(bombs):
    assert len(bombs["stacked"]) < 20_000  # a few KB on the wire ...
    with LocalServer() as server:
        server.add("/stacked", bombs["stacked"], "text/html", headers={"Content-Encoding": "gzip, gzip"})
        server.add("/single", bombs["single"], "text/html", headers={"Content-Encoding": "gzip"})
        server.add(
            "/fine", gzip.compress(page(0).encode()), "text/html", headers={"Content-Encoding": "gzip"}
        )
        with Fetcher(FetchConfig(max_bytes=2_000_000, retries=0, timeout=10)) as f:
            tracemalloc.start()
            stacked, single, fine = (
                f.get(server.url("/stacked")),
                f.get(server.url("/single")),
                f.get(server.url("/fine")),
            )
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
    assert stacked.error == "stacked content encodings refused (gzip, gzip)"
    assert single.error == "response is over the limit of 2000000 bytes (decoded)"  # ... 1 GiB decoded
    assert fine.ok and fine.content == page(0).encode()
    assert peak < 40_000_000, f"peak {peak / 1e6:.0f} MB while fetching"


def test_a_request_has_a_deadline_not_only_a_read_timeout():
    with LocalServer() as server:
        server.add("/drip", b"x" * 100_000, "text/html", trickle=0.1)  # a byte every 0.1 s, for hours
        with Fetcher(FetchConfig(timeout=1, deadline=2, retries=2, backoff=0.01)) as f:
            t0 = time.monotonic()
            res = f.get(server.url("/drip"))
            took = time.monotonic() - t0
    assert res.error.startswith("request took longer than its deadline of 2s")
    assert took < 5, took  # one attempt: a deadline is not retried


def test_hostile_pages_are_rejects_and_the_run_ends_with_the_good_ones_loaded(tmp_path, bombs):
    with LocalServer() as server:
        server.add("/stacked.html", bombs["stacked"], "text/html", headers={"Content-Encoding": "gzip, gzip"})
        server.add("/bomb.html", bombs["single"], "text/html", headers={"Content-Encoding": "gzip"})
        server.add("/drip.html", page(1).encode() * 50, "text/html", trickle=0.1)
        server.add(
            "/good.html", gzip.compress(page(2).encode()), "text/html", headers={"Content-Encoding": "gzip"}
        )
        server.add(
            "/feed.xml",
            rss([(n, server.url(f"/{n}.html")) for n in ("stacked", "bomb", "drip", "good")]),
            "application/rss+xml",
        )
        (tmp_path / "s.toml").write_text(
            f'[[sources]]\nname = "hostile"\nkind = "rss"\nurl = "{server.url("/feed.xml")}"\nfull_text = "page"\n'
            "fetch = { timeout = 1, deadline = 3, max_bytes = 2000000, retries = 1, backoff = 0.01, "
            'allow_hosts = ["127.0.0.1"] }\n'
        )
        wh = Warehouse.resolve(tmp_path / "wh")
        t0 = time.monotonic()
        summary = bounded(lambda: run_local(tmp_path / "s.toml", wh), 180)
        took = time.monotonic() - t0
    assert summary.n_articles == 1 and rows(wh, "SELECT raw_path FROM articles") == [
        (server.url("/good.html"),)
    ]
    reasons = dict(rows(wh, "SELECT raw_path, reason FROM rejects"))
    assert reasons[server.url("/stacked.html")].endswith("stacked content encodings refused (gzip, gzip)")
    assert reasons[server.url("/bomb.html")].endswith("over the limit of 2000000 bytes (decoded)")
    assert "longer than its deadline of 3s" in reasons[server.url("/drip.html")]
    assert took < 90, took


def test_secret_headers_go_only_to_the_origin_of_the_first_request(tmp_path, monkeypatch):
    token = "Bearer nc-hostile-3b9e-secret"
    monkeypatch.setenv("NC_HOSTILE_TOKEN", token)
    with LocalServer() as home, LocalServer() as other:
        other.add("/story.html", page(0))
        home.add("/moved.html", "", status=302, headers={"Location": other.url("/story.html")}, etag=False)
        home.add("/feed.xml", rss([("moved", home.url("/moved.html"))]), "application/rss+xml")
        (tmp_path / "s.toml").write_text(
            f'[[sources]]\nname = "tok"\nkind = "rss"\nurl = "{home.url("/feed.xml")}"\nfull_text = "page"\n'
            'fetch = { headers_from_env = { Authorization = "NC_HOSTILE_TOKEN" }, retries = 0, '
            'allow_hosts = ["127.0.0.1"] }\n'
        )
        wh = Warehouse.resolve(tmp_path / "wh")
        summary = run_local(tmp_path / "s.toml", wh)
    assert summary.n_articles == 1  # the page behind the redirect was fetched ...
    assert [h.get("authorization") for _, h in home.log] == [token, token]
    assert [h.get("authorization") for _, h in other.log] == [None]  # ... without the token (other port)
    assert not files_containing(tmp_path / "wh", b"nc-hostile-3b9e-secret")
    f = Fetcher(FetchConfig(headers_from_env={"Authorization": "NC_HOSTILE_TOKEN"}))
    assert f._secret_headers("https://feeds.example.com/rss")
    assert f._secret_headers("https://feeds.example.com:443/other")  # the same origin
    assert f._secret_headers("http://feeds.example.com/rss") == {}  # https -> http: never in clear
    assert f._secret_headers("https://feeds.example.com:8443/rss") == {}
    assert f._secret_headers("https://cdn.example.com/rss") == {}


def test_credentials_in_a_feed_url_are_refused_with_a_pointer(tmp_path):
    (tmp_path / "s.toml").write_text(
        '[[sources]]\nname = "x"\nkind = "rss"\nurl = "https://alice:pw-7c1d@feeds.example.com/rss.xml"\n'
    )
    with pytest.raises(SourcesFileError) as info:
        load_sources(tmp_path / "s.toml")
    assert "headers_from_env" in str(info.value) and "pw-7c1d" not in str(info.value)
    assert "\n" not in str(info.value)


def test_links_from_feed_content_never_reach_internal_addresses(tmp_path):
    secret = "db_password=hunter2-internal"
    with LocalServer() as server:
        server.add("/internal.html", page(3, f"<p>{secret}</p>"))
        server.add(
            "/feed.xml",
            rss(
                [
                    ("loopback", server.url("/internal.html")),
                    ("by-name", server.url("/internal.html").replace("127.0.0.1", "localhost")),
                    ("metadata", "http://169.254.169.254/latest/meta-data/"),
                    ("private", "http://10.1.2.3/admin"),
                    ("creds", server.url("/internal.html").replace("127.0.0.1", "bob:pw-55aa@127.0.0.1")),
                ]
            ),
            "application/rss+xml",
        )
        (tmp_path / "s.toml").write_text(  # the feed URL itself is the user's choice: it is read
            f'[[sources]]\nname = "ssrf"\nkind = "rss"\nurl = "{server.url("/feed.xml")}"\nfull_text = "page"\n'
            "fetch = { retries = 0, timeout = 2 }\n"
        )
        wh = Warehouse.resolve(tmp_path / "wh")
        summary = bounded(lambda: run_local(tmp_path / "s.toml", wh), 120)
        assert server.requests_to("/internal.html") == []
    assert summary.n_articles == 0
    reasons = [r for (r,) in rows(wh, "SELECT reason FROM rejects ORDER BY reason")]
    assert len(reasons) == 5
    assert sum("127.0.0.1 is a loopback address" in r for r in reasons) == 2
    assert sum("169.254.169.254 is a link-local address" in r for r in reasons) == 1
    assert sum("10.1.2.3 is a private address" in r for r in reasons) == 1
    assert sum("no http(s) link" in r or "credentials" in r for r in reasons) == 1
    assert not files_containing(tmp_path / "wh", b"hunter2-internal")
    assert not files_containing(tmp_path / "wh", b"pw-55aa")


def test_allowed_hosts_are_fetched_and_redirects_are_checked_again(tmp_path):
    with LocalServer() as server:
        server.add("/story.html", page(1))
        server.add(
            "/hop.html",
            "",
            status=302,
            etag=False,
            headers={"Location": server.url("/story.html").replace("127.0.0.1", "localhost")},
        )
        server.add(
            "/feed.xml",
            rss([("ok", server.url("/story.html")), ("hop", server.url("/hop.html"))]),
            "application/rss+xml",
        )
        (tmp_path / "s.toml").write_text(
            f'[[sources]]\nname = "intranet"\nkind = "rss"\nurl = "{server.url("/feed.xml")}"\nfull_text = "page"\n'
            'fetch = { retries = 0, allow_hosts = ["127.0.0.1"] }\n'
        )
        wh = Warehouse.resolve(tmp_path / "wh")
        summary = run_local(tmp_path / "s.toml", wh)
        assert len(server.requests_to("/story.html")) == 1  # the redirect to "localhost" never connected
    assert summary.n_articles == 1
    (reason,) = [r for (r,) in rows(wh, "SELECT reason FROM rejects")]
    assert "redirect to http://localhost:" in reason and "loopback address" in reason


def test_the_connected_address_is_checked_too(tmp_path):
    """After DNS: a name that resolved to a public address at the check and to an internal one at
    the connection (DNS rebinding) is caught on the socket itself, before a request is sent."""
    import time as _time

    with LocalServer() as server:
        server.add("/x", "secret page")
        with Fetcher(FetchConfig(retries=0)) as f:
            res = f._get_once(server.url("/x"), {}, _time.monotonic() + 10, guarded=True)
        assert server.log == []
    assert res.error == "refused: connected to an internal address (127.0.0.1 is a loopback address)"


def test_a_feed_that_cannot_be_parsed_is_a_failure_of_its_source_and_the_others_load(tmp_path):
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "a.txt").write_text(f"Story\n\n{ARTICLES[0]}\n")
    with LocalServer() as server:
        server.add(
            "/mb4.xml", rss([("a", "https://example.com/a")], encoding="utf8mb4"), "application/rss+xml"
        )
        server.add("/junk.xml", bytes(range(256)) * 4, "application/rss+xml")
        (tmp_path / "s.toml").write_text(
            f'[[sources]]\nname = "mb4"\nkind = "rss"\nurl = "{server.url("/mb4.xml")}"\n\n'
            f'[[sources]]\nname = "junk"\nkind = "rss"\nurl = "{server.url("/junk.xml")}"\n\n'
            '[[sources]]\nname = "good"\nkind = "text_dir"\npath = "good"\n'
        )
        wh = Warehouse.resolve(tmp_path / "wh")
        first = run_local(tmp_path / "s.toml", wh)
        second = run_local(tmp_path / "s.toml", wh)  # and every run after it
    assert first.n_articles == 1 and rows(wh, "SELECT feed FROM articles") == [("good",)]
    assert sorted(first.source_failures) == ["junk", "mb4"]
    assert "LookupError: unknown encoding: utf8mb4" in first.source_failures["mb4"]
    assert second.n_articles == 0 and second.n_documents == 1  # the same bytes are not parsed again
    (reason,) = rows(wh, "SELECT reason FROM rejects WHERE feed = 'mb4'")[0]
    assert reason.startswith("broken XML: LookupError")


def test_an_impossible_feed_date_is_no_date(tmp_path):
    text = " ".join([ARTICLES[1]] * 3)
    (tmp_path / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Dates</title>'
        f"<item><title>Trees</title><guid>t1</guid><pubDate>2024-13-45</pubDate><description>{text}</description></item>"
        "</channel></rss>"
    )
    (tmp_path / "s.toml").write_text(
        '[[sources]]\nname = "d"\nkind = "rss"\npath = "feed.xml"\nfull_text = "feed"\n'
    )
    wh = Warehouse.resolve(tmp_path / "wh")
    assert run_local(tmp_path / "s.toml", wh).n_articles == 1
    assert rows(wh, "SELECT published_date FROM articles") == [(None,)]  # not 2025-01-01
