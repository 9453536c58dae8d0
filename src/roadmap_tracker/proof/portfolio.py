"""The portfolio: finished mini projects with their links and the reflections of their steps.

``collect`` reads it from the store; ``render.proof`` shows it on screen or as Markdown.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field

from ..store import answers as store_answers
from ..store import items as store_items
from ..store import links as store_links
from ..store.links import Link

PROJECT, QUESTION = ("project",), ("question",)


@dataclass
class Answer:
    ref: str  # the question's reference, e.g. 1.q2
    question: str
    day: str
    text: str


@dataclass
class Project:
    ref: str
    title: str
    done: str  # the day it was checked off
    links: list[Link] = field(default_factory=list)


@dataclass
class StepWork:
    number: int
    title: str
    projects: list[Project]
    answers: list[Answer]  # the latest answer to each of the step's questions


@dataclass
class Portfolio:
    title: str  # the roadmap's
    steps: list[StepWork]

    @property
    def projects(self) -> list[Project]:
        return [p for s in self.steps for p in s.projects]

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "steps": [
                {
                    **asdict(s),
                    "projects": [{**asdict(p), "links": [link.to_dict() for link in p.links]} for p in s.projects],
                }
                for s in self.steps
            ],
        }


def collect(db: sqlite3.Connection) -> Portfolio:
    projects = [p for p in store_items.live_items(db, kinds=PROJECT) if p.state == "done"]
    links = store_links.by_item(db, [p.id for p in projects])
    steps: dict[int, StepWork] = {}
    for p in projects:
        step = steps.get(p.step_id)
        if step is None:
            owner = store_items.item(db, p.step_id)
            step = steps[p.step_id] = StepWork(owner.position, owner.title, [], _answers(db, p.step_id))
        step.projects.append(Project(p.ref, p.title, p.day, links.get(p.id, [])))
    found = store_items.header(db)
    return Portfolio(found.title if found else "", list(steps.values()))


def _answers(db: sqlite3.Connection, step_id: int) -> list[Answer]:
    latest = store_answers.latest(db, step_id=step_id)
    return [
        Answer(q.ref, q.title, latest[q.id].day, latest[q.id].text)
        for q in store_items.live_items(db, kinds=QUESTION, step_id=step_id)
        if q.id in latest
    ]
