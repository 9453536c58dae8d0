"""roadmap.yaml: every mistake names its line and column, exits 2, and leaves the store as it was."""

from __future__ import annotations

import pytest

MINIMAL = """\
version: 1
title: Tiny roadmap
steps:
  - id: basics
    title: Basics
    resources:
      - title: A book
        url: https://example.com/book
    projects:
      - Build a thing
"""


def edit(roadmap, text: str):
    (roadmap.root / "roadmap.yaml").write_text(text, encoding="utf-8")


@pytest.fixture
def tiny(roadmap):
    edit(roadmap, MINIMAL)
    roadmap("check", "1.p1")
    return roadmap


BAD = {
    "syntax": (
        MINIMAL.replace("  - id: basics", "  - id: [basics"),
        "roadmap.yaml:5:10: invalid YAML: did not find expected ',' or ']'",
    ),
    "unknown key": (
        MINIMAL.replace("    title: Basics", "    titel: Basics"),
        "roadmap.yaml:5:5: unknown key 'titel' (did you mean 'title'?); "
        "allowed: id, title, objective, resources, projects, questions",
    ),
    "missing title": (
        MINIMAL.replace("    title: Basics\n", ""),
        "roadmap.yaml:4:5: steps[0].title: required key is missing",
    ),
    "wrong type": (
        MINIMAL + "deliverables:\n  - title: Posts\n    target: many\n",
        "roadmap.yaml:13:5: deliverables[0].target: Input should be a valid integer, "
        "unable to parse string as an integer",
    ),
    "duplicate id": (
        MINIMAL + "  - id: basics\n    title: Again\n",
        "roadmap.yaml:11:5: duplicate id 'basics' (first used on line 4); give one of them another id",
    ),
    "duplicate key": (
        MINIMAL.replace("    title: Basics\n", "    title: Basics\n    title: Other\n"),
        "roadmap.yaml:6:5: duplicate key 'title'; each key may appear once in a mapping",
    ),
    "not http": (
        MINIMAL.replace("https://example.com/book", "ftp://example.com/book"),
        "roadmap.yaml:8:9: steps[0].resources[0].url: 'ftp://example.com/book' is not an http(s) address; "
        "links must start with http:// or https://",
    ),
    "empty title": (
        MINIMAL.replace("title: A book", "title: ''"),
        "roadmap.yaml:7:9: steps[0].resources[0].title: must not be empty",
    ),
    "unknown link kind": (
        MINIMAL + "deliverables:\n  - title: Posts\n    target: 3\n    rule: links\n    link_kind: podcast\n",
        "roadmap.yaml:15:5: deliverables[0].link_kind: Input should be 'repo', 'blog', 'demo', "
        "'notebook', 'kaggle', 'paper', 'video' or 'other'",
    ),
    "newer schema": (
        MINIMAL.replace("version: 1", "version: 2"),
        "roadmap.yaml:1:1: version: this file is schema version 2; this roadmap-tracker reads "
        "version 1: upgrade roadmap-tracker",
    ),
    "python tag": (
        MINIMAL.replace("title: A book", "title: !!python/object:os.system echo"),
        "roadmap.yaml:7:16: YAML tag 'tag:yaml.org,2002:python/object:os.system' is not supported; remove it",
    ),
    "not a mapping": ("- just\n- a list\n", "roadmap.yaml:1:1: expected a mapping with version, title and steps"),
    "id like a number": (
        MINIMAL.replace("id: basics", "id: '3'"),
        "roadmap.yaml:4:5: id '3' looks like a step number; choose an id with a letter in it",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_roadmap_names_line_and_leaves_store_alone(tiny, case):
    text, expected = BAD[case]
    before = tiny.dump()
    edit(tiny, text)
    result = tiny("status", code=2)
    assert result.stderr == f"Error: {tiny.root}/{expected}\n"
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert tiny.dump() == before


def test_message_uses_the_path_given(tiny):
    edit(tiny, BAD["unknown key"][0])
    result = tiny("status", code=2)
    assert result.stderr.startswith(f"Error: {tiny.root}/roadmap.yaml:5:5: unknown key 'titel'")


@pytest.mark.parametrize("word", ["no", "on", "yes", "off", "1:30", "0o17", "1e3", "2026-01-01", "null-ish", "~x"])
def test_yaml_1_1_words_stay_text(roadmap, word):
    edit(roadmap, MINIMAL.replace("title: Basics", f"title: {word}").replace("- Build a thing", f"- {word}"))
    out = roadmap("status", "--json").stdout
    import json

    data = json.loads(out)
    assert data["steps"][0]["title"] == word
    assert roadmap.query("SELECT title FROM item WHERE kind = 'project' AND archived_at IS NULL") == [(word,)]


def test_alias_bomb_is_refused_at_once(tiny):
    bomb = MINIMAL + "x: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for n in range(9):
        bomb += (
            f"x{n}: &{chr(98 + n)} [*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}]\n"
        )
    before = tiny.dump()
    edit(tiny, bomb)
    result = tiny("status", code=2)
    assert "anchors and aliases (&name / *name) are not supported; write the value out" in result.stderr
    assert tiny.dump() == before


def test_huge_file_is_refused_before_reading(tiny):
    before = tiny.dump()
    with open(tiny.root / "roadmap.yaml", "w") as handle:
        handle.write(MINIMAL)
        handle.write("# padding\n" * 1_100_000)
    result = tiny("status", code=2)
    assert result.stderr.endswith("roadmap.yaml: file is 11,000,182 bytes; the limit is 10,485,760\n")
    assert tiny.dump() == before


def test_not_utf8_is_refused(tiny):
    (tiny.root / "roadmap.yaml").write_bytes(MINIMAL.encode() + b"# \xff\xfe\n")
    result = tiny("status", code=2)
    assert result.stderr.endswith("roadmap.yaml:11:3: not UTF-8 text (byte 0xff); save the file as UTF-8\n")


def test_fixing_the_file_recovers(tiny):
    edit(tiny, BAD["unknown key"][0])
    tiny("status", code=2)
    edit(tiny, MINIMAL)
    out = tiny("status").stdout
    assert out.startswith("Tiny roadmap  50% done (1/2)\n")
    assert tiny.states() == {"basics/build-a-thing": "done"}
