"""What reaches the terminal: learner text shows its control characters written out, never obeyed,
and an address whose host mixes scripts is shown in punycode."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
from typer.testing import CliRunner

from roadmap_tracker.cli import app
from roadmap_tracker.render.markdown import markdown_escape
from roadmap_tracker.urls import BadURL, normalize_url

from conftest import Runner, workspace_from

# Red text, a new window title (ended by BEL), a cleared screen, a right-to-left override,
# an 8-bit CSI and DEL: each would act on a terminal printed raw.
EVIL = "x\x1b[31mred\x1b]0;pwn\x07\x1b[2J\u202eevil\x9b\x7fend"
SHOWN = r"x\x1b[31mred\x1b]0;pwn\x07\x1b[2J\u202eevil\x9b\x7fend"
# A title as a store can hold it (an older version's, a restored one), NUL included.
TITLE = "T\x00\x1b[2J\x1b]0;pwn\x07\u2066\x85end"
TITLE_SHOWN = r"T\x00\x1b[2J\x1b]0;pwn\x07\u2066\x85end"

# Any character a terminal would act on: C0 but tab and newline, DEL, C1, bidirectional controls.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Rich's own colours, when colour is asked for, and the links it draws round an address that
# roadmap.yaml holds (OSC 8, only ever an http(s) address of printable ASCII).
SGR = re.compile("\x1b\\[[0-9;]*m|\x1b\\]8;id=[0-9]+;https?://[!-~]+?\x1b\\\\|\x1b\\]8;;\x1b\\\\")


def safe(result) -> str:
    """stdout, once neither stream holds a raw control character."""
    for name in ("stdout", "stderr"):
        found = RAW.search(getattr(result, name))
        assert found is None, f"raw {found[0]!r} in {name}: {getattr(result, name)!r}"
    return result.stdout


@pytest.fixture
def hostile(roadmap, monkeypatch) -> Runner:
    """Step 1, its mini projects, the deliverables and the roadmap titled with control characters
    in the store; a done project with a note, a link, a diary week, a question and a reflection
    answer all holding them as typed."""
    monkeypatch.setenv("COLUMNS", "300")  # nothing cut short
    db = sqlite3.connect(roadmap.db_path)
    with db:
        db.execute("UPDATE roadmap SET title = ?", (TITLE,))
        db.execute(
            "UPDATE item SET title = ? WHERE kind = 'deliverable' OR key = 'math'"
            " OR (kind = 'project' AND key LIKE 'math/%')",
            (TITLE,),
        )
    db.close()
    roadmap("check", "1.p1", "--note", EVIL)
    roadmap("link", "1.p1", "https://github.com/ada/linreg", "--title", EVIL, "--note", EVIL)
    roadmap("log", "-m", EVIL, "-q", EVIL, "-c", EVIL)
    roadmap("reflect", "1", "--answer", "1.q1", EVIL)
    return roadmap


# Each view, and what it shows: titles (TITLE_SHOWN), what the learner typed (SHOWN), or both.
VIEWS = [
    (("status",), [TITLE_SHOWN]),
    (("show", "1"), [TITLE_SHOWN, SHOWN]),
    (("links",), [SHOWN]),
    (("logs",), [SHOWN]),
    (("logs", "--week", "9"), [SHOWN]),
    (("questions",), [SHOWN]),
    (("history",), [TITLE_SHOWN, SHOWN]),
    (("report",), [TITLE_SHOWN, SHOWN]),
    (("deliverables",), [TITLE_SHOWN, SHOWN]),
    (("portfolio",), [TITLE_SHOWN, SHOWN]),
]


@pytest.mark.parametrize("view, shown", VIEWS, ids=[" ".join(view) for view, _ in VIEWS])
def test_every_view_shows_control_characters_written_out(hostile, view, shown):
    out = safe(hostile(*view))
    for text in shown:
        assert text in out


@pytest.mark.parametrize("view", [("status",), ("show", "1"), ("links",), ("report",), ("portfolio",)], ids=" ".join)
def test_in_colour_too_only_the_tools_own_colours_reach_the_terminal(hostile, monkeypatch, view):
    monkeypatch.setenv("FORCE_COLOR", "1")
    result = hostile(*view)
    out = result.stdout
    assert SGR.search(out), "no colour drawn"
    assert RAW.search(SGR.sub("", out)) is None, repr(out)
    assert SHOWN in SGR.sub("", out) or TITLE_SHOWN in SGR.sub("", out)


def test_messages_show_control_characters_written_out(hostile):
    result = hostile("uncheck", "1.p1", "--note", EVIL)
    safe(result)
    assert result.stderr.startswith(f"1.p1 {TITLE_SHOWN}: done → to do")
    result = hostile("link", "1.p1", "https://github.com/ada/linreg", "--title", "plain")
    assert safe(result) == "" and TITLE_SHOWN in result.stderr


def test_the_store_notes_and_files_keep_the_text_as_given(hostile, tmp_path):
    assert SHOWN in safe(hostile("links"))
    assert hostile.query("SELECT title, note FROM link") == [(EVIL, EVIL)]
    assert hostile.query("SELECT note FROM event WHERE note IS NOT NULL") == [(EVIL,)]
    assert hostile.query("SELECT text FROM question") == [(EVIL,)]
    assert hostile.query("SELECT text FROM answer") == [(EVIL,)]
    assert hostile.query("SELECT title FROM item WHERE key = 'math'") == [(TITLE,)]
    note = (hostile.root / "notes" / "week9.md").read_text(encoding="utf-8")
    assert note.count(EVIL) == 3  # concept, question, notes
    # A document sent to a file or a pipe is data: as given (escaped for Markdown alone).
    hostile("export", "-o", str(tmp_path / "README.md"))
    assert markdown_escape(EVIL) in (tmp_path / "README.md").read_text(encoding="utf-8")
    assert markdown_escape(EVIL) in hostile("export").stdout


def test_a_note_edited_by_hand_shows_its_control_characters_written_out(hostile):
    path = hostile.root / "notes" / "week9.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nAdded by hand: \x1b[2Jgone\u202e\n", encoding="utf-8")
    out = safe(hostile("logs", "--week", "9"))
    assert r"Added by hand: \x1b[2Jgone\u202e" in out
    assert "Added by hand: \x1b[2Jgone\u202e" in path.read_text(encoding="utf-8")


def test_a_document_printed_on_a_terminal_shows_control_characters_written_out(hostile, monkeypatch):
    from roadmap_tracker.render import output

    monkeypatch.setattr(output, "_terminal", lambda stream: True)
    for args in (("export",), ("portfolio", "--format", "markdown"), ("report", "--format", "markdown")):
        out = safe(hostile(*args))
        assert r"x\x1b\[31mred\x1b\]0;pwn\x07\x1b\[2J\u202eevil\x9b\x7fend" in out  # as Markdown escapes it


def strings(value) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        value = list(value.values())
    return set().union(*map(strings, value)) if isinstance(value, list) else set()


@pytest.mark.parametrize(
    "args", [("links", "--json"), ("questions", "--json"), ("portfolio", "--format", "json"), ("history", "--json")]
)
def test_json_escapes_what_a_terminal_would_act_on_and_means_the_same(hostile, args):
    out = safe(hostile(*args))
    assert EVIL in strings(json.loads(out))


# --- link hosts -----------------------------------------------------------------------


def links(ws) -> list[str]:
    return [target for (target,) in ws.query("SELECT target FROM link ORDER BY id")]


def test_a_host_that_mixes_scripts_is_kept_and_shown_in_punycode_with_one_warning(roadmap):
    result = roadmap("link", "1.p1", "https://аpple.com/x")  # a Cyrillic а
    assert links(roadmap) == ["https://xn--pple-43d.com/x"]
    lines = result.stderr.splitlines()
    assert lines[0].endswith(": https://xn--pple-43d.com/x (link 1, other).")
    warnings = [line for line in lines if line.startswith("Warning:")]
    assert warnings == [
        "Warning: the address's host mixes Cyrillic and Latin letters (аpple.com); "
        "it is kept and shown as xn--pple-43d.com"
    ]
    assert result.stdout == ""
    shown = roadmap("links").stdout
    assert "https://xn--pple-43d.com/x" in shown and "аpple" not in shown
    assert json.loads(roadmap("links", "--json").stdout)[0]["target"] == "https://xn--pple-43d.com/x"
    # The same address linked again is the same link, and the warning is said again, once.
    again = roadmap("link", "1.p1", "https://АPPLE.com/x", "--title", "Apple")
    assert links(roadmap) == ["https://xn--pple-43d.com/x"]
    assert [line for line in again.stderr.splitlines() if line.startswith("Warning:")] == warnings
    roadmap("unlink", "1.p1", "https://аpple.com/x")
    assert links(roadmap) == []


@pytest.mark.parametrize("hidden", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u2066"])
def test_a_host_holding_an_invisible_character_is_refused(roadmap, hidden):
    url = f"https://exa{hidden}mple.com/x"
    result = roadmap("link", "1.p1", url, code=2)
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("Error: ") and f"U+{ord(hidden):04X}" in result.stderr
    safe(result)
    assert links(roadmap) == []
    with pytest.raises(BadURL):
        normalize_url(url)


def test_a_host_in_one_script_is_kept_as_written_without_a_warning(roadmap):
    first = roadmap("link", "1.p1", "https://пример.рф/")
    second = roadmap("link", "1.p1", "https://例え。jp/")  # an ideographic full stop is a dot
    third = roadmap("link", "1.p1", "https://ソニーstore.jp/a")  # Japanese mixes with Latin
    assert links(roadmap) == ["https://пример.рф", "https://例え.jp", "https://ソニーstore.jp/a"]
    assert "Warning" not in first.stderr + second.stderr + third.stderr
    shown = roadmap("links").stdout
    assert "https://пример.рф" in shown and "https://例え.jp" in shown and "xn--" not in shown


def test_hosts_have_one_spelling():
    for url, canonical in [
        ("https://аpple.com/x", "https://xn--pple-43d.com/x"),
        ("https://a.аpple.рф:8443/p?q#f", "https://a.xn--pple-43d.xn--p1ai:8443/p?q#f"),
        ("https://ｅｘａｍｐｌｅ.com/a", "https://example.com/a"),  # fullwidth letters are ASCII ones
        ("https://ПРИМЕР.РФ/", "https://пример.рф"),
        ("https://xn--pple-43d.com/x", "https://xn--pple-43d.com/x"),  # typed so, kept so
    ]:
        assert normalize_url(url) == canonical
        assert normalize_url(canonical) == canonical


PLAN = """\
version: 1
title: Hosts
steps:
  - id: one
    title: One
    resources:
      - title: Course
        url: https://аpple.com/course
"""


def test_a_plan_url_that_mixes_scripts_is_shown_in_punycode(tmp_path):
    ws = workspace_from(tmp_path, PLAN)
    shown = ws("show", "1").stdout
    assert "https://xn--pple-43d.com/course" in shown and "аpple" not in shown
    exported = ws("export").stdout
    assert "(https://xn--pple-43d.com/course)" in exported and "аpple" not in exported


def test_a_plan_url_with_an_invisible_character_in_its_host_is_refused(tmp_path):
    source = tmp_path / "plan.yaml"
    source.write_text(PLAN.replace("аpple", "exa\u200bmple"), encoding="utf-8")
    result = CliRunner().invoke(app, ["init", str(tmp_path / "ws"), "--from", str(source)])
    assert result.exit_code == 2, result.stderr
    assert len(result.stderr.splitlines()) == 1 and "U+200B" in result.stderr
