"""Fuzzing the roadmap.yaml loader: whatever the text, it returns a plan or raises RoadmapFileError
whose message is one line, `path:line:col: problem`. Two sources of text: YAML-ish tokens strung
together at random, and plans that look right, then mutated (wrong types, odd keys, aliases, deep
nesting, control characters, odd Unicode), as data and then as text."""

from __future__ import annotations

import re
import tempfile
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roadmap_tracker.dates import DATE_ORDERS, WEEKDAYS
from roadmap_tracker.errors import RoadmapFileError
from roadmap_tracker.plan.located import decode
from roadmap_tracker.plan.outline import flatten
from roadmap_tracker.plan.roadmap_file import load_roadmap
from roadmap_tracker.plan.schema import RULES, Roadmap
from roadmap_tracker.urls import LINK_KINDS

from conftest import workspace_from

SOURCE = Path("ws/roadmap.yaml")
# The line breaks YAML counts (and so the lines a message may name).
BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")

WORDS = [
    "version", "title", "steps", "items", "resources", "projects", "questions", "deliverables",
    "notes_dir", "id", "url", "note", "objective", "target", "max", "rule", "link_kind", "started",
    "week_starts", "date_order", "description", "x[", "notes[1]", "1", "-1", "0", "1.5", "1e3",
    "9" * 30, "null", "~", "true", "no", "2026-11-02", "2026-11-02T10:00:00", "https://example.com/a",
    "ftp://x", "..", "/tmp/x", "~/x", ".roadmap", "history", "links", "repo", "monday", "dmy",
]  # fmt: skip
PUNCT = [
    ":", ": ", " ", "\n", "  ", "    ", "- ", "[", "]", "{", "}", ", ", "&a ", "*a", "&b ", "*b",
    "!!str ", "!!python/object:os.system ", "!foo ", "!!binary ", "---\n", "...\n", "? ", "| ", "> ",
    "'", '"', "# ", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "<<: ", "\t", "\r", "\r\n", "\\",
    "\\x00", "\\e", "\\ud800", "\\U00110000", "\\N", "\\u2028",
]  # fmt: skip
ODD_CHARS = [
    "\x00", "\x01", "\x08", "\x1b", "\x7f", "\x85", "\x9f", "\xa0", "\u2028", "\u2029", "\ufeff",
    "\ufffe", "\uffff", "é", "Ç", "😀", "\u0301", "\u202e", "\u200b", "\U0010ffff", "\ud800", "\udfff",
]  # fmt: skip


def check_bytes(data: bytes, source: Path = SOURCE) -> Roadmap | RoadmapFileError:
    """Read ``data`` as the sync does: decode, then load. A byte that is not UTF-8 is named by line
    and column, counted in bytes."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as bad:
        with pytest.raises(RoadmapFileError) as caught:
            decode(data, source)
        line = data.count(b"\n", 0, bad.start) + 1
        column = bad.start - (data.rfind(b"\n", 0, bad.start) + 1) + 1
        assert str(caught.value).startswith(f"{source}:{line}:{column}: not UTF-8 text (")
        assert len(str(caught.value).splitlines()) == 1
        return caught.value
    return check(decode(data, source), source)


def check(text: str, source: Path = SOURCE) -> Roadmap | RoadmapFileError:
    """Load ``text``: a plan that flattens, or one RoadmapFileError of one line naming its line."""
    try:
        plan = load_roadmap(source, text)
    except RoadmapFileError as exc:
        message = str(exc)
        assert message.startswith(f"{source}:"), message
        assert len(message.splitlines()) == 1, message
        assert exc.problem.strip(), message
        # Every problem with the text names a line of it (only an unreadable file has none).
        assert exc.line is not None, message
        assert message.startswith(f"{source}:{exc.line}:{exc.column}: "), message
        assert 1 <= exc.line <= len(BREAKS.split(text)) + 1 and exc.column >= 1, message
        return exc
    assert isinstance(plan, Roadmap)
    list(flatten(plan))  # what the sync does next
    return plan


# --- random text ---------------------------------------------------------------------------


def _deep(kind: str, n: int) -> str:
    if kind == "lists":
        return "[" * n + "]" * n
    if kind == "maps":
        return "{a: " * n + "1" + "}" * n
    return "".join(" " * level + "- a:\n" for level in range(0, 2 * min(n, 150), 2))  # block style


token = st.one_of(st.sampled_from(WORDS), st.sampled_from(PUNCT), st.sampled_from(ODD_CHARS), st.text(max_size=4))
yamlish = st.lists(token, max_size=80).map("".join)
deep = st.builds(_deep, st.sampled_from(["lists", "maps", "block"]), st.integers(0, 1200))


@settings(max_examples=300, deadline=None)
@given(st.one_of(yamlish, deep, st.tuples(yamlish, deep, yamlish).map("".join)))
def test_random_text(text):
    check(text)


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.binary(max_size=300), yamlish.map(lambda text: text.encode("utf-8", "surrogatepass"))))
def test_random_bytes(data):
    check_bytes(data)


# --- plans that look right, mutated ---------------------------------------------------------

# The plans are mostly valid; the mutations below make them wrong.
titles = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCXYZ0123 ?-éÇ😀", min_size=4, max_size=14).filter(str.strip)
ids = st.from_regex(r"[a-z][a-z0-9-]{0,6}", fullmatch=True)
urls = st.builds("https://example.com/{}".format, st.text(alphabet="ab/-", max_size=4))
leaf_items = st.one_of(
    titles,
    st.fixed_dictionaries({"title": titles}, optional={"id": ids, "url": urls, "note": st.text(max_size=10)}),
)
items = st.recursive(
    leaf_items,
    lambda children: st.fixed_dictionaries({"title": titles, "items": st.lists(children, max_size=2)}),
    max_leaves=6,
)
steps = st.fixed_dictionaries(
    {"title": titles},
    optional={
        "id": ids,
        "objective": st.text(max_size=10),
        "resources": st.lists(items, max_size=2),
        "projects": st.lists(items, max_size=2),
        "questions": st.lists(items, max_size=2),
    },
)
deliverables = st.fixed_dictionaries(
    {"title": titles, "target": st.integers(1, 10)},
    optional={"rule": st.sampled_from(RULES), "link_kind": st.sampled_from(LINK_KINDS)},
)


def _numbered(data, count=None):
    """Every title and id made unique, as a real plan's are (hypothesis likes to repeat a value)."""
    count = count if count is not None else iter(range(1, 10**6))
    if isinstance(data, list):
        return [f"{value} {next(count)}" if isinstance(value, str) else _numbered(value, count) for value in data]
    if isinstance(data, dict):
        for key in ("title", "id"):
            if key in data:
                data[key] = f"{data[key]}-{next(count)}"
        for key, value in data.items():
            data[key] = _numbered(value, count) if isinstance(value, (list, dict)) else value
    return data


plans = st.fixed_dictionaries(
    {"version": st.just(1), "title": titles, "steps": st.lists(steps, min_size=1, max_size=2)},
    optional={
        "notes_dir": st.sampled_from(["notes", "diary/2026", "./notes", "Notes"]),
        "started": st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
        "week_starts": st.sampled_from(WEEKDAYS),
        "date_order": st.sampled_from(DATE_ORDERS),
        "description": st.text(max_size=10),
        "deliverables": st.lists(deliverables, max_size=2),
    },
).map(_numbered)

# What a value may wrongly be: every YAML type safe_dump writes, odd text, and near misses.
odd_text = st.lists(
    st.one_of(st.sampled_from([c for c in ODD_CHARS if not "\ud800" <= c <= "\udfff"]), st.text(max_size=3)), max_size=6
).map("".join)
near_misses = st.sampled_from([
    "", " ", "3", "1.2", "a b", "-1", "0", "2", "9" * 30, "ftp://x", "http://[::1", "example.com", "../x",
    "/abs", "C:\\x", "~/n", ".roadmap", "history/x", "notes/../..", ".", "someday", "ymd", "2026-02-30",
    "0001-01-01", "2026-11-02T10:00:00", "links", "podcast", "bogus",
])  # fmt: skip
wrong = st.one_of(
    near_misses, st.none(), st.booleans(), st.integers(), st.just(10**400), st.floats(), st.dates(),
    st.datetimes(), odd_text, st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)  # fmt: skip
odd_keys = st.one_of(
    st.sampled_from(["x[", "notes[1]", "", "<<", "title ", "Title", "items", "steps", "id", "url", "max"]),
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.dates(), odd_text,
)  # fmt: skip


def _containers(data, path=()):
    """Every mapping and list in ``data``, with its path."""
    if isinstance(data, (dict, list)):
        yield path, data
        children = data.items() if isinstance(data, dict) else enumerate(data)
        for key, value in children:
            yield from _containers(value, (*path, key))


def _nested_items(levels: int) -> dict:
    item: dict = {"title": "leaf"}
    for level in range(levels):
        item = {"title": f"t{level}", "items": [item]}
    return item


def mutate(draw, data: dict) -> None:
    """One change to the plan's data, in place."""
    _, here = draw(st.sampled_from(list(_containers(data))))
    change = draw(st.sampled_from(["wrong value", "odd key", "drop", "alias", "deep", "wrap"]))
    if isinstance(here, dict) and change == "odd key":
        here[draw(odd_keys)] = draw(st.one_of(wrong, titles))
        return
    slots = list(here) if isinstance(here, dict) else list(range(len(here)))
    if not slots:  # nothing to change in an empty container: give it something wrong
        if isinstance(here, list):
            here.append(draw(wrong))
        else:
            here["title"] = draw(wrong)
        return
    slot = draw(st.sampled_from(slots))
    if change == "drop":
        del here[slot]
    elif change == "alias":  # the same object twice: safe_dump writes an anchor and an alias
        _, other = draw(st.sampled_from(list(_containers(data))))
        if not any(inner is here for _, inner in _containers(other)):  # never a cycle
            here[slot] = other
    elif change == "deep":
        here[slot] = _nested_items(draw(st.integers(20, 60)))
    elif change == "wrap":
        here[slot] = [here[slot]]
    else:
        here[slot] = draw(wrong)


def text_mutation(draw, text: str) -> str:
    at = draw(st.integers(0, len(text)))
    kind = draw(st.sampled_from(["insert", "delete", "duplicate line"]))
    if kind == "insert":
        return text[:at] + draw(st.one_of(st.sampled_from(PUNCT), st.sampled_from(ODD_CHARS))) + text[at:]
    if kind == "delete":
        return text[:at] + text[at + draw(st.integers(1, 8)) :]
    lines = text.splitlines(keepends=True) or [""]
    n = draw(st.integers(0, len(lines) - 1))
    return "".join(lines[: n + 1] + lines[n:])


@st.composite
def mutated_plans(draw) -> str:
    data = draw(plans)
    for _ in range(draw(st.integers(0, 3))):
        mutate(draw, data)
    text = yaml.dump(
        data,
        Dumper=yaml.CSafeDumper,
        allow_unicode=draw(st.booleans()),
        default_flow_style=draw(st.sampled_from([False, None, True])),
        sort_keys=False,
        width=draw(st.sampled_from([80, 20, 10**6])),
    )
    for _ in range(draw(st.integers(0, 2))):
        text = text_mutation(draw, text)
    return text


@settings(max_examples=300, deadline=None)
@given(mutated_plans())
def test_mutated_plans(text):
    check(text)


def test_the_plans_generated_are_mostly_plans():
    # Unmutated, most generated plans must load, or the fuzzer only ever tests the first check.
    loaded = 0

    @settings(max_examples=60, deadline=None, database=None, derandomize=True)
    @given(plans)
    def count(data):
        nonlocal loaded
        loaded += isinstance(check(yaml.safe_dump(data, sort_keys=False)), Roadmap)

    count()
    assert loaded >= 50


# --- through the command line ---------------------------------------------------------------

PLAN = """\
version: 1
title: Tiny roadmap
steps:
  - id: basics
    title: Basics
    projects:
      - Build a thing
"""


# The workspace is made inside each example, in its own folder: the conftest's autouse fixture
# (HOME, today's date) holds for all of them.
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(mutated_plans(), yamlish))
def test_a_refused_file_leaves_status_one_line_and_the_store_alone(tmp_path, text):
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    ws = workspace_from(folder, PLAN)
    ws("check", "1.p1")
    before = ws.dump()
    data = text.encode("utf-8", "surrogatepass")
    (ws.root / "roadmap.yaml").write_bytes(data)
    outcome = check_bytes(data, ws.root / "roadmap.yaml")
    if isinstance(outcome, Roadmap):
        ws("status")
        return
    result = ws("status", code=2)
    assert result.stderr == f"Error: {outcome}\n"
    assert result.stdout == ""
    assert ws.dump() == before
