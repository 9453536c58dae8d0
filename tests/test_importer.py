"""Tests for roadmap_tracker.importer: Markdown roadmap -> roadmap.yaml data, states and report.

The seed roadmap and the corpus are read from ../shared/ at run time (never copied here);
those tests skip when the files are absent, and fail when CI is set (conftest.from_shared).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roadmap_tracker.exchange.markdown.reader import (
    PLAIN_LINK,
    ImportReport,
    MarkdownImportError,
    Unplaced,
    import_markdown,
    slugify,
)
from roadmap_tracker.plan import ids
from roadmap_tracker.plan.outline import flatten
from roadmap_tracker.plan.roadmap_file import load_roadmap

from conftest import SHARED, from_shared

SEED = SHARED / "seeds" / "002_6f6306d0362af5e5.txt"
ABOUT_ME = SHARED / "seeds" / "000_da353a975712b96c.txt"  # the blog's topic list, a numbered list of topics
CORPUS = SHARED / "corpus" / "roadmaps"
KINDS = ("resources", "projects", "questions")

TOP_KEYS = {"version", "title", "description", "started", "steps", "deliverables"}
STEP_KEYS = {"id", "title", "objective", *KINDS}
ITEM_KEYS = {"id", "title", "url", "note", "items"}
DELIVERABLE_KEYS = {"id", "title", "target", "max", "rule", "link_kind"}


def item_key(step_id: str, entry: dict) -> str:
    """The key roadmap.yaml gives an item: its id, or "<step id>/<slug of its title>"."""
    return entry.get("id") or f"{step_id}/{slugify(entry['title'])}"


def validate_roadmap_dict(d: dict) -> set[str]:
    """The rules roadmap.yaml version 1 must satisfy; returns every step, item and deliverable key."""
    assert set(d) <= TOP_KEYS and {"version", "title", "steps"} <= set(d)
    assert d["version"] == 1 and isinstance(d["title"], str) and d["title"].strip()
    keys = {s["id"] for s in d["steps"]}
    assert len(keys) == len(d["steps"]), "duplicate step ids"
    for step in d["steps"]:
        assert set(step) <= STEP_KEYS, set(step) - STEP_KEYS
        assert step["title"].strip() and re.fullmatch(r"[\w-]+", step["id"])
        for kind in KINDS:
            for item in step.get(kind, []):
                for entry in [item, *item.get("items", [])]:
                    assert set(entry) <= ITEM_KEYS and entry["title"].strip(), entry
                    assert "url" not in entry or re.match(r"https?://", entry["url"]), entry
                    assert "note" not in entry or entry["note"].strip(), entry
                    key = item_key(step["id"], entry)  # unique within the step, children included
                    assert key.startswith(step["id"] + "/") and key not in keys, key
                    keys.add(key)
                assert all("items" not in child for child in item.get("items", []))
    for deliverable in d.get("deliverables", []):
        assert set(deliverable) <= DELIVERABLE_KEYS and deliverable["title"].strip(), deliverable
        key = deliverable.get("id") or slugify(deliverable["title"])
        assert key not in keys, key
        keys.add(key)
    # The project's own loader reads the dumped YAML and keys the rows the same way.
    text = yaml.safe_dump(d, allow_unicode=True, sort_keys=False)
    assert yaml.safe_load(text) == d
    assert {row.key for row in flatten(load_roadmap(Path("roadmap.yaml"), text=text))} == keys
    return keys


def run(text: str, **kwargs) -> tuple[dict, dict[str, str], ImportReport]:
    data, states, report = import_markdown(text, **kwargs)
    keys = validate_roadmap_dict(data)
    assert set(states) <= keys and set(states.values()) <= {"done", "skipped", "in_progress"}
    return data, states, report


def step(data: dict, step_id: str) -> dict:
    return next(s for s in data["steps"] if s["id"] == step_id)


def titles(entries: list[dict]) -> list[str]:
    return [e["title"] for e in entries]


def total(data: dict, kind: str) -> int:
    return sum(len(s[kind]) for s in data["steps"])


def tick_all(text: str) -> str:
    return re.sub(r"^(\s*(?:[-*+]|\d+[.)])\s+)\[ \]", r"\1[x]", text, flags=re.M)


def item_states(states: dict[str, str]) -> int:
    return sum("/" in key for key in states)


# ------------------------------------------------------------------ the user's roadmap


@pytest.fixture(scope="module")
def seed_text() -> str:
    return from_shared(SEED).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed(seed_text: str):
    return run(seed_text, source=SEED.name)


def test_seed_has_the_eight_steps(seed):
    data, _, report = seed
    assert data["title"] == "Comprehensive Learning Roadmap: Neural Networks and Large Language Models"
    assert titles(data["steps"]) == [
        "Mathematical Foundations",
        "Introduction to Neural Networks",
        "Building Neural Networks and Transformers",
        "Practical Applications of LLMs",
        "Hands-On Practice and Competitions",
        "Advanced Deep Learning Courses",
        "MLOps and Deployment",
        "Specializations",
    ]
    assert [s["id"] for s in data["steps"]][:2] == ["mathematical-foundations", "introduction-to-neural-networks"]
    assert report.steps == 8 and report.deliverables == 4


def test_seed_step_contents(seed):
    data, _, _ = seed
    counts = [tuple(len(s[k]) for k in KINDS) for s in data["steps"]]
    assert counts == [(4, 3, 3), (1, 2, 2), (2, 3, 3), (2, 3, 2), (2, 2, 2), (3, 3, 2), (1, 3, 2), (3, 3, 0)]
    first = data["steps"][0]
    assert first["objective"].startswith("Build a strong base in probability, statistics, linear algebra")
    assert first["resources"][1] == {"title": "Mathematics for Machine Learning (Book)", "url": "https://mml-book.com/"}
    assert first["projects"][2]["title"] == "Plot derivatives and gradients of functions such as x² and sin(x)."
    assert first["questions"][2] == {"title": "What role do derivatives play in optimization?"}
    practice = data["steps"][4]
    assert practice["resources"][1] == {"title": "Kaggle competitions for applied ML practice."}
    # Step 8 groups its links under bold topic labels: resources all the same, each titled with its topic.
    assert titles(data["steps"][7]["resources"]) == [
        "Computer Vision: Stanford CS231n: CNNs for Visual Recognition",
        "Natural Language Processing: Stanford CS224n: NLP with Deep Learning",
        "Reinforcement Learning: Deep RL Course – UCL/DeepMind",
    ]


def test_seed_totals(seed):
    # The brief expected 19 resources and 23 projects; the file holds 18 and 22 (counted by hand,
    # step by step: 4+1+2+2+2+3+1+3 and 3+2+3+3+2+3+3+3), and 16 questions.
    data, states, report = seed
    assert (total(data, "resources"), total(data, "projects"), total(data, "questions")) == (18, 22, 16)
    assert report.items == 56 and report.checked == 0 and states == {}


def test_seed_sections_that_are_not_steps_are_reported(seed):
    data, _, report = seed
    assert not {"Notes and Reflections", "Final Deliverables", "Progress Tracking"} & set(titles(data["steps"]))
    # Every line of text that went nowhere, and why; the progress checklist and the deliverables were read,
    # and the front matter is reported as such, not read as a heading.
    notes = '"Notes and Reflections" is not a learning step'
    assert report.unplaced == [
        Unplaced(2, "layout: page", "front matter"),
        Unplaced(3, 'title: "About Me"', "front matter"),
        Unplaced(4, "permalink: /about/", "front matter"),
        Unplaced(181, "## Notes and Reflections", notes),
        Unplaced(183, "Maintain a learning diary in `/notes/weekX.md`. After each week, document:", notes),
        Unplaced(184, "- Key concepts learned", notes),
        Unplaced(185, "- Experiments run and results observed", notes),
        Unplaced(186, "- Open questions and areas to revisit", notes),
        Unplaced(
            192,
            "By completing this roadmap, the following outcomes should be achieved:",
            "text in the deliverables section that is no deliverable",
        ),
    ]
    assert data["description"].startswith("This repository documents a structured step-by-step journey")


def test_seed_item_keys(seed):
    data, _, _ = seed
    # "Stanford CS224n: NLP with Deep Learning" is listed in steps 6 and 8: keys are per step.
    keys = {item_key(s["id"], e) for s in data["steps"] for e in s["resources"]}
    assert {
        "advanced-deep-learning-courses/stanford-cs224n-nlp-with-deep-learning",
        "specializations/natural-language-processing-stanford-cs224n-nlp",
    } <= keys


def test_seed_progress_checklist_ticks_steps(seed_text):
    ticked = seed_text.replace("- [ ] Step 2: Introduction", "- [x] Step 2: Introduction")
    assert ticked != seed_text
    _, states, report = run(ticked)
    assert states == {"introduction-to-neural-networks": "done"}
    assert report.checked == 1 and report.items == 56
    # "Step 8: Specializations (Computer Vision, NLP, RL)" names the step "Specializations".
    _data, states, _ = run(ticked.replace("- [ ] Step 8", "- [X] Step 8"))
    assert states == {"introduction-to-neural-networks": "done", "specializations": "done"}


def test_seed_import_is_stable(seed_text, seed):
    assert run(seed_text, source=SEED.name) == seed
    # Windows line endings and a byte-order mark change nothing.
    assert run("\ufeff" + seed_text.replace("\n", "\r\n"), source=SEED.name) == seed


def test_seed_with_ticked_projects_keeps_the_plain_ones(seed_text, seed):
    # Ticking the finished projects leaves the others plain bullets: they are the plan still to do.
    ticked = seed_text
    for done in ("- Implement gradient descent", "- Train on toy datasets", "- Re-implement parts of nanoGPT"):
        ticked = ticked.replace(done, "- [x] " + done[2:])
    data, states, report = run(ticked, source=SEED.name)
    assert data == seed[0] and total(data, "projects") == 22
    assert states == {
        "mathematical-foundations/implement-gradient-descent-in-numpy-for-a": "done",
        "introduction-to-neural-networks/train-on-toy-datasets-such-as-xor-or-a-subset": "done",
        "building-neural-networks-and-transformers/re-implement-parts-of-nanogpt": "done",
    }
    assert report.unplaced == seed[2].unplaced


def test_seed_final_deliverables_become_deliverables(seed):
    data, states, _ = seed
    # A count in the words is the target ("5–7" also a maximum); what is counted gives the rule.
    assert data["deliverables"] == [
        {"title": "A portfolio with 5–7 mini-projects.", "target": 5, "max": 7, "rule": "done-projects"},
        {"title": "At least 3 blog posts explaining core concepts.", "target": 3, "rule": "links", "link_kind": "blog"},
        {"title": "One deployed LLM application.", "target": 1, "rule": "links", "link_kind": "demo"},
        {
            "title": "A personal cheatsheet of formulas, concepts, and reusable code snippets.",
            "target": 1,
            "rule": "checked",
        },
    ]
    assert states == {}


def test_numbered_topics_keep_their_lettered_sub_topics():
    data, _, report = run(from_shared(ABOUT_ME).read_text(encoding="utf-8"), source=ABOUT_ME.name)
    topics = step(data, "what-i-will-be-writing-about-first")["projects"]
    assert [(t["title"], len(t["items"])) for t in topics] == [
        ("The mathematics behind deep learning", 9),
        ("The latest research and development in the field", 4),
        ("Building neural networks from scratch", 3),
        ("Building applications from pretrained base models", 16),
    ]
    assert titles(topics[0]["items"])[:3] == ["Linear Algebra", "Calculus", "Probability and Statistics"]
    assert titles(topics[2]["items"]) == ["Convolutional Neural Networks", "Recurrent Neural Networks", "Transformers"]
    assert titles(topics[3]["items"])[-2:] == ["Generative Adversarial Networks", "Autoencoders"]
    # Every line of the four topics became a topic or a sub-topic.
    assert not [u for u in report.unplaced if 57 <= u.line <= 96]


# ------------------------------------------------------------------ errors


def test_no_headings_is_an_error():
    with pytest.raises(MarkdownImportError, match="has no Markdown headings") as err:
        import_markdown("- [ ] a task\n- [ ] another\n", source="notes.md")
    assert str(err.value).startswith("notes.md ") and "\n" not in str(err.value)


def test_headings_without_content_is_an_error():
    with pytest.raises(MarkdownImportError, match="no lists, links or tables"):
        import_markdown("# Title\n\nJust prose.\n\n## Section\n\nMore prose.\n")


@pytest.mark.parametrize(
    "data, message",
    [
        ("# Roadmap\n\x00\x01\x02", "binary"),
        (b"# Roadmap\n\x00\x01", "binary"),
        (b"# Roadmap\n- [ ] caf\xe9\n", "not UTF-8"),
        ("# Roadmap\n- [ ] caf\udce9\n", "not UTF-8"),  # what surrogateescape leaves of a stray byte
        ("# R\n" + "x" * (5 * 1024 * 1024), "up to 5 MiB"),
        (b"# R\n" + b"x" * (5 * 1024 * 1024), "up to 5 MiB"),
    ],
)
def test_unreadable_input_is_an_error(data, message):
    with pytest.raises(MarkdownImportError, match=message) as err:
        import_markdown(data)
    assert "\n" not in str(err.value)


def test_utf8_bytes_are_accepted():
    data, _, _ = run("# Plan\n\n## Café\n\n- [ ] Crème brûlée\n".encode())
    assert data["steps"][0]["id"] == "cafe" and data["steps"][0]["projects"] == [{"title": "Crème brûlée"}]


def test_code_fence_is_not_a_heading():
    text = "# Plan\n\n## Real step\n\n- [ ] Do it\n\n```bash\n# not a heading\n- [ ] not a task\n```\n\n    # indented code\n"
    data, _states, report = run(text)
    assert titles(data["steps"]) == ["Real step"]
    assert titles(data["steps"][0]["projects"]) == ["Do it"]
    # Code is never read as structure, and never dropped without a word.
    assert report.items == 1 and report.unplaced == [
        Unplaced(7, "```bash", "code"),
        Unplaced(8, "# not a heading", "code"),
        Unplaced(9, "- [ ] not a task", "code"),
        Unplaced(12, "# indented code", "code"),
    ]


# ------------------------------------------------------------------ behaviour on small documents


def test_checkboxes_nesting_and_states():
    text = """# Plan

## Basics

- [x] Read the [Guide](https://example.com/guide)
- [ ] Implement a vector:
    - [X] size()
    - [ ] push(item)
        - note about growth, not a task
    - [Docs](https://example.com/docs)
- note between checkboxes, not a task
1. [ ] Numbered task
* [X] Star task
"""
    data, states, report = run(text)
    basics = data["steps"][0]
    assert basics["resources"] == [{"title": "Read the Guide", "url": "https://example.com/guide"}]
    assert basics["projects"] == [
        {
            "title": "Implement a vector",
            "items": [
                {"title": "size()"},
                # a plain bullet indented under a checkbox is the learner's note on it
                {"title": "push(item)", "note": "note about growth, not a task"},
                {"title": "Docs", "url": "https://example.com/docs"},
            ],
        },
        {"title": "Numbered task"},
        {"title": "Star task"},
    ]
    assert states == {"basics/read-the-guide": "done", "basics/size": "done", "basics/star-task": "done"}
    assert (report.items, report.checked) == (7, 3)
    # Beside open boxes a plain bullet is a remark: it is not made an item, and it is said so.
    assert report.unplaced == [
        Unplaced(11, "- note between checkboxes, not a task", "a plain bullet among open checkboxes, read as a remark")
    ]


def test_labels_decide_the_kind():
    text = """# Plan

## Step 1: Foundations

**Goal:** Learn the *basics* of things.

📚 **References**:
- [A book](https://example.com/book "Publisher")
- A book without a link

### Mini Projects
- Build a [toy](https://example.com/toy) thing
- Why would this fail?

**Reflection Questions**
- What did I learn

- Why is the sky blue?
"""
    data, _, _ = run(text)
    s = data["steps"][0]
    assert s["title"] == "Foundations" and s["id"] == "foundations"
    assert s["objective"] == "Learn the basics of things."
    assert s["resources"] == [
        {"title": "A book", "url": "https://example.com/book"},
        {"title": "A book without a link"},
    ]
    assert s["projects"] == [
        {"title": "Build a toy", "url": "https://example.com/toy", "note": "thing"},  # what the title leaves out
        {"title": "Why would this fail?"},
    ]
    assert titles(s["questions"]) == ["What did I learn", "Why is the sky blue?"]


def test_label_subheadings_stay_inside_their_step():
    text = """# Plan

- [x] Step 1: Maths
- [ ] Step 2: Code

## Step 1: Maths
### Resources
- [Book](https://example.com/book)
### Projects
- Derive the gradient
- Plot it

## Step 2: Code
### Resources
- [Course](https://example.com/course)
### Reflection Questions
- What broke
"""
    data, states, report = run(text)
    assert [s["id"] for s in data["steps"]] == ["maths", "code"]
    assert [tuple(len(s[k]) for k in KINDS) for s in data["steps"]] == [(1, 2, 0), (1, 0, 1)]
    assert states == {"maths": "done"} and report.unplaced == []


def test_step_level_is_where_the_items_are_and_titles_are_cleaned():
    text = """# 🚀 My **Roadmap**

Intro paragraph.

## Table of Contents
- [Part A](#part-a)

## ✅ Phase 1: [Basics](https://example.com/basics)

### Week 1
- [ ] one
- [ ] two

### Week 2
- [ ] three

## Phase 2

### Week 1
- [ ] four

## License
- MIT
"""
    data, _states, report = run(text)
    assert data["title"] == "My Roadmap"
    # Duplicate "Week 1" titles borrow the parent heading; the phase link is not lost.
    assert titles(data["steps"]) == ["Phase 1: Basics – Week 1", "Week 2", "Phase 2 – Week 1"]
    assert [s["id"] for s in data["steps"]] == ["phase-1-basics-week-1", "week-2", "phase-2-week-1"]
    assert data["description"] == "Intro paragraph."
    assert report.unplaced == [
        Unplaced(5, "## Table of Contents", '"Table of Contents" is not a learning step'),
        Unplaced(6, "- [Part A](#part-a)", '"Table of Contents" is not a learning step'),
        # "Phase 2" lives on in "Phase 2 – Week 1"; the link in "Phase 1" would not
        Unplaced(8, "## ✅ Phase 1: [Basics](https://example.com/basics)", "a heading over steps (steps do not nest)"),
        Unplaced(22, "## License", '"License" is not a learning step'),
        Unplaced(23, "- MIT", '"License" is not a learning step'),
    ]


def test_links_badges_anchors_and_relative_links():
    text = """# Plan

## Links

- Python Playlist: [![YouTube](https://img.shields.io/badge/YouTube-Video-green)](https://youtube.com/a)
- OpenAI [![docs](https://img.shields.io/badge/d.svg)](https://platform.openai.com/docs) [![YouTube](https://img.shields.io/badge/y.svg)](https://www.youtube.com/b)
- [![Only a badge](https://img.shields.io/badge/x.svg)](https://example.org/x)
- [In-page](#links)
- [Local notes](notes/week1.md)
- Plain <https://example.net/auto>

https://example.com/bare
Caption line
https://example.com/captioned
"""
    data, _, report = run(text)
    r = data["steps"][0]["resources"]
    assert r[0] == {"title": "Python Playlist", "url": "https://youtube.com/a"}
    assert r[1] == {
        "title": "OpenAI",
        "url": "https://platform.openai.com/docs",
        "items": [{"title": "youtube.com", "url": "https://www.youtube.com/b"}],
    }
    assert r[2] == {"title": "Only a badge", "url": "https://example.org/x"}
    assert r[3] == {"title": "Local notes"}
    assert r[4]["url"] == "https://example.net/auto"
    assert r[5] == {"title": "https://example.com/bare", "url": "https://example.com/bare"}
    assert r[6] == {"title": "Caption line", "url": "https://example.com/captioned"}
    assert len(r) == 7
    assert report.warnings == ["line 9: link 'notes/week1.md' is not a web address; kept the title without a url"]
    assert report.unplaced == [Unplaced(8, "- [In-page](#links)", "an in-page link")]


def test_tables_rows_become_items():
    text = """# Plan

### Phase 1

| Week | Topic | Resource |
|------|-------|----------|
| 1–4 | **CS Fundamentals** | [CS50x](https://cs50.harvard.edu/x/) |
| parallel | **Optional Math** | Khan Academy |

### Phase 2

Courses | Duration | Prerequisites
:-- | :--: | :--:
[Systematic Program Design](coursepages/spd/README.md) | 13 weeks | [chat](https://discord.gg/x)
[Programming Languages](https://courses.example.edu/pl) | 11 weeks | none
"""
    data, _, report = run(text)
    one, two = data["steps"]
    # The other cells of a row stay with its item as a note.
    assert one["resources"] == [
        {"title": "CS Fundamentals", "url": "https://cs50.harvard.edu/x/", "note": "Week: 1–4 · Resource: CS50x"}
    ]
    assert one["projects"] == [{"title": "Optional Math", "note": "Week: parallel · Resource: Khan Academy"}]
    assert two["resources"] == [
        {
            "title": "Systematic Program Design",
            "note": "Duration: 13 weeks · Prerequisites: chat (https://discord.gg/x)",
        },
        {
            "title": "Programming Languages",
            "url": "https://courses.example.edu/pl",
            "note": "Duration: 11 weeks · Prerequisites: none",
        },
    ]
    assert len(report.warnings) == 1 and "coursepages/spd/README.md" in report.warnings[0]


def test_struck_out_and_instruction_checkboxes_are_skipped():
    text = """# Plan

## How to use it
- [x] Tick boxes like this: [x]

## Topic
- [ ] [Kept](https://example.com/kept)
- ~~[] [Gone](https://example.com/gone)~~[removed]
"""
    data, states, report = run(text)
    assert titles(data["steps"]) == ["Topic"] and states == {}
    assert titles(data["steps"][0]["resources"]) == ["Kept"]
    assert report.unplaced == [
        Unplaced(3, "## How to use it", '"How to use it" has nothing that could be imported'),
        Unplaced(4, "- [x] Tick boxes like this: [x]", "a checkbox that explains checkbox syntax"),
        Unplaced(8, "- ~~[] [Gone](https://example.com/gone)~~[removed]", "struck out"),
    ]


def test_item_keys_are_unique_within_a_step_including_children():
    # An item's key is "<step id>/<slug>"; only a repeated slug needs its suffixed key written out.
    text = "# P\n\n## S\n\n- [ ] Read\n- [ ] Read\n- [ ] Task\n  - [x] Read\n\n## 2024\n\n- [x] Read\n"
    data, states, _ = run(text)
    projects = data["steps"][0]["projects"]
    assert projects == [
        {"title": "Read"},
        {"id": "s/read-2", "title": "Read"},
        {"title": "Task", "items": [{"id": "s/read-3", "title": "Read"}]},
    ]
    assert data["steps"][1]["id"] == "step-2024"  # a bare number would read as a step position
    assert states == {"s/read-3": "done", "step-2024/read": "done"}


def test_urls_the_loader_would_refuse_are_dropped():
    data, _, report = run("# P\n\n## S\n\n- [No host](https://)\n- [Fine](https://example.com)\n")
    assert data["steps"][0]["resources"] == [{"title": "No host"}, {"title": "Fine", "url": "https://example.com"}]
    assert report.warnings == ["line 5: 'https://' has no host; kept 'No host' without a url"]


def test_plain_bullets_beside_ticked_boxes_are_items_still_to_do():
    text = "# My plan\n\n## Step 1: Basics\n\n**Mini Projects**\n- [x] Project A\n- Project B\n- Project C\n"
    data, states, report = run(text)
    assert data["steps"] == [
        {
            "id": "basics",
            "title": "Basics",
            "resources": [],
            "projects": [{"title": "Project A"}, {"title": "Project B"}, {"title": "Project C"}],
            "questions": [],
        }
    ]
    assert states == {"basics/project-a": "done"} and (report.items, report.checked) == (3, 1)
    assert report.unplaced == []


def test_a_plain_bullet_indented_under_a_checkbox_is_its_note():
    text = "# P\n\n## S\n\n- [x] Project A\n  - it went well\n  - see the repo\n- Project B\n"
    data, states, report = run(text)
    assert data["steps"][0]["projects"] == [
        {"title": "Project A", "note": "it went well\nsee the repo"},
        {"title": "Project B"},
    ]
    assert states == {"s/project-a": "done"} and report.unplaced == []


def test_sub_topics_after_backslash_line_breaks_are_items():
    text = "# P\n\n## S\n\n1. **Maths**:\\\n    a. Linear Algebra\\\n    b. Calculus\n\n2. Models\\\n    a. CNNs\n"
    data, _, report = run(text)
    assert data["steps"][0]["projects"] == [
        {"title": "Maths", "items": [{"title": "Linear Algebra"}, {"title": "Calculus"}]},
        {"title": "Models", "items": [{"title": "CNNs"}]},
    ]
    assert report.unplaced == []


def test_a_label_naming_no_kind_prefixes_the_items_below_it():
    text = "# P\n\n## S\n\n**Computer Vision**\n- [CS231n](https://cs231n.stanford.edu/)\n\n**Mini Projects**\n- Train YOLO\n"
    data, _, report = run(text)
    s = data["steps"][0]
    assert s["resources"] == [{"title": "Computer Vision: CS231n", "url": "https://cs231n.stanford.edu/"}]
    assert s["projects"] == [{"title": "Train YOLO"}] and report.unplaced == []


def test_deliverables_read_their_counts_and_rules():
    text = """# P

## S

- [ ] a task

## Final Deliverables

- [x] Portfolio of mini projects: 1/5 (up to 7) — done mini projects with a repo link
- [ ] Blog posts: 0/3 — blog links
- [x] Cheatsheet: 1/1 — checked by hand
- [ ] Talks (up to 4)
- [x] Two papers read
"""
    data, states, report = run(text)
    assert data["deliverables"] == [
        {"title": "Portfolio of mini projects", "target": 5, "max": 7, "rule": "done-projects", "link_kind": "repo"},
        {"title": "Blog posts", "target": 3, "rule": "links", "link_kind": "blog"},
        {"title": "Cheatsheet", "target": 1, "rule": "checked"},
        {"title": "Talks (up to 4)", "target": 1, "max": 4, "rule": "checked"},
        {"title": "Two papers read", "target": 2, "rule": "links", "link_kind": "paper"},
    ]
    # Only a deliverable one checks off by hand takes its box; the others count what they count.
    assert states == {"cheatsheet": "done"} and report.deliverables == 5 and report.unplaced == []


def test_the_marks_the_export_writes_are_states_with_their_days():
    text = """# P

## S

- [x] Done one
  > done 2026-11-04
- [ ] ~~[Skipped one](https://example.com/s)~~ (skipped)
  > skipped 2026-11-05 · [my repo](https://github.com/ada/s)
- [ ] Started one (in progress)
  > started 2026-11-10
  >
  > my own note\\
  > on two lines
- [ ] Marked by hand (in progress)
- [ ] ~~Crossed out~~
"""
    data, states, report = run(text)
    assert data["steps"][0]["projects"] == [
        {"title": "Done one"},
        {"title": "Started one", "note": "my own note\non two lines"},
        {"title": "Marked by hand"},
    ]
    assert data["steps"][0]["resources"] == [{"title": "Skipped one", "url": "https://example.com/s"}]
    assert states == {
        "s/done-one": "done",
        "s/skipped-one": "skipped",
        "s/started-one": "in_progress",
        "s/marked-by-hand": "in_progress",
    }
    assert report.days == {"s/done-one": "2026-11-04", "s/skipped-one": "2026-11-05", "s/started-one": "2026-11-10"}
    assert (report.checked, report.skipped, report.in_progress) == (1, 1, 2)
    assert report.unplaced == [
        Unplaced(
            8,
            "> skipped 2026-11-05 · [my repo](https://github.com/ada/s)",
            "links to your work (`roadmap link` adds them)",
        ),
        Unplaced(15, "- [ ] ~~Crossed out~~", "struck out"),
    ]


def test_slugify_is_the_projects_own():
    # Imported ids must be the ones roadmap.yaml derives, so the importer uses roadmap_tracker.ids.
    assert slugify is ids.slugify
    assert slugify("Step 1: Mathematical Foundations!") == "step-1-mathematical-foundations"
    assert slugify("数组 和 链表") == "数组-和-链表"
    long = slugify("Starting the Journey Towards Generative AI (GPT4, Mistral 7B, LLAMA)")
    assert long == "starting-the-journey-towards-generative-ai-gpt4" and len(long) <= 48


# ------------------------------------------------------------------ a large generated roadmap

# Link targets markdown-it reads as they are, and ones it encodes (a non-ASCII host in punycode,
# non-ASCII and stray "%" percent-encoded): the plan keeps the address as markdown-it reads it.
GENERATED_ADDRESSES = (
    "https://example.com/{k}/{i}",
    "http://Example.org:8080/{k}?i={i}&x=y#part",
    "https://exämple.com/{k}/{i}",
    "https://example.com/ü/{k}-{i}",
    "https://example.com/%7E{k}/a%zz{i}",
)


def generated_roadmap(steps: int) -> tuple[str, list[dict], dict[str, str], list[Unplaced]]:
    """A big roadmap in every shape the importer reads, with the plan, states and lines left out it must give."""
    from markdown_it import MarkdownIt

    read_as = MarkdownIt("commonmark").normalizeLink
    lines = ["# A generated roadmap", "", "Steps with resources, projects, questions, code and HTML.", ""]
    plan, states, left_out = [], {}, []

    def add(*more: str) -> int:
        lines.extend(more)
        return len(lines) - len(more) + 1  # the line number of the first

    for k in range(1, steps + 1):
        sid = f"topic-{k}"
        add(f"## Step {k}: topic *{k}*", "", f"Learn **topic {k}** well.", "", "### Resources", "")
        resources = []
        for i in range(1, 6):
            url = GENERATED_ADDRESSES[(k + i) % len(GENERATED_ADDRESSES)].format(k=k, i=i)
            box = "x" if (k * i) % 3 == 0 else " "
            mark = " (skipped)" if (k + i) % 7 == 0 else " (in progress)" if (k + i) % 11 == 0 else ""
            add(f"- [{box}] [Reading {k}.{i}: `code` and _words_]({url}) by **someone**{mark}")
            resources.append({"title": f"Reading {k}.{i}: code and words", "url": read_as(url), "note": "by someone"})
            state = "done" if box == "x" else {" (skipped)": "skipped", " (in progress)": "in_progress"}.get(mark)
            if state:
                states[f"{sid}/reading-{k}-{i}-code-and-words"] = state
        first = add(f"- ~~[Old {k}](https://example.com/old/{k})~~", "", "```", f"code {k}", "```", "")
        left_out += [Unplaced(first, f"- ~~[Old {k}](https://example.com/old/{k})~~", "struck out")]
        left_out += [Unplaced(first + 3, f"code {k}", "code")]
        add("### Projects", "", f"- [ ] Build {k}", f"  - [x] Part {k}.a", f"  - a note on build {k}", "")
        add("    | col | val |", "    |---|---|", f"    | a{k} | [b](https://example.com/b/{k}) |", "")
        add(f"- [ ] Build {k}", "")  # the same title twice: the second needs an id of its own
        first = add("<div>", f"html {k}", "</div>", "")
        left_out += [Unplaced(first + n, text, "HTML") for n, text in enumerate(["<div>", f"html {k}", "</div>"])]
        add("### Questions", "", f"- Why {k}?", "")
        states[f"{sid}/part-{k}-a"] = "done"
        note = f"a note on build {k}\n\ncol | val\na{k} | b (https://example.com/b/{k})"
        builds = [{"title": f"Build {k}", "note": note, "items": [{"title": f"Part {k}.a"}]}]
        builds.append({"id": f"{sid}/build-{k}-2", "title": f"Build {k}"})
        plan.append(
            {
                "id": sid,
                "title": f"topic {k}",
                "objective": f"Learn topic {k} well.",
                "resources": resources,
                "projects": builds,
                "questions": [{"title": f"Why {k}?"}],
            }
        )
    return "\n".join(lines) + "\n", plan, states, left_out


def test_a_large_generated_roadmap_imports_every_item_state_and_line():
    text, plan, states, left_out = generated_roadmap(300)
    data, got_states, report = run(text, source="big.md")
    assert data["steps"] == plan and data["deliverables"] == []
    assert got_states == states and report.days == {} and report.warnings == []
    assert report.unplaced == left_out
    assert (report.steps, report.items) == (300, 300 * 9)


@settings(max_examples=300, deadline=None)
@given(st.from_regex(PLAIN_LINK, fullmatch=True))
def test_the_addresses_read_as_plain_are_the_ones_markdown_it_leaves_as_they_are(url):
    # The importer skips markdown-it's normalizing for these; it must be because it changes nothing.
    from markdown_it import MarkdownIt

    assert MarkdownIt("commonmark").normalizeLink(url) == url


# ------------------------------------------------------------------ the corpus


def corpus(name: str) -> str:
    return from_shared(CORPUS / name).read_text(encoding="utf-8")


CORPUS_FILES = [
    "AlejandroUPC__cs-vault__Plan.md",
    "OSSU-Computercourse-ASCOL__Hungerarray-Ranjan-Ojha-__README.md",
    "ZuzooVn__machine-learning-for-software-engineers__README.md",
    "jwasham__coding-interview-university__README.md",
    "jwasham__coding-interview-university__translations_README-cn.md",
    "kashgohil__ml-study__roadmap.md",
    "krishnaik06__Roadmap-To-Learn-Generative-AI-In-2024__README.md",
    "llSourcell__Learn_Machine_Learning_in_3_Months__README.md",
    "mlabonne__llm-course__README.md",
    "ossu__computer-science__README.md",
]


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_file_imports_valid_and_stable(name):
    text = corpus(name)
    first = run(text, source=name)
    assert run(text, source=name) == first
    assert first[2].steps == len(first[0]["steps"]) >= 6


@pytest.mark.parametrize(
    "name, boxes",
    [
        ("jwasham__coding-interview-university__README.md", 463),
        ("jwasham__coding-interview-university__translations_README-cn.md", 459),
        ("kashgohil__ml-study__roadmap.md", 172),
        ("OSSU-Computercourse-ASCOL__Hungerarray-Ranjan-Ojha-__README.md", 34),
        # 154 "[ ]" boxes; the single "[x]" only explains the syntax and is skipped with a warning
        ("ZuzooVn__machine-learning-for-software-engineers__README.md", 154),
    ],
)
def test_corpus_every_checkbox_is_imported(name, boxes):
    # Ticking every box turns each imported checkbox into exactly one states entry.
    _, states, _ = run(tick_all(corpus(name)))
    assert item_states(states) == boxes and len(states) == boxes


def test_jwasham():
    data, states, report = run(corpus("jwasham__coding-interview-university__README.md"))
    assert states == {} and report.steps == 88 and data["title"] == "Coding Interview University"
    big_o = step(data, "algorithmic-complexity-big-o-asymptotic-analysis")
    assert len(big_o["resources"]) == 8
    assert big_o["projects"][0]["title"] == "TopCoder (includes recurrence relations and master theorem)"
    assert titles(big_o["projects"][0]["items"]) == [
        "Computational Complexity: Section 1",
        "Computational Complexity: Section 2",
    ]
    arrays = step(data, "arrays")  # "- ### Arrays" is a heading inside a list item
    vector = next(p for p in arrays["projects"] if p["title"].startswith("Implement a vector"))
    assert len(vector["items"]) == 14
    assert not {"Table of Contents", "Topics of Study", "LICENSE"} & set(titles(data["steps"]))


def test_jwasham_chinese_translation():
    data, states, report = run(corpus("jwasham__coding-interview-university__translations_README-cn.md"))
    assert data["title"] == "编程面试大学" and states == {} and report.steps == 87
    step_ids = [s["id"] for s in data["steps"]]
    assert {"对于这个学习计划", "arrays", "树-介绍", "git"} <= set(step_ids)
    assert all(step_ids) and len(set(step_ids)) == 87


def test_ossu_ascol_uppercase_x_progress():
    data, states, report = run(corpus("OSSU-Computercourse-ASCOL__Hungerarray-Ranjan-Ojha-__README.md"))
    assert titles(data["steps"]) == [
        "Intro CS",
        "Core CS",
        "Core systems",
        "Core theory",
        "Core Security",
        "Core applications",
    ]
    assert states == {
        "intro-cs/introduction-to-computer-science-and": "done",
        "intro-cs/python-for-everyone": "done",
        "intro-cs/the-missing-semester-of-your-cs-education": "done",
        "core-cs/how-to-code-simple-data": "done",
    }
    assert len(step(data, "core-cs")["resources"]) == 13 and report.items == 34


def test_ossu_ascol_updates_indented_under_an_item_are_its_note():
    data, _, report = run(corpus("OSSU-Computercourse-ASCOL__Hungerarray-Ranjan-Ojha-__README.md"))
    noted = [(r["title"], r["note"].split(":")[0]) for s in data["steps"] for r in s["resources"] if "note" in r]
    assert noted == [
        ("Introduction to Computer Science and Programming using Python", "(*^_^*) update 1"),
        ("Python for Everyone", "q(≧▽≦q) update 1"),
        ("The Missing Semester of Your CS Education", "(｡･∀･)ﾉﾞ Update 3"),
        ("How to Code - Simple Data", "update 4"),
        ("How to Code - Complex Data", "update 5"),
    ]
    first = step(data, "intro-cs")["resources"][0]["note"]
    assert "\n" in first and "Update 4" in first.split("\n")[-1]  # both updates, each on its line
    updates = {13, 14, 17, 19, 20, 24, 25, 32, 35}
    assert not {u.line for u in report.unplaced} & updates


def test_zuzoovn():
    data, states, report = run(corpus("ZuzooVn__machine-learning-for-software-engineers__README.md"))
    assert states == {} and report.steps == 25
    assert "How to use it" not in titles(data["steps"])
    why = {u.line: u.why for u in report.unplaced}
    assert why[93] == "a checkbox that explains checkbox syntax" and why[150] == "struck out"
    assert step(data, "motivation")["resources"] == [
        {"title": "Dream", "url": "https://www.youtube.com/watch?v=g-jwWYX7Jlo"}
    ]
    inky = step(data, "inky-machine-learning")  # a heading that is a link keeps its text and its url
    assert inky["resources"][0]["url"] == "https://triskell.github.io/2016/11/15/Inky-Machine-Learning.html"
    assert len(inky["resources"]) == 3


def test_kashgohil_weeks():
    # Decision: the 52 "Week" headings are the steps; the 5 phases only group them.
    data, states, report = run(corpus("kashgohil__ml-study__roadmap.md"))
    assert report.steps == 52 and all(t.startswith("Week ") for t in titles(data["steps"]))
    assert data["steps"][0]["title"] == "Week 1: Python Basics for ML"
    assert states == {
        "week-1-python-basics-for-ml/review-python-fundamentals-functions-classes": "done",
        "week-1-python-basics-for-ml/learn-numpy-basics-arrays-broadcasting-matrix": "done",
    }
    assert data["steps"][0]["resources"] == [
        {"title": "Python Data Science Handbook (Ch. 1–3)."},
        {"title": "Kaggle Python micro-course."},
    ]
    assert total(data, "projects") == 172 and total(data, "resources") == 45
    # The phases only group the weeks, and the closing list is after the rule that ends the last week.
    assert [(u.line, u.why) for u in report.unplaced] == [
        *((n, "a heading over steps (steps do not nest)") for n in (9, 122, 265, 409, 541)),
        *((n, "after the closing rule (---)") for n in (607, 609, 610, 611, 612)),
    ]


def test_mlabonne_numbered_steps_with_references():
    data, states, report = run(corpus("mlabonne__llm-course__README.md"))
    assert report.steps == 20 and states == {}
    assert data["steps"][0]["title"] == "Mathematics for Machine Learning"
    assert data["steps"][-1]["title"] == "Securing LLMs"
    # The References / Resources lists (the 9th step also links its DPO topic bullet).
    assert [len(s["resources"]) for s in data["steps"]] == [7, 5, 4, 6, 5, 7, 6, 4, 7, 5, 6, 6, 4, 4, 6, 6, 3, 6, 4, 4]
    # "**Linear Algebra**: This is crucial…": the term is the title, its explanation the note.
    maths = step(data, "mathematics-for-machine-learning")["projects"]
    assert titles(maths) == ["Linear Algebra", "Calculus", "Probability and Statistics"]
    assert maths[0]["note"].startswith("This is crucial for understanding many algorithms")
    notebooks = {u.why.split('"')[1] for u in report.unplaced if "is not numbered like the other steps" in u.why}
    assert notebooks == {"Tools", "Fine-tuning", "Quantization", "Other"}


def test_krishnaik06_numbered_h2_steps():
    data, _, report = run(corpus("krishnaik06__Roadmap-To-Learn-Generative-AI-In-2024__README.md"))
    assert [s["id"] for s in data["steps"]] == [
        "python-programming-language-1-month",
        "basic-machine-learning-natural-language",
        "basic-deep-learning-concepts-day-1-day-5",
        "advanced-nlp-concepts-day-6-last-video",
        "starting-the-journey-towards-generative-ai-gpt4",
        "vector-databases-and-vector-stores",
        "deployment-of-llm-projects",
    ]
    python = data["steps"][0]
    assert titles(python["resources"]) == [
        "Complete Python Playlist In English",
        "Complete Python Playlist In Hindi",
        "Flask Playlist",
        "Fast API Tutorials",
    ]
    openai = step(data, "starting-the-journey-towards-generative-ai-gpt4")["resources"][0]
    assert openai["url"] == "https://platform.openai.com/docs/introduction" and len(openai["items"]) == 1
    assert titles(data["steps"][5]["projects"])[0] == "ChromaDB"
    assert Unplaced(3, "## Prerequisites", '"Prerequisites" is outside any step') in report.unplaced


def test_ossu_tables():
    data, _, report = run(corpus("ossu__computer-science__README.md"))
    assert report.steps == 17
    assert titles(data["steps"])[:3] == ["Prerequisites", "Intro CS", "Core programming"]
    assert titles(data["steps"])[-2:] == ["Final project", "Congratulations"]
    core = step(data, "core-programming")
    assert titles(core["resources"]) == [
        "Systematic Program Design",
        "Class-based Program Design",
        "Programming Languages",
        "Object-Oriented Design",
        "Software Architecture",
    ]
    assert [("url" in r) for r in core["resources"]] == [False, False, True, True, True]
    assert len(step(data, "final-project")["resources"]) == 9
    assert len(report.warnings) == 5 and all("is not a web address" in w for w in report.warnings)


def test_cs_vault_phases():
    data, _, _ = run(corpus("AlejandroUPC__cs-vault__Plan.md"))
    assert [s["id"] for s in data["steps"]][:2] == [
        "phase-1-core-foundations-12-16-weeks",
        "phase-2-systems-architecture-16-20-weeks",
    ]
    assert len(data["steps"]) == 6 and data["steps"][-1]["title"] == "Learning Strategy"
    assert titles(data["steps"][0]["resources"]) == [
        "CS Fundamentals",
        "Discrete Math",
        "DS & Algorithms",
        "Optional Math",
    ]
    assert data["steps"][0]["resources"][3]["url"] == "https://www.khanacademy.org/math/linear-algebra"


def test_llsourcell_bare_urls():
    data, _, report = run(corpus("llSourcell__Learn_Machine_Learning_in_3_Months__README.md"))
    assert report.steps == 10 and total(data, "resources") == 13
    assert (
        data["steps"][0]["resources"][1]["url"]
        == "https://ocw.mit.edu/courses/mathematics/18-06-linear-algebra-spring-2010/"
    )
    assert titles(step(data, "month-2-week-1")["resources"]) == [
        "Learn python for data science",
        "Math of Intelligence",
        "Intro to Tensorflow",
    ]
    assert step(data, "month-2-week-2")["resources"][0]["title"] == "Intro to ML (Udacity)"
    assert [(u.line, u.why) for u in report.unplaced] == [
        (5, "a heading over steps (steps do not nest)"),
        *((n, "after the closing rule (---)") for n in (51, 52, 53)),
    ]


_WORD = re.compile(r"[^\W_]+")
# What a title leaves out on purpose: list and box markers, heading hashes and numbering ("Step 1:", "a.").
_LEAD = re.compile(
    r"^\s*(?:>\s*)*(?:#+\s*|(?:[-*+]|\d+[.)]|[a-z][.)])\s+(?:\[[ xX]\]\s*)?)?"
    r"(?:(?:step|week|day|month|phase|part)\b\s*)?(?:\d+\s*[.:)\-–—]\s*)?",
    re.I,
)
_LOCAL_TARGET = re.compile(r"\]\((?!https?:)[^)]*\)")  # in-page anchors, and relative links (warned about)
_IMAGE_SRC = re.compile(r"(!\[[^\]]*\])\([^)]*\)")  # a badge's picture; its link and alt text are kept
_STRUCTURE = {"objective", "objectives", "goal", "goals", "progress", "tracking", "final", "deliverables"}


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [str(value)]


@pytest.mark.parametrize("name", [*CORPUS_FILES, "seed about me", "seed roadmap"])
def test_every_line_is_placed_or_listed_as_not_imported(name):
    from roadmap_tracker.exchange.markdown.wording import label_kind

    if name.startswith("seed"):
        path = ABOUT_ME if name == "seed about me" else SEED
        text = from_shared(path).read_text(encoding="utf-8")
    else:
        text = corpus(name)
    data, _, report = run(text, source=name)
    lines = text.split("\n")
    listed = [u.line for u in report.unplaced]
    assert listed == sorted(set(listed)) and all(lines[n - 1].strip() for n in listed)
    # A line not listed must really be in the plan: each of its words is in a title, URL, note,
    # objective, description or deliverable, unless it only labels what follows ("**Resources**").
    kept = " ".join(_strings(data)).casefold()
    words = set(_WORD.findall(kept))
    lost = []
    for n, line in enumerate(lines, start=1):
        if n in listed or not any(c.isalnum() for c in line):
            continue
        body = _IMAGE_SRC.sub(r"\1", _LOCAL_TARGET.sub("]", _LEAD.sub("", line)))
        missing = {w for w in _WORD.findall(body.casefold()) if w not in words and (w.isascii() or w not in kept)}
        if missing - _STRUCTURE and label_kind(body.strip("*_: 📚")) is None:
            lost.append((n, line))
    assert lost == []


MARKDOWN_PIECES = st.sampled_from(
    [
        "# Title",
        "## Step 1: A",
        "### Resources",
        "#### x",
        "- [ ] task",
        "- [x] done",
        "* [X] Done?",
        "1. [ ] n",
        "  - [ ] nested",
        "    - deep",
        "- [link](https://e.com/a)",
        "- [rel](a/b.md)",
        "- [toc](#a)",
        "https://e.com/b",
        "**Projects**",
        "📚 **References**:",
        "Objective: learn",
        "| Week | Topic |",
        "|---|---|",
        "| 1 | **T** |",
        "```",
        "# in fence?",
        "---",
        "> quote",
        "<details>",
        "",
        "  ",
        "- ~~gone~~",
        "- [![b](https://i/x.svg)](https://e.com/c)",
        "数组 [链接](https://e.com/中)",
        "- [ ]",
        "- [x] put an x: [x]",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(MARKDOWN_PIECES, max_size=40))
def test_any_markdown_imports_valid_or_fails_cleanly(lines):
    text = "\n".join(lines)
    try:
        first = run(text)
    except MarkdownImportError as err:
        assert "\n" not in str(err)
        return
    assert import_markdown(text) == first
