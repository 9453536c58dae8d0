"""`roadmap link`, `unlink` and `links`: attaching work to items, and checking it still answers."""

from __future__ import annotations

import json
import time

import pytest

from conftest import TODAY
from local_server import closed_port, serve, without_proxies

P1 = "1.p1 Fit a linear regression with hand-written gradient descent in NumPy"


def links(ws) -> list[tuple]:
    return ws.query("SELECT item_id, target, is_path, kind, title, note FROM link ORDER BY id")


def item_id(ws, key: str) -> int:
    return ws.query("SELECT id FROM item WHERE key = ?", key)[0][0]


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("github.com/ada/repo", "https://github.com/ada/repo"),
        ("www.example.org", "https://www.example.org"),
        ("example.com:8080/x", "https://example.com:8080/x"),
    ],
)
def test_an_address_typed_without_its_scheme_gets_https_and_says_so(roadmap, typed, stored):
    result = roadmap("link", "1.p1", typed)
    assert result.stderr.splitlines()[0] == f"added https:// to the address: {stored}"
    assert links(roadmap)[0][1] == stored


def test_a_workspace_file_named_like_an_address_is_the_file(roadmap):
    (roadmap.root / "example.com").mkdir()
    (roadmap.root / "example.com" / "notes.md").write_text("x")
    result = roadmap("link", "1.p1", "example.com/notes.md")
    assert "added https://" not in result.stderr
    assert links(roadmap)[0][1:3] == ("example.com/notes.md", 1)


@pytest.mark.parametrize(
    "url, stored, kind",
    [
        ("https://github.com/ada/linreg-numpy", "https://github.com/ada/linreg-numpy", "repo"),
        ("https://ada.medium.com/backprop-by-hand-1f2e", "https://ada.medium.com/backprop-by-hand-1f2e", "blog"),
        ("https://huggingface.co/spaces/ada/chatbot", "https://huggingface.co/spaces/ada/chatbot", "demo"),
        ("https://colab.research.google.com/drive/1AbC", "https://colab.research.google.com/drive/1AbC", "notebook"),
        ("https://www.kaggle.com/code/ada/titanic-eda", "https://www.kaggle.com/code/ada/titanic-eda", "kaggle"),
        ("https://arxiv.org/abs/1706.03762", "https://arxiv.org/abs/1706.03762", "paper"),
        ("https://youtu.be/dQw4w9WgXcQ", "https://youtu.be/dQw4w9WgXcQ", "video"),
        ("HTTPS://Example.COM:443/notes/", "https://example.com/notes", "other"),
    ],
)
def test_kind_is_inferred_and_said(roadmap, url, stored, kind):
    result = roadmap("link", "1.p1", url)
    assert result.stderr == (
        f"Linked {P1}: {stored} (link 1, {kind}).\ninferred kind: {kind}; use --kind to change it\n"
    )
    assert result.stdout == ""
    assert links(roadmap) == [
        (item_id(roadmap, "math/fit-a-linear-regression-with-hand-written"), stored, 0, kind, None, None)
    ]


def test_a_given_kind_is_not_called_inferred(roadmap):
    result = roadmap(
        "link", "1.p1", "https://github.com/ada/post", "--kind", "blog", "--title", "My post", "-n", "draft"
    )
    assert result.stderr == f"Linked {P1}: https://github.com/ada/post (link 1, blog).\n"
    assert links(roadmap)[0][3:] == ("blog", "My post", "draft")


@pytest.mark.parametrize(
    "text, reason",
    [
        (
            "ftp://files.example.com/x.zip",
            "'ftp://files.example.com/x.zip' is not an http(s) address; links must start with http:// or https://",
        ),
        (
            "javascript:alert(1)",
            "'javascript:alert(1)' is not an http(s) address; links must start with http:// or https://",
        ),
        ("https://", "'https://' has no host"),
        (
            "mailto:ada@example.com",
            "'mailto:ada@example.com' is not an http(s) address; links must start with http:// or https://",
        ),
    ],
)
def test_refused_addresses_leave_the_store_alone(roadmap, text, reason):
    before = roadmap.dump()
    result = roadmap("link", "1.p1", text, code=2)
    assert result.stderr == f"Error: {reason}\n"
    assert roadmap.dump() == before
    assert links(roadmap) == []


def test_unknown_kind_is_refused(roadmap):
    result = roadmap("link", "1.p1", "https://github.com/ada/x", "--kind", "podcast", code=2)
    assert result.stderr == (
        "Error: unknown kind 'podcast'; use one of: repo, blog, demo, notebook, kaggle, paper, video, other\n"
    )
    assert links(roadmap) == []


def test_one_link_spelled_two_ways_is_stored_once(roadmap):
    roadmap("link", "1.p1", "https://GitHub.com/ada/linreg/")
    result = roadmap("link", "1.p1", "https://github.com:443/ada/linreg")
    assert result.stderr == f"{P1} already has https://github.com/ada/linreg (link 1, repo); nothing changed.\n"
    roadmap("link", "1.p2", "https://github.com/ada/linreg")  # another item may share it
    assert [row[1] for row in links(roadmap)] == ["https://github.com/ada/linreg"] * 2


def test_linking_again_corrects_kind_title_and_note(roadmap):
    roadmap("link", "1.p1", "https://ada.dev/posts/linreg")
    result = roadmap("link", "1.p1", "https://ada.dev/posts/linreg", "--kind", "blog", "--title", "Linear regression")
    assert (
        result.stderr
        == f"{P1} already had https://ada.dev/posts/linreg (link 1); updated kind other → blog, title set.\n"
    )
    result = roadmap("link", "1.p1", "https://ada.dev/posts/linreg", "--title", "")
    assert result.stderr == f"{P1} already had https://ada.dev/posts/linreg (link 1); updated title removed.\n"
    assert links(roadmap)[0][1:] == ("https://ada.dev/posts/linreg", 0, "blog", None, None)


def test_path_links_are_stored_relative_to_the_workspace(roadmap, monkeypatch):
    notes = roadmap.root / "notes"
    (notes / "linreg.ipynb").write_text("{}")
    (notes / "cheatsheet.md").write_text("# formulas\n")
    # From outside the workspace a relative path is read from the workspace root.
    result = roadmap("link", "1.p1", "notes/linreg.ipynb")
    assert result.stderr == (
        f"Linked {P1}: notes/linreg.ipynb (link 1, notebook).\ninferred kind: notebook; use --kind to change it\n"
    )
    # From inside it, a path is read from where you are, as the shell completes it.
    monkeypatch.chdir(notes)
    roadmap("link", "d4", "cheatsheet.md")
    roadmap("link", "d4", str(notes / "linreg.ipynb"), "--kind", "other")
    assert [row[1:4] for row in links(roadmap)] == [
        ("notes/linreg.ipynb", 1, "notebook"),
        ("notes/cheatsheet.md", 1, "other"),
        ("notes/linreg.ipynb", 1, "other"),
    ]


def test_missing_and_outside_paths_are_refused(roadmap, tmp_path):
    (tmp_path / "secret.txt").write_text("x")
    root = roadmap.root
    result = roadmap("link", "1.p1", "notes/nope.ipynb", code=2)
    assert result.stderr == (
        f"Error: notes/nope.ipynb: no such file or directory in the workspace {root} "
        "(a web address must start with https://)\n"
    )
    for outside in (str(tmp_path / "secret.txt"), "../secret.txt"):
        result = roadmap("link", "1.p1", outside, code=2)
        assert result.stderr == (
            f"Error: {outside}: outside the workspace {root}; link a file inside it, or an http(s) address\n"
        )
    (root / "notes" / "escape").symlink_to(tmp_path / "secret.txt")
    assert "outside the workspace" in roadmap("link", "1.p1", "notes/escape", code=2).stderr
    assert links(roadmap) == []


def test_the_roadmap_itself_takes_links(roadmap):
    result = roadmap("link", "-", "https://ada.github.io")
    assert result.stderr.splitlines()[0] == "Linked the roadmap: https://ada.github.io (link 1, blog)."
    roadmap("link", "2", "https://github.com/ada/xor")
    assert links(roadmap)[0][:2] == (None, "https://ada.github.io")
    assert [x["id"] for x in json.loads(roadmap("links", "-", "--json").stdout)] == [1]
    roadmap("unlink", "-", "1")
    assert len(links(roadmap)) == 1


def test_unlink_by_address_and_by_number(roadmap):
    (roadmap.root / "notes" / "a.md").write_text("a")
    roadmap("link", "1.p1", "https://github.com/ada/one")
    roadmap("link", "1.p1", "https://github.com/ada/two")
    roadmap("link", "1.p2", "notes/a.md")
    result = roadmap("unlink", "1.p1", "HTTPS://GITHUB.COM/ada/one/")
    assert result.stderr == f"Removed link 1 from {P1}: https://github.com/ada/one\n"
    result = roadmap("unlink", "1.p1", "3", code=3)
    assert result.stderr == "Error: link 3 is on 1.p2, not on 1.p1 (`roadmap unlink 1.p2 3` removes it)\n"
    result = roadmap("unlink", "1.p1", "9", code=3)
    assert result.stderr == "Error: no link 9 (`roadmap links` lists them with their numbers)\n"
    roadmap("unlink", "1.p1", "2")
    # A file that was deleted can still be unlinked by its path.
    (roadmap.root / "notes" / "a.md").unlink()
    roadmap("unlink", "1.p2", "notes/a.md")
    assert links(roadmap) == []
    result = roadmap("unlink", "1.p2", "notes/a.md", code=3)
    assert result.stderr.startswith("Error: 1.p2 Plot how a 2x2 matrix transforms the plane has no link notes/a.md")


def test_links_table_and_filters(roadmap, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    assert (
        roadmap("links").stderr == "No links yet. Attach one with `roadmap link 1.p1 https://github.com/you/project`.\n"
    )
    roadmap("link", "1.p1", "https://github.com/ada/linreg", "--title", "Linear regression [NumPy]")
    roadmap("link", "3.p1", "https://ada.github.io/mlp")
    roadmap("link", "d2", "https://ada.github.io/attention")
    assert roadmap("links").stdout == (
        "#  item  kind  link                             last check\n"
        "1  1.p1  repo  Linear regression [NumPy]        not checked\n"
        "               https://github.com/ada/linreg\n"
        "2  3.p1  blog  https://ada.github.io/mlp        not checked\n"
        "3  d2    blog  https://ada.github.io/attention  not checked\n"
    )
    assert [x["id"] for x in json.loads(roadmap("links", "1", "--json").stdout)] == [1]  # a step takes in its items
    assert [x["id"] for x in json.loads(roadmap("links", "--kind", "blog", "--json").stdout)] == [2, 3]
    assert roadmap("links", "2").stderr == "No links match.\n"


# --- checking ---------------------------------------------------------------


@pytest.fixture
def base(monkeypatch):
    without_proxies(monkeypatch)
    with serve() as httpd:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"


def test_check_records_status_redirects_and_errors(roadmap, base):
    closed = f"http://127.0.0.1:{closed_port()}/x"
    for n, url in enumerate([f"{base}/ok", f"{base}/moved", f"{base}/missing", f"{base}/slow", closed], start=1):
        roadmap("link", f"1.p{min(n, 3)}", url)
    (roadmap.root / "notes" / "kept.md").write_text("x")
    roadmap("link", "d4", "notes/kept.md")
    roadmap("link", "d4", "notes")  # a directory is a path too
    started = time.monotonic()
    result = roadmap("links", "--check", "--timeout", "0.5", code=1)
    assert time.monotonic() - started < 2.5  # the slow server is not waited for
    assert result.stderr == (
        f"broken: link 3 on 1.p3: {base}/missing: 404\n"
        f"broken: link 4 on 1.p3: {base}/slow: timed out after 0.5s\n"
        f"broken: link 5 on 1.p3: {closed}: connection refused\n"
        "Checked 7 links: 4 ok, 3 broken.\n"
    )
    got = json.loads(roadmap("links", "--json").stdout)
    assert [(x["status"], x["final_url"], x["redirects"], x["error"], x["ok"]) for x in got] == [
        (200, None, 0, None, True),
        (200, f"{base}/ok", 1, None, True),
        (404, None, 0, None, False),
        (None, None, 0, "timed out after 0.5s", False),
        (None, None, 0, "connection refused", False),
        (None, None, None, None, True),
        (None, None, None, None, True),
    ]
    today = TODAY.isoformat()
    assert all(x["checked_at"] for x in got)
    table = roadmap("links", "1.p2").stdout
    assert f"200 after 1 redirect {today}" in table
    (roadmap.root / "notes" / "kept.md").unlink()
    result = roadmap("links", "d4", "--check", code=1)
    assert result.stderr == "broken: link 6 on d4: notes/kept.md: missing\nChecked 2 links: 1 ok, 1 broken.\n"
    assert f"missing {today}" in roadmap("links", "d4").stdout


def test_check_all_good_exits_0(roadmap, base):
    roadmap("link", "1.p1", f"{base}/ok")
    result = roadmap("links", "--check", "--json")
    assert result.stderr == "Checked 1 link: 1 ok, 0 broken.\n"
    assert json.loads(result.stdout)[0]["status"] == 200


def test_no_network_is_one_line_and_keeps_the_last_results(roadmap):
    roadmap("link", "1.p1", "https://github.invalid/ada/linreg")
    roadmap("link", "1.p2", "https://ada.invalid/post")
    before = roadmap.dump()
    result = roadmap("links", "--check", code=1)
    assert result.stderr == (
        "Error: no network: could not reach any of 2 links; check your internet connection and try again\n"
    )
    assert result.stdout == ""
    assert roadmap.dump() == before


def test_timeout_must_be_positive(roadmap):
    roadmap("link", "1.p1", "https://github.com/ada/x")
    result = roadmap("links", "--check", "--timeout", "0", code=2)
    assert result.stderr == "Error: --timeout must be more than 0 and at most 600 seconds, not 0\n"
