"""One history record per line: what each kind holds, writing it, and reading it back checked.

A line is a JSON object: ``at`` (when it was recorded, UTC), ``id`` (random, unique), ``op`` (what
kind of change), then the change's own fields, absent when empty. For example::

    {"at": "2026-11-29T10:31:02.123456+00:00", "id": "9f1c…", "op": "state", "item": "1.r1", "state": "done", "day": "2026-11-29"}

Items are named by their id in roadmap.yaml (explicit, or ``<step>/<slug>``), links and undone
changes by the id of the record that made them, diary questions by week and number (``^q12``).
Records apply in the order of (at, id), whichever file or machine they came from.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime
from typing import Any, NamedTuple

STATES = ("todo", "in_progress", "done", "skipped")

# Each kind of record: its fields, whether each is required, and its type.
_TEXT, _INT, _BOOL, _DAY, _NUMBER = str, int, bool, date, float
OPS: dict[str, dict[str, tuple[bool, type]]] = {
    "state": {
        "item": (True, _TEXT),
        "state": (True, _TEXT),
        "day": (True, _DAY),
        "note": (False, _TEXT),
        "auto": (False, _BOOL),
        "undoes": (False, _TEXT),
        "after": (False, _TEXT),
    },
    "rename": {"from": (True, _TEXT), "to": (True, _TEXT)},
    "link": {
        "item": (False, _TEXT),
        "target": (True, _TEXT),
        "path": (False, _BOOL),
        "kind": (True, _TEXT),
        "title": (False, _TEXT),
        "note": (False, _TEXT),
    },
    # A field set to "" was cleared.
    "link-edit": {"link": (True, _TEXT), "kind": (False, _TEXT), "title": (False, _TEXT), "note": (False, _TEXT)},
    "unlink": {"link": (True, _TEXT)},
    "link-check": {
        "link": (True, _TEXT),
        "status": (False, _INT),
        "final_url": (False, _TEXT),
        "redirects": (False, _INT),
        "elapsed": (False, _NUMBER),
        "error": (False, _TEXT),
    },
    "answer": {"item": (True, _TEXT), "day": (True, _DAY), "text": (True, _TEXT)},
    "ask": {"week": (True, _INT), "q": (True, _INT), "text": (True, _TEXT), "day": (True, _DAY)},
    "set-aside": {"week": (True, _INT), "q": (True, _INT), "text": (False, _TEXT), "back": (False, _BOOL)},
    "reply": {
        "week": (True, _INT),
        "q": (True, _INT),
        "question": (False, _TEXT),
        "answer": (True, _TEXT),
        "day": (True, _DAY),
        "item": (False, _TEXT),
        "url": (False, _TEXT),
    },
}


_CANONICAL = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00")


class Record(NamedTuple):
    at: str
    id: str
    op: str
    fields: dict[str, Any]
    device: str  # the file it came from, without .jsonl
    line: int  # where in that file (1-based)
    clock: str  # what the device's clock said, when it was behind ``at``; else ``at``

    @property
    def order(self) -> tuple[str, str]:
        return (self.at, self.id)

    def text(self) -> str:
        head = {"at": self.at, "id": self.id, "op": self.op}
        if self.clock != self.at:
            head["clock"] = self.clock
        return encode({**head, **self.fields})


def encode(record: dict) -> str:
    """One line, keys in the order they were given: readable in `git log -p`."""
    return json.dumps(record, ensure_ascii=False, separators=(", ", ": "))


class BadLine(ValueError):
    """A line that is no record this version can apply. ``newer``: a well-formed record of a kind
    or with a field this version does not know, most likely written by a newer roadmap-tracker;
    a repair leaves it where it is."""

    def __init__(self, message: str, *, newer: bool = False):
        super().__init__(message)
        self.newer = newer


def parse(text: str, device: str, line: int, horizon: str = "9999") -> Record:
    """Read and check one line; BadLine says what is wrong with it. ``horizon``: the latest ``at``
    taken in (a day past this machine's clock, from ``horizon()``)."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise BadLine("not a history record (cut short, or not JSON)") from None
    if not isinstance(data, dict):
        raise BadLine("not a history record (not a JSON object)")
    at, uid, op, clock = data.pop("at", None), data.pop("id", None), data.pop("op", None), data.pop("clock", None)
    if not isinstance(uid, str) or not uid.strip():
        raise BadLine('no "id"')
    if not isinstance(at, str):
        raise BadLine('no "at" time')
    from ..store.records import format_at

    if _CANONICAL.fullmatch(at):
        when_at = at  # as this tool writes it: already the form that sorts
    else:
        try:
            when = datetime.fromisoformat(at)
            if when.tzinfo is None:
                raise BadLine(f'"at" has no time zone: {at!r}')
            when_at = format_at(when)
        except (ValueError, OverflowError):
            raise BadLine(f'"at" is not a time: {at!r}') from None
    if when_at > horizon:
        # A clock far ahead would sort this record after every change made for years: it waits.
        raise BadLine(f'"at" is {when_at[:10]}, later than this machine\'s clock allows', newer=True)
    clock_at = when_at
    if clock is not None:
        try:
            clock_at = format_at(datetime.fromisoformat(clock))
        except (TypeError, ValueError, OverflowError):
            raise BadLine(f'"clock" is not a time: {clock!r}') from None
    if op not in OPS:
        raise BadLine(f"unknown kind of record {op!r} (written by a newer roadmap-tracker?)", newer=True)
    spec = OPS[op]
    for name, value in data.items():
        if name not in spec:
            raise BadLine(f"{op} record: unknown field {name!r} (written by a newer roadmap-tracker?)", newer=True)
        if value is not None and not _OK[spec[name][1]](value):
            raise BadLine(f"{op} record: {name!r} is not {_NAMES[spec[name][1]]}")
    for name in _REQUIRED[op]:
        if data.get(name) is None:
            raise BadLine(f"{op} record: no {name!r}")
    if op == "state" and data["state"] not in STATES:
        raise BadLine(f"state record: unknown state {data['state']!r}")
    return Record(when_at, uid, op, data, device, line, clock_at)


def horizon() -> str:
    """The latest time a record may carry: a day after this machine's clock."""
    from datetime import timedelta

    from ..clock import now
    from ..store.records import format_at

    return format_at(now() + timedelta(days=1))


def _is_day(value: Any) -> bool:
    if type(value) is not str:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


# What a field of each type may hold: checked for every line read, so kept cheap.
_OK = {
    str: lambda v: type(v) is str,
    int: lambda v: type(v) is int and abs(v) < 2**63,
    bool: lambda v: type(v) is bool,
    float: lambda v: type(v) is int or (type(v) is float and math.isfinite(v)),
    date: _is_day,
}
_REQUIRED = {op: [name for name, (required, _) in spec.items() if required] for op, spec in OPS.items()}
_NAMES = {str: "text", int: "a whole number", bool: "true or false", float: "a number", date: "a day (YYYY-MM-DD)"}
