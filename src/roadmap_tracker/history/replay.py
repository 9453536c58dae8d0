"""Taking in the history files: records that arrived (a `git pull`, another clone) are applied to
the store once each, in the order of (recorded time, id) whatever file or machine they came from.

Every command makes the cheap check first (each file's size and mtime against what the store read
last); only a file that moved is read, and only from where the store stopped reading it. Records
newer than everything held are simply applied. One that sorts before a record already held (two
machines recorded at once), a file that was rewritten rather than appended to, or a file that is
gone, makes the store apply every record again from the start, so the store is always what the
files say, in their order.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from operator import attrgetter
from typing import NamedTuple

from ..collector import paused
from ..store import diary as store_diary
from ..store import items as store_items
from ..store import links as store_links
from ..store import progress as store_progress
from ..store import records as store
from ..store.connection import transaction
from ..store.records import FileMark, Stamp
from ..workspace import Workspace
from . import files
from .records import BadLine, Record, horizon, parse


class Problem(NamedTuple):
    file: str  # history/<device>.jsonl
    line: int
    problem: str
    digest: str  # of the line, so it is reported once even when a repair moves it


def _digest(raw: bytes | str) -> str:
    from ..files import digest

    return digest(raw.encode("utf-8") if isinstance(raw, str) else raw)[:16]


class CaughtUp(NamedTuple):
    """What taking in the history files did."""

    applied: int  # records applied
    sources: list[str]  # the files they came from
    rebuilt: bool  # every record was applied again from the start
    problems: list[Problem]  # lines skipped, or waiting for their item, reported for the first time
    conflicts: list[store_progress.Conflict]  # same item, same day, two machines, two states
    items: set[int] | None = None  # the items whose state records were applied; None: maybe any

    @property
    def empty(self) -> bool:
        return not (self.applied or self.problems or self.conflicts)


def catch_up(
    db: sqlite3.Connection, ws: Workspace, look: files.Moved | None = None, *, plan_changed: bool = False
) -> CaughtUp | None:
    """Apply what the history files hold that the store does not; None when nothing moved.
    ``look``: the cheap check's answer, when the caller has made it."""
    look = look or files.moved(db, ws)
    retry = plan_changed and bool(store.waiting(db))
    if not look.any and not retry:
        return None
    # A clone's history is 100,000 records and more, none in a cycle (see collector.py).
    with paused():
        return _catch_up(db, ws, look, retry)


def _catch_up(db: sqlite3.Connection, ws: Workspace, look: files.Moved, retry: bool) -> CaughtUp:
    found, moved, gone = look
    with transaction(db):
        marks = store.file_marks(db)  # again, under the lock: another command may have read them
        fresh: list[Record] = []
        problems: list[Problem] = []
        new_marks: list[FileMark] = []
        start_over = bool(gone) or retry
        for f in moved:
            if start_over:
                break
            read = _read(f, marks.get(f.name))
            if read is None:
                start_over = True  # rewritten, not appended to
                break
            records, bad, mark = read
            fresh += records
            problems += bad
            new_marks.append(mark)
        if not start_over:
            latest = store.latest(db)
            # A store that holds no record yet (a clone's first command) holds none of these.
            held = store.applied(db, [r.id for r in fresh]) if latest is not None else {}
            for r in fresh:
                if r.id in held and held[r.id] != r.device:  # a line copied into another file
                    problems.append(Problem(_name(r), r.line, f"repeats record {r.id}", _digest(r.text())))
            fresh, dupes = _unique([r for r in fresh if r.id not in held], db.device)
            problems += dupes
            start_over = latest is not None and any(r.order < latest for r in fresh)
        if start_over:
            return _rebuild(db, ws, found)
        # Into a store that held no change yet, every change is one just applied: looking for
        # conflicts among all of them is cheaper than naming 100,000 of them.
        first = store_progress.next_event_id(db) == 1
        applied, waiting, touched = _apply(db, fresh, bulk=len(fresh) > _BULK)
        for mark in new_marks:
            store.set_file_mark(db, mark)
        reported = _report(db, problems + waiting)
        conflicts = store_progress.note_conflicts(db, None if first else [r.id for r in fresh if r.op == "state"])
    sources = _sources(fresh)
    return CaughtUp(applied, sources, False, reported, conflicts, touched)


def _name(r: Record) -> str:
    return f"{files.HISTORY_DIR}/{r.device}{files.SUFFIX}"


def _sources(records: list[Record]) -> list[str]:
    """The files the records came from (by device: a name for each of 100,000 records costs)."""
    return sorted(f"{files.HISTORY_DIR}/{device}{files.SUFFIX}" for device in {r.device for r in records})


def rebuild(db: sqlite3.Connection, ws: Workspace) -> CaughtUp:
    """Apply every record of every file again, from the start (in the caller's transaction)."""
    return _rebuild(db, ws, files.files(ws))


def _rebuild(db: sqlite3.Connection, ws: Workspace, found: list[files.HistoryFile]) -> CaughtUp:
    records: list[Record] = []
    problems: list[Problem] = []
    store.forget_files(db)
    for f in found:
        got, bad, mark = _read(f, None) or ([], [], None)
        if mark is None:
            continue
        records += got
        problems += bad
        store.set_file_mark(db, mark)
    records, dupes = _unique(records, getattr(db, "device", None))
    known = set(store_progress.conflicts(db))  # said when they first came in
    store.forget_progress(db)
    applied, waiting, _ = _apply(db, records, bulk=len(records) > _BULK)
    reported = _report(db, problems + dupes + waiting)
    store_progress.note_conflicts(db, None)
    conflicts = [c for c in store_progress.conflicts(db) if c not in known]
    sources = _sources(records)
    return CaughtUp(applied, sources, True, reported, conflicts)


def _read(f: files.HistoryFile, mark: FileMark | None) -> tuple[list[Record], list[Problem], FileMark] | None:
    """The records and bad lines a file holds past ``mark``; None when the bytes before it changed."""
    offset, lines = (mark.offset, mark.lines) if mark else (0, 0)
    if offset > f.size:
        return None
    data, tail = files.read_from(f.path, offset)
    if mark is not None and files.tail_hash(tail) != mark.tail:
        return None
    # A last line without its newline may be a record still being written: it is read when it ends.
    end = data.rfind(b"\n") + 1
    records, problems = [], []
    where = f"{files.HISTORY_DIR}/{f.name}"
    latest = horizon()
    for n, raw in enumerate(data[:end].splitlines(), start=lines + 1):
        if not raw.strip():
            continue
        try:
            records.append(parse(raw.decode("utf-8"), f.device, n, latest))
        except UnicodeDecodeError:
            problems.append(Problem(where, n, "not UTF-8 text", _digest(raw)))
        except BadLine as exc:
            problems.append(Problem(where, n, str(exc), _digest(raw)))
    if end < len(data):
        line = lines + data[:end].count(b"\n") + 1
        problems.append(Problem(where, line, "cut short (no end of line)", _digest(data[end:])))
    _, tail = files.read_from(f.path, offset + end)
    mark = FileMark(f.name, f.size, f.mtime_ns, offset + end, lines + data[:end].count(b"\n"), files.tail_hash(tail))
    return records, problems, mark


def _unique(records: list[Record], own: str | None) -> tuple[list[Record], list[Problem]]:
    """Each record once: of two lines with one id, the one in this device's file, else the first."""
    seen: set[str] = set()
    out, dupes = [], []
    # (r.at, r.id) is r.order, written out: a property read for each of 100,000 records costs.
    for r in sorted(records, key=lambda r: (r.at, r.id, r.device != own, r.device, r.line)):
        if r.id in seen:
            dupes.append(Problem(_name(r), r.line, f"repeats record {r.id}", _digest(r.text() + r.device)))
            continue
        seen.add(r.id)
        out.append(r)
    return out, dupes


def _report(db: sqlite3.Connection, problems: list[Problem]) -> list[Problem]:
    return [Problem(*p) for p in store.new_problems(db, [tuple(p) for p in problems])]


# From this many records on, events go in together (see ``store.progress.add_events_in_bulk``):
# deriving every item's state once costs what a few hundred events cost one by one.
_BULK = 500


# The order records apply in: Record.order, read without a call in Python.
_ORDER = attrgetter("at", "id")


class _Missing(Exception):
    """The record names something the store does not have (yet)."""


def _apply(db: sqlite3.Connection, records: list[Record], *, bulk: bool = False) -> tuple[int, list[Problem], set[int]]:
    """Apply records in order; (how many applied, those waiting for what they name). ``bulk``: the
    events go in together at the end (a rebuild, where no other record reads them)."""
    # Many records: every item's id at once; a few: each one asked for.
    keys = store_items.ids_by_key(db) if bulk else _Keys(db)
    aliases = store.aliases(db)
    # Every rename in the batch is known before any record applies: the records that name an old
    # id come before the rename that retired it.
    for r in sorted((r for r in records if r.op == "rename"), key=_ORDER):
        if (r.at, r.fields["to"]) not in aliases.get(r.fields["from"], []):
            aliases.setdefault(r.fields["from"], []).append((r.at, r.fields["to"]))
    names = _Names(keys, aliases, [] if bulk else None, {}, set())
    if bulk:
        names.event_ids["next"] = store_progress.next_event_id(db)
    applied, waiting, marks = 0, [], []
    for r in sorted(records, key=_ORDER):
        try:
            _APPLY[r.op](db, r, names)
        except _Missing as exc:
            marks.append((r.id, r.at, r.op, r.device, r.text()))
            waiting.append(
                Problem(_name(r), r.line, f"{exc}; the record is kept and applied once it is back", _digest(r.text()))
            )
            continue
        marks.append((r.id, r.at, r.op, r.device, None))
        applied += 1
    if names.events:
        store_progress.add_events_in_bulk(db, names.events)
    store.mark(db, marks)
    return applied, waiting, names.touched


class _Keys(dict):
    """Item ids by key, read from the store as they are asked for."""

    def __init__(self, db: sqlite3.Connection):
        super().__init__()
        self.db = db

    def __missing__(self, key: str) -> int | None:
        self[key] = found = store_items.id_of_key(self.db, key)
        return found

    def get(self, key: str, default=None) -> int | None:
        # dict.get never calls __missing__: this one reads the store, as a lookup by [key] does.
        found = self[key]
        return default if found is None else found


class _Names(NamedTuple):
    keys: dict[str, int]  # or _Keys, which reads them as asked
    aliases: dict[str, list[tuple[str, str]]]
    events: list[tuple] | None  # in a bulk apply: the event rows, inserted together at the end
    event_ids: dict[str, int]  # in a bulk apply: the id each event's record gets, and the next id
    touched: set[int]  # the items state records changed

    def item(self, key: str, at: str) -> int:
        """The item a record names: following the renames made after it was recorded, and, when the
        name is gone from the plan, the renames its machine had not seen yet."""
        item_id = self.keys.get(self._follow(key, at))
        if item_id is None:
            item_id = self.keys.get(self._follow(key, ""))
        if item_id is None:
            raise _Missing(f"names {key}, which roadmap.yaml does not have")
        return item_id

    def _follow(self, key: str, at: str) -> str:
        if key not in self.aliases:
            return key  # the everyday case: an item never renamed
        for _ in range(100):  # a chain of renames, never a loop
            later = [(when, new) for when, new in self.aliases.get(key, ()) if when > at]
            if not later:
                break
            at, key = later[0]
        return key


def _stamp(r: Record) -> Stamp:
    return Stamp(r.id, r.at, r.device, r.clock, r.fields.get("after"))


def _state(db: sqlite3.Connection, r: Record, names: _Names) -> None:
    f = r.fields
    item_id = names.item(f["item"], r.at)
    names.touched.add(item_id)
    undoes = None
    if f.get("undoes"):
        undoes = names.event_ids.get(f["undoes"]) or store_progress.by_uid(db, f["undoes"])
        if undoes is None:
            raise _Missing(f"undoes record {f['undoes']}, which the history does not hold")
    if names.events is not None:
        event_id = names.event_ids["next"]
        names.event_ids["next"] += 1
        names.event_ids[r.id] = event_id
        names.events.append(
            (
                event_id,
                item_id,
                f["state"],
                f["day"],
                r.at,
                f.get("note"),
                bool(f.get("auto")),
                undoes,
                r.id,
                f.get("after"),
            )
        )
        return
    day = date.fromisoformat(f["day"])
    store_progress.add_event(db, item_id, f["state"], day, f.get("note"), bool(f.get("auto")), undoes, stamp=_stamp(r))


def _rename(db: sqlite3.Connection, r: Record, names: _Names) -> None:
    # roadmap.yaml already says what the item is called now; the old id only has to keep working.
    store.add_alias(db, r.fields["from"], r.fields["to"], r.at)


def _link(db: sqlite3.Connection, r: Record, names: _Names) -> None:
    f = r.fields
    item_id = names.item(f["item"], r.at) if f.get("item") else None
    found = store_links.find(db, item_id, f["target"])
    if found is not None:
        # Added on another machine too: one link, as `roadmap link` keeps it on one machine. A title
        # or note given again replaces the one before; the kind stays, as it does there.
        given = {name: f[name] for name in ("title", "note") if f.get(name) and f[name] != getattr(found, name)}
        if given:
            store_links.update(db, found.id, given, recorded=True)
        store_links.add_alias(db, r.id, found.id)
        return
    store_links.add(
        db, item_id, f["target"], bool(f.get("path")), f["kind"], f.get("title"), f.get("note"), stamp=_stamp(r)
    )


def _link_id(db: sqlite3.Connection, r: Record) -> int:
    found = store_links.by_uid(db, r.fields["link"])
    if found is None:
        raise _Missing(f"names link record {r.fields['link']}, which the history does not hold")
    return found


def _link_edit(db: sqlite3.Connection, r: Record, names: _Names) -> None:
    values = {k: (v or None) for k, v in r.fields.items() if k != "link"}
    store_links.update(db, _link_id(db, r), values, recorded=True)


def _unlink(db: sqlite3.Connection, r: Record, names: _Names) -> None:
    store_links.delete(db, _link_id(db, r), recorded=True)


def _link_check(db: sqlite3.Connection, r: Record, names: _Names) -> None:
    f = r.fields
    store_links.record_check(
        db,
        _link_id(db, r),
        f.get("status"),
        f.get("final_url"),
        f.get("redirects"),
        f.get("elapsed", 0.0),
        f.get("error"),
        stamp=_stamp(r),
    )


def _answer(db: sqlite3.Connection, r: Record, names: _Names) -> None:
    from ..store import answers

    f = r.fields
    answers.add(db, names.item(f["item"], r.at), date.fromisoformat(f["day"]), f["text"], stamp=_stamp(r))


def _question(db: sqlite3.Connection, r: Record, text: str | None) -> int:
    found = store_diary.question_at(db, r.fields["week"], r.fields["q"], text)
    if found is None:
        raise _Missing(f"names question q{r.fields['q']} of week {r.fields['week']}, which notes/ does not hold")
    return found


def _ask(db: sqlite3.Connection, r: Record, names: _Names) -> None:
    f = r.fields
    found = store_diary.question_at(db, f["week"], f["q"], f["text"])
    if found is None:
        entry = store_diary.entry_of_week(db, f["week"])
        if entry is None:
            raise _Missing(f"asks in week {f['week']}, which notes/ does not hold")
        # Its note no longer holds it: it is kept, set aside, as the store that saw it kept it.
        found = store_diary.ask(db, entry, f["text"], date.fromisoformat(f["day"]), number=f["q"], stamp=_stamp(r))
        store_diary.set_removed(db, found, r.at, recorded=True)
    store_diary.set_asked(db, found, f["day"], r.id)


def _set_aside(db: sqlite3.Connection, r: Record, names: _Names) -> None:
    found = _question(db, r, r.fields.get("text"))
    store_diary.set_removed(db, found, None if r.fields.get("back") else r.at, recorded=True)


def _reply(db: sqlite3.Connection, r: Record, names: _Names) -> None:
    f = r.fields
    found = _question(db, r, f.get("question"))
    try:
        item_id = names.item(f["item"], r.at) if f.get("item") else None
    except _Missing:
        item_id = None  # the answer stands without the item it named
    store_diary.set_answer(db, found, f["answer"], date.fromisoformat(f["day"]), item_id, f.get("url"), recorded=True)


_APPLY = {
    "state": _state,
    "rename": _rename,
    "link": _link,
    "link-edit": _link_edit,
    "unlink": _unlink,
    "link-check": _link_check,
    "answer": _answer,
    "ask": _ask,
    "set-aside": _set_aside,
    "reply": _reply,
}
