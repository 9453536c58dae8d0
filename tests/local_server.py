"""A small HTTP server on 127.0.0.1 for link-check tests, and a port nothing listens on."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


class Handler(BaseHTTPRequestHandler):
    """/ok 200, /moved 301 to /ok, /missing 404, /slow 200 after 3 s, /nohead 405 to HEAD, /loop 302 to itself."""

    def do_HEAD(self):
        self._answer()

    do_GET = do_HEAD

    def _answer(self):
        self.server.seen.append((self.command, self.path, self.headers.get("User-Agent")))
        path = urlsplit(self.path).path
        if path == "/ok":
            self._send(200)
        elif path == "/moved":
            self._send(301, location="/ok")
        elif path == "/missing":
            self._send(404)
        elif path == "/slow":
            time.sleep(3)
            self._send(200)
        elif path == "/nohead":
            self._send(405 if self.command == "HEAD" else 200)
        elif path == "/loop":
            self._send(302, location="/loop")
        else:
            self._send(500)

    def _send(self, code, location=None):
        self.send_response(code)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # the checker hangs up on /slow on purpose; the broken pipe is expected


@contextmanager
def serve() -> Iterator[QuietServer]:
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    httpd.seen = []
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def without_proxies(monkeypatch) -> None:
    # The test server is local; a proxy from the environment must not get in between.
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
