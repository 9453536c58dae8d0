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
from datetime import date, timedelta
from typing import NamedTuple

from ..dates import week_start
from ..store import diary as store_diary
from ..store import items as store_items
from ..store import progress as store
from .status import overall

PACE_MIN, PACE_MAX = 4, 8  # active weeks a pace needs, and looks back over at most
STALE_WEEKS = 4  # without activity for longer than this, there is no recent pace


class Momentum(NamedTuple):
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

    def to_dict(self) -> dict:
        data = self._asdict()
        data["as_of"] = self.as_of.isoformat()
        data["forecast"] = self.forecast.isoformat() if self.forecast else None
        data["pace"] = round(self.pace, 2) if self.pace is not None else None
        return data


# --- the plan as of a day ----------------------------------------------------------


def progress_as_of(db: sqlite3.Connection, day: date) -> tuple[int, int]:
    """(done, counted) on ``day``, by the rules of ``status.overall`` applied to the states then."""
    done, counted, _ = overall(store.step_counts_as_of(db, day))
    return done, counted


# --- momentum ----------------------------------------------------------------------


def activity(db: sqlite3.Connection, until: date, since: date | None = None) -> dict[date, int]:
    """Activity per day up to ``until`` (and from ``since``): two aggregates, events and diary entries."""
    low = since or date.min
    days: dict[date, int] = {}
    for day, n in store.hand_changes_by_day(db, low, until):
        try:
            days[date.fromisoformat(day)] = n
        except ValueError:
            continue  # a hand-edited day that is no date counts for nothing
    for when in _diary_days(db, low, until):
        days[when] = days.get(when, 0) + 1
    return days


def _diary_days(db: sqlite3.Connection, since: date, until: date) -> list[date]:
    out = []
    for day in store_diary.written_days(db, since, until):
        try:
            out.append(date.fromisoformat(day))
        except ValueError:
            continue
    return out


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


def momentum(
    db: sqlite3.Connection,
    as_of: date,
    *,
    done: int | None = None,
    total: int | None = None,
) -> Momentum:
    """Streaks and the pace forecast on ``as_of``; pass done/total when the caller has them."""
    cal = store_items.calendar(db)
    if done is None or total is None:
        done, total = progress_as_of(db, as_of)
    week1 = cal.first_day  # cal.index's arithmetic, with week 1 found once for years of active days
    weeks = store.hand_change_weeks(db, week1, as_of)
    weeks |= {(day - week1).days // 7 + 1 for day in _diary_days(db, date.min, as_of)}
    current = cal.index(as_of)
    streak, longest = streaks(weeks, current)
    m = Momentum(as_of, streak, longest, len(weeks), done, total)
    if total and done >= total:
        return m._replace(reason="all done")
    end = current if current in weeks else current - 1
    recent = sorted(w for w in weeks if w <= end)[-PACE_MAX:]
    if len(recent) < PACE_MIN:
        n = len(recent)
        return m._replace(reason=f"no forecast yet: {n} active week{'s' * (n != 1)} of the {PACE_MIN} it needs")
    if current - recent[-1] > STALE_WEEKS:
        return m._replace(reason=f"no forecast: no activity for {current - recent[-1] - 1} weeks")
    first = week1 + timedelta(weeks=recent[0] - 1)
    m = m._replace(pace_items=store.items_done_between(db, first, as_of), pace_weeks=end - recent[0] + 1)
    if not m.pace_items:
        return m._replace(reason=f"no forecast: nothing done in the last {len(recent)} active weeks")
    pace = m.pace_items / m.pace_weeks
    return m._replace(pace=pace, forecast=as_of + timedelta(days=math.ceil((total - done) / pace * 7)))


def heatmap_months(end: date, week_starts: str = "monday", weeks: int = 26) -> list[tuple[int, str]]:
    """(column, month) for the months named above ``heatmap``'s columns: a month is named where its
    first week starts, when its name fits before the next one's (a name takes two columns)."""
    first = week_start(end, week_starts) - timedelta(weeks=weeks - 1)
    starts = [
        col
        for col in range(weeks)
        if col == 0 or (first + timedelta(weeks=col)).month != (first + timedelta(weeks=col - 1)).month
    ]
    return [
        (col, (first + timedelta(weeks=col)).strftime("%b"))
        for n, col in enumerate(starts)
        if not (n + 1 < len(starts) and starts[n + 1] - col < 2)
    ]


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
