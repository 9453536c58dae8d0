"""`roadmap doctor`: how the workspace and its store are doing, as findings. Nothing here prints.

Nothing here changes anything either. The store is read as it is on disk (never migrated, never
brought up to date: a store a command would migrate is migrated in memory only), the workspace's
files are only read, and a store too damaged to open is a finding like any other. A change the
next command takes in by itself (a note edited by hand, a `git pull`) is a note; what no command
will mend without the learner (damage, a file it cannot read, a change its cheap check cannot
see, a linked file that is gone) is a problem.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from .errors import DiaryError, NoWorkspace, RoadmapError, StoreError, UsageError
from .files import digest
from .store import health
from .workspace import Workspace, find_root, locate

OK, NOTE, PROBLEM = "ok", "note", "problem"


class Finding(NamedTuple):
    """One thing found. ``topic`` says what (``render/doctor.py`` words it), ``facts`` the values
    its words need, ``path`` the file it is about, as the learner names it."""

    check: str  # version, workspace, store, schema, integrity, plan, notes, history or links
    status: str  # ok, note or problem
    topic: str
    path: str | None = None
    facts: dict | None = None


class Where(NamedTuple):
    """How the command was pointed at its workspace and its store."""

    workspace: str | None  # --workspace or ROADMAP_HOME, when given
    workspace_from: str | None  # "option" or "environment"; None: the nearest, walking up from cwd
    db: str | None  # --db or ROADMAP_DB, when given
    db_from: str | None
    cwd: Path


def examine(where: Where) -> list[Finding]:
    """Every finding, in the order they are shown: the tool, the workspace, the store, its schema
    and integrity, then the workspace's files against what the store read of them."""
    found = [_version()]
    try:
        ws = locate(where.workspace, where.db, where.cwd)
    except (NoWorkspace, UsageError) as exc:  # UsageError: a config file it cannot read
        return [*found, Finding("workspace", PROBLEM, "no workspace", None, {"message": str(exc)}), _config()]
    how = where.workspace_from or ("walking up" if find_root(where.cwd) else "config")
    root = os.path.abspath(ws.root)  # as given, made whole: `--workspace .` says where that is
    found.append(Finding("workspace", OK, "workspace", root, {"how": how, "cwd": str(where.cwd)}))
    found += _with_store(ws, where.db_from)
    done = {f.check for f in found}
    # Without a store to compare them with (none yet, or one no command can read): can the next
    # command read the files it would build one from?
    if "plan" not in done:
        found += _plan(ws, None, known=False)
    if "notes" not in done:
        found += _notes(ws, None, None)
    return [*found, _config()]


def _config() -> Finding:
    """The user's config file: where it is, and the default workspace it names."""
    from . import config

    where = str(config.path())
    try:
        found = config.load(config.path())
    except UsageError as exc:
        return Finding("config", PROBLEM, "config refused", where, {"message": str(exc)})
    return Finding("config", OK, "config", where, {"workspace": found.get("workspace")})


def _version() -> Finding:
    import platform

    from . import __version__

    facts = {"tool": __version__, "python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    return Finding("version", OK, "version", None, facts)


def _with_store(ws: Workspace, db_from: str | None) -> list[Finding]:
    """The store's findings, then, when its content can be trusted, the files against it. The
    first question a damaged store cannot answer ends them."""
    path, shown = ws.db_path, ws.relative(ws.db_path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return [Finding("store", NOTE, "no store", shown, {"how": db_from or "default"})]
    except OSError as exc:
        return [Finding("store", PROBLEM, "unreadable", shown, {"reason": exc.strerror})]
    wal = path.with_name(path.name + "-wal")
    if size == 0 and not (wal.exists() and wal.stat().st_size):
        return [Finding("store", PROBLEM, "empty store", shown)]
    found: list[Finding] = []
    check, db = "store", None
    try:
        db = health.open_as_is(path)
        schema = health.schema(db)
        found.append(Finding("store", OK, "store", shown, {"how": db_from or "default"}))
        found += _schema(ws, schema)
        check = "integrity"
        damage = _integrity(ws, db)
        found += damage
        if damage[0].status != OK or not schema.ours or schema.unknown:
            return found  # what it holds is not for commands to read
        if schema.pending:  # as the next command will see it: migrated, in memory only
            from .store.connection import open_copy

            db.close()
            check, db = "schema", open_copy(path)
        for name, look in _CHECKS:
            check = name  # the check a damaged store stops, said with the damage
            found += look(ws, db)
    except sqlite3.DatabaseError as exc:
        from .store.connection import store_error

        found.append(Finding(check, PROBLEM, "damaged", shown, {"message": str(store_error(exc, Path(shown)))}))
    except StoreError as exc:  # from the copy
        found.append(Finding(check, PROBLEM, "damaged", shown, {"message": str(exc)}))
    finally:
        if db is not None:
            db.close()
    return found


def _schema(ws: Workspace, schema: health.Schema) -> list[Finding]:
    known = len(schema.applied) - len(schema.unknown) + len(schema.pending)
    shown = ws.relative(ws.db_path)
    if not schema.ours:
        return [Finding("schema", PROBLEM, "not ours", shown)]
    if schema.unknown:
        return [Finding("schema", PROBLEM, "newer", shown, {"names": schema.unknown})]
    if not schema.applied:
        return [Finding("schema", NOTE, "blank", shown)]
    if schema.pending:
        backup = f"{shown}.schema{len(schema.applied)}.bak"
        facts = {"names": schema.pending, "applied": len(schema.applied), "known": known, "backup": backup}
        return [Finding("schema", NOTE, "pending", shown, facts)]
    if schema.version != len(schema.applied):
        return [Finding("schema", NOTE, "version mark", shown, {"version": schema.version, "applied": known})]
    return [Finding("schema", OK, "schema", shown, {"applied": known})]


def _integrity(ws: Workspace, db: sqlite3.Connection) -> list[Finding]:
    """SQLite's own checks; when they find damage, one line for each fault and one that says
    what to do."""
    shown = ws.relative(ws.db_path)
    found = [Finding("integrity", PROBLEM, "damage", shown, {"message": text}) for text in health.damage(db)]
    if not found:  # rows that name missing rows: only a store whose pages are whole can say
        found = [
            Finding("integrity", PROBLEM, "broken reference", shown, ref._asdict())
            for ref in health.broken_references(db)
        ]
    if not found:
        return [Finding("integrity", OK, "whole", shown)]
    return [*found, Finding("integrity", PROBLEM, "rebuild", shown)]


# --- roadmap.yaml ------------------------------------------------------------------------


def _plan_now(ws: Workspace, db: sqlite3.Connection) -> list[Finding]:
    return _plan(ws, health.plan_mark(db), known=True)


def _plan(ws: Workspace, mark: health.PlanMark | None, *, known: bool) -> list[Finding]:
    """roadmap.yaml against what the store read; with no store to compare, whether it can be read."""
    shown = ws.relative(ws.roadmap_file)
    try:
        data = ws.roadmap_file.read_bytes()
        st = ws.roadmap_file.stat()
    except OSError as exc:
        return [Finding("plan", PROBLEM, "unreadable", shown, {"reason": exc.strerror})]
    if mark is not None and digest(data) == mark.hash:
        return [Finding("plan", OK, "plan same", shown)]
    refused = _plan_refused(ws, data)
    if refused is not None:
        return [Finding("plan", PROBLEM, "plan refused", shown, {"message": refused})]
    if mark is None:
        return [Finding("plan", NOTE if known else OK, "plan unread" if known else "plan readable", shown)]
    if (mark.size, mark.mtime_ns) == (st.st_size, st.st_mtime_ns):
        return [Finding("plan", PROBLEM, "plan hidden", shown)]
    return [Finding("plan", NOTE, "plan changed", shown)]


def _plan_refused(ws: Workspace, data: bytes) -> str | None:
    """What the next command would say of roadmap.yaml when it cannot use it."""
    from .plan.located import decode
    from .plan.roadmap_file import load_roadmap

    source = Path(ws.relative(ws.roadmap_file))
    try:
        load_roadmap(source, decode(data, source))
    except RoadmapError as exc:
        return str(exc)
    return None


# --- notes/ ------------------------------------------------------------------------------


def _notes_now(ws: Workspace, db: sqlite3.Connection) -> list[Finding]:
    return _notes(ws, db, health.plan_mark(db))


def _notes(ws: Workspace, db: sqlite3.Connection | None, mark: health.PlanMark | None) -> list[Finding]:
    """The weekly notes against what the store read of them, and any the next command could not
    read; with no store to compare, only the second. The files are chosen, looked at and read as
    ``diary.mirror.sync_notes`` does, with its words for what it leaves out."""
    from .diary.mirror import outside
    from .store.diary import note_files

    folder = ws.root / (mark.notes_dir if mark else "notes")
    shown = ws.named(folder)
    known = note_files(db) if db is not None else None
    elsewhere = outside(ws, folder)
    if elsewhere is not None:
        message = f"{shown}/ leads outside the workspace (to {elsewhere})"
        return [Finding("notes", PROBLEM, "left out", shown, {"message": message})]
    try:
        with os.scandir(folder) as listing:
            entries = sorted(
                (
                    e
                    for e in listing
                    if e.name.endswith(".md") and "week" in e.name.lower() and not e.name.startswith(".")
                ),
                key=lambda e: e.name,
            )
    except FileNotFoundError:
        entries = []
    except OSError as exc:
        return [Finding("notes", PROBLEM, "left out", shown, {"message": f"{shown}/ cannot be read ({exc.strerror})"})]
    found: list[Finding] = []
    seen: set[str] = set()
    for entry in entries:
        seen.add(entry.name)
        finding = _note(ws, entry, f"{shown}/{entry.name}", (known or {}).get(entry.name), compare=known is not None)
        if finding is not None:
            found.append(finding)
    notes = [name for name in seen if _week(name) is not None]
    for name, row in sorted((known or {}).items()):
        if name not in seen:
            found.append(Finding("notes", NOTE, "note gone", f"{shown}/{name}", {"week": row.week}))
    if found:
        return found
    return [Finding("notes", OK, "notes same" if known is not None else "notes readable", shown, {"count": len(notes)})]


def _week(name: str) -> int | None:
    from .diary.weeknote import week_from_path

    return week_from_path(name)


def _note(ws: Workspace, entry: os.DirEntry, shown: str, row, *, compare: bool) -> Finding | None:
    """What one file in notes/ needs said; None when it is as the store read it (or, with nothing
    to compare, when the next command can read it)."""
    from .diary.mirror import outside

    path = Path(entry.path)
    try:
        st = entry.stat()  # follows a link, as reading would
    except OSError as exc:
        return Finding("notes", PROBLEM, "left out", shown, {"message": f"{shown} cannot be read ({exc.strerror})"})
    if entry.is_symlink() and (target := outside(ws, path)) is not None:
        message = f"{shown} is a link to a file outside the workspace ({target})"
        return Finding("notes", PROBLEM, "left out", shown, {"message": message})
    if not stat.S_ISREG(st.st_mode):  # never opened: a pipe would wait for a writer forever
        message = f"{shown} is not a regular file (a folder, a pipe or a device)"
        return Finding("notes", PROBLEM, "left out", shown, {"message": message})
    if _week(entry.name) is None:
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Finding("notes", PROBLEM, "left out", shown, {"message": f"{shown} cannot be read ({exc.strerror})"})
    if row is not None and digest(data) == row.hash:
        return None
    if row is not None and (row.size, row.mtime_ns) == (st.st_size, st.st_mtime_ns):
        return Finding("notes", PROBLEM, "note hidden", shown)  # the cheap check will never look again
    refused = _note_refused(data, shown)
    if refused is not None:
        return Finding("notes", PROBLEM, "note refused", shown, {"message": refused})
    if not compare:
        return None
    return Finding("notes", NOTE, "note changed" if row is not None else "note new", shown)


def _note_refused(data: bytes, shown: str) -> str | None:
    """What the next command would say of a note it cannot read (not UTF-8, a merge left in it)."""
    from .diary.weeknote import parse_week

    try:
        entry = parse_week(data, path=shown)
    except DiaryError as exc:
        return str(exc)
    if entry.week < 1:
        return f"{shown}: week {entry.week} does not exist: weeks start at 1"
    return None


# --- history/ ----------------------------------------------------------------------------


def _history(ws: Workspace, db: sqlite3.Connection) -> list[Finding]:
    """The history files against how far the store read each, and the lines it could not apply."""
    from .history import files
    from .store.records import file_marks

    look = files.moved(db, ws)
    marks = file_marks(db)
    found: list[Finding] = []
    moved = {f.name for f in look.moved}
    for f in look.found:
        shown = f"{files.HISTORY_DIR}/{f.name}"
        if f.name in moved:
            found.append(Finding("history", NOTE, "history new" if f.name not in marks else "history moved", shown))
        elif _rewritten(f, marks[f.name]):
            found.append(Finding("history", PROBLEM, "history hidden", shown))
    found += [Finding("history", NOTE, "history gone", f"{files.HISTORY_DIR}/{name}") for name in sorted(look.gone)]
    found += _lines(db, {f.name: f for f in look.found})
    return found or [Finding("history", OK, "history read", files.HISTORY_DIR, {"count": len(look.found)})]


def _rewritten(f, mark) -> bool:
    """A file whose size and time are what the store read, but whose bytes before the store's
    place in it are not: rewritten, and the cheap check will never look again."""
    from .history.files import read_from, tail_hash

    if mark.offset > f.size:
        return True
    try:
        _, tail = read_from(f.path, mark.offset)
    except OSError:
        return False
    return tail_hash(tail) != mark.tail


def _lines(db: sqlite3.Connection, present: dict) -> list[Finding]:
    """The lines reported when they were read that are still so: a line skipped that is still in
    its file, a record still waiting for the item it names. (A copy of a record was applied
    once: nothing to do.)"""
    from .store.records import waiting

    reported = health.history_problems(db)
    if not reported:
        return []
    still_waiting = {_digest(text.encode("utf-8")) for text in waiting(db)}
    lines_of: dict[str, set[str]] = {}
    found = []
    for p in reported:
        if p.problem.startswith("repeats record"):
            continue
        if p.problem.endswith("kept and applied once it is back"):
            if p.digest in still_waiting:
                found.append(Finding("history", NOTE, "history line", p.path, {"line": p.line, "problem": p.problem}))
            continue
        name = p.path.rsplit("/", 1)[-1]
        if name not in present:
            continue
        if name not in lines_of:
            try:
                data = present[name].path.read_bytes()
            except OSError:
                data = b""
            lines_of[name] = {_digest(raw) for raw in data.splitlines()}
        if p.digest in lines_of[name]:
            status = NOTE if "clock allows" in p.problem else PROBLEM
            found.append(Finding("history", status, "history line", p.path, {"line": p.line, "problem": p.problem}))
    return found


def _digest(raw: bytes) -> str:
    return digest(raw)[:16]  # as history/replay.py keeps a line's


# --- links -------------------------------------------------------------------------------


def _links(ws: Workspace, db: sqlite3.Connection) -> list[Finding]:
    """Links to files in the workspace whose file is gone (`roadmap links --check` checks the
    web addresses: doctor reads no network)."""
    from .store.links import listing

    paths = [link for link in listing(db) if link.is_path]
    found = [
        Finding("links", PROBLEM, "link gone", link.target, link._asdict())
        for link in paths
        if not (ws.root / link.target).exists()
    ]
    return found or [Finding("links", OK, "links there", None, {"count": len(paths)})]


# The checks that compare the workspace's files with what the store read, in their order.
_CHECKS: list[tuple[str, Callable[[Workspace, sqlite3.Connection], list[Finding]]]] = [
    ("plan", _plan_now),
    ("notes", _notes_now),
    ("history", _history),
    ("links", _links),
]
