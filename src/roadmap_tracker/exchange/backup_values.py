"""What each value of a backup means, beyond its type: checked in full before a restore writes
anything.

``backup.read_backup`` has checked each value's type against the table models. This module checks
the rest of each value, so that a restored workspace can never break a command later: every number
fits the store, days are real days in the years the tool supports, times are times, states and
kinds are known ones, JSON kept in text parses to the shape its readers expect, addresses are ones
`roadmap link` would take, file names stay inside the notes folder. How rows hang together is
``backup_rows``. Every problem is one BadBackup naming the table, row and field.

Values are checked per column over each distinct value: a backup of 100,000 rows takes a fraction
of a second.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from datetime import date, datetime
from operator import itemgetter
from pathlib import PurePosixPath
from typing import Any

from ..dates import DATE_ORDERS, MAX_YEAR, MIN_YEAR, WEEKDAYS
from ..errors import BadBackup, BadURL
from ..history.records import STATES
from ..urls import LINK_KINDS, normalize_url

INT_MIN, INT_MAX = -(2**63), 2**63 - 1  # what an SQLite integer holds
# A longer value is no learner's title or note; views that wrap text take minutes over ten million
# characters, so a backup may not bring one in.
MAX_TEXT = 1_000_000
MAX_NESTING = 20  # front-matter values kept from a note: plain YAML, never deeply nested
MAX_QUESTION = 10**18 - 1  # a question is written `^q<id>` in its note, read back as up to 18 digits
KINDS = ("step", "resource", "project", "question", "deliverable")
RULES = ("done-projects", "links", "attached", "checked")  # as plan.schema.RULES
# The front-matter keys the note format writes itself (weeknote._KNOWN_KEYS); kept keys never name one.
NOTE_KEYS = ("week", "start", "end", "step", "tags", "refs")
EXPERIMENT_FIELDS = ("text", "result", "metric", "value")
SETTINGS = ("target", "max", "rule", "link_kind")  # a deliverable's, as plan.outline writes them

Problem = str | None  # what is wrong with a value, or None
Rule = Callable[[Any], Problem]


def shown(value: Any) -> str:
    """A value as a message quotes it: its repr, cut short (a bad value may be megabytes long)."""
    text = repr(value[:80] if isinstance(value, str) else value)
    return text if len(text) <= 60 else text[:59] + "…"


# --- single values ------------------------------------------------------------------------------


def text(value: str) -> Problem:
    """Any text: not too long, and only characters (see ``characters``)."""
    if len(value) > MAX_TEXT:
        return f"holds {len(value):,} characters; a value holds at most {MAX_TEXT:,}"
    return characters(value)


def characters(value: str) -> Problem:
    """Encodable, which a lone surrogate (JSON's "\\ud800") is not: SQLite and every file write
    would fail on it. A NUL is text the tool took in (an answer typed in the editor) and keeps, and
    the terminal is shown it written out; paths and ids refuse it themselves."""
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            return f"holds {value[exc.start]!r}, half of a UTF-16 surrogate pair, which is no character"
    return None


def _plain(value: Any) -> Problem:
    """What every value must be, whatever its column: text as above, numbers the store can hold."""
    kind = type(value)
    if kind is str:
        return text(value)
    if kind is int and not INT_MIN <= value <= INT_MAX:
        return f"{shown(value)} does not fit the store (a whole number from {INT_MIN} to {INT_MAX})"
    if kind is float and not math.isfinite(value):
        return f"{value} is not a finite number"
    return None


_DAY = re.compile(r"\d{4}-\d\d-\d\d")
_TIME = re.compile(r"\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d{1,6})?)?)?(?:Z|[+-]\d\d:?\d\d)?")


def day(value: str) -> Problem:
    try:
        when = date.fromisoformat(value) if _DAY.fullmatch(value) else None
    except ValueError:
        when = None
    if when is None:
        return f"{shown(value)} is not a day (YYYY-MM-DD)"
    return _in_years(value, when.year)


def time(value: str) -> Problem:
    try:
        when = datetime.fromisoformat(value) if _TIME.fullmatch(value) else None
    except ValueError:
        when = None
    if when is None:
        return f"{shown(value)} is not a time (such as 2026-11-29T10:31:02+00:00)"
    return _in_years(value, when.year)


def _in_years(value: str, year: int) -> Problem:
    # The years dates.parse_date takes: weeks, streaks and history records all count within them.
    return None if MIN_YEAR <= year <= MAX_YEAR else f"{shown(value)} is outside the years {MIN_YEAR}-{MAX_YEAR}"


def one_of(choices: tuple, what: str) -> Rule:
    def rule(value: Any) -> Problem:
        return None if value in choices else f"{shown(value)} is not {what} ({', '.join(map(str, choices))})"

    rule.all_ok = lambda values: values <= set(choices)  # type: ignore[attr-defined]
    return rule


def between(low: int, high: int = INT_MAX) -> Rule:
    def rule(value: int | float) -> Problem:
        return None if low <= value <= high else f"{shown(value)} is not from {low} to {high}"

    rule.all_ok = lambda values: not values or (low <= min(values) and max(values) <= high)  # type: ignore[attr-defined]
    return rule


def title(value: str) -> Problem:
    return None if value.strip() else f"{shown(value)} is empty"


title.all_ok = lambda values: all(map(str.strip, values))  # type: ignore[attr-defined]
_SPACE = re.compile(r"\s")


def key(value: str) -> Problem:
    """An item's id: one word, as roadmap.yaml's ids and the ids made from titles are."""
    plain = value and not _SPACE.search(value) and not _CONTROL.search(value)
    return None if plain else f"{shown(value)} is not an id (one word, no spaces)"


def _words(values: set[str], longest: int | None = None) -> bool:
    """Whether every value is a word: not empty, no longer than ``longest``, without spaces or
    control characters. Joined by a letter, the values hold one of those only if a value does: one
    search over all of them, not two for each."""
    if "" in values or (longest and values and max(map(len, values)) > longest):
        return False
    joined = "a".join(values)
    return not _SPACE.search(joined) and not _CONTROL.search(joined)


key.all_ok = _words  # type: ignore[attr-defined]
_RECORD_ID = re.compile(r"[^\s\x00-\x1f\x7f]{1,128}")


def record_id(value: str) -> Problem:
    """A history record's id (32 hex digits when this tool made it; any word a history file holds)."""
    return None if _RECORD_ID.fullmatch(value) else f"{shown(value)} is not a history record id"


record_id.all_ok = lambda values: _words(values, 128)  # type: ignore[attr-defined]


_HASH = re.compile(r"[0-9a-f]{64}")


def file_hash(value: str) -> Problem:
    return None if _HASH.fullmatch(value) else f"{shown(value)} is not a SHA-256 in hex"


def plan_hash(value: str) -> Problem:
    return None if not value else file_hash(value)  # empty before the first sync


def http_url(value: str) -> Problem:
    """An address `roadmap link` would take: http(s), a host, no password, no spaces."""
    try:
        normalize_url(value)
    except BadURL as exc:
        return str(exc)
    return None if value == value.strip() else f"{shown(value)} has spaces around it"


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DRIVE = re.compile(r"[A-Za-z]:")


def workspace_path(value: str) -> Problem:
    """A linked file, as `roadmap link` stores one: relative to the workspace, inside it, in its
    one spelling (no `./`, no `//`, no trailing `/`)."""
    path = PurePosixPath(value)
    inside = not (path.is_absolute() or ".." in path.parts or "\\" in value or _DRIVE.match(value))
    if not inside or value in ("", ".") or path.as_posix() != value or _CONTROL.search(value):
        return f"{shown(value)} is not a path inside the workspace"
    return None


def notes_folder(value: str) -> Problem:
    """The notes folder: a folder inside the workspace, named relative to it."""
    path = PurePosixPath(value)
    outside = path.is_absolute() or ".." in path.parts or "\\" in value or _DRIVE.match(value)
    if outside or _CONTROL.search(value) or any(len(part.encode()) > 255 for part in path.parts):
        return f"{shown(value)} leads outside the workspace; the notes folder must be a folder inside it"
    return None


def note_name(value: str) -> Problem:
    """A note's file name: plain (no folder, not hidden), a Markdown file that names its week."""
    from ..diary.weeknote import week_from_path

    plain = value and not value.startswith(".") and "/" not in value and "\\" not in value
    if not plain or _CONTROL.search(value) or len(value.encode()) > 255:
        return f"{shown(value)} is not a plain file name"
    if not value.endswith(".md") or week_from_path(value) is None:
        return f"{shown(value)} is not a week's note (weekN.md)"
    return None


# --- JSON kept in text ---------------------------------------------------------------------------


def json_text(shape: Callable[[Any], Problem], what: str) -> Rule:
    """Text that holds JSON of a shape: ``shape`` says what is wrong with the parsed value."""

    def rule(value: str) -> Problem:
        try:
            data = json.loads(value)
        except (ValueError, RecursionError):
            return f"{shown(value)} is not JSON text ({what})"
        problem = shape(data)
        return None if problem is None else f"{shown(value)} is not {what}: {problem}"

    return rule


def texts(data: Any) -> Problem:
    if not isinstance(data, list):
        return "not a list"
    for n, item in enumerate(data, start=1):
        problem = "is not text" if not isinstance(item, str) else text(item)
        if problem:
            return f"item {n} {problem}"
    return None


def experiments(data: Any) -> Problem:
    """Experiments as the diary keeps them: {text, result, metric, value}, text required."""
    if not isinstance(data, list):
        return "not a list"
    for n, x in enumerate(data, start=1):
        if not isinstance(x, dict) or not isinstance(x.get("text"), str):
            return f"item {n} is not an object with a text"
        for name, value in x.items():
            if name not in EXPERIMENT_FIELDS:
                return f"item {n} has an unknown field {shown(name)}"
            problem = None if value is None else "is not text" if not isinstance(value, str) else text(value)
            if problem:
                return f"item {n}, {name!r} {problem}"
    return None


def front_matter(data: Any) -> Problem:
    """A week's front-matter keys the tool does not use: written back into the note as they were."""
    if not isinstance(data, dict):
        return "not an object"
    own = next((k for k in data if k in NOTE_KEYS), None)
    if own is not None:
        return f"{own!r} is the note format's own key"
    stack = [(data, 0)]  # no recursion: the value came from the backup
    while stack:
        value, depth = stack.pop()
        if depth > MAX_NESTING:
            return f"nested deeper than {MAX_NESTING}"
        if isinstance(value, str) and (problem := text(value)):
            return problem
        if isinstance(value, dict):
            stack.extend((k, depth + 1) for k in value)
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return None


def settings(data: Any) -> Problem:
    """A deliverable's settings, as roadmap.yaml's schema allows them."""
    if not isinstance(data, dict) or "target" not in data or "rule" not in data or set(data) - set(SETTINGS):
        return f"not an object of {', '.join(SETTINGS)}"
    target, most, rule, kind = data["target"], data.get("max"), data["rule"], data.get("link_kind")

    def whole(v: Any) -> bool:
        return type(v) is int and 1 <= v <= INT_MAX

    if not whole(target) or (most is not None and not (whole(most) and most >= target)):
        return "target and max must be whole numbers from 1, max at least target"
    if rule not in RULES:
        return f"rule {shown(rule)} is not one of {', '.join(RULES)}"
    if (kind is not None and kind not in LINK_KINDS) or (rule == "links" and kind is None):
        return f"link_kind {shown(kind)} is not one of {', '.join(LINK_KINDS)}"
    return None


# --- columns ------------------------------------------------------------------------------------

_ID = between(1)
_COUNT = between(0)
_STATE = one_of(STATES, "a state")
# Beyond its type (and _plain), what each column's values mean; None is checked by the type.
COLUMNS: dict[str, dict[str, Rule]] = {
    "roadmap": {
        "title": title,
        "source": title,
        "source_size": _COUNT,
        "source_mtime_ns": _COUNT,
        "source_hash": plan_hash,
        "started": day,
        "week_starts": one_of(WEEKDAYS, "a weekday"),
        "notes_dir": notes_folder,
        "synced_at": time,
        "date_order": one_of(DATE_ORDERS, "a date order"),
    },
    "item": {
        "id": _ID,
        "key": key,
        "kind": one_of(KINDS, "a kind of item"),
        "position": _ID,
        "seq": _COUNT,
        "title": title,
        "url": http_url,
        "created_at": time,
        "archived_at": time,
        "state": _STATE,
        "state_day": day,
    },
    "event": {
        "id": _ID,
        "state": _STATE,
        "day": day,
        "recorded_at": time,
        "uid": record_id,
        "after_uid": record_id,
    },
    "link": {
        "id": _ID,
        "kind": one_of(LINK_KINDS, "a kind of link"),
        "added_at": time,
        "checked_at": time,
        "check_status": between(0, 999),
        "check_redirects": _COUNT,
        "check_elapsed": _COUNT,
        "uid": record_id,
    },
    "entry": {
        "id": _ID,
        "week": _ID,
        "start_day": day,
        "end_day": day,
        "concepts": json_text(texts, "a JSON list of texts"),
        "experiments": json_text(experiments, "a JSON list of experiments"),
        "tags": json_text(texts, "a JSON list of texts"),
        "refs": json_text(texts, "a JSON list of texts"),
        "steps": json_text(texts, "a JSON list of texts"),
        "extra": json_text(front_matter, "a JSON object of front-matter keys"),
        "updated_at": time,
    },
    "entry_item": {"ref": title},
    "question": {
        "id": between(1, MAX_QUESTION),
        "text": title,
        "asked_on": day,
        "answered_on": day,
        "answer_url": http_url,
        "removed_at": time,
        "uid": record_id,
    },
    "answer": {"id": _ID, "day": day, "recorded_at": time, "uid": record_id},
    "notefile": {"path": note_name, "week": _ID, "size": _COUNT, "mtime_ns": _COUNT, "hash": file_hash},
}


def problem_at(source: str, table: str, n: int, column: str, problem: str) -> BadBackup:
    """One line: the table, the row (from 1, as in the file) and the field, then what is wrong."""
    verb = problem.split(" ", 1)[0] in ("is", "holds", "has", "points", "repeats", "does", "goes")
    return BadBackup(f"{source}: table {table}, row {n}: field {column!r}{' ' if verb else ': '}{problem}")


def check_values(source: str, table: str, rows: list[dict], known: dict[str, set] | None = None) -> None:
    """Every value of every column, each distinct value once; the first row holding a bad one.
    ``known``: values of a column its rule took already (the plan's addresses, read by its loader)."""
    rules = COLUMNS.get(table, {})
    for column in rows[0] if rows else ():
        values = set(map(itemgetter(column), rows))
        values.discard(None)
        rule = rules.get(column)
        bad = {v: p for v in values if (p := _plain(v))} if not _all_plain(values) else {}
        unknown = values - known[column] if known and column in known else values
        # A rule with ``all_ok`` answers for the whole column at once in the everyday case.
        if rule and not bad and not getattr(rule, "all_ok", lambda _: False)(unknown):
            bad = {v: p for v in unknown if (p := rule(v))}
        if bad:
            n, value = next((n, row[column]) for n, row in enumerate(rows, start=1) if row[column] in bad)
            raise problem_at(source, table, n, column, bad[value])


def _all_plain(values: set) -> bool:
    """Whether a column's values all pass ``_plain``, found at C speed: a column holds one type."""
    if not values:
        return True
    kind = type(next(iter(values)))
    if kind is int:
        return min(values) >= INT_MIN and max(values) <= INT_MAX
    if kind is float:
        return all(map(math.isfinite, values))
    if kind is str:
        joined = "\n".join(values)  # apart: two halves of a surrogate pair must not meet
        return max(map(len, values)) <= MAX_TEXT and "\x00" not in joined and characters(joined) is None
    return True
