"""The one clock: today's date, the time now, and the stamp a record carries.

``ROADMAP_TODAY`` (``YYYY-MM-DD``) makes the tool believe it is that day, at the
real time of day, so tests and demonstrations can drive dated scenarios through
the command line. It is a testing aid; nothing else reads the system clock.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

ENV = "ROADMAP_TODAY"


def _pinned() -> date | None:
    text = os.environ.get(ENV)
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        from .errors import UsageError

        raise UsageError(f"{ENV}={text!r}: write the day as YYYY-MM-DD") from None


def today() -> date:
    """The learner's today, in local time."""
    return _pinned() or date.today()


def now() -> datetime:
    """The local time now, as an aware datetime, on ``today()``."""
    real = datetime.now().astimezone()
    day = _pinned()
    if day is None:
        return real
    return real.replace(year=day.year, month=day.month, day=day.day)


def utc_stamp() -> str:
    """When something was recorded: UTC, to the second, ISO 8601."""
    return now().astimezone(UTC).isoformat(timespec="seconds")


def file_stamp() -> str:
    """A local timestamp for a file name, down to the microsecond so two never collide."""
    return now().strftime("%Y%m%dT%H%M%S%f")
