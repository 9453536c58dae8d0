import os
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roadmap_tracker.dates import WEEKDAYS, BadDate, BadWeek, parse_date, week_number, week_range, week_start
from roadmap_tracker.errors import ExitCode

TODAY = date(2026, 11, 21)  # a Saturday
HINT = "use YYYY-MM-DD, a written date like 'March 3', or today, yesterday, last monday, -3d, last week"


def test_today_comes_from_the_clock_which_roadmap_today_pins(monkeypatch):
    monkeypatch.setenv("ROADMAP_TODAY", TODAY.isoformat())
    assert parse_date("today") == TODAY
    assert parse_date("saturday") == TODAY  # TODAY is a Saturday: a plain weekday counts today
    assert parse_date("last saturday") == TODAY - timedelta(days=7)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-11-21", date(2026, 11, 21)),
        ("  2025-01-05 ", date(2025, 1, 5)),
        ("today", date(2026, 11, 21)),
        ("TODAY", date(2026, 11, 21)),
        ("yesterday", date(2026, 11, 20)),
        ("tomorrow", date(2026, 11, 22)),
        ("monday", date(2026, 11, 16)),
        ("Mon", date(2026, 11, 16)),
        ("friday", date(2026, 11, 20)),
        ("saturday", date(2026, 11, 21)),  # plain weekday: today counts
        ("sunday", date(2026, 11, 15)),
        ("last monday", date(2026, 11, 16)),
        ("last saturday", date(2026, 11, 14)),  # 'last': never today
        ("Last  Sunday", date(2026, 11, 15)),
        ("this friday", date(2026, 11, 20)),
        ("next monday", date(2026, 11, 23)),
        ("next saturday", date(2026, 11, 28)),
        ("-3d", date(2026, 11, 18)),
        ("+3d", date(2026, 11, 24)),
        ("3d ago", date(2026, 11, 18)),
        ("3 days ago", date(2026, 11, 18)),
        ("1 day ago", date(2026, 11, 20)),
        ("-2w", date(2026, 11, 7)),
        ("2 weeks ago", date(2026, 11, 7)),
        ("-1m", date(2026, 10, 21)),
        ("1 month ago", date(2026, 10, 21)),
        ("-1y", date(2025, 11, 21)),
        ("last week", date(2026, 11, 14)),
        ("next week", date(2026, 11, 28)),
        ("last month", date(2026, 10, 21)),
        ("March 3", date(2026, 3, 3)),
        ("3 March 2025", date(2025, 3, 3)),
        ("Nov 1", date(2026, 11, 1)),
        ("January 19, 2026", date(2026, 1, 19)),
        ("2026-11-21T10:30", date(2026, 11, 21)),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text, today=TODAY) == expected


def test_last_monday_on_a_monday_is_a_week_ago():
    monday = date(2026, 11, 16)
    assert parse_date("last monday", today=monday) == date(2026, 11, 9)
    assert parse_date("monday", today=monday) == monday
    assert parse_date("next monday", today=monday) == date(2026, 11, 23)


def test_months_clip_to_the_end_of_shorter_months():
    assert parse_date("-1m", today=date(2026, 3, 31)) == date(2026, 2, 28)
    assert parse_date("1 month ago", today=date(2024, 3, 31)) == date(2024, 2, 29)


def test_today_defaults_to_the_real_today():
    assert parse_date("today") == date.fromisoformat(os.environ["ROADMAP_TODAY"])  # the pinned clock


@pytest.mark.parametrize(
    "text", ["", "   ", "soon", "someday", "February 30, 2016", "2026-02-30", "2026-13-01", "next tuesday week", "-3x"]
)
def test_unreadable_dates_are_refused(text):
    with pytest.raises(BadDate) as err:
        parse_date(text, today=TODAY)
    assert str(err.value) == f"cannot read date '{text.strip()}': {HINT}"


def test_refusal_message_is_exact():
    with pytest.raises(BadDate, match=None) as err:
        parse_date("soon", today=TODAY)
    assert str(err.value) == (
        "cannot read date 'soon': use YYYY-MM-DD, a written date like 'March 3', "
        "or today, yesterday, last monday, -3d, last week"
    )
    assert err.value.exit_code == ExitCode.USAGE  # bad input: exit 2, as every refusal of what was typed
    assert err.value.text == "soon"


@pytest.mark.parametrize(
    "text, shown",
    [
        ("1850-01-01", "1850-01-01"),
        ("2201-01-01", "2201-01-01"),
        ("-300y", "1726-11-21"),
        ("March 3 1776", "1776-03-03"),
    ],
)
def test_dates_outside_1900_to_2200_are_refused(text, shown):
    with pytest.raises(BadDate) as err:
        parse_date(text, today=TODAY)
    assert str(err.value) == f"date '{text}' is {shown}, outside 1900-2200: check the year"


def test_huge_offsets_are_refused_not_crashed():
    with pytest.raises(BadDate):
        parse_date("-99999y", today=TODAY)
    with pytest.raises(BadDate):
        parse_date("99999 weeks ago", today=TODAY)


def test_the_edges_of_the_supported_years_are_accepted():
    assert parse_date("1900-01-01", today=TODAY) == date(1900, 1, 1)
    assert parse_date("2200-12-31", today=TODAY) == date(2200, 12, 31)


# ---------------------------------------------------------------- weeks
@pytest.mark.parametrize(
    "d, week_starts, expected",
    [
        (date(2026, 11, 21), "monday", date(2026, 11, 16)),
        (date(2026, 11, 16), "monday", date(2026, 11, 16)),
        (date(2026, 11, 22), "monday", date(2026, 11, 16)),
        (date(2026, 11, 21), "sunday", date(2026, 11, 15)),
        (date(2026, 11, 22), "sunday", date(2026, 11, 22)),
        (date(2026, 11, 21), "saturday", date(2026, 11, 21)),
        (date(2026, 11, 21), "Wednesday", date(2026, 11, 18)),
    ],
)
def test_week_start(d, week_starts, expected):
    assert week_start(d, week_starts) == expected


def test_unknown_week_start_is_refused():
    with pytest.raises(BadWeek) as err:
        week_start(TODAY, "funday")
    assert str(err.value) == "week_starts must be a weekday name like 'monday' or 'sunday', not 'funday'"


STARTED = date(2026, 12, 30)  # a Wednesday, so week 1 runs over New Year


@pytest.mark.parametrize(
    "d, week_starts, expected",
    [
        (date(2026, 12, 28), "monday", 1),  # before `started` but in its week
        (date(2026, 12, 30), "monday", 1),
        (date(2027, 1, 3), "monday", 1),
        (date(2027, 1, 4), "monday", 2),
        (date(2027, 1, 10), "monday", 2),
        (date(2027, 1, 11), "monday", 3),
        (date(2027, 12, 31), "monday", 53),
        (date(2026, 12, 27), "sunday", 1),
        (date(2027, 1, 2), "sunday", 1),
        (date(2027, 1, 3), "sunday", 2),
        (date(2027, 1, 9), "sunday", 2),
        (date(2027, 1, 10), "sunday", 3),
    ],
)
def test_week_number_across_new_year(d, week_starts, expected):
    assert week_number(d, STARTED, week_starts) == expected


@pytest.mark.parametrize(
    "n, week_starts, expected",
    [
        (1, "monday", (date(2026, 12, 28), date(2027, 1, 3))),
        (2, "monday", (date(2027, 1, 4), date(2027, 1, 10))),
        (1, "sunday", (date(2026, 12, 27), date(2027, 1, 2))),
        (2, "sunday", (date(2027, 1, 3), date(2027, 1, 9))),
        (53, "monday", (date(2027, 12, 27), date(2028, 1, 2))),
    ],
)
def test_week_range(n, week_starts, expected):
    assert week_range(n, STARTED, week_starts) == expected


def test_a_date_before_week_1_is_refused():
    with pytest.raises(BadWeek) as err:
        week_number(date(2026, 12, 27), STARTED)
    assert str(err.value) == "2026-12-27 is before week 1 (the roadmap started on 2026-12-30)"
    with pytest.raises(BadWeek):
        week_number(date(2026, 12, 26), STARTED, "sunday")


@pytest.mark.parametrize("n", [0, -1])
def test_week_numbers_start_at_1(n):
    with pytest.raises(BadWeek) as err:
        week_range(n, STARTED)
    assert str(err.value) == f"week {n} does not exist: weeks start at 1"


def test_a_week_past_the_calendar_is_refused():
    with pytest.raises(BadWeek):
        week_range(10**6, STARTED)


dates = st.dates(date(1900, 1, 1), date(2199, 12, 31))


@given(started=dates, offset=st.integers(0, 20_000), week_starts=st.sampled_from(WEEKDAYS))
def test_week_range_of_week_number_holds_the_date(started, offset, week_starts):
    d = started + timedelta(days=offset)
    n = week_number(d, started, week_starts)
    first, last = week_range(n, started, week_starts)
    assert first <= d <= last
    assert last - first == timedelta(days=6)
    assert first.weekday() == WEEKDAYS.index(week_starts)
    assert week_number(first, started, week_starts) == week_number(last, started, week_starts) == n


@given(d=st.dates(date(1900, 1, 1), date(2200, 12, 31)))
def test_iso_dates_read_back(d):
    assert parse_date(d.isoformat(), today=TODAY) == d


@given(n=st.integers(0, 40_000), today=dates)
def test_day_offsets_agree(n, today):
    expected = today - timedelta(days=n)
    if expected.year < 1900:
        return
    assert parse_date(f"-{n}d", today=today) == parse_date(f"{n} days ago", today=today) == expected
