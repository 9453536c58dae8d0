"""Reading the dates people type, and cutting time into roadmap weeks.

Functions that depend on "now" take `today`, so tests and callers can pin it;
left out, it comes from the one clock (``clock.today``).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import NamedTuple

from .errors import BadDate, BadWeek

__all__ = [
    "WEEKDAYS",
    "BadDate",
    "BadWeek",
    "Calendar",
    "parse_date",
    "week_number",
    "week_range",
    "week_start",
]

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Outside this window a date is almost surely a typo ("0226-11-21", "20266-1-1"),
# and refusing it early beats storing it and sorting it to the far end of a report.
MIN_YEAR, MAX_YEAR = 1900, 2200

_HINT = "use YYYY-MM-DD, a written date like 'March 3', or today, yesterday, last monday, -3d, last week"


def _bad(text: str, label: str | None, message: str | None = None) -> BadDate:
    message = message or f"cannot read date '{text}': {_HINT}"
    error = BadDate(f"{label}: {message}" if label else message)
    error.text = text  # what was typed, for callers that offer a correction
    return error


_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_UNITS = {"d": "days", "w": "weeks", "m": "months", "y": "years"}
_UNIT_WORDS = {"day": "d", "week": "w", "month": "m", "year": "y"}
# '-3d', '+2w', '-1m'; 'm' is months here, because nobody dates a diary in minutes.
_SHORT_OFFSET = re.compile(r"([+-])\s*(\d{1,5})\s*([dwmy])")
# '3d ago', '3 days ago', '2 weeks ago', '1 month ago'
_AGO = re.compile(r"(\d{1,5})\s*(d|w|m|y|days?|weeks?|months?|years?)\s+ago")
_RELATIVE_WORDS = {
    "today": 0,
    "yesterday": -1,
    "tomorrow": 1,
    "last week": -7,
    "next week": 7,
}


def parse_date(text: str, *, today: date | None = None, label: str | None = None, order: str | None = None) -> date:
    """Read a date the way a person would type it on the command line.

    ``label`` (an option such as ``--date``) leads the message of a refusal. A numeric date that
    reads two ways (12/11/2026) is refused unless ``order`` ("dmy" or "mdy") says which."""
    if today is None:
        from .clock import today as clock_today

        today = clock_today()
    shown = text.strip()
    words = " ".join(shown.lower().split())
    _refuse_ambiguous(words, shown, label, order)
    try:
        result = _read(words, today, order) if words else None
    # Offsets such as '-99999y' overflow before the range check can see them.
    except (ValueError, OverflowError) as exc:
        raise _bad(shown, label) from exc
    if result is None:
        raise _bad(shown, label)
    if not MIN_YEAR <= result.year <= MAX_YEAR:
        message = f"date '{shown}' is {result.isoformat()}, outside {MIN_YEAR}-{MAX_YEAR}: check the year"
        raise _bad(shown, label, message)
    return result


def _read(words: str, today: date, order: str | None = None) -> date | None:
    if _ISO.fullmatch(words):
        return date.fromisoformat(words)
    if words in _RELATIVE_WORDS:
        return today + timedelta(days=_RELATIVE_WORDS[words])
    if words in ("last month", "next month"):
        return _shift(today, -1 if words.startswith("last") else 1, "m")
    day = _weekday_phrase(words, today)
    if day is not None:
        return day
    m = _SHORT_OFFSET.fullmatch(words)
    if m:
        sign, amount, unit = m.groups()
        return _shift(today, int(amount) * (-1 if sign == "-" else 1), unit)
    m = _AGO.fullmatch(words)
    if m:
        amount, unit = m.groups()
        return _shift(today, -int(amount), _UNIT_WORDS.get(unit.rstrip("s"), unit[0]))
    return _free_form(words, today, dayfirst=order == "dmy")


# Day, month and year in digits: 12/11/2026, 12.11.26, 3-4-2026.
_NUMERIC = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})")
DATE_ORDERS = ("dmy", "mdy")


def _refuse_ambiguous(words: str, shown: str, label: str | None, order: str | None) -> None:
    m = _NUMERIC.fullmatch(words)
    if not m or order in DATE_ORDERS:
        return
    first, second = int(m[1]), int(m[2])
    if first == second or first > 12 or second > 12:
        return  # only one reading is a date
    year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
    try:
        day_first, month_first = date(year, second, first), date(year, first, second)
    except ValueError:
        return
    message = (
        f"'{shown}' could be {day_first:%-d %B %Y} or {month_first:%-d %B %Y}: write {day_first.isoformat()} "
        f"or {month_first.isoformat()}, or set date_order: dmy or mdy in roadmap.yaml"
    )
    raise _bad(shown, label, message)


def is_week_phrase(text: str) -> bool:
    """Whether a typed date counts in weeks ('6 weeks ago', '-2w', 'last week'): it names a week
    more than a day."""
    words = " ".join(text.lower().split())
    m, ago = _SHORT_OFFSET.fullmatch(words), _AGO.fullmatch(words)
    return words in ("last week", "next week", "this week") or bool(
        (m and m[3] == "w") or (ago and ago[2].startswith("w"))
    )


def _shift(today: date, amount: int, unit: str) -> date:
    if unit in ("d", "w"):
        return today + timedelta(**{_UNITS[unit]: amount})
    # Calendar months and years need relativedelta: 31 March minus a month is
    # 28/29 February, which plain day arithmetic cannot express.
    from dateutil.relativedelta import relativedelta

    return today + relativedelta(**{_UNITS[unit]: amount})


def _weekday_phrase(words: str, today: date) -> date | None:
    """'monday', 'last monday', 'next monday' (also 'mon')."""
    first, _, rest = words.partition(" ")
    qualifier = first if rest and first in ("last", "next", "this") else ""
    name = rest if qualifier else words
    index = _weekday_index(name)
    if index is None:
        return None
    back = (today.weekday() - index) % 7  # days since the most recent such day, 0 if today
    if qualifier == "last":
        # 'last monday' said on a Monday means a week ago, never today.
        return today - timedelta(days=back or 7)
    if qualifier == "next":
        return today + timedelta(days=(index - today.weekday()) % 7 or 7)
    # Plain and 'this': a diary talks about the past, so the most recent one, today included.
    return today - timedelta(days=back)


def _weekday_index(name: str) -> int | None:
    name = name.strip().lower()
    if len(name) >= 3:
        for index, day in enumerate(WEEKDAYS):
            if day.startswith(name) and (len(name) == 3 or name == day or name in ("tues", "thur", "thurs")):
                return index
    return None


def _free_form(words: str, today: date, *, dayfirst: bool = False) -> date | None:
    from dateutil import parser

    try:
        # The default fills in what the text leaves out, so 'March 3' is this year's.
        parsed = parser.parse(words, default=datetime(today.year, today.month, today.day), dayfirst=dayfirst)
    except (parser.ParserError, ValueError, OverflowError):
        return None
    return parsed.date()


def _start_index(week_starts: str) -> int:
    index = _weekday_index(week_starts)
    if index is None:
        raise BadWeek(f"week_starts must be a weekday name like 'monday' or 'sunday', not '{week_starts}'")
    return index


def week_start(d: date, week_starts: str = "monday") -> date:
    """The first day of the week that holds `d`."""
    return d - timedelta(days=(d.weekday() - _start_index(week_starts)) % 7)


def week_number(d: date, started: date, week_starts: str = "monday") -> int:
    """Week 1 is the week holding `started`; later weeks count on from there."""
    first = week_start(started, week_starts)
    if d < first:
        raise BadWeek(f"{d.isoformat()} is before week 1 (the roadmap started on {started.isoformat()})")
    return (week_start(d, week_starts) - first).days // 7 + 1


def week_range(n: int, started: date, week_starts: str = "monday") -> tuple[date, date]:
    """First and last day of week `n`, counted the same way as `week_number`."""
    if n < 1:
        raise BadWeek(f"week {n} does not exist: weeks start at 1")
    try:
        first = week_start(started, week_starts) + timedelta(weeks=n - 1)
        return first, first + timedelta(days=6)
    except OverflowError:
        raise BadWeek(f"week {n} is beyond the calendar: pick a smaller week number") from None


class Calendar(NamedTuple):
    """A roadmap's weeks: week 1 holds the day it started, and weeks begin on ``week_starts``."""

    started: date
    week_starts: str = "monday"

    def week_of(self, day: date) -> int:
        """The week holding ``day``; refuses a day before week 1."""
        return week_number(day, self.started, self.week_starts)

    def dates(self, week: int) -> tuple[date, date]:
        """First and last day of a week; refuses a week before week 1."""
        return week_range(week, self.started, self.week_starts)

    @property
    def first_day(self) -> date:
        """The day week 1 begins."""
        return week_start(self.started, self.week_starts)

    def index(self, day: date) -> int:
        """Like ``week_of``, but days before week 1 get 0 or less instead of a refusal."""
        return (day - self.first_day).days // 7 + 1
