"""Whatever roadmap.yaml holds, `roadmap status` says what is wrong on one line, `path:line:col: problem`,
exits 2 and writes nothing: odd keys, deep nesting, control characters, binary files, a notes_dir
outside the workspace, and YAML that is valid but not a plan."""

from __future__ import annotations

import pytest
import yaml

from roadmap_tracker.errors import RoadmapFileError
from roadmap_tracker.plan.roadmap_file import load_roadmap

from conftest import workspace_from

PLAN = """\
version: 1
title: Tiny roadmap
notes_dir: notes
steps:
  - id: basics
    title: Basics
    resources:
      - title: A book
        url: https://example.com/book
    projects:
      - Build a thing
"""
TOP_KEYS = "version, title, description, started, week_starts, notes_dir, date_order, steps, deliverables"
STEP_KEYS = "id, title, objective, resources, projects, questions"
TOO_DEEP = "nested too deeply: items may nest 32 levels under a step; move this part up a level"


@pytest.fixture
def ws(tmp_path):
    runner = workspace_from(tmp_path, PLAN)
    runner("check", "1.p1")  # progress the refused file must not touch
    return runner


def snapshot(ws) -> tuple:
    """The store as SQL, and every other file of the workspace and beside it but roadmap.yaml."""
    files = {
        str(p.relative_to(ws.root.parent)): p.read_bytes()
        for p in sorted(ws.root.parent.rglob("*"))
        if p.is_file() and p.name != "roadmap.yaml" and not p.name.startswith("roadmap.db")
    }
    dirs = sorted(str(p) for p in ws.root.parent.rglob("*") if p.is_dir())
    return ws.dump(), files, dirs


def refused(ws, text: str | bytes) -> str:
    """The one line `roadmap status` prints for this roadmap.yaml, after checking it wrote nothing."""
    before = snapshot(ws)
    path = ws.root / "roadmap.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
    result = ws("status", code=2)
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n"), result.stderr
    assert snapshot(ws) == before
    prefix = f"Error: {ws.root}/"
    assert result.stderr.startswith(prefix)
    return result.stderr[len(prefix) : -1]


# --- 1: keys with brackets are keys -------------------------------------------------------


def test_1_a_key_with_a_bracket_is_named_with_its_line(ws):
    assert refused(ws, PLAN + "x[: 1\n") == f"roadmap.yaml:12:1: unknown key 'x['; allowed: {TOP_KEYS}"
    nested = PLAN.replace("    title: Basics\n", "    title: Basics\n    notes[1]: hi\n")
    assert refused(ws, nested) == f"roadmap.yaml:7:5: unknown key 'notes[1]'; allowed: {STEP_KEYS}"


# --- 2: nesting ---------------------------------------------------------------------------


def _flow_items(levels: int) -> str:
    """One project holding `levels` levels of items, written on one line, each 22 characters in."""
    opened = "".join(f"{{title: t{level:03}, items: [" for level in range(1, levels))
    return opened + "{title: leaf}" + "]}" * (levels - 1)


def _block_items(levels: int) -> str:
    lines = ["      - title: t1"]
    for level in range(2, levels + 1):
        indent = "      " + "    " * (level - 1)
        lines += [indent[:-2] + "items:", indent + f"- title: t{level}"]
    return "\n".join(lines) + "\n"


def test_2_items_nest_at_most_32_levels(ws):
    projects = "    projects:\n"
    assert PLAN.endswith(projects + "      - Build a thing\n")
    # 400 levels on one line: the 33rd item is pointed at.
    deep = PLAN + "      - " + _flow_items(400) + "\n"
    col = len("      - ") + len("{title: t001, items: [") * 32 + 1
    assert refused(ws, deep) == f"roadmap.yaml:12:{col}: {TOO_DEEP}"
    # 400 levels, one per line: line 11 + 2 per level holds the 33rd.
    block = PLAN.replace("      - Build a thing\n", _block_items(400))
    assert refused(ws, block) == f"roadmap.yaml:{11 + 2 * 32}:{9 + 4 * 32}: {TOO_DEEP}"
    # 32 levels are a plan.
    ws.root.joinpath("roadmap.yaml").write_text(PLAN + "      - " + _flow_items(32) + "\n", encoding="utf-8")
    ws("status")
    assert ws.query("SELECT COUNT(*) FROM item WHERE kind = 'project' AND archived_at IS NULL") == [(33,)]


@pytest.mark.parametrize("loader", ["C", "pure Python"])
@pytest.mark.parametrize(
    ("shape", "c_col", "python_col"),
    [("[" * 10_000 + "]" * 10_000, 1001, 69), ("{a: " * 10_000 + "1" + "}" * 10_000, 4001, 270)],
    ids=["lists", "mappings"],
)
def test_2_a_document_10000_levels_deep_is_one_line(ws, monkeypatch, loader, shape, c_col, python_col):
    # The C composer stops at libyaml's 1,000 levels; PyYAML's own composer would run out of stack.
    if loader == "pure Python":
        monkeypatch.delattr(yaml, "CSafeLoader")
    col = c_col if loader == "C" else python_col
    assert refused(ws, shape + "\n") == f"roadmap.yaml:1:{col}: {TOO_DEEP}"


# --- 3: control characters ----------------------------------------------------------------


def test_3_a_control_character_is_named_with_its_line(ws):
    text = PLAN.replace("title: A book", "title: A \x01book")
    assert refused(ws, text) == (
        "roadmap.yaml:8:18: control character U+0001 is not allowed in YAML; delete it (most editors do not show it)"
    )
    # Columns count characters, whatever their UTF-8 length.
    text = PLAN.replace("title: A book", "title: Ça été \x7f")
    assert refused(ws, text) == (
        "roadmap.yaml:8:23: control character U+007F is not allowed in YAML; delete it (most editors do not show it)"
    )
    text = PLAN.replace("title: A book", "title: A\x00book")
    assert (
        refused(ws, text)
        == "roadmap.yaml:8:17: NUL character U+0000 is not allowed in YAML; delete it (is this a text file?)"
    )


# --- 4: not text --------------------------------------------------------------------------


def test_4_a_binary_file_names_the_line_and_column_of_its_first_bad_byte(ws):
    elf = b"\x7fELF\x02\x01\x01" + bytes(17) + b"\xd0\x00\x40\x00" * 70  # what /bin/ls begins with
    assert refused(ws, elf[:300]) == "roadmap.yaml:1:25: not UTF-8 text (byte 0xd0); save the file as UTF-8"
    latin1 = PLAN.replace("title: A book", "title: Caf\xe9").encode("latin-1")
    assert refused(ws, latin1) == "roadmap.yaml:8:19: not UTF-8 text (byte 0xe9); save the file as UTF-8"
    utf16 = PLAN.encode("utf-16")
    assert refused(ws, utf16) == "roadmap.yaml:1:1: not UTF-8 text (it is UTF-16); save the file as UTF-8"


# --- 5: notes_dir -------------------------------------------------------------------------

INSIDE = "notes must live inside the workspace: give a folder in it, such as 'notes'"
KEPT = "belongs to roadmap-tracker itself; give another folder, such as 'notes'"


@pytest.mark.parametrize(
    ("notes_dir", "problem"),
    [
        ("/tmp/elsewhere", f"'/tmp/elsewhere' is an absolute path; {INSIDE}"),
        ("../escaped-notes", f"'../escaped-notes' climbs out of the workspace with '..'; {INSIDE}"),
        ("notes/../../x", f"'notes/../../x' climbs out of the workspace with '..'; {INSIDE}"),
        ("'notes\\..\\..\\x'", f"'notes\\\\..\\\\..\\\\x' climbs out of the workspace with '..'; {INSIDE}"),
        ("~/notes", f"'~/notes' points into a home folder; {INSIDE}"),
        ("'C:\\notes'", f"'C:\\\\notes' is an absolute path; {INSIDE}"),
        ("''", "must not be empty"),
        ("./", f"'./' is the workspace itself; {INSIDE}"),
        (".roadmap", f"'.roadmap' {KEPT}"),
        ("./.Roadmap/notes", f"'./.Roadmap/notes' lies in .Roadmap, which {KEPT}"),
        ("history", f"'history' {KEPT}"),
        ("history/notes", f"'history/notes' lies in history, which {KEPT}"),
        ("roadmap.yaml", f"'roadmap.yaml' {KEPT}"),
        ('"no\\ttes"', "'no\\ttes' holds a control character; give a plain folder name, such as 'notes'"),
        ("n" * 256, "a folder name is longer than 255 bytes; give a shorter one, such as 'notes'"),
    ],
)
def test_5_notes_dir_must_lie_inside_the_workspace(ws, notes_dir, problem):
    text = PLAN.replace("notes_dir: notes", f"notes_dir: {notes_dir}")
    assert refused(ws, text) == f"roadmap.yaml:3:1: notes_dir: {problem}"
    assert not (ws.root.parent / "escaped-notes").exists()


def test_5_a_plan_with_notes_outside_makes_no_workspace(tmp_path):
    from typer.testing import CliRunner

    from roadmap_tracker.cli import app

    outside = tmp_path / "elsewhere"
    source = tmp_path / "plan.yaml"
    source.write_text(PLAN.replace("notes_dir: notes", f"notes_dir: {outside}"), encoding="utf-8")
    result = CliRunner().invoke(app, ["init", str(tmp_path / "ws"), "--from", str(source)])
    assert result.exit_code == 2
    assert result.stderr.endswith(f"plan.yaml:3:1: notes_dir: '{outside}' is an absolute path; {INSIDE}\n")
    assert not outside.exists() and not (tmp_path / "ws").exists()


# --- 6: valid YAML that is no plan ---------------------------------------------------------

ODD = {
    "list document": ("- a\n- b\n", "roadmap.yaml:1:1: expected a mapping with version, title and steps"),
    "list after a comment": ("# plan\n\n- a\n", "roadmap.yaml:3:1: expected a mapping with version, title and steps"),
    "scalar document": ("# plan\nhello\n", "roadmap.yaml:2:1: expected a mapping with version, title and steps"),
    "empty file": ("", "roadmap.yaml:1:1: the file holds no roadmap; write its version, title and steps"),
    "comments alone": ("# soon\n", "roadmap.yaml:1:1: the file holds no roadmap; write its version, title and steps"),
    "two documents": (
        PLAN + "---\nversion: 1\n",
        "roadmap.yaml:12:1: a second YAML document starts here; roadmap.yaml holds one: "
        "remove this '---' and merge what follows",
    ),
    "alias": (
        PLAN + "x: &a 1\ny: *a\n",
        "roadmap.yaml:13:1: anchors and aliases (&name / *name) are not supported; write the value out",
    ),
    "billion laughs": (
        PLAN
        + "a: &a [x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 9)}]\n" for n in range(9)),
        "roadmap.yaml:13:1: anchors and aliases (&name / *name) are not supported; write the value out",
    ),
    "python tag on a key": (
        PLAN + "!!python/object:os.system x: 1\n",
        "roadmap.yaml:12:1: YAML tag 'tag:yaml.org,2002:python/object:os.system' is not supported; remove it",
    ),
    "number key": (PLAN + "1: x\n", f"roadmap.yaml:12:1: unknown key '1'; allowed: {TOP_KEYS}"),
    "list key": (PLAN + "[a]: b\n", "roadmap.yaml:12:1: a key must be a plain word, not a list or a mapping"),
    "null key": (PLAN + "~: b\n", f"roadmap.yaml:12:1: unknown key '~'; allowed: {TOP_KEYS}"),
    "huge number": (
        PLAN.replace("version: 1", "version: " + "9" * 5000),
        "roadmap.yaml:1:1: version: the number is far too large",
    ),
    "timestamp for a date": (
        PLAN.replace("version: 1", "version: 1\nstarted: 2026-11-02 10:00:00"),
        "roadmap.yaml:2:1: started: must be a date written YYYY-MM-DD, such as 2026-11-02",
    ),
    "year 9999": (
        PLAN.replace("version: 1", "version: 1\nstarted: 9999-11-01"),
        "roadmap.yaml:2:1: started: 9999-11-01 is outside 1900-2200: check the year",
    ),
    "list for a title": (
        PLAN.replace("title: Basics", "title: [a, b]"),
        "roadmap.yaml:6:5: steps[0].title: must be text, not a list or a mapping",
    ),
    "no title": (PLAN.replace("title: Basics", "title:"), "roadmap.yaml:6:5: steps[0].title: must not be empty"),
    "id with a space": (
        PLAN.replace("id: basics", "id: the basics"),
        "roadmap.yaml:5:5: steps[0].id: must be one word, without spaces",
    ),
    "duplicate key": (
        PLAN + "title: again\n",
        "roadmap.yaml:12:1: duplicate key 'title'; each key may appear once in a mapping",
    ),
    "newline in a key": (
        PLAN + '"a\\nb": 1\n',
        f"roadmap.yaml:12:1: unknown key 'a\\nb'; allowed: {TOP_KEYS}",
    ),
    "line separator in a key": (
        PLAN + '"a\\u2028b\\x85": 1\n',
        f"roadmap.yaml:12:1: unknown key 'a\\u2028b\\x85'; allowed: {TOP_KEYS}",
    ),
}


@pytest.mark.parametrize("case", list(ODD))
def test_6_valid_yaml_that_is_no_plan_is_one_line(ws, case):
    text, expected = ODD[case]
    assert refused(ws, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "\ufeff" + PLAN,  # a byte order mark
        "%YAML 1.1\n---\n" + PLAN,
        PLAN.replace("title: Basics", "title: 2026-11-02"),  # a timestamp where text is wanted stays text
        PLAN.replace("title: Basics", "title: !!str 12"),
        PLAN.replace("title: Basics", "title: &t Basics 😀"),  # an anchor never used
        PLAN.replace("version: 1", "version: '1'"),
    ],
)
def test_6_odd_but_usable_yaml_loads(ws, text):
    ws.root.joinpath("roadmap.yaml").write_text(text, encoding="utf-8")
    ws("status")


def test_6_text_from_a_backup_with_a_lone_surrogate_is_one_line(tmp_path):
    # A backup's JSON can spell "\ud800"; the text then reaches the loader without a file.
    with pytest.raises(RoadmapFileError) as caught:
        load_roadmap(tmp_path / "roadmap.yaml", PLAN.replace("A book", "A \ud800book"))
    assert str(caught.value) == (
        f"{tmp_path}/roadmap.yaml:8:18: character U+D800 is not allowed in YAML; delete it (most editors do not show it)"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (PLAN.replace("A book", '"A \\U00110000"'), ":8:21: invalid YAML: chr() arg not in range(0x110000)"),
        ("%YAML 1." + "1" * 5000 + "\n---\n" + PLAN, ":1:9: invalid YAML: Exceeds the limit (4300 digits)"),
        (
            PLAN.replace("A book", '"A \\ud800"'),
            ":8:16: an escape here gives character U+D800, which is no text; remove it",
        ),
    ],
)
def test_6_the_pure_python_loader_says_one_line_too(tmp_path, monkeypatch, text, expected):
    monkeypatch.delattr(yaml, "CSafeLoader")
    with pytest.raises(RoadmapFileError) as caught:
        load_roadmap(tmp_path / "roadmap.yaml", text)
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)
