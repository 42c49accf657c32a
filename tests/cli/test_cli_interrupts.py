"""Ctrl-C and SIGTERM stop a real ``newsclaims run`` at once, in one line, with 130 / 143; the run is
recorded as interrupted; the next run ends with exactly the warehouse an uninterrupted run gives.

The run reads an RSS feed from a server on 127.0.0.1 that holds its answer until told to go on, so
the signal reaches the run while it is in the middle of ingest, as a slow feed would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newsclaims.load import database
from newsclaims.settings import Warehouse

VOLATILE = {"run_id", "ingested_at", "loaded_at"}
TABLES = [
    "articles",
    "duplicates",
    "rejects",
    "mentions",
    "entity_aliases",
    "entities",
    "claims",
    "article_stories",
    "stories",
    "claim_groups",
]

ITEMS = [
    (
        "Harbour plan approved",
        "Port director Lena Moss said the harbour expansion will begin in March. "
        "“This is a historic day for the town,” Moss told reporters on Monday. The council voted for it.",
    ),
    (
        "Rail strike called off",
        "Union leader Omar Field said the rail strike planned for Friday was called "
        "off. According to Field, the operator agreed to a new pay offer after talks that lasted all night.",
    ),
    (
        "School meals expanded",
        "Education Secretary Ruth Hale announced that free school meals will be "
        "extended to every primary school. “No child should learn on an empty stomach,” Hale said.",
    ),
]


def _feed_xml() -> bytes:
    items = "".join(
        f"<item><title>{t}</title><link>http://example.org/{i}</link><guid>item-{i}</guid>"
        f"<pubDate>Mon, 0{i + 1} Dec 2025 10:00:00 GMT</pubDate><description>{body}</description></item>"
        for i, (t, body) in enumerate(ITEMS)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Local Courier</title>'
        f"<link>http://example.org/</link><description>test</description>{items}</channel></rss>"
    ).encode()


class SlowFeed:
    """Serves the feed; while ``hold`` is set, a request waits (up to 60 s) before it is answered."""

    def __init__(self):
        self.hold = threading.Event()
        self.requested = threading.Event()
        body = _feed_xml()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                outer.requested.set()
                deadline = time.monotonic() + 60
                while outer.hold.is_set() and time.monotonic() < deadline:
                    time.sleep(0.05)
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/rss+xml")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the client is gone
                    pass

            def log_message(self, *a):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/feed.xml"

    def close(self):
        self.hold.clear()
        self.httpd.shutdown()


@pytest.fixture(scope="module")
def feed():
    server = SlowFeed()
    yield server
    server.close()


def _sources(root, url):
    root.mkdir(parents=True, exist_ok=True)
    p = root / "sources.toml"
    p.write_text(
        f'[[sources]]\nname = "courier"\nkind = "rss"\nurl = "{url}"\nfull_text = "feed"\n'
        f"fetch = {{ timeout = 120, retries = 0 }}\n"
    )
    return p


@pytest.fixture(scope="module")
def prefect_home(tmp_path_factory):
    """One Prefect home for the module's runs (its database is created once)."""
    return tmp_path_factory.mktemp("prefect-home")


def _env(home):
    env = dict(os.environ)
    env.setdefault("PREFECT_HOME", str(home))
    env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")  # a busy 2-core machine
    env["COLUMNS"] = "80"
    env.pop("NEWSCLAIMS_KILL_AT", None)
    return env


def _cli(args, env, **kw):
    return subprocess.Popen(
        [sys.executable, "-m", "newsclaims.cli.main", *args],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        **kw,
    )


def contents(wh_dir):
    wh = Warehouse.resolve(wh_dir)
    out = {}
    for t in TABLES:
        cols, _ = database.query(wh, f"SELECT * FROM {t} LIMIT 0")
        keep = [c for c in cols if c not in VOLATILE]
        out[t] = sorted(database.query(wh, f"SELECT {', '.join(keep)} FROM {t}")[1], key=repr)
    return out


@pytest.fixture(scope="module")
def reference(feed, tmp_path_factory, prefect_home):
    root = tmp_path_factory.mktemp("ref")
    proc = _cli(
        ["run", "--no-prefect", "--sources", str(_sources(root, feed.url)), "--warehouse", str(root / "wh")],
        _env(prefect_home),
    )
    out, errs = proc.communicate(timeout=600)
    assert proc.returncode == 0, errs
    got = contents(root / "wh")
    assert len(got["articles"]) == len(ITEMS) and got["claims"]
    return got


@pytest.mark.parametrize(
    "engine,sig",
    [("--prefect", signal.SIGINT), ("--prefect", signal.SIGTERM), ("--no-prefect", signal.SIGINT)],
)
def test_signal_stops_the_run_at_once_and_the_next_run_completes(
    feed, reference, prefect_home, tmp_path, engine, sig
):
    sources = _sources(tmp_path, feed.url)
    wh_dir = tmp_path / "wh"
    env = _env(prefect_home)
    feed.requested.clear()
    feed.hold.set()
    try:
        proc = _cli(["run", engine, "--sources", str(sources), "--warehouse", str(wh_dir)], env)
        assert feed.requested.wait(300), "the run never asked for the feed"
        time.sleep(0.5)  # in the middle of ingest: the request is open
        t0 = time.monotonic()
        if sig == signal.SIGINT:
            os.killpg(proc.pid, sig)  # as a terminal's Ctrl-C: the whole process group
        else:
            os.kill(proc.pid, sig)  # as a scheduler stopping it: the main process only
        out, errs = proc.communicate(timeout=60)
        seconds = time.monotonic() - t0
    finally:
        feed.hold.clear()
    assert proc.returncode == {signal.SIGINT: 130, signal.SIGTERM: 143}[sig], errs
    assert seconds < 5, f"took {seconds:.1f} s to stop"
    lines = [ln for ln in errs.splitlines() if ln.strip()]
    assert len(lines) == 1, errs
    assert lines[0].startswith(f"interrupted ({sig.name})") and "during ingest" in lines[0]
    assert "Traceback" not in out
    # nothing of the run is left behind: no process of its session still runs (killed ones may take
    # a moment to be reaped)
    deadline = time.monotonic() + 10
    while True:
        leftovers = subprocess.run(
            ["pgrep", "-s", str(proc.pid)], capture_output=True, text=True
        ).stdout.split()
        if not leftovers or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert not leftovers, f"processes of the stopped run still alive: {leftovers}"

    wh = Warehouse.resolve(wh_dir)
    runs = database.query(wh, "SELECT status, reason FROM runs")[1]
    assert runs == [("interrupted", f"stopped by {sig.name} (during ingest)")]

    again = _cli(["run", engine, "--sources", str(sources), "--warehouse", str(wh_dir)], env)
    out, errs = again.communicate(timeout=600)
    assert again.returncode == 0, errs
    assert contents(wh_dir) == reference
    runs = database.query(wh, "SELECT status FROM runs ORDER BY started_at")[1]
    assert runs == [("interrupted",), ("completed",)]
