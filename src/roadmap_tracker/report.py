"""What happened in a period: items done, started, skipped and reopened, diary weeks, questions,
reflections and links, and the percentage at its start and end, with momentum as of its last day.

Everything comes from SQL aggregates over events, entries, questions, answers and links; no
history is replayed in Python. In a period an item counts under the state its last change in
the period left it in.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from .dates import week_start
from .momentum import Momentum, activity, momentum, progress_as_of, roadmap_calendar, week_index


@dataclass
class Period:
    start: date
    end: date
    label: str


@dataclass
class Change:
    ref: str
    kind: str
    title: str
    state: str
    day: str


@dataclass
class Report:
    period: Period
    percent_before: float
    percent_after: float
    done: list[Change]
    started: list[Change]
    skipped: list[Change]
    reopened: list[Change]
    entries: list[dict]  # week, start, end, concepts
    questions_opened: list[dict]
    questions_answered: list[dict]
    reflections: list[dict]  # reflection answers written in the period
    links: list[dict]
    momentum: Momentum
    activity: dict[str, int] = field(default_factory=dict)  # per day, for the heatmap
    week_starts: str = "monday"

    def to_dict(self) -> dict:
        data = asdict(self)
        data["period"] = {"start": self.period.start.isoformat(), "end": self.period.end.isoformat(),
                          "label": self.period.label}
        data["percent_before"] = round(self.percent_before, 1)
        data["percent_after"] = round(self.percent_after, 1)
        data["momentum"] = self.momentum.to_dict()
        return data


# --- the period report ---------------------------------------------------------------

def _percent(done: int, counted: int) -> float:
    return 100.0 * done / counted if counted else 0.0


def period_for(db: sqlite3.Connection, today: date, *, week: int | None = None, since: date | None = None,
               until: date | None = None, last: str | None = None) -> Period:
    """The period a report covers: a roadmap week, a date range, or the last N days/weeks/months;
    by default the current week."""
    from .dates import BadWeek, week_range
    from .errors import UsageError

    if sum(x is not None for x in (week, since, last)) > 1:
        raise UsageError("give one of --week, --since or --last")
    if until is not None and since is None:
        raise UsageError("--until goes with --since")
    started, week_starts = roadmap_calendar(db)
    if since is not None:
        end = until or today
        if end < since:
            raise UsageError(f"--until {end} is before --since {since}")
        return Period(since, end, f"{since} to {end}")
    if last is not None:
        import re

        m = re.fullmatch(r"\s*(\d{1,4})\s*([dwm])\s*", last.lower())
        if not m or int(m[1]) < 1:
            raise UsageError(f"--last {last}: use a count and a unit, like 10d, 4w or 3m")
        n, unit = int(m[1]), m[2]
        if unit == "w":  # whole roadmap weeks, the current one included
            start = week_start(today, week_starts) - timedelta(weeks=n - 1)
        elif unit == "d":
            start = today - timedelta(days=n - 1)
        else:
            from dateutil.relativedelta import relativedelta

            start = today - relativedelta(months=n) + timedelta(days=1)
        word = {"d": "day", "w": "week", "m": "month"}[unit]
        return Period(start, today, f"Last {n} {word}{'s' * (n != 1)} ({start} to {today})")
    if week is None:
        week = max(1, week_index(today, started, week_starts))
    try:
        start, end = week_range(week, started, week_starts)
    except BadWeek as exc:
        raise UsageError(f"--week: {exc}") from exc
    return Period(start, end, f"Week {week} ({start} to {end})")


def item_refs(db: sqlite3.Connection) -> dict[int, str]:
    """Every item's reference by ``refs.ref_for``'s rules, from one query: a report over years
    names thousands of items, and one lookup each took seconds."""
    from .outline import KIND_LETTER

    rows = {r["id"]: r for r in db.execute("SELECT id, key, kind, parent_id, position, archived_at FROM item")}
    refs: dict[int, str] = {}

    def ref(item_id: int) -> str:
        if item_id not in refs:
            r = rows[item_id]
            if r["archived_at"] is not None:
                refs[item_id] = r["key"]
            elif r["kind"] in ("step", "deliverable"):
                refs[item_id] = f"{'d' if r['kind'] == 'deliverable' else ''}{r['position']}"
            else:
                parent = rows[r["parent_id"]]
                refs[item_id] = (f"{parent['position']}.{KIND_LETTER[r['kind']]}{r['position']}"
                                 if parent["kind"] == "step" else f"{ref(parent['id'])}.{r['position']}")
        return refs[item_id]

    for item_id in rows:
        ref(item_id)
    return refs


def build(db: sqlite3.Connection, period: Period, *, heatmap_weeks: int = 26) -> Report:
    """Everything `roadmap report` shows for ``period``; momentum as of its last day."""
    refs = item_refs(db)
    start, end = period.start.isoformat(), period.end.isoformat()
    rows = db.execute(
        """SELECT i.id, i.kind, i.title, e.state AS new, e.day FROM event e JOIN item i ON i.id = e.item_id
           WHERE e.id IN (SELECT MAX(id) FROM event WHERE day BETWEEN ? AND ? GROUP BY item_id)
           ORDER BY e.day, i.seq""", (start, end)).fetchall()
    groups: dict[str, list[Change]] = {"done": [], "in_progress": [], "skipped": [], "todo": []}
    for r in rows:
        groups.setdefault(r["new"], []).append(Change(refs[r["id"]], r["kind"], r["title"], r["new"], r["day"]))
    before = progress_as_of(db, period.start - timedelta(days=1))
    after = progress_as_of(db, period.end)
    q = "SELECT q.id, q.text, q.asked_on, q.answer, q.answered_on, e.week FROM question q " \
        "JOIN entry e ON e.id = q.entry_id WHERE q.removed_at IS NULL AND "
    opened = [dict(r) for r in db.execute(q + "q.asked_on BETWEEN ? AND ? ORDER BY q.asked_on, q.id", (start, end))]
    answered = [dict(r) for r in db.execute(q + "q.answered_on BETWEEN ? AND ? ORDER BY q.answered_on, q.id",
                                            (start, end))]
    reflections = [{"ref": refs[r["id"]], "question": r["title"], "day": r["day"], "text": r["text"]}
                   for r in db.execute(
                       """SELECT i.id, i.title, a.day, a.text FROM answer a JOIN item i ON i.id = a.item_id
                          WHERE a.day BETWEEN ? AND ? ORDER BY a.day, a.id""", (start, end))]
    links = [{"id": r["id"], "ref": refs[r["item_id"]] if r["item_id"] else None, "kind": r["link_kind"],
              "title": r["link_title"], "target": r["target"], "day": r["added"]}
             for r in db.execute(
                 """SELECT l.id, l.item_id, l.target, l.kind AS link_kind, l.title AS link_title,
                           date(l.added_at, 'localtime') AS added FROM link l
                    WHERE date(l.added_at, 'localtime') BETWEEN ? AND ? ORDER BY l.id""", (start, end))]
    entries = [{"week": r["week"], "start": r["start_day"], "end": r["end_day"], "concepts": json.loads(r["concepts"])}
               for r in db.execute("SELECT week, start_day, end_day, concepts FROM entry "
                                   "WHERE start_day <= ? AND end_day >= ? ORDER BY week", (end, start))]
    _, week_starts = roadmap_calendar(db)
    shown_from = week_start(period.end, week_starts) - timedelta(weeks=heatmap_weeks - 1)
    days = activity(db, period.end)
    pace = momentum(db, period.end, done=after[0], total=after[1], days=days)
    return Report(period, _percent(*before), _percent(*after), groups["done"], groups["in_progress"],
                  groups["skipped"], groups["todo"], entries, opened, answered, reflections, links, pace,
                  {d.isoformat(): n for d, n in sorted(days.items()) if d >= shown_from}, week_starts)
