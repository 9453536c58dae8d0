"""`roadmap restore` over mutated backups: each one is refused in one line with nothing written, or
restored into a workspace every command reads.

The backups are a real one (built once, from a small workspace with progress, an undo, an archived
item, links, answers and diary weeks) with one to three changes: a value replaced by another JSON
type, a bad day or time, a huge number, text with control characters, NUL or a lone surrogate, a
value taken from elsewhere in the backup, a field deleted or added, a row repeated or dropped, a
value nested far too deep. ROADMAP_FUZZ sets the number of examples (default 200, under 20 s).
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from roadmap_tracker.cli import app

from conftest import TODAY, Runner
from test_export import PLAN, tiny_workspace

EXAMPLES = int(os.environ.get("ROADMAP_FUZZ", "200"))
DEEP = "\x01deep\x01"  # stands for a value nested too deep for json.dumps to write
COMMANDS = [
    ["status"],
    ["show", "1"],
    ["history"],
    ["logs"],
    ["questions", "--all"],
    ["links"],
    ["report", "--since", "2026-10-01"],
    ["export", "--format", "json"],
    ["sync", "--rebuild"],  # the store built again from the text the restore wrote
    ["status"],
]


@pytest.fixture(scope="module")
def backup(tmp_path_factory) -> dict:
    """A backup of a small workspace that holds a little of everything."""
    root = tmp_path_factory.mktemp("fuzz")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ROADMAP_TODAY", TODAY.isoformat())
        env.setenv("HOME", str(root))
        ws = tiny_workspace(root / "ws")
        ws("check", "1.r2", "--date", "2026-11-06")
        ws("undo")
        ws("check", "1.r2", "--date", "2026-11-07", "--note", "read it twice")
        # Dropping the resource from the plan archives it, with its history.
        plan = root / "ws" / "roadmap.yaml"
        plan.write_text(plan.read_text().replace("      - title: Book\n        url: https://example.com/book\n", ""))
        ws("sync")
        data = json.loads(ws("export", "--format", "json").stdout)
    assert PLAN and any(r["archived_at"] for r in data["tables"]["item"])
    link = data["tables"]["link"][0]
    link.update(checked_at="2026-11-20T10:00:00+00:00", check_status=200, check_redirects=1, check_elapsed=0.25)
    link["check_final_url"] = "https://github.com/ada/fit/"
    return data


def _places(data: dict) -> list[tuple]:
    """Every field of every row, every note field and every top-level key, as paths into the backup."""
    out: list[tuple] = [(k,) for k in data if k not in ("tables", "notes")]
    for table, rows in data["tables"].items():
        out.append(("tables", table))
        for n, row in enumerate(rows):
            out.append(("tables", table, n))
            out.extend(("tables", table, n, column) for column in row)
    for n, note in enumerate(data["notes"]):
        out.extend(("notes", n, k) for k in note)
    return out


ODD_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\ud800",
        "x\udfff",
        "\x1b[2J",
        "\u202e",
        "line\nbreak",
        "../../etc/passwd",
        "/tmp/elsewhere",
        "week1.md",
        ".hidden.md",
        "evil.sh",
        "https://user:pass@example.com/x",
        "javascript:alert(1)",
        "not json",
        "[1, 2]",
        '{"week": 3}',
        '[{"text": 1}]',
        "bogus",
        "2026-02-30",
        "0001-01-01",
        "9999-12-31T23:59:59.999999+00:00",
        "2026-11-04T10:00:00+00:00",
        "x" * 1_000_001,
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(0, 20),
    st.sampled_from([-1, 999, 2**31, 2**63 - 1, 2**63, -(2**63) - 1, 10**30]),
    st.sampled_from([0.5, float("inf"), float("-inf"), float("nan"), 1e308]),
    ODD_TEXT,
    st.text(max_size=12),
)
VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=3),
    st.dictionaries(st.text(max_size=5), SCALARS, max_size=2),
    st.just(DEEP),
)


MISSING = object()


def _at(data, path: tuple):
    """The value at ``path``, or MISSING when an earlier change took it away."""
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return MISSING
    return data


@st.composite
def mutated(draw, data: dict) -> str:
    """The backup as text, after one to three changes."""
    data = copy.deepcopy(data)
    places = _places(data)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(places))
        how = draw(st.sampled_from(["replace", "replace", "sibling", "sibling", "borrow", "delete", "add", "repeat"]))
        parent, last = _at(data, path[:-1]), path[-1]
        if _at(data, path) is MISSING:
            continue
        if how == "replace":
            parent[last] = draw(VALUES)
        elif how == "sibling" and len(path) == 4:  # the same field of another row: type and meaning fit
            rows = _at(data, path[:2])
            other = rows[draw(st.integers(0, len(rows) - 1))] if isinstance(rows, list) and rows else None
            if isinstance(other, dict) and path[3] in other:
                parent[last] = copy.deepcopy(other[path[3]])
        elif how == "borrow":  # a value of the right type from another place: it passes the type check
            value = _at(data, draw(st.sampled_from(places)))
            if value is not MISSING:
                parent[last] = copy.deepcopy(value)
        elif how == "delete":
            del parent[last]
        elif how == "add" and isinstance(parent[last], dict):
            parent[last][draw(st.sampled_from(["colour", "id", "uid", "key"]))] = draw(SCALARS)
        elif how == "repeat" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[last]))
    text = json.dumps(data)
    depth = draw(st.sampled_from([10, 5_000, 100_000]))
    return text.replace(json.dumps(DEEP), "[" * depth + "]" * depth)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_a_mutated_backup_is_refused_in_one_line_or_restores_a_working_workspace(backup, data):
    text = data.draw(mutated(backup))
    with tempfile.TemporaryDirectory(prefix="rt-fuzz-") as tmp:
        tmp = Path(tmp)
        (tmp / "backup.json").write_text(text)
        target = tmp / "restored"
        result = CliRunner().invoke(app, ["restore", str(tmp / "backup.json"), str(target)])
        event(f"exit {result.exit_code}")
        if result.exit_code == 2:
            lines = result.stderr.splitlines()
            assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
            assert sorted(p.name for p in tmp.iterdir()) == ["backup.json"]  # nothing written, nothing aside
            return
        assert result.exit_code == 0, f"restore exited {result.exit_code}: {result.stderr}"
        ws = Runner(target)
        for command in COMMANDS:
            ws(*command)
