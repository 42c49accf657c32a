"""Feed tokens come from the environment, reach only the feed's own host, and are never written to
logs, Parquet, state files or the warehouse."""

from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newsclaims.load import database
from newsclaims.pipeline import run_local
from newsclaims.settings import Warehouse

TOKEN = "Bearer nc-test-7f3a9c2e-secret"
ARTICLE = (
    "<html><head><title>Port reopens</title></head><body><article><h1>Port reopens after storm</h1>"
    "<p>The harbour master, Ines Vale, said on Tuesday that the port would reopen to cargo ships "
    "after the storm damage was repaired. “We are ready to work again,” Vale told reporters at "
    "the quay. Shipping companies welcomed the decision and said schedules would return to normal "
    "within a week, according to the port authority.</p></article></body></html>"
)


@pytest.fixture
def server():
    seen: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            seen.append({"path": self.path, "auth": self.headers.get("Authorization")})
            if self.headers.get("Authorization") != TOKEN:
                self.send_response(401)
                self.end_headers()
                return
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            if self.path == "/feed.xml":
                body = (
                    f'<?xml version="1.0"?><rss version="2.0"><channel><title>Port news</title>'
                    f"<item><title>Port reopens after storm</title><link>{base}/a1.html</link>"
                    f"<guid>a1</guid><pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate></item>"
                    f"</channel></rss>"
                ).encode()
                ctype = "application/rss+xml"
            else:
                body, ctype = ARTICLE.encode(), "text/html; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    httpd.shutdown()


def test_token_from_environment_is_used_and_never_stored(server, tmp_path, monkeypatch, caplog):
    base, seen = server
    monkeypatch.setenv("NC_TEST_FEED_TOKEN", TOKEN)
    (tmp_path / "sources.toml").write_text(
        f'[[sources]]\nname = "port"\nkind = "rss"\nurl = "{base}/feed.xml"\nfull_text = "page"\n'
        f'fetch = {{ headers_from_env = {{ Authorization = "NC_TEST_FEED_TOKEN" }}, retries = 0, '
        f'allow_hosts = ["127.0.0.1"] }}\n'
    )
    wh = Warehouse.resolve(tmp_path / "wh")
    with caplog.at_level(logging.DEBUG):
        summary = run_local(tmp_path / "sources.toml", wh)
    assert summary.n_articles == 1, database.query(wh, "SELECT reason FROM rejects")[1]
    assert all(r["auth"] == TOKEN for r in seen) and len(seen) == 2
    secret = TOKEN.split()[-1].encode()
    for path in (tmp_path / "wh").rglob("*"):
        if path.is_file():
            assert secret not in path.read_bytes(), path
    assert secret.decode() not in caplog.text
    assert secret not in (tmp_path / "sources.toml").read_bytes()


def test_token_is_not_sent_to_other_hosts():
    from newsclaims.ingest.sources.web import FetchConfig, Fetcher

    f = Fetcher(FetchConfig(headers_from_env={"Authorization": "HOME"}))
    assert f._secret_headers("http://127.0.0.1:1/feed.xml")  # the source's own host
    assert f._secret_headers("http://example.invalid/page") == {}  # a redirect elsewhere gets nothing
