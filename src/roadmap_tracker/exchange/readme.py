"""What the Markdown export shows: the plan with progress, links, answers and a diary digest.

``collect`` gathers it from the store; ``render.readme`` writes it as a GitHub README that
``roadmap import`` reads back.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from ..progress.status import Status, StepStatus, status
from ..store import answers as store_answers
from ..store import diary as store_diary
from ..store import items as store_items
from ..store import links as store_links
from ..store.answers import Answer
from ..store.diary import StoredEntry, StoredQuestion
from ..store.items import TrackedItem
from ..store.links import Link

PLAN_KINDS = ("step", "resource", "project", "question")


@dataclass
class Node:
    """An item in the tree of its step."""

    id: int
    kind: str
    title: str
    url: str | None
    state: str
    day: str | None
    note: str | None = None
    children: list[Node] = field(default_factory=list)


@dataclass
class DiaryWeek:
    entry: StoredEntry
    questions: list[StoredQuestion]
    answered_by: dict[int, str]  # item id -> title, for the items that answered a question


@dataclass
class Readme:
    status: Status
    started: str | None
    steps: list[StepStatus]  # the steps shown (one with --step)
    whole: bool  # the whole roadmap, not one step
    plan: dict[str, dict]  # step key -> {"objective": text, kind: [Node, ...]}
    links: dict[int | None, list[Link]]
    answers: dict[int, Answer]
    diary: list[DiaryWeek]
    deliverables: dict[str, TrackedItem] = field(default_factory=dict)  # by key: settings, state and day


def collect(db: sqlite3.Connection, *, step: int | None = None, diary: bool = True) -> Readme:
    """``step`` (a step number) narrows it to that step and the diary weeks about it."""
    s = status(db, next_count=0)
    steps = [x for x in s.steps if step is None or x.number == step]
    header = store_items.header(db)
    links: dict[int | None, list[Link]] = {}
    for one in store_links.listing(db):
        links.setdefault(one.item_id, []).append(one)
    weeks: list[DiaryWeek] = []
    if diary:
        shown = store_items.step_at(db, step) if step is not None else None
        weeks = _diary(db, shown.id if shown else None)
    return Readme(
        s,
        header.started.isoformat() if header and header.started else None,
        steps,
        step is None,
        _plan(db),
        links,
        store_answers.latest(db),
        weeks,
        {d.key: d for d in store_items.live_items(db, kinds=("deliverable",))},
    )


def _plan(db: sqlite3.Connection) -> dict[str, dict]:
    """Per step key: its objective and its items by kind, each a tree in roadmap order."""
    steps: dict[str, dict] = {}
    nodes: dict[int, Node | None] = {}
    keys: dict[int, str] = {}
    for i in store_items.live_items(db, kinds=PLAN_KINDS):
        if i.kind == "step":
            steps[i.key] = {"objective": i.body}
            nodes[i.id], keys[i.id] = None, i.key
            continue
        node = nodes[i.id] = Node(i.id, i.kind, i.title, i.url, i.state, i.day, i.body)
        parent = nodes.get(i.parent_id)
        if parent is not None:
            parent.children.append(node)
        elif i.step_id in keys:
            steps[keys[i.step_id]].setdefault(i.kind, []).append(node)
    return steps


def _diary(db: sqlite3.Connection, step_id: int | None) -> list[DiaryWeek]:
    """Every week, newest first (about one step, with ``step_id``), with its questions."""
    entries = store_diary.entries(db, step_id=step_id)
    asked: dict[int, list[StoredQuestion]] = {}
    for q in store_diary.questions_of(db, [e.id for e in entries]):
        asked.setdefault(q.entry_id, []).append(q)
    answering = {q.answer_item_id for qs in asked.values() for q in qs if q.answer_item_id is not None}
    titles = {i.id: i.title for i in store_items.items(db, answering)}
    return [DiaryWeek(e, asked.get(e.id, []), titles) for e in entries]
