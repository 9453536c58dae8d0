"""Check stored addresses concurrently: does each one still answer?"""

from __future__ import annotations

import contextlib
import errno
import http.client
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from ..errors import NoNetwork

__all__ = ["MAX_REDIRECTS", "USER_AGENT", "CheckResult", "NoNetwork", "check_links"]

USER_AGENT = "roadmap-tracker linkcheck"
MAX_REDIRECTS = 10

_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
# Some servers refuse HEAD outright; they usually still serve GET.
_HEAD_REFUSED = frozenset({405, 501})
_OFFLINE_ERRNOS = frozenset({errno.ENETUNREACH, errno.ENETDOWN})


@dataclass(frozen=True)
class CheckResult:
    url: str
    status: int | None  # final HTTP status, None when no response
    final_url: str | None  # after redirects; None if same as url or no response
    redirects: int
    elapsed: float  # seconds
    error: str | None  # short human text, None when the check went through

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 400


def _no_network(results: list[CheckResult]) -> NoNetwork:
    n = len(results)
    error = NoNetwork(
        f"no network: could not reach any of {n} link{'' if n == 1 else 's'}; "
        "check your internet connection and try again"
    )
    error.results = results
    return error


def check_links(
    urls: Iterable[str],
    *,
    timeout: float = 10.0,
    overall: float = 60.0,
    workers: int = 8,
    opener=None,
) -> list[CheckResult]:
    """Check every address and return one result per input, in input order.

    Duplicates are checked once. *timeout* bounds each network operation of a
    link; *overall* bounds the whole call, after which unfinished links are
    reported as not checked. *opener* is anything with urllib's
    ``open(request, timeout=...)``; it must not follow redirects itself.

    Raises NoNetwork when every link failed for lack of a network (names
    not resolving, network unreachable), since N identical failures would
    only hide the real problem.
    """
    if workers < 1:
        raise ValueError("workers must be at least 1")
    urls = list(urls)
    unique = list(dict.fromkeys(urls))
    if not unique:
        return []

    aborter = _Aborter()
    if opener is None:
        opener = _build_opener()
    started: dict[str, float] = {}
    executor = ThreadPoolExecutor(max_workers=min(workers, len(unique)), thread_name_prefix="linkcheck")
    try:
        futures: dict[Future, str] = {
            executor.submit(_check_one, url, opener, timeout, aborter, started): url for url in unique
        }
        done, _ = wait(futures, timeout=overall)
    finally:
        # Stuck requests must not keep the caller (or interpreter exit) waiting:
        # queued links are dropped and open sockets are shut so workers wake up.
        executor.shutdown(wait=False, cancel_futures=True)
        aborter.abort()

    by_url: dict[str, tuple[CheckResult, bool]] = {}
    now = time.monotonic()
    for future, url in futures.items():
        if future in done:
            by_url[url] = future.result()
        else:
            elapsed = now - started.get(url, now)
            error = f"not checked: overall time limit of {overall:g}s reached"
            by_url[url] = (CheckResult(url, None, None, 0, elapsed, error), False)

    if all(offline for _, offline in by_url.values()):
        raise _no_network([by_url[url][0] for url in unique])
    return [by_url[url][0] for url in urls]


def _check_one(
    url: str, opener, timeout: float, aborter: _Aborter, started: dict[str, float]
) -> tuple[CheckResult, bool]:
    """Check one link; the flag says the failure means "no network"."""
    t0 = started[url] = time.monotonic()
    _local.aborter = aborter
    current, method, redirects = url, "HEAD", 0
    try:
        while True:
            if urlsplit(current).scheme.lower() not in ("http", "https"):
                error = f"redirected to a non-web address {current!r}" if redirects else "not an http(s) address"
                return CheckResult(url, None, None, redirects, _since(t0), error), False
            status, location = _request(opener, current, method, timeout)
            if method == "HEAD" and status in _HEAD_REFUSED:
                method = "GET"
                continue
            if status in _REDIRECT_CODES and location:
                if redirects == MAX_REDIRECTS:
                    return _result(url, status, current, redirects, t0, "too many redirects"), False
                redirects += 1
                current = urljoin(current, location)
                continue
            return _result(url, status, current, redirects, t0, None), False
    except Exception as exc:  # one bad link must not spoil the whole run
        error, offline = _describe(exc, timeout)
        return CheckResult(url, None, None, redirects, _since(t0), error), offline
    finally:
        _local.aborter = None


def _result(url, status, current, redirects, t0, error) -> CheckResult:
    final = current if current != url else None
    return CheckResult(url, status, final, redirects, _since(t0), error)


def _since(t0: float) -> float:
    return time.monotonic() - t0


def _request(opener, url: str, method: str, timeout: float) -> tuple[int, str | None]:
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    try:
        response = opener.open(request, timeout=timeout)
    except urllib.error.HTTPError as err:
        # urllib reports 3xx (we turned off its redirects), 4xx and 5xx this way.
        with err:
            return err.code, err.headers.get("Location") if err.headers else None
    # The body is never read: the status line and headers answer the question.
    with response:
        return response.status, response.headers.get("Location")


def _describe(exc: BaseException, timeout: float) -> tuple[str, bool]:
    """Short text for a failed check, and whether it points at no network."""
    # urllib wraps the socket error; the useful cause is in .reason.
    while isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException):
        exc = exc.reason
    if isinstance(exc, urllib.error.URLError):
        return f"cannot open: {exc.reason}", False
    if isinstance(exc, TimeoutError):
        return f"timed out after {float(timeout)}s", False
    if isinstance(exc, socket.gaierror):
        return "name not resolved", True
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused", False
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS error: {exc.verify_message}", False
    if isinstance(exc, ssl.SSLError):
        return f"TLS error: {exc.reason or exc}", False
    if isinstance(exc, http.client.RemoteDisconnected):
        return "server closed the connection without answering", False
    if isinstance(exc, ConnectionResetError):
        return "connection reset by the server", False
    if isinstance(exc, OSError) and exc.errno in _OFFLINE_ERRNOS:
        return "network unreachable", True
    if isinstance(exc, OSError) and exc.errno == errno.EHOSTUNREACH:
        # The network works but this one host is down or filtered.
        return "host unreachable", False
    if isinstance(exc, http.client.HTTPException):
        return f"bad HTTP response ({type(exc).__name__})", False
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror[:1].lower() + exc.strerror[1:], False
    return f"{type(exc).__name__}: {exc}", False


# --- aborting stuck requests --------------------------------------------
#
# ThreadPoolExecutor threads cannot be killed, and the interpreter joins them
# at exit. A request stuck on a slow server would therefore hold up the CLI
# after check_links returned. Connections made by the default opener register
# their socket with the current call's _Aborter, which shuts them down when the
# call ends, so a blocked recv() returns at once and the worker finishes.

_local = threading.local()


class _Aborter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._socks: list[socket.socket] = []
        self._aborted = False

    def track(self, sock: socket.socket) -> None:
        with self._lock:
            if not self._aborted:
                self._socks.append(sock)
                return
        _shut(sock)

    def abort(self) -> None:
        with self._lock:
            self._aborted = True
            socks, self._socks = self._socks, []
        for sock in socks:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    # The plain socket method: shutting down through SSLSocket would tear
    # down the TLS object under the worker thread still reading it.
    with contextlib.suppress(OSError):  # already closed by its own thread
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _TrackedMixin:
    def connect(self):
        super().connect()
        aborter = getattr(_local, "aborter", None)
        if aborter is not None and self.sock is not None:
            aborter.track(self.sock)


class _TrackedHTTPConnection(_TrackedMixin, http.client.HTTPConnection):
    pass


class _TrackedHTTPSConnection(_TrackedMixin, http.client.HTTPSConnection):
    pass


class _TrackedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_TrackedHTTPConnection, req)


class _TrackedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self) -> None:
        super().__init__()
        self._tls = ssl.create_default_context()

    def https_open(self, req):
        return self.do_open(_TrackedHTTPSConnection, req, context=self._tls)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # Redirects are followed by hand so they can be counted and capped.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _build_opener() -> urllib.request.OpenerDirector:
    # Built by hand rather than with build_opener() so that no file:, ftp: or
    # data: handler is present: a redirect must never read a local file.
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        _TrackedHTTPHandler(),
        _TrackedHTTPSHandler(),
        urllib.request.UnknownHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        _NoRedirects(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener
