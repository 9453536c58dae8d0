"""A learner, played by hypothesis through the command line: ticks, diary lines, questions,
answers, links, edits to roadmap.yaml and to the notes, backups. A model of everything the learner
gave is kept beside it, and after every step all of it is still in the store and in its mirror.

Bounded for CI; `ROADMAP_LEARNER_EXAMPLES=200 pytest tests/test_learner.py` plays longer."""

from __future__ import annotations

import json
import os
import re
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from typer.testing import CliRunner

from roadmap_tracker.cli import app
from roadmap_tracker.plan.ids import slugify

from conftest import TODAY

EXAMPLES = int(os.environ.get("ROADMAP_LEARNER_EXAMPLES", "40"))
START = date(2026, 11, 2)  # week 1; the pinned today, 2026-12-31, is in week 9
days = st.integers(0, (TODAY - START).days).map(lambda n: START + timedelta(days=n))
words = st.text(st.characters(whitelist_categories=("Lu", "Ll", "Nd"), max_codepoint=0x24F), min_size=1, max_size=12)


class Learner(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        import tempfile

        self.tmp = Path(tempfile.mkdtemp(prefix="learner-"))
        self.root = self.tmp / "ws"
        self.cli = CliRunner()
        self.counter = 0
        # The plan: steps of items, each item with a stable model id (its title may change).
        self.steps = [
            {"title": "Foundations", "items": [self._new("Linear algebra"), self._new("Calculus")]},
            {"title": "Networks", "items": [self._new("Backpropagation"), self._new("A tiny MLP")]},
        ]
        self.removed: list[tuple[int, dict]] = []  # (step index, item) taken out of the plan
        self.ticks: dict[int, tuple[str, date]] = {}  # model id -> (state, day) the learner set
        self.concepts: dict[int, set[str]] = {}  # week -> concepts logged
        self.questions: dict[str, str | None] = {}  # text -> answer
        self.links: set[tuple[int, str]] = set()  # (model id, url)
        (self.tmp / "plan.yaml").write_text(self._plan())
        self.run("init", str(self.root), "--from", str(self.tmp / "plan.yaml"), "--start", START.isoformat())

    def _new(self, title: str) -> dict:
        self.counter += 1
        return {"mid": self.counter, "title": title}

    def _plan(self) -> str:
        lines = ["version: 1", "title: Learner", f"started: {START}", "steps:"]
        for step in self.steps:
            lines += [f"  - title: {step['title']}", "    resources:"]
            lines += [f"      - {json.dumps(item['title'])}" for item in step["items"]] or ["      []"]
        return "\n".join(lines) + "\n"

    def run(self, *args: str, input: str | None = None, code: int = 0):
        result = self.cli.invoke(
            app, ["--workspace", str(self.root), *args] if args[0] != "init" else list(args), input=input
        )
        assert result.exit_code == code, (args, result.stdout, result.stderr, result.exception)
        return result

    def _items(self) -> list[dict]:
        return [item for step in self.steps for item in step["items"]]

    def _ref(self, item: dict) -> str:
        for s, step in enumerate(self.steps, start=1):
            for i, other in enumerate(step["items"], start=1):
                if other is item:
                    return f"{s}.r{i}"
        raise AssertionError("not in the plan")

    def _edit(self) -> None:
        (self.root / "roadmap.yaml").write_text(self._plan())
        self.run("sync")

    # --- what the learner does --------------------------------------------------------

    @rule(data=st.data(), state=st.sampled_from(["check", "uncheck", "skip", "start"]), day=days)
    def tick(self, data, state, day):
        item = data.draw(st.sampled_from(self._items()))
        self.run(state, self._ref(item), "--date", day.isoformat())
        new = {"check": "done", "uncheck": "todo", "skip": "skipped", "start": "in_progress"}[state]
        if self.ticks.get(item["mid"], ("todo", None))[0] != new:  # the same state again changes nothing
            self.ticks[item["mid"]] = (new, day)

    @rule(concept=words, day=days, piped=st.booleans())
    def log(self, concept, day, piped):
        week = (day - START).days // 7 + 1
        if piped:
            self.run("log", "-", "--date", day.isoformat(), input=f"## Key concepts\n\n- {concept}\n")
        else:
            self.run("log", "-c", concept, "--date", day.isoformat())
        self.concepts.setdefault(week, set()).add(concept)

    @rule(question=words, day=days)
    def ask(self, question, day):
        text = f"why {question}?"
        if text in self.questions:
            return
        self.run("log", "-q", text, "--date", day.isoformat())
        self.questions.setdefault(text, None)

    @precondition(lambda self: self.questions)
    @rule(data=st.data(), answer=words)
    def answer(self, data, answer):
        text = data.draw(st.sampled_from(sorted(self.questions)))
        asked = {q["text"]: q["id"] for q in json.loads(self.run("questions", "--all", "--json").stdout)}
        self.run("questions", "answer", asked[text], answer)
        self.questions[text] = answer

    @rule(data=st.data(), n=st.integers(0, 999))
    def link(self, data, n):
        item = data.draw(st.sampled_from(self._items()))
        url = f"https://example.com/work/{n}"
        self.run("link", self._ref(item), url)
        self.links.add((item["mid"], url))

    @rule(data=st.data(), word=words)
    def rename(self, data, word):
        item = data.draw(st.sampled_from(self._items()))
        title = f"{item['title']} {word}"
        if any(slugify(other["title"]) == slugify(title) for other in self._items() + [i for _, i in self.removed]):
            return  # two titles with one id are refused by roadmap.yaml's loader, rightly
        item["title"] = title
        self._edit()

    @precondition(lambda self: any(len(step["items"]) > 1 for step in self.steps))
    @rule(data=st.data())
    def reorder(self, data):
        step = data.draw(st.sampled_from([s for s in self.steps if len(s["items"]) > 1]))
        step["items"].reverse()
        self._edit()

    @rule(data=st.data())
    def move(self, data):
        item = data.draw(st.sampled_from(self._items()))
        source = next(s for s in self.steps if item in s["items"])
        if len(source["items"]) == 1 or any(o["title"] == item["title"] for o in self._items() if o is not item):
            return
        target = data.draw(st.sampled_from([s for s in self.steps if s is not source]))
        source["items"].remove(item)
        target["items"].append(item)
        self._edit()

    @precondition(lambda self: len(self._items()) > 2 and not self.removed)
    @rule(data=st.data())
    def remove(self, data):
        item = data.draw(st.sampled_from(self._items()))
        s = next(i for i, step in enumerate(self.steps) if item in step["items"])
        if len(self.steps[s]["items"]) == 1:
            return
        self.steps[s]["items"].remove(item)
        self.removed.append((s, item))
        self._edit()

    @precondition(lambda self: self.removed)
    @rule()
    def readd(self):
        s, item = self.removed.pop()
        self.steps[s]["items"].append(item)
        self._edit()

    @precondition(lambda self: self.concepts)
    @rule(data=st.data(), concept=words)
    def edit_notes_by_hand(self, data, concept):
        week = data.draw(st.sampled_from(sorted(self.concepts)))
        note = self.root / "notes" / f"week{week}.md"
        text = note.read_text()
        note.write_text(text.replace("## Key concepts\n\n", f"## Key concepts\n\n- {concept}\n", 1))
        self.run("status")
        self.concepts[week].add(concept)

    @rule()
    def backup_and_restore(self):
        backup = self.tmp / "backup.json"
        self.run("export", "--format", "json", "-o", str(backup), "--force")
        again = self.tmp / f"restored{self.counter}"
        self.counter += 1
        self.cli.invoke(app, ["restore", str(backup), str(again)])
        restored = self.cli.invoke(app, ["--workspace", str(again), "export", "--format", "json"])
        assert restored.stdout == backup.read_text()

    # --- what must always hold ----------------------------------------------------------

    @invariant()
    def everything_given_is_kept(self):
        data = json.loads(self.run("export", "--format", "json").stdout)["tables"]
        by_title = {i["title"]: i for i in data["item"] if i["archived_at"] is None}
        for item in self._items():
            row = by_title[item["title"]]  # live, under its current title
            if item["mid"] in self.ticks:
                state, day = self.ticks[item["mid"]]
                assert (row["state"], row["state_day"]) == (state, day.isoformat())
        for _, item in self.removed:
            archived = [i for i in data["item"] if i["title"] == item["title"] and i["archived_at"]]
            assert archived, f"{item['title']} left the plan and its row with it"
            if item["mid"] in self.ticks:
                assert archived[0]["state"] == self.ticks[item["mid"]][0]
        weeks = {e["week"]: e for e in data["entry"]}
        for week, concepts in self.concepts.items():
            assert concepts <= set(json.loads(weeks[week]["concepts"]))
            note = (self.root / "notes" / f"week{week}.md").read_text()
            assert all(re.search(rf"^- {re.escape(c)}$", note, re.M) for c in concepts)
        asked = {q["text"]: q for q in data["question"]}
        for text, answer in self.questions.items():
            assert asked[text]["removed_at"] is None and asked[text]["answer"] == answer
        titles = {i["id"]: i["title"] for i in data["item"]}
        mids = {item["title"]: item["mid"] for item in self._items()} | {i["title"]: i["mid"] for _, i in self.removed}
        stored = {(mids.get(titles[link["item_id"]]), link["target"]) for link in data["link"]}
        assert self.links <= stored

    def teardown(self):
        import shutil

        shutil.rmtree(self.tmp, ignore_errors=True)


Learner.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_a_learner_loses_nothing = Learner.TestCase
