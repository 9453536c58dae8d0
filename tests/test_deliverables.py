"""Deliverables: counted by the rule roadmap.yaml declares, shown with what counted and what is missing."""

from __future__ import annotations

import json

import pytest

from conftest import Runner, workspace_from


def counts(ws) -> dict[str, tuple[int, int]]:
    return {d["id"]: (d["count"], d["target"]) for d in json.loads(ws("status", "--json").stdout)["deliverables"]}


def test_counts_follow_each_rule(roadmap):
    assert counts(roadmap) == {
        "portfolio": (0, 5),
        "blog-posts": (0, 3),
        "deployed-llm-app": (0, 1),
        "cheatsheet": (0, 1),
    }
    # done-projects with link_kind repo: a project needs both.
    roadmap("check", "1.p1", "1.p2", "--date", "2026-11-05")
    assert counts(roadmap)["portfolio"] == (0, 5)
    roadmap("link", "1.p1", "https://github.com/ada/linreg")
    roadmap("link", "1.p3", "https://github.com/ada/graphs")  # linked but not done
    roadmap("link", "1.p2", "https://ada.github.io/plane")  # done but a blog, not a repo
    assert counts(roadmap)["portfolio"] == (1, 5)
    roadmap("link", "1.p2", "https://ada.github.io/plane", "--kind", "repo")  # corrected kind counts
    assert counts(roadmap)["portfolio"] == (2, 5)
    roadmap("uncheck", "1.p1")
    assert counts(roadmap)["portfolio"] == (1, 5)
    # links: links of a kind anywhere, the roadmap's own included.
    roadmap("link", "3.p1", "https://ada.medium.com/mlp")
    roadmap("link", "-", "https://dev.to/ada/attention")
    assert counts(roadmap)["blog-posts"] == (2, 3)
    roadmap("link", "4.p3", "https://huggingface.co/spaces/ada/chatbot")
    assert counts(roadmap)["deployed-llm-app"] == (1, 1)
    # attached: links or files on the deliverable itself.
    (roadmap.root / "notes" / "cheatsheet.md").write_text("# formulas\n")
    roadmap("link", "d4", "notes/cheatsheet.md")
    assert counts(roadmap)["cheatsheet"] == (1, 1)
    roadmap("unlink", "d4", "notes/cheatsheet.md")
    assert counts(roadmap)["cheatsheet"] == (0, 1)


def test_deliverables_shows_what_counted_and_what_is_missing(roadmap, monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")
    roadmap("check", "1.p1", "1.p2", "--date", "2026-11-05")
    roadmap("link", "1.p1", "https://github.com/ada/linreg", "--title", "linreg")
    roadmap("link", "1.p3", "https://github.com/ada/graphs")
    roadmap("link", "-", "https://dev.to/ada/attention")
    (roadmap.root / "notes" / "cheatsheet.md").write_text("# formulas\n")
    roadmap("link", "d4", "notes/cheatsheet.md")
    result = roadmap("deliverables")
    assert result.stdout == (
        "d1 Portfolio of mini projects  1/5 (up to 7)\n"
        "  ✓ 1.p1 Fit a linear regression with hand-written gradient descent in NumPy (done 2026-11-05)\n"
        "      repo  linreg https://github.com/ada/linreg\n"
        "  missing: 4 more done mini projects with a repo link\n"
        "  near miss: 1.p2 Plot how a 2x2 matrix transforms the plane is done but has no repo link\n"
        "  near miss: 1.p3 Graph x squared and sin(x) together with their derivatives and gradients has a repo link but is not done yet\n"
        "\n"
        "d2 Blog posts explaining core concepts  1/3\n"
        "  ✓ - the roadmap\n"
        "      blog  https://dev.to/ada/attention\n"
        "  missing: 2 more blog links\n"
        "\n"
        "d3 A deployed LLM application  0/1\n"
        "  missing: 1 more demo link\n"
        "\n"
        "d4 Personal cheatsheet of formulas, concepts and code snippets  1/1\n"
        "  ✓ d4 Personal cheatsheet of formulas, concepts and code snippets\n"
        "      other  notes/cheatsheet.md\n"
    )
    data = json.loads(roadmap("deliverables", "--json").stdout)
    assert [(d["id"], d["count"], d["target"], d["missing"]) for d in data] == [
        ("portfolio", 1, 5, "4 more done mini projects with a repo link"),
        ("blog-posts", 1, 3, "2 more blog links"),
        ("deployed-llm-app", 0, 1, "1 more demo link"),
        ("cheatsheet", 1, 1, None),
    ]
    first = data[0]["counted"][0]
    assert (first["ref"], first["done"], [x["target"] for x in first["links"]]) == (
        "1.p1",
        "2026-11-05",
        ["https://github.com/ada/linreg"],
    )


PLAN = """\
version: 1
title: Tiny
steps:
  - id: one
    title: One
    projects:
      - {id: a, title: Project A}
      - {id: b, title: Project B}
deliverables:
  - {id: any-two, title: Any two projects, target: 2, rule: done-projects}
  - {id: talk, title: Give a talk, target: 1, rule: checked}
  - {id: notebooks, title: Notebooks, target: 2, rule: links, link_kind: notebook}
"""


@pytest.fixture
def tiny(tmp_path) -> Runner:
    return workspace_from(tmp_path, PLAN, "tiny")


def test_done_projects_without_a_kind_and_the_checked_rule(tiny):
    def missing():
        return [d["missing"] for d in json.loads(tiny("deliverables", "--json").stdout)]

    assert missing() == [
        "2 more done mini projects",
        "not checked off yet (`roadmap check d2` once it is finished)",
        "2 more notebook links",
    ]
    tiny("check", "a", "--date", "2026-11-03")
    tiny("check", "d2", "--date", "2026-11-04")
    (tiny.root / "notes" / "eda.ipynb").write_text("{}")
    tiny("link", "a", "notes/eda.ipynb")
    assert missing() == ["1 more done mini project", None, "1 more notebook link"]
    assert counts(tiny) == {"any-two": (1, 2), "talk": (1, 1), "notebooks": (1, 2)}
    talk = json.loads(tiny("deliverables", "--json").stdout)[1]["counted"]
    assert [(c["ref"], c["done"]) for c in talk] == [("d2", "2026-11-04")]


def test_unknown_link_kind_in_roadmap_yaml_is_a_load_error(roadmap):
    before = roadmap.dump()
    path = roadmap.root / "roadmap.yaml"
    text = path.read_text().replace("link_kind: repo", "link_kind: podcast")
    path.write_text(text)
    line = text.splitlines().index("    link_kind: podcast") + 1
    result = roadmap("status", code=2)
    assert result.stderr.startswith(f"Error: {path}:{line}:5: deliverables[0].link_kind: Input should be 'repo'")
    assert len(result.stderr.splitlines()) == 1
    assert roadmap.dump() == before
