"""What happened in a period: items done, started, skipped and reopened, diary weeks, questions,
reflections and links, and the percentage at its start and end, with momentum as of its last day.

Everything comes from SQL aggregates over events, entries, questions, answers and links; no
history is replayed in Python. In a period an item counts under the state its last change in
the period left it in.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from ..dates import week_start
from ..errors import BadWeek, UsageError
from ..progress.momentum import Momentum, activity, momentum, progress_as_of
from ..progress.status import percent
from ..store import answers as store_answers
from ..store import diary as store_diary
from ..store import items as store_items
from ..store import links as store_links
from ..store import progress as store


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
        data["period"] = {
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(),
            "label": self.period.label,
        }
        data["percent_before"] = round(self.percent_before, 1)
        data["percent_after"] = round(self.percent_after, 1)
        data["momentum"] = self.momentum.to_dict()
        return data


# --- the period report ---------------------------------------------------------------


def period_for(
    db: sqlite3.Connection,
    today: date,
    *,
    week: int | None = None,
    since: date | None = None,
    until: date | None = None,
    last: str | None = None,
    everything: bool = False,
) -> Period:
    """The period a report covers: a roadmap week, a date range, the last N days/weeks/months, or
    everything from the roadmap's first day (or the first day anything was recorded, if earlier);
    by default the current week."""
    if sum(x is not None for x in (week, since, last)) + everything > 1:
        raise UsageError("give one of --week, --since, --last or --all")
    if until is not None and since is None:
        raise UsageError("--until goes with --since")
    cal = store_items.calendar(db)
    if everything:
        first = store.first_recorded_day(db)
        start = min(cal.first_day, first) if first else cal.first_day
        start = min(start, today)
        return Period(start, today, f"Everything ({start} to {today})")
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
            start = week_start(today, cal.week_starts) - timedelta(weeks=n - 1)
        elif unit == "d":
            start = today - timedelta(days=n - 1)
        else:
            from dateutil.relativedelta import relativedelta

            start = today - relativedelta(months=n) + timedelta(days=1)
        word = {"d": "day", "w": "week", "m": "month"}[unit]
        return Period(start, today, f"Last {n} {word}{'s' * (n != 1)} ({start} to {today})")
    if week is None:
        week = max(1, cal.index(today))
    try:
        start, end = cal.dates(week)
    except BadWeek as exc:
        raise BadWeek(f"--week: {exc}") from None
    return Period(start, end, f"Week {week} ({start} to {end})")


def build(db: sqlite3.Connection, period: Period, *, heatmap_weeks: int = 26) -> Report:
    """Everything `roadmap report` shows for ``period``; momentum as of its last day."""
    start, end = period.start, period.end
    changes = store.last_changes_between(db, start, end)
    reflections = store_answers.written_between(db, start, end)
    links = store_links.added_between(db, start, end)
    refs = store_items.refs(db, [c[0] for c in changes] + [a[0] for a in reflections])
    groups: dict[str, list[Change]] = {"done": [], "in_progress": [], "skipped": [], "todo": []}
    for item_id, kind, title, state, day in changes:
        groups.setdefault(state, []).append(Change(refs[item_id], kind, title, state, day))
    before = progress_as_of(db, period.start - timedelta(days=1))
    after = progress_as_of(db, period.end)
    opened = [_question(q) for q in store_diary.asked_between(db, start, end)]
    answered = [_question(q) for q in store_diary.answered_between(db, start, end)]
    entries = [
        {"week": e.week, "start": e.start, "end": e.end, "concepts": e.concepts}
        for e in store_diary.overlapping(db, start, end)
    ]
    cal = store_items.calendar(db)
    shown_from = week_start(period.end, cal.week_starts) - timedelta(weeks=heatmap_weeks - 1)
    days = activity(db, period.end, since=shown_from)
    pace = momentum(db, period.end, done=after[0], total=after[1])
    return Report(
        period,
        percent(*before),
        percent(*after),
        groups["done"],
        groups["in_progress"],
        groups["skipped"],
        groups["todo"],
        entries,
        opened,
        answered,
        [{"ref": refs[i], "question": q, "day": day, "text": text} for i, q, day, text in reflections],
        [
            {"id": x.id, "ref": x.ref, "kind": x.kind, "title": x.title, "target": x.target, "day": day}
            for x, day in links
        ],
        pace,
        {d.isoformat(): n for d, n in sorted(days.items()) if d >= shown_from},
        cal.week_starts,
    )


def _question(q) -> dict:
    return {
        "id": q.id,
        "text": q.text,
        "asked_on": q.asked_on,
        "answer": q.answer,
        "answered_on": q.answered_on,
        "week": q.week,
    }
