"""`roadmap portfolio`: finished mini projects, and a Markdown page that hostile titles cannot break."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from roadmap_tracker.render.markdown import markdown_escape, markdown_link, markdown_url

from conftest import Runner, workspace_from

PLAN = """\
version: 1
title: "Roadmap *with* <em>tags</em>"
steps:
  - id: basics
    title: "Step <b>one</b> | [x]"
    projects:
      - id: break
        title: "Break ] the [link](http://evil) | table <script>alert(1)</script>"
      - id: tick
        title: "Use `code`, *stars*, _under_ & www.evil.com"
      - id: todo
        title: Not done yet
    questions:
      - id: why
        title: "Why [not](javascript:alert(1))?"
      - id: open
        title: Left open
  - id: later
    title: Later
    projects:
      - id: plain
        title: A plain project
    questions:
      - id: later-q
        title: Unseen question
"""

REPO = "https://github.com/ada/break"
WIKI = "https://en.wikipedia.org/wiki/Transformer_(deep_learning)"


@pytest.fixture
def hostile(tmp_path) -> Runner:
    ws = workspace_from(tmp_path, PLAN)
    ws("check", "break", "tick", "--date", "2026-11-20")
    ws("link", "break", REPO, "--title", "my ]repo[ | <b>")
    ws("link", "break", WIKI)
    (ws.root / "notes" / "nb.ipynb").write_text("{}")
    ws("link", "tick", "notes/nb.ipynb")
    return ws


def answer(ws: Runner, key: str, day: str, text: str) -> None:
    ws("reflect", "--answer", key, text, "--date", day)


EXPECTED = """\
## Portfolio

Mini projects from the roadmap “Roadmap \\*with\\* \\<em\\>tags\\</em\\>”.

| Project | Step | Finished | Links |
| --- | --- | --- | --- |
| Break \\] the \\[link\\](http\\://evil) \\| table \\<script\\>alert(1)\\</script\\> | 1. Step \\<b\\>one\\</b\\> \\| \\[x\\] \
| 2026-11-20 | [my \\]repo\\[ \\| \\<b\\>](https://github.com/ada/break) · \
[other](https://en.wikipedia.org/wiki/Transformer_%28deep_learning%29) |
| Use \\`code\\`, \\*stars\\*, \\_under\\_ \\& www\\.evil.com | 1. Step \\<b\\>one\\</b\\> \\| \\[x\\] | 2026-11-20 \
| notebook: notes/nb.ipynb |

### Reflections

#### 1. Step \\<b\\>one\\</b\\> \\| \\[x\\]

**Why \\[not\\](javascript:alert(1))?** (2026-11-21)

> Line one \\<img src=x onerror=alert(1)\\>\\
> \\- not a list
>
> Second \\| para with www\\.evil.com
"""


def _tokens(markdown: str):
    def walk(tokens):
        for token in tokens:
            yield token
            yield from walk(token.children or [])

    return list(walk(MarkdownIt("commonmark").enable("table").parse(markdown)))


def test_markdown_escapes_hostile_titles(hostile):
    answer(hostile, "why", "2026-11-20", "an older answer")
    answer(
        hostile,
        "why",
        "2026-11-21",
        "Line one <img src=x onerror=alert(1)>\n- not a list\n\nSecond | para with www.evil.com",
    )
    result = hostile("portfolio", "--format", "markdown")
    assert result.stdout == EXPECTED
    tokens = _tokens(result.stdout)
    assert [t.attrs["href"] for t in tokens if t.type == "link_open"] == [
        REPO,
        "https://en.wikipedia.org/wiki/Transformer_%28deep_learning%29",
    ]
    assert not [t for t in tokens if t.type in ("html_inline", "html_block", "code_inline", "em_open", "image")]
    rows = [t for t in tokens if t.type == "tr_open"]
    cells = [t for t in tokens if t.type in ("th_open", "td_open")]
    assert (len(rows), len(cells)) == (3, 12)  # the header and two projects, four columns each
    assert "an older answer" not in result.stdout


def test_markdown_to_a_file(hostile, tmp_path):
    answer(
        hostile,
        "why",
        "2026-11-21",
        "Line one <img src=x onerror=alert(1)>\n- not a list\n\nSecond | para with www.evil.com",
    )
    target = tmp_path / "out" / "portfolio.md"
    result = hostile("portfolio", "--format", "markdown", "-o", str(target))
    assert result.stdout == ""
    assert result.stderr == f"Wrote 2 finished mini projects to {target}.\n"
    assert target.read_text(encoding="utf-8") == EXPECTED
    assert [p.name for p in target.parent.iterdir()] == ["portfolio.md"]  # no temporary file left behind
    result = hostile("portfolio", "-o", str(target), code=2)
    assert result.stderr == "Error: -o writes markdown or json (add --format markdown)\n"


def test_without_answers_there_are_no_reflections(hostile):
    out = hostile("portfolio", "-f", "markdown").stdout
    assert "Reflections" not in out
    assert out.endswith("| notebook: notes/nb.ipynb |\n")


def test_text_view(hostile, monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")
    answer(hostile, "why", "2026-11-21", "two\nlines")
    assert hostile("portfolio").stdout == (
        "Portfolio: 2 finished mini projects\n"
        "\n"
        "Step 1. Step <b>one</b> | [x]\n"
        "  1.p1 Break ] the [link](http://evil) | table <script>alert(1)</script>  done 2026-11-20\n"
        f"      repo  my ]repo[ | <b> {REPO}\n"
        f"      other  {WIKI}\n"
        "  1.p2 Use `code`, *stars*, _under_ & www.evil.com  done 2026-11-20\n"
        "      notebook  notes/nb.ipynb\n"
        "  Reflections\n"
        "    1.q1 Why [not](javascript:alert(1))?\n"
        "      2026-11-21: two\n"
        "      lines\n"
    )


def test_json(hostile):
    data = json.loads(hostile("portfolio", "--format", "json").stdout)
    [step] = data["steps"]
    assert [(p["ref"], p["done"], [x["target"] for x in p["links"]]) for p in step["projects"]] == [
        ("1.p1", "2026-11-20", [REPO, "https://en.wikipedia.org/wiki/Transformer_(deep_learning)"]),
        ("1.p2", "2026-11-20", ["notes/nb.ipynb"]),
    ]


def test_empty_portfolio(roadmap):
    result = roadmap("portfolio")
    assert (result.stdout, result.stderr) == (
        "",
        "No finished mini projects yet. Check one off with `roadmap check 1.p1`.\n",
    )
    assert roadmap("portfolio", "-f", "markdown").stdout == "## Portfolio\n\nNo finished mini projects yet.\n"


# --- the shared escaping helpers ---------------------------------------------


@pytest.mark.parametrize(
    "text, escaped",
    [
        ("plain words", "plain words"),
        ("a [link](http://x.org)", "a \\[link\\](http\\://x.org)"),
        ("<b>bold</b> & &amp;", "\\<b\\>bold\\</b\\> \\& \\&amp;"),
        ("`tick` *em* _em_ ~~del~~ | $x$ C#", "\\`tick\\` \\*em\\* \\_em\\_ \\~\\~del\\~\\~ \\| \\$x\\$ C\\#"),
        ("back\\slash", "back\\\\slash"),
        ("go to www.example.com", "go to www\\.example.com"),
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("12. item", "12\\. item"),
        ("3) item", "3\\) item"),
        ("> quote", "\\> quote"),
        ("# heading", "\\# heading"),
        ("===", "\\==="),
        ("  two\nlines  ", "two lines"),
    ],
)
def test_markdown_escape(text, escaped):
    assert markdown_escape(text) == escaped


def test_markdown_url_and_link():
    assert markdown_url("https://x.org/a (b)<c>|d`e\\f") == "https://x.org/a%20%28b%29%3Cc%3E%7Cd%60e%5Cf"
    assert markdown_link("[x]", "https://x.org/(y)") == "[\\[x\\]](https://x.org/%28y%29)"


def _inline_text(markdown: str) -> str:
    [inline] = [t for t in _tokens(markdown) if t.type == "inline"]
    assert {t.type for t in inline.children} <= {"text"}, inline.children
    return "".join(t.content for t in inline.children)


@given(st.text(alphabet=st.characters(codec="ascii", exclude_categories=["Cc"]) | st.sampled_from("é“”·"), max_size=40))
def test_escaped_text_reads_as_written_anywhere(text):
    escaped = markdown_escape(text)
    wanted = " ".join(text.split())
    if not wanted:
        return
    assert _inline_text(escaped + "\n") == wanted  # a paragraph, even at the start of a line
    assert _inline_text(f"## {escaped}\n") == wanted  # a heading
    table = _tokens(f"| a | b |\n| --- | --- |\n| {escaped} | z |\n")
    assert len([t for t in table if t.type == "td_open"]) == 2  # nothing split the row
    cell = [t for t in table if t.type == "inline"][2]
    assert {t.type for t in cell.children} <= {"text"}
    assert "".join(t.content for t in cell.children) == wanted
