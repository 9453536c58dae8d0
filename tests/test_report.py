"""`roadmap report` and momentum: what a period held, streaks, the activity calendar, the forecast."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from datetime import date

import pytest
from typer.testing import CliRunner

from roadmap_tracker.cli import app
from roadmap_tracker.progress.momentum import activity, momentum, progress_as_of, streaks
from roadmap_tracker.render.progress import momentum_line, pace_text
from roadmap_tracker.render.report import heatmap_view
from roadmap_tracker.store import diary as store_diary
from roadmap_tracker.store import progress as store_progress

from conftest import Runner
from test_export import PLAN


def on(ws: Runner, monkeypatch, day: str, *args: str):
    """Run a command as if today were ``day``."""
    pinned = os.environ["ROADMAP_TODAY"]
    monkeypatch.setenv("ROADMAP_TODAY", day)
    try:
        return ws(*args)
    finally:
        monkeypatch.setenv("ROADMAP_TODAY", pinned)


@pytest.fixture
def utc(monkeypatch):
    """Local time is UTC, so a day the clock is pinned to is the same day in UTC record stamps."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def weeks(tmp_path, monkeypatch, utc) -> Runner:
    """Three weeks of work on the small roadmap, every date fixed by --date or by the pinned clock."""
    (tmp_path / "plan.yaml").write_text(PLAN)
    assert CliRunner().invoke(app, ["init", str(tmp_path / "ws"), "--from", str(tmp_path / "plan.yaml")]).exit_code == 0
    ws = Runner(tmp_path / "ws")
    ws("check", "1.r1", "--date", "2026-11-03")  # week 1
    ws("check", "fit", "--date", "2026-11-10")  # week 2 ...
    ws("start", "1.r2", "--date", "2026-11-10")
    ws("check", "1.r2", "--date", "2026-11-12")  # started, then done: counts once, as done
    ws("skip", "Skip me", "--date", "2026-11-11")
    ws("uncheck", "1.r1", "--date", "2026-11-13")  # done in week 1, reopened in week 2
    ws("check", "2.p1", "--date", "2026-11-20")  # week 3: step 2 completes by itself
    on(ws, monkeypatch, "2026-11-11", "log", "--week", "2", "-q", "Why chain?")
    ws("questions", "answer", "q1", "because", "--date", "2026-11-13")
    ws("reflect", "--answer", "why", "It just does.", "--date", "2026-11-12")
    on(ws, monkeypatch, "2026-11-12", "link", "fit", "https://github.com/ada/fit", "--title", "my repo")
    on(ws, monkeypatch, "2026-11-14", "log", "--week", "2", "-c", "backprop", "-c", "chain rule")  # written last
    return ws


DOT_ROW = " ".join("·" * 26)

REPORT = f"""\
Week 2 (2026-11-09 to 2026-11-15)
Progress: 17% → 40% (+23 points)

Done (2)
  1.p1  Fit a line  2026-11-10
  1.r2  Book        2026-11-12

Skipped (1)
  1.p2  Skip me  2026-11-11

Reopened (1)
  1.r1  Course ] part [1]  2026-11-13

Diary (1 week)
  week 2  backprop, chain rule

Questions: 1 opened, 1 answered
  ?  Why chain?  2026-11-11
  ✓  Why chain?  2026-11-13

Reflections (1)
  1.q1  Why does it work?  2026-11-12

Links added (1)
  1.p1  repo  my repo https://github.com/ada/fit  2026-11-12

Momentum
  Streak: 2 weeks (best 2)
  Pace: no forecast yet: 2 active weeks of the 4 it needs

    May Jun       Jul     Aug       Sep     Oct     Nov
Mon {DOT_ROW}
    {DOT_ROW[:-4]} ▒ █
Wed {DOT_ROW[:-2]} ▒
    {DOT_ROW[:-2]} ▒
Fri {DOT_ROW[:-2]} ▒
    {DOT_ROW[:-2]} ▒
Sun {DOT_ROW}
    less · ░ ▒ ▓ █ more
"""


def test_report_for_a_week_reads_exactly(weeks, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert weeks("report", "--week", "2").stdout == REPORT


def test_report_counts_for_a_week(weeks):
    data = json.loads(weeks("report", "--week", "2", "--json").stdout)
    assert data["period"] == {"start": "2026-11-09", "end": "2026-11-15", "label": "Week 2 (2026-11-09 to 2026-11-15)"}
    assert (data["percent_before"], data["percent_after"]) == (16.7, 40.0)
    assert [(c["ref"], c["day"]) for c in data["done"]] == [("1.p1", "2026-11-10"), ("1.r2", "2026-11-12")]
    assert (data["started"], [c["ref"] for c in data["skipped"]], [c["ref"] for c in data["reopened"]]) == (
        [],
        ["1.p2"],
        ["1.r1"],
    )
    assert [e["concepts"] for e in data["entries"]] == [["backprop", "chain rule"]]
    assert (len(data["questions_opened"]), len(data["questions_answered"]), len(data["reflections"])) == (1, 1, 1)
    assert [x["target"] for x in data["links"]] == ["https://github.com/ada/fit"]
    assert data["activity"] == {
        "2026-11-03": 1,
        "2026-11-10": 2,
        "2026-11-11": 1,
        "2026-11-12": 1,
        "2026-11-13": 1,
        "2026-11-14": 1,
    }
    assert data["momentum"]["current_streak"] == 2


def test_report_for_a_range_and_last_weeks(weeks):
    data = json.loads(weeks("report", "--since", "2026-11-16", "--until", "2026-11-22", "--json").stdout)
    assert [(c["ref"], c["kind"]) for c in data["done"]] == [("2", "step"), ("2.p1", "project")]
    assert (data["percent_before"], data["percent_after"]) == (40.0, 60.0)
    whole = json.loads(weeks("report", "--since", "2026-11-01", "--until", "2026-11-30", "--json").stdout)
    assert [c["ref"] for c in whole["done"]] == ["1.p1", "1.r2", "2", "2.p1"]
    assert whole["reopened"][0]["ref"] == "1.r1"  # its last change in the period


def test_percent_from_events_agrees_with_status(weeks):
    status = json.loads(weeks("status", "--json").stdout)
    db = sqlite3.connect(weeks.db_path)
    db.row_factory = sqlite3.Row
    assert progress_as_of(db, date(2100, 1, 1)) == (status["done"], status["total"]) == (3, 5)
    assert progress_as_of(db, date(2026, 11, 1)) == (0, 6)  # nothing skipped yet: six to count


def test_counts_before_and_after_every_event_are_those_the_events_give(weeks):
    """Before the first event and after the last, the counts come from the items' current states
    without reading the events: they must be what reading the events gives."""
    weeks("check", "2.p1", "--date", "2026-12-30")  # done again, an auto event for step 2 before it
    weeks("uncheck", "2.p1", "--date", "2026-12-20")  # dated before the last, recorded after it
    weeks("skip", "1.r1", "--date", "2026-12-25")
    db = sqlite3.connect(weeks.db_path)
    db.row_factory = sqlite3.Row
    days = [date(2026, 10, 1), date(2026, 11, 2), date(2026, 12, 30), date(2026, 12, 31), date(2100, 1, 1)]
    for day in days:
        assert sorted(store_progress.step_counts_as_of(db, day)) == sorted(
            store_progress._step_counts_from_events(db, day)
        ), day


def test_report_as_markdown(weeks):
    text = weeks("report", "--week", "2", "--format", "markdown").stdout
    assert text.startswith(
        "## Week 2 (2026-11-09 to 2026-11-15)\n\n**Progress:** 17% → 40% (+23 points)\n\n"
        "### Done (2)\n\n- 1\\.p1 Fit a line (2026-11-10)\n- 1\\.r2 Book (2026-11-12)\n"
    )
    assert "- 1\\.p1: [my repo](https://github.com/ada/fit)\n" in text
    assert "### Momentum\n\n- Streak: 2 weeks (best 2)\n" in text and text.endswith("more\n```\n")


def test_report_all_runs_from_the_first_record_or_the_first_day(weeks):
    got = json.loads(weeks("report", "--all", "--json").stdout)
    assert got["period"] == {
        "start": "2026-11-02",
        "end": "2026-12-31",
        "label": "Everything (2026-11-02 to 2026-12-31)",
    }
    assert [c["ref"] for c in got["done"]] == ["1.p1", "1.r2", "2", "2.p1"]
    weeks("check", "1.r1", "--date", "2026-10-20")  # before the roadmap's first day
    got = json.loads(weeks("report", "--all", "--json").stdout)
    assert got["period"]["start"] == "2026-10-20" and got["percent_before"] == 0.0


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--week", "2", "--since", "2026-11-01"], "give one of --week, --since, --last or --all"),
        (["--all", "--last", "4w"], "give one of --week, --since, --last or --all"),
        (["--until", "2026-11-01"], "--until goes with --since"),
        (["--last", "3x"], "--last 3x: use a count and a unit, like 10d, 4w or 3m"),
        (["--week", "0"], "--week: week 0 does not exist: weeks start at 1"),
        (["--since", "2026-11-20", "--until", "2026-11-10"], "--until 2026-11-10 is before --since 2026-11-20"),
    ],
)
def test_report_refuses_unclear_periods(weeks, args, problem):
    assert weeks("report", *args, code=2).stderr == f"Error: {problem}\n"


# --- momentum -----------------------------------------------------------------------------


def test_streaks():
    assert streaks(set(), 5) == (0, 0)
    assert streaks({1, 2, 3, 5, 6}, 6) == (2, 3)
    assert streaks({1, 2, 3, 5, 6}, 7) == (2, 3)  # this week has nothing yet: the run holds
    assert streaks({1, 2, 3, 5, 6}, 8) == (0, 3)  # a whole week without: it is broken
    assert streaks({-1, 0, 1}, 1) == (3, 3)  # weeks before the start still count


def _done_on(roadmap: Runner, *days: str) -> None:
    """One more resource or project checked off on each day, in roadmap order."""
    todo = [
        item["ref"]
        for s in range(1, 9)
        for item in json.loads(roadmap("show", str(s), "--json").stdout)["items"]
        if item["kind"] != "question" and item["state"] == "todo"
    ]
    for ref, day in zip(todo, days):
        roadmap("check", ref, "--date", day)


def _momentum(roadmap: Runner, as_of: date):
    db = sqlite3.connect(roadmap.db_path)
    db.row_factory = sqlite3.Row
    try:
        return momentum(db, as_of)
    finally:
        db.close()


def test_forecast_at_the_recent_pace(roadmap):
    # Two items in each of weeks 1-4 (Wednesdays): 2 a week, 32 of the bundled 40 left.
    _done_on(
        roadmap,
        "2026-11-04",
        "2026-11-04",
        "2026-11-11",
        "2026-11-11",
        "2026-11-18",
        "2026-11-18",
        "2026-11-25",
        "2026-11-25",
    )
    m = _momentum(roadmap, date(2026, 11, 29))
    assert (m.current_streak, m.longest_streak, m.pace, m.pace_weeks, m.done, m.total) == (4, 4, 2.0, 4, 8, 40)
    assert m.forecast == date(2027, 3, 21)  # 16 weeks on
    assert momentum_line(m) == "Streak: 4 weeks (best 4) · 2.0 items/week, 32 left → about 2027-03-21"
    # Tuesday of week 5, nothing done yet: the streak and the pace still stand.
    assert _momentum(roadmap, date(2026, 12, 1)).forecast == date(2027, 3, 23)
    # A quiet week in the middle of the window lowers the pace: 8 items over 5 weeks.
    _done_on(roadmap, *["2026-12-09"] * 9)
    later = _momentum(roadmap, date(2026, 12, 13))
    assert (later.pace_items, later.pace_weeks, later.current_streak, later.longest_streak) == (17, 6, 1, 4)


def test_no_forecast_without_enough_recent_activity(roadmap):
    _done_on(roadmap, "2026-11-04", "2026-11-11", "2026-11-18")
    assert pace_text(_momentum(roadmap, date(2026, 11, 22))) == "no forecast yet: 3 active weeks of the 4 it needs"
    _done_on(roadmap, *["2026-11-25"] * 4)
    assert pace_text(_momentum(roadmap, date(2027, 2, 1))) == "no forecast: no activity for 9 weeks"


def test_an_undone_change_is_no_activity(roadmap):
    _done_on(roadmap, "2026-11-04", "2026-11-11", "2026-11-11")
    roadmap("undo")  # one of the two on 11-11: the day keeps the other
    db = sqlite3.connect(roadmap.db_path)
    try:
        assert activity(db, date(2026, 12, 31)) == {date(2026, 11, 4): 1, date(2026, 11, 11): 1}
        roadmap("undo")  # and the other: nothing stands that day, and the undos count for nothing
        assert activity(db, date(2026, 12, 31)) == {date(2026, 11, 4): 1}
    finally:
        db.close()
    assert _momentum(roadmap, date(2026, 11, 15)).active_weeks == 1


def test_the_weeks_of_the_streak_are_the_weeks_of_the_activity(weeks):
    """The streak counts weeks in SQL over the whole history; they must be the weeks of the days
    ``activity`` gives, including days before the roadmap started and days an undo touched."""
    weeks("uncheck", "1.r2", "--date", "2026-10-20")  # before week 1
    weeks("uncheck", "2.p1", "--date", "2025-12-31")  # far before, a year back
    weeks("check", "1.r1", "--date", "2026-11-25")
    weeks("undo")  # the change of 11-25 is undone: that week is left with no activity
    weeks("start", "1.r2", "--date", "2026-11-11")
    weeks("undo")  # a week that keeps other activity
    db = sqlite3.connect(weeks.db_path)
    db.row_factory = sqlite3.Row
    week1 = date(2026, 11, 2)
    for until in (date(2026, 10, 1), date(2026, 11, 12), date(2026, 12, 31)):
        days = activity(db, until)
        expected = {(day - week1).days // 7 + 1 for day in days}
        shown = store_progress.hand_change_weeks(db, week1, until) | {
            (date.fromisoformat(d) - week1).days // 7 + 1 for d in store_diary.written_days(db, date.min, until)
        }
        assert shown == expected, until
    assert expected == {-43, -1, 1, 2, 3}


def test_status_shows_momentum_in_one_line(roadmap):
    assert roadmap("status").stdout.endswith(
        "Streak: 0 weeks (best 0) · no forecast yet: 0 active weeks of the 4 it needs\n"
    )
    roadmap("check", "1.r1")
    assert "\nStreak: 1 week (best 1) · no forecast yet: 1 active week of the 4 it needs\n" in roadmap("status").stdout
    data = json.loads(roadmap("status", "--json").stdout)["momentum"]
    assert (data["current_streak"], data["active_weeks"], data["forecast"]) == (1, 1, None)


# --- the heatmap ---------------------------------------------------------------------------


def test_heatmap_reads_without_colour():
    days = {
        date(2026, 11, 3): 1,
        date(2026, 11, 10): 2,
        date(2026, 11, 11): 5,
        date(2026, 11, 12): 8,
        date(2026, 10, 20): 3,
        date(2026, 11, 18): 1,
    }
    assert (
        heatmap_view(days, date(2026, 11, 18), "monday", 8).plain
        == """\
      Oct     Nov
Mon · · · · · · · ·
    · · · ▒ · ░ ░ ·
Wed · · · · · · ▓ ░
    · · · · · · █
Fri · · · · · · ·
    · · · · · · ·
Sun · · · · · · ·
    less · ░ ▒ ▓ █ more"""
    )
    # Weeks starting on Sunday move every day down a row.
    assert heatmap_view(days, date(2026, 11, 18), "sunday", 8).plain.splitlines()[1:4] == [
        "Sun · · · · · · · ·",
        "    · · · · · · · ·",
        "Tue · · · ▒ · ░ ░ ·",
    ]


def test_references_in_bulk_match_one_at_a_time(roadmap):
    from roadmap_tracker.store.items import refs

    plan = roadmap.root / "roadmap.yaml"
    plan.write_text(
        plan.read_text().replace(
            "      - Plot how a 2x2 matrix transforms the plane\n",
            "      - title: Plot how a 2x2 matrix transforms the plane\n        items:\n          - Rotate\n          - Shear\n",
        )
    )
    text = plan.read_text()
    start = text.index("  - id: nn-intro\n")
    plan.write_text(text[:start] + text[text.index("  - id: nn-build\n") :])  # archives step 2 and its items
    roadmap("status")
    db = sqlite3.connect(roadmap.db_path)
    db.row_factory = sqlite3.Row
    ids = {key: i for i, key in db.execute("SELECT id, key FROM item")}
    bulk = refs(db, ids.values())
    assert bulk == {i: refs(db, [i])[i] for i in ids.values()}
    assert {"1.p2.2", "nn-intro", "d1"} <= set(bulk.values())
    assert bulk[ids["nn-build"]] == "2"  # the step after the removed one moved up


def test_report_defaults_to_this_week_and_counts_whole_weeks_back(weeks):
    from roadmap_tracker.reports.report import period_for

    db = sqlite3.connect(weeks.db_path)
    db.row_factory = sqlite3.Row
    assert period_for(db, date(2026, 11, 18)).label == "Week 3 (2026-11-16 to 2026-11-22)"
    assert period_for(db, date(2026, 10, 1)).label == "Week 1 (2026-11-02 to 2026-11-08)"  # not started yet
    assert period_for(db, date(2026, 11, 18), last="2w").label == "Last 2 weeks (2026-11-09 to 2026-11-18)"
    assert period_for(db, date(2026, 11, 18), last="10d").label == "Last 10 days (2026-11-09 to 2026-11-18)"
    assert period_for(db, date(2026, 11, 18), last="1m").label == "Last 1 month (2026-10-19 to 2026-11-18)"
    assert weeks("report").stdout.startswith("Week ")
