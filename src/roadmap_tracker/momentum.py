"""Momentum: streaks of active weeks, activity per day for the heatmap, and a pace forecast.

Shared by `roadmap status` (one line, so it must stay cheap: two aggregates, events by day and
diary entries) and `roadmap report`. Functions take the day they are computed for, so tests pin it.

Definitions:
  - an item's state on a day is that of its latest event (by id, as the trigger keeps it) dated
    on or before that day; the percentage uses today's plan with those states;
  - activity on a day is the progress changes made by hand (not the tool's automatic step
    changes) plus a diary entry, counted on the day it was written, inside its own week;
  - a week (as the roadmap counts them: `started`, `week_starts`) is active when it has activity;
  - the pace is the items done per calendar week over the last 4 to 8 active weeks.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from .dates import week_start

PACE_MIN, PACE_MAX = 4, 8  # active weeks a pace needs, and looks back over at most
STALE_WEEKS = 4  # without activity for longer than this, there is no recent pace


@dataclass
class Momentum:
    as_of: date
    current_streak: int
    longest_streak: int
    active_weeks: int
    done: int  # items done so far, as the percentage counts them
    total: int
    pace: float | None = None  # items per week
    pace_weeks: int = 0  # calendar weeks the pace was measured over
    pace_items: int = 0
    forecast: date | None = None
    reason: str | None = None  # why there is no forecast

    @property
    def streak_text(self) -> str:
        def weeks(n: int) -> str:
            return f"{n} week{'s' * (n != 1)}"
        return f"Streak: {weeks(self.current_streak)} (best {self.longest_streak})"

    @property
    def pace_text(self) -> str:
        if self.forecast is None:
            return self.reason or "no forecast yet"
        return f"{self.pace:.1f} items/week, {self.total - self.done} left → about {self.forecast.isoformat()}"

    @property
    def line(self) -> str:
        return f"{self.streak_text} · {self.pace_text}"

    def to_dict(self) -> dict:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        data["forecast"] = self.forecast.isoformat() if self.forecast else None
        data["pace"] = round(self.pace, 2) if self.pace is not None else None
        return data


# --- the plan as of a day ----------------------------------------------------------

def progress_as_of(db: sqlite3.Connection, day: date) -> tuple[int, int]:
    """(done, counted) on ``day``, by the rules of ``queries.status`` applied to the states then."""
    rows = db.execute(
        """WITH st AS (
               SELECT i.id, i.kind, i.step_id, COALESCE((SELECT e.state FROM event e WHERE e.item_id = i.id
                   AND e.day <= :day ORDER BY e.id DESC LIMIT 1), 'todo') AS state
               FROM item i WHERE i.roadmap_id = 1 AND i.archived_at IS NULL
                 AND i.kind IN ('step', 'resource', 'project'))
           SELECT s.state AS own, COUNT(i.id) AS total, COALESCE(SUM(i.state = 'done'), 0) AS done,
                  COALESCE(SUM(i.state = 'skipped'), 0) AS skipped
           FROM st s LEFT JOIN st i ON i.step_id = s.id AND i.id != s.id
           WHERE s.kind = 'step' GROUP BY s.id""", {"day": day.isoformat()}).fetchall()
    from .queries import overall

    done, counted, _ = overall((r["own"], r["total"], r["done"], r["skipped"]) for r in rows)
    return done, counted


# --- momentum ----------------------------------------------------------------------

def roadmap_calendar(db: sqlite3.Connection) -> tuple[date, str]:
    row = db.execute("SELECT started, week_starts FROM roadmap WHERE id = 1").fetchone()
    started = date.fromisoformat(row["started"]) if row and row["started"] else date.today()
    return started, (row["week_starts"] if row else "monday")


def activity(db: sqlite3.Connection, until: date, since: date | None = None) -> dict[date, int]:
    """Activity per day up to ``until`` (and from ``since``): two aggregates, events and diary entries."""
    low = (since or date.min).isoformat()
    days: dict[date, int] = {}
    for day, n in db.execute("SELECT day, COUNT(*) FROM event WHERE auto = 0 AND day BETWEEN ? AND ? GROUP BY day",
                             (low, until.isoformat())):
        try:
            days[date.fromisoformat(day)] = n
        except ValueError:
            continue  # a hand-edited day that is no date counts for nothing
    for start, end, written in db.execute(
            "SELECT start_day, end_day, substr(updated_at, 1, 10) FROM entry WHERE start_day <= ? AND end_day >= ?",
            (until.isoformat(), low)):
        try:
            when = date.fromisoformat(min(max(written or start, start), end))
        except ValueError:
            continue
        if (since is None or when >= since) and when <= until:
            days[when] = days.get(when, 0) + 1
    return days


def week_index(day: date, started: date, week_starts: str) -> int:
    """Week 1 holds ``started``; unlike dates.week_number, days before it get 0 or less."""
    return (week_start(day, week_starts) - week_start(started, week_starts)).days // 7 + 1


def streaks(weeks: set[int], current: int) -> tuple[int, int]:
    """(current, longest) runs of consecutive active weeks. The current week, until it has
    activity, does not break the run that ends the week before."""
    longest = run = 0
    previous = None
    for w in sorted(weeks):
        run = run + 1 if previous == w - 1 else 1
        longest = max(longest, run)
        previous = w
    end = current if current in weeks else current - 1
    streak = 0
    while end - streak in weeks:
        streak += 1
    return streak, longest


def momentum(db: sqlite3.Connection, as_of: date, *, done: int | None = None, total: int | None = None,
             days: dict[date, int] | None = None) -> Momentum:
    """Streaks and the pace forecast on ``as_of``; pass done/total when the caller has them."""
    started, week_starts = roadmap_calendar(db)
    if done is None or total is None:
        done, total = progress_as_of(db, as_of)
    days = activity(db, as_of) if days is None else days
    weeks = {week_index(d, started, week_starts) for d, n in days.items() if n and d <= as_of}
    current = week_index(as_of, started, week_starts)
    streak, longest = streaks(weeks, current)
    m = Momentum(as_of, streak, longest, len(weeks), done, total)
    if total and done >= total:
        m.reason = "all done"
        return m
    end = current if current in weeks else current - 1
    recent = sorted(w for w in weeks if w <= end)[-PACE_MAX:]
    if len(recent) < PACE_MIN:
        n = len(recent)
        m.reason = f"no forecast yet: {n} active week{'s' * (n != 1)} of the {PACE_MIN} it needs"
        return m
    if current - recent[-1] > STALE_WEEKS:
        m.reason = f"no forecast: no activity for {current - recent[-1] - 1} weeks"
        return m
    first = week_start(started, week_starts) + timedelta(weeks=recent[0] - 1)
    m.pace_items = db.execute(
        """SELECT COUNT(DISTINCT e.item_id) FROM event e JOIN item i ON i.id = e.item_id
           WHERE e.state = 'done' AND e.day BETWEEN ? AND ? AND i.kind IN ('resource', 'project')
             AND i.archived_at IS NULL""", (first.isoformat(), as_of.isoformat())).fetchone()[0]
    m.pace_weeks = end - recent[0] + 1
    if not m.pace_items:
        m.reason = f"no forecast: nothing done in the last {len(recent)} active weeks"
        return m
    m.pace = m.pace_items / m.pace_weeks
    m.forecast = as_of + timedelta(days=math.ceil((total - done) / m.pace * 7))
    return m


def heatmap(days: dict[date, int], end: date, week_starts: str = "monday", weeks: int = 26) -> list[list[int | None]]:
    """7 rows (weekdays, from the roadmap's first) by ``weeks`` columns ending with the week of
    ``end``; each cell the day's activity, None for days after ``end``."""
    first = week_start(end, week_starts) - timedelta(weeks=weeks - 1)
    grid = []
    for row in range(7):
        cells = []
        for col in range(weeks):
            day = first + timedelta(weeks=col, days=row)
            cells.append(days.get(day, 0) if day <= end else None)
        grid.append(cells)
    return grid
