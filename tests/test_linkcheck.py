import errno
import threading
import time
import urllib.error

import pytest

from roadmap_tracker.proof.linkcheck import (
    MAX_REDIRECTS,
    USER_AGENT,
    CheckResult,
    NoNetwork,
    check_links,
)

from local_server import closed_port as free_port
from local_server import serve, without_proxies


@pytest.fixture(scope="module")
def server():
    with serve() as httpd:
        yield httpd


@pytest.fixture
def base(server):
    server.seen.clear()
    return f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    without_proxies(monkeypatch)


@pytest.fixture
def closed_port():
    return free_port()


def test_statuses_redirects_and_final_url(base):
    ok, moved, missing = check_links([f"{base}/ok", f"{base}/moved", f"{base}/missing"])

    assert (ok.url, ok.status, ok.final_url, ok.redirects) == (f"{base}/ok", 200, None, 0)
    assert ok.error is None
    assert ok.ok

    assert (moved.status, moved.final_url, moved.redirects) == (200, f"{base}/ok", 1)
    assert moved.error is None
    assert moved.ok

    assert (missing.status, missing.final_url, missing.redirects) == (404, None, 0)
    assert missing.error is None
    assert not missing.ok


def test_head_refused_falls_back_to_get(base, server):
    [result] = check_links([f"{base}/nohead"])
    assert (result.status, result.error) == (200, None)
    assert [method for method, path, _ in server.seen if path == "/nohead"] == ["HEAD", "GET"]


def test_redirect_loop_is_capped(base):
    [result] = check_links([f"{base}/loop"])
    assert result.error == "too many redirects"
    assert result.redirects == MAX_REDIRECTS == 10
    assert result.status == 302
    assert result.final_url is None  # the loop ends where it began
    assert not result.ok


def test_user_agent_is_sent(base, server):
    check_links([f"{base}/ok"])
    assert server.seen == [("HEAD", "/ok", USER_AGENT)]


def test_input_order_kept_and_duplicates_checked_once(base, server):
    urls = [f"{base}/missing?dup", f"{base}/ok?dup", f"{base}/missing?dup"]
    results = check_links(urls)
    assert [r.url for r in results] == urls
    assert [r.status for r in results] == [404, 200, 404]
    assert sorted(path for _, path, _ in server.seen) == ["/missing?dup", "/ok?dup"]


def test_empty_input():
    assert check_links([]) == []


def test_per_link_timeout(base):
    start = time.monotonic()
    [result] = check_links([f"{base}/slow"], timeout=0.5)
    elapsed = time.monotonic() - start
    assert result.error == "timed out after 0.5s"
    assert result.status is None
    assert not result.ok
    assert elapsed < 2.5  # the server answers only after 3 s


@pytest.mark.parametrize(
    ("workers", "ok_checked"),
    [(2, True), (1, False)],  # with one worker /ok is still queued behind /slow
)
def test_overall_limit_marks_unfinished_links(base, workers, ok_checked):
    slow, ok = check_links([f"{base}/slow", f"{base}/ok"], timeout=5, overall=0.3, workers=workers)
    unchecked = "not checked: overall time limit of 0.3s reached"
    assert (slow.status, slow.error) == (None, unchecked)
    assert not slow.ok
    if ok_checked:
        assert (ok.status, ok.error) == (200, None)
    else:
        assert (ok.status, ok.error) == (None, unchecked)


def test_stuck_workers_are_released(base):
    # Without aborting its socket the /slow worker would live on for ~3 s
    # and hold up interpreter exit.
    check_links([f"{base}/slow"], timeout=5, overall=0.2)
    workers = [t for t in threading.enumerate() if t.name.startswith("linkcheck")]
    for thread in workers:
        thread.join(timeout=1)
    assert not any(t.is_alive() for t in workers)


def test_closed_port_is_a_broken_link_not_no_network(closed_port):
    [result] = check_links([f"http://127.0.0.1:{closed_port}/"])
    assert (result.status, result.error) == (None, "connection refused")
    assert not result.ok


def test_no_network_when_no_name_resolves():
    urls = ["http://roadmap-tracker.invalid/", "https://also-not-here.invalid/notes"]
    with pytest.raises(NoNetwork) as info:
        check_links(urls)
    assert str(info.value) == (
        "no network: could not reach any of 2 links; check your internet connection and try again"
    )
    assert [r.error for r in info.value.results] == ["name not resolved"] * 2


def test_unresolved_name_among_working_links_is_just_a_failure(base):
    bad, ok = check_links(["http://roadmap-tracker.invalid/", f"{base}/ok"])
    assert bad.error == "name not resolved"
    assert ok.ok


class UnreachableOpener:
    def __init__(self):
        self.requests = []

    def open(self, request, timeout):
        self.requests.append((request.get_method(), request.full_url, timeout))
        raise urllib.error.URLError(OSError(errno.ENETUNREACH, "Network is unreachable"))


def test_injected_opener_and_network_unreachable():
    opener = UnreachableOpener()
    with pytest.raises(NoNetwork) as info:
        check_links(["https://example.com/a"], timeout=3, opener=opener)
    assert str(info.value).startswith("no network: could not reach any of 1 link;")
    assert info.value.results[0].error == "network unreachable"
    assert opener.requests == [("HEAD", "https://example.com/a", 3)]


def test_non_web_address_is_not_fetched():
    [result] = check_links(["file:///etc/passwd"])
    assert (result.status, result.error) == (None, "not an http(s) address")


@pytest.mark.parametrize(
    ("status", "error", "ok"),
    [
        (200, None, True),
        (399, None, True),
        (404, None, False),
        (500, None, False),
        (200, "too many redirects", False),
        (None, "connection refused", False),
    ],
)
def test_ok_property(status, error, ok):
    assert CheckResult("https://x.com", status, None, 0, 0.1, error).ok is ok
