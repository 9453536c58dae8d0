"""Answers to the roadmap's reflection questions: revisions are kept, the latest is shown."""

from __future__ import annotations

import re
import sqlite3
from datetime import date

from ..errors import UsageError
from ..store import answers as store
from ..store import items as store_items
from ..store.answers import Answer
from ..store.connection import transaction
from ..store.items import TrackedItem

QUESTION = ("question",)


def questions(db: sqlite3.Connection, step: TrackedItem) -> list[tuple[TrackedItem, Answer | None]]:
    """The step's reflection questions, each with its latest answer."""
    latest = store.latest(db, step_id=step.id)
    return [(q, latest.get(q.id)) for q in store_items.live_items(db, kinds=QUESTION, step_id=step.id)]


def current_step_questions(db: sqlite3.Connection) -> list[str]:
    """The reflection questions of the current step, as prompts for the week's entry."""
    current = store_items.current_step(db)
    if current is None:
        return []
    return [q.title for q in store_items.live_items(db, kinds=QUESTION, step_id=current.id)]


def record(db: sqlite3.Connection, answers: list[tuple[TrackedItem, str]], day: date) -> list[TrackedItem]:
    """Add a revision for every answer that differs from the latest; the history is kept."""
    changed = []
    with transaction(db):
        for item, text in answers:
            if item.kind != "question":
                raise UsageError(f"{item.ref} is a {item.kind}, not a reflection question")
            text = text.strip()
            latest = store.latest_of(db, item.id)
            if not text or (latest and latest.text == text):
                continue
            store.add(db, item.id, day, text)
            changed.append(item)
    return changed


_SECTION = re.compile(r"^## (\S+) ", re.MULTILINE)


def template(step: TrackedItem, questions: list[tuple[TrackedItem, Answer | None]]) -> str:
    lines = [
        f"<!-- roadmap: answer the reflection questions of step {step.ref}, {step.title}.",
        "Write under each question; leave one empty to skip it. This comment is ignored. -->",
        "",
    ]
    for item, latest in questions:
        lines += [f"## {item.ref} {item.title}", "", (latest.text if latest else ""), ""]
    return "\n".join(lines)


def parse(text: str) -> dict[str, str]:
    """Answers by question reference, from the edited template."""
    text = re.sub(r"<!-- roadmap:.*?-->", "", text, flags=re.DOTALL)
    parts = _SECTION.split(text)
    return {ref: body.split("\n", 1)[1].strip() if "\n" in body else "" for ref, body in zip(parts[1::2], parts[2::2])}
