"""Where the learner stands: progress per step and overall, deliverables, and what comes next."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import NamedTuple

from ..store import answers as store_answers
from ..store import items as store_items
from ..store import progress as store
from ..store.items import TrackedItem
from .deliverables import DeliverableStatus, counts


class StepStatus(NamedTuple):
    number: int
    id: str
    title: str
    state: str  # todo, in_progress, done, skipped
    done: int
    total: int
    skipped: int
    started: int
    questions: int
    answered: int

    @property
    def counted(self) -> int:
        return self.total - self.skipped

    @property
    def fraction(self) -> float:
        """How much of the bar is full: the items done. A step marked done by hand with items
        left unchecked is not drawn full; a step with nothing to count is full once done."""
        if not self.counted:
            return 1.0 if self.state == "done" else 0.0
        return self.done / self.counted


class NextItem(NamedTuple):
    ref: str
    title: str
    kind: str
    state: str


class ArchivedItem(NamedTuple):
    key: str
    kind: str
    title: str
    archived_at: str
    state: str
    day: str | None
    events: int


class Status(NamedTuple):
    title: str
    percent: float
    done: int
    total: int
    skipped: int
    steps: list[StepStatus]
    current: int | None  # number of the current step
    deliverables: list[DeliverableStatus]
    last_activity: str | None
    next: list[NextItem]
    archived: list[ArchivedItem]

    def to_dict(self) -> dict:
        data = self._asdict()
        data["percent"] = round(self.percent, 1)
        for name in ("steps", "deliverables", "next", "archived"):
            data[name] = [x._asdict() for x in data[name]]
        return data


def overall(steps: Iterable[tuple[str, int, int, int]]) -> tuple[int, int, int]:
    """(done, counted, skipped) for the roadmap, from each step's (state, total, done, skipped)
    over its resources and mini projects."""
    done = counted = skipped = 0
    for state, total, step_done, step_skipped in steps:
        if state == "skipped":
            skipped += total
        elif total == 0:
            # A step with nothing to count is one unit of its own.
            counted += 1
            done += state == "done"
        else:
            skipped += step_skipped
            counted += total - step_skipped
            # Only items checked off count: a step marked done by hand does not tick its items.
            done += step_done
    return done, counted, skipped


def percent(done: int, counted: int) -> float:
    return 100.0 * done / counted if counted else 0.0


def steps(db: sqlite3.Connection) -> list[StepStatus]:
    """Every live step with its counts; a step still to do whose items have started is in progress."""
    answered = store_answers.answered_by_step(db)
    out = []
    for s in store.step_counts(db):
        state = s.state
        if state == "todo" and (s.done or s.started or s.skipped):
            state = "in_progress"
        out.append(
            StepStatus(
                s.number,
                s.key,
                s.title,
                state,
                s.done,
                s.total,
                s.skipped,
                s.started,
                s.questions,
                answered.get(s.key, 0),
            )
        )
    return out


def step_status(db: sqlite3.Connection, step: TrackedItem) -> StepStatus:
    return next(s for s in steps(db) if s.id == step.key)


def status(db: sqlite3.Connection, *, next_count: int = 5, archived: bool = False) -> Status:
    header = store_items.header(db)
    all_steps = steps(db)
    done, counted, skipped = overall((s.state, s.total, s.done, s.skipped) for s in all_steps)
    current = store_items.current_step(db)
    return Status(
        title=header.title if header else "",
        percent=percent(done, counted),
        done=done,
        total=counted,
        skipped=skipped,
        steps=all_steps,
        current=current.position if current else None,
        deliverables=counts(db),
        last_activity=store.last_activity(db),
        next=_next(db, current.position, next_count) if current and next_count else [],
        archived=_archived(db) if archived else [],
    )


def _next(db: sqlite3.Connection, current: int, limit: int) -> list[NextItem]:
    """Work already started anywhere, then what is still to do from the current step on."""
    found = store_items.items(db, store.next_items(db, current, limit))
    return [NextItem(i.ref, i.title, i.kind, i.state) for i in found]


def _archived(db: sqlite3.Connection) -> list[ArchivedItem]:
    """Items removed from roadmap.yaml that still carry history."""
    found = store_items.archived_items(db)
    events = store.event_counts(db, [i.id for i in found])
    return [ArchivedItem(i.key, i.kind, i.title, i.archived_at, i.state, i.day, events.get(i.id, 0)) for i in found]


class ShownItem(NamedTuple):
    ref: str
    kind: str
    title: str
    url: str | None
    state: str
    day: str | None
    depth: int
    id: str
    note: str | None = None  # the learner's own note under the item in roadmap.yaml


class StepDetail(NamedTuple):
    """One step in full, for `roadmap show`."""

    step: StepStatus
    objective: str | None
    items: list[ShownItem]
    answers: dict[str, list[dict]]  # question key -> its latest answer (day, text)

    def to_dict(self) -> dict:
        return {
            "step": self.step._asdict(),
            "objective": self.objective,
            "items": [i._asdict() for i in self.items],
            "answers": self.answers,
        }


def step_detail(db: sqlite3.Connection, step: TrackedItem) -> StepDetail:
    items = [i for i in store_items.live_items(db, step_id=step.id) if i.id != step.id]
    depth: dict[int, int] = {step.id: -1}
    shown = []
    for i in items:
        depth[i.id] = depth.get(i.parent_id, -1) + 1
        shown.append(ShownItem(i.ref, i.kind, i.title, i.url, i.state, i.day, depth[i.id], i.key, i.body))
    latest = store_answers.latest(db, step_id=step.id)
    answers = {i.key: [{"day": latest[i.id].day, "text": latest[i.id].text}] for i in items if i.id in latest}
    return StepDetail(step_status(db, step), step.body, shown, answers)


def history(db: sqlite3.Connection, item: TrackedItem | None = None, limit: int | None = None):
    return store.history(db, item.id if item else None, limit)
