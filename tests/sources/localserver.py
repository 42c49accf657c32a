"""A tiny HTTP server on 127.0.0.1 for source tests: our own feeds and pages, ETag / Last-Modified,
304s, flaky and slow routes, redirects, and a log of every request."""

from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
LAST_MODIFIED = "Tue, 05 Mar 2024 10:00:00 GMT"


class LocalServer:
    def __init__(self):
        self.routes: dict[str, dict] = {}
        self.log: list[tuple[str, dict]] = []
        self.active: dict[str, int] = {}
        self.max_active = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                server._handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(
        self,
        path: str,
        body: bytes | str,
        content_type: str = "text/html; charset=utf-8",
        *,
        etag: bool = True,
        status: int = 200,
        headers: dict | None = None,
        fail_times: int = 0,
        delay: float = 0.0,
        trickle: float = 0.0,
    ) -> None:
        """``trickle``: send the body one byte every ``trickle`` seconds (a server that never trips a
        per-read timeout)."""
        if isinstance(body, str):
            body = body.replace("{BASE}", self.base).encode("utf-8")
        self.routes[path] = dict(
            body=body,
            ctype=content_type,
            etag=etag,
            status=status,
            headers=headers or {},
            fail_times=fail_times,
            delay=delay,
            trickle=trickle,
        )

    def add_file(self, path: str, fixture: str, content_type: str = "application/rss+xml", **kw) -> None:
        self.add(path, (HERE / fixture).read_text(encoding="utf-8"), content_type, **kw)

    def requests_to(self, path: str) -> list[dict]:
        return [h for p, h in self.log if p == path]

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path.split("?")[0]
        hdrs = {k.lower(): v for k, v in h.headers.items()}
        with self._lock:
            self.log.append((path, hdrs))
            self.active[path] = self.active.get(path, 0) + 1
            self.max_active = max(self.max_active, sum(self.active.values()))
        try:
            r = self.routes.get(path)
            if r is None:
                return self._send(h, 404, b"not found", "text/plain")
            if r["delay"]:
                time.sleep(r["delay"])
            if r["fail_times"] > 0:
                r["fail_times"] -= 1
                return self._send(h, 503, b"try later", "text/plain")
            extra = dict(r["headers"])
            if r["etag"]:
                tag = '"' + hashlib.sha256(r["body"]).hexdigest()[:16] + '"'
                extra["ETag"] = tag
                extra["Last-Modified"] = LAST_MODIFIED
                if hdrs.get("if-none-match") == tag:
                    return self._send(h, 304, b"", r["ctype"], extra)
            self._send(h, r["status"], r["body"], r["ctype"], extra, r.get("trickle", 0.0))
        finally:
            with self._lock:
                self.active[path] -= 1

    @staticmethod
    def _send(h, status, body, ctype, extra=None, trickle=0.0):
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)) if status != 304 else "0")
        for k, v in (extra or {}).items():
            h.send_header(k, v)
        h.end_headers()
        if status == 304:
            return
        if not trickle:
            try:
                h.wfile.write(body)
            except OSError:  # the client hung up (a size limit, a deadline)
                pass
            return
        try:
            for i in range(len(body)):
                h.wfile.write(body[i : i + 1])
                h.wfile.flush()
                time.sleep(trickle)
        except OSError:  # the client hung up
            pass

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
