"""Read-side queries: progress aggregated in SQL, returned as plain data."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, field
from typing import Iterable

from .outline import COUNTED_KINDS
from .refs import ref_for



@dataclass
class StepStatus:
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
        if self.state == "done":
            return 1.0
        return self.done / self.counted if self.counted else 0.0


@dataclass
class DeliverableStatus:
    number: int
    id: str
    title: str
    count: int
    target: int
    max: int | None
    rule: str


@dataclass
class NextItem:
    ref: str
    title: str
    kind: str
    state: str


@dataclass
class Status:
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
    archived: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["percent"] = round(self.percent, 1)
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
            # A step the learner marked done counts whole, as in a README's progress checklist.
            done += total - step_skipped if state == "done" else step_done
    return done, counted, skipped


def status(db: sqlite3.Connection, *, next_count: int = 5, archived: bool = False) -> Status:
    title = db.execute("SELECT title FROM roadmap WHERE id = 1").fetchone()["title"]
    steps = _steps(db)
    done, counted, skipped = overall((s.state, s.total, s.done, s.skipped) for s in steps)
    percent = 100.0 * done / counted if counted else 0.0
    current = next((s.number for s in steps if s.state == "in_progress"), None)
    if current is None:
        current = next((s.number for s in steps if s.state == "todo"), None)
    last = db.execute("SELECT MAX(day) FROM event").fetchone()[0]
    return Status(
        title=title, percent=percent, done=done, total=counted, skipped=skipped, steps=steps,
        current=current, deliverables=deliverables(db), last_activity=last,
        next=_next(db, current, next_count) if current else [],
        archived=_archived(db) if archived else [],
    )


def _steps(db: sqlite3.Connection) -> list[StepStatus]:
    # One pass over the (step_id, kind, state) index, folded per step here: on a
    # 10,000-item roadmap this is half the time of joining items to their steps.
    counts: dict[int, dict[tuple[str, str], int]] = {}
    for step_id, kind, state, n in db.execute(
            """SELECT step_id, kind, state, COUNT(*) FROM item
               WHERE archived_at IS NULL AND kind != 'step' AND step_id IS NOT NULL
               GROUP BY step_id, kind, state"""):
        counts.setdefault(step_id, {})[kind, state] = n
    answered = _answered_by_step(db)
    steps = []
    for r in db.execute("""SELECT id, position, key, title, state FROM item
                           WHERE roadmap_id = 1 AND kind = 'step' AND archived_at IS NULL ORDER BY position"""):
        mine = counts.get(r["id"], {})

        def counted(state: str | None = None) -> int:
            return sum(n for (kind, st), n in mine.items() if kind in COUNTED_KINDS and state in (None, st))

        total, done, skipped, started = counted(), counted("done"), counted("skipped"), counted("in_progress")
        questions = sum(n for (kind, _), n in mine.items() if kind == "question")
        state = r["state"]
        if state == "todo" and (done or started or skipped):
            state = "in_progress"
        steps.append(StepStatus(r["position"], r["key"], r["title"], state, done, total, skipped, started,
                                questions, answered.get(r["key"], 0)))
    return steps


def _answered_by_step(db: sqlite3.Connection) -> dict[str, int]:
    """Reflection questions answered per step key."""
    rows = db.execute(
        """SELECT s.key, COUNT(DISTINCT a.item_id) AS n FROM answer a
           JOIN item q ON q.id = a.item_id AND q.archived_at IS NULL
           JOIN item s ON s.id = q.step_id GROUP BY s.key""").fetchall()
    return {r["key"]: r["n"] for r in rows}


def deliverables(db: sqlite3.Connection) -> list[DeliverableStatus]:
    from .deliverables import count_all

    rows = db.execute(
        "SELECT id, key, title, position, extra FROM item "
        "WHERE roadmap_id = 1 AND kind = 'deliverable' AND archived_at IS NULL ORDER BY position").fetchall()
    counts = count_all(db, [(r["id"], json.loads(r["extra"])) for r in rows])
    out = []
    for r in rows:
        settings = json.loads(r["extra"])
        out.append(DeliverableStatus(r["position"], r["key"], r["title"], counts[r["id"]],
                                     settings["target"], settings.get("max"), settings["rule"]))
    return out


def _next(db: sqlite3.Connection, current: int, limit: int) -> list[NextItem]:
    """Work already started anywhere, then what is still to do from the current step on."""
    rows = db.execute(
        """SELECT i.* FROM item i JOIN item s ON s.id = i.step_id
        WHERE i.roadmap_id = 1 AND i.kind IN ('resource', 'project') AND i.archived_at IS NULL
          AND i.state IN ('todo', 'in_progress') AND s.state NOT IN ('done', 'skipped')
          AND (i.state = 'in_progress' OR s.position >= ?)
        ORDER BY i.state = 'todo', i.seq
        LIMIT ?""",
        (current, limit),
    ).fetchall()
    return [NextItem(ref_for(db, r), r["title"], r["kind"], r["state"]) for r in rows]


def _archived(db: sqlite3.Connection) -> list[dict]:
    """Items removed from roadmap.yaml that still carry history."""
    rows = db.execute(
        """SELECT i.key, i.kind, i.title, i.archived_at, i.state, i.state_day AS day,
               (SELECT COUNT(*) FROM event e WHERE e.item_id = i.id) AS events
        FROM item i
        WHERE i.roadmap_id = 1 AND i.archived_at IS NOT NULL AND i.state_day IS NOT NULL ORDER BY i.seq""").fetchall()
    return [dict(r) for r in rows]


@dataclass
class HistoryEvent:
    day: str
    state: str
    ref: str
    title: str
    note: str | None
    auto: bool
    recorded_at: str


def history(db: sqlite3.Connection, item_id: int | None = None, limit: int | None = None) -> list[HistoryEvent]:
    where = "WHERE e.item_id = ?" if item_id is not None else ""
    params: tuple = (item_id,) if item_id is not None else ()
    rows = db.execute(
        f"""SELECT e.day, e.state AS event_state, e.note, e.auto, e.recorded_at,
                   i.id, i.key, i.kind, i.title, i.parent_id, i.position, i.archived_at FROM event e
            JOIN item i ON i.id = e.item_id {where}
            ORDER BY e.day DESC, e.id DESC {'LIMIT ?' if limit else ''}""",
        params + ((limit,) if limit else ()),
    ).fetchall()
    return [HistoryEvent(r["day"], r["event_state"], ref_for(db, r), r["title"], r["note"], bool(r["auto"]),
                         r["recorded_at"]) for r in rows]


@dataclass
class ShownItem:
    ref: str
    kind: str
    title: str
    url: str | None
    state: str
    day: str | None
    depth: int
    id: str


def step_items(db: sqlite3.Connection, step_id: int) -> list[ShownItem]:
    rows = db.execute(
        """SELECT i.*, i.state_day AS day FROM item i
        WHERE i.step_id = ? AND i.id != ? AND i.archived_at IS NULL ORDER BY i.seq""",
        (step_id, step_id),
    ).fetchall()
    depth: dict[int, int] = {step_id: -1}
    out = []
    for r in rows:
        depth[r["id"]] = depth.get(r["parent_id"], -1) + 1
        out.append(ShownItem(ref_for(db, r), r["kind"], r["title"], r["url"], r["state"], r["day"],
                             depth[r["id"]], r["key"]))
    return out


def item_counts(db: sqlite3.Connection) -> dict[str, int]:
    """How many active items of each kind the roadmap has."""
    return dict(db.execute("SELECT kind, COUNT(*) FROM item WHERE archived_at IS NULL GROUP BY kind").fetchall())
