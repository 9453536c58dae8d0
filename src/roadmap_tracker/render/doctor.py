"""What `roadmap doctor` found: one line each, `ok`, `note` or `problem` and then what, in words a
learner can act on; and the same as data. Nothing here prints."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, NamedTuple

from ..store.connection import REBUILD_HINT
from .styled import Line, Lines

if TYPE_CHECKING:
    from ..doctor import Finding

STYLE = {"ok": "green", "note": "yellow", "problem": "bold red"}
UNSEEN = "changed but kept its size and time, so commands do not see it"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _workspace(path, how, cwd) -> str:
    if how == "option":
        return f"workspace {path} (from --workspace)"
    if how == "environment":
        return f"workspace {path} (from ROADMAP_HOME)"
    if how == "config":
        return f"workspace {path} (the default of your config: none here or above)"
    return f"workspace {path} ({'the current directory' if cwd == path else f'found by walking up from {cwd}'})"


def _from(how) -> str:
    return {"option": " (from --db)", "environment": " (from ROADMAP_DB)"}.get(how, "")


def _store(path, how) -> str:
    return f"store {path}{_from(how)}"


def _no_store(path, how) -> str:
    return f"no store yet at {path}{_from(how)}: the next command builds it from roadmap.yaml, notes/ and history/"


def _schema(path, applied) -> str:
    return f"schema up to date: {applied} of {applied} migrations applied"


def _pending(path, names, applied, known, backup) -> str:
    return (
        f"schema: {applied} of {known} migrations applied; the next command applies {', '.join(names)}, "
        f"keeping the store as it was in {backup}"
    )


def _notes(path, count) -> str:
    if not count:
        return f"{path}/: no weekly notes yet"
    return f"{path}/: {_count(count, 'weekly note')}, as the store read {'it' if count == 1 else 'them'}"


def _history(path, count) -> str:
    return f"{path}/: {_count(count, 'file')}, all read" if count else f"{path}/: no history files yet"


class _Line(NamedTuple):  # what render.history.problem words
    file: str
    line: int
    problem: str


def _history_line(path, line, problem) -> str:
    from .history import problem as words

    return words(_Line(path, line, problem))


def _link_gone(path, id, item_id, ref, item_title, target, **_) -> str:
    where = f"{ref} {item_title}" if item_id is not None else "the roadmap"
    return f"link {id} on {where}: {target} is gone (`roadmap unlink {ref or '-'} {id}` removes the link)"


def _links(path, count) -> str:
    if not count:
        return "links: no workspace files linked"
    return (
        "links: the linked workspace file is there"
        if count == 1
        else f"links: the {count} linked workspace files are there"
    )


_WORDS = {
    "version": lambda path, tool, python, sqlite: f"roadmap-tracker {tool}, Python {python}, SQLite {sqlite}",
    "workspace": _workspace,
    "config": lambda path, workspace: (
        f"config {path}"
        + (
            f": default workspace {workspace}"
            if workspace
            else (": no default workspace" if os.path.exists(path) else " (none)")
        )
    ),
    "config refused": lambda path, message: message,
    "no workspace": lambda path, message: message,
    "store": _store,
    "no store": _no_store,
    "unreadable": lambda path, reason: f"{path} cannot be read ({reason})",
    "empty store": lambda path: (
        f"{path} is empty (0 bytes): the next command keeps it aside and builds the store again from roadmap.yaml, "
        "notes/ and history/"
    ),
    "damaged": lambda path, message: message,
    "not ours": lambda path: f"{path} is an SQLite database but not a roadmap-tracker store; commands refuse it",
    "newer": lambda path, names: (
        f"{path} was written by a newer roadmap-tracker ({', '.join(names)} unknown here): upgrade roadmap-tracker; "
        "commands leave the store as it is"
    ),
    "blank": lambda path: f"{path} holds no tables yet: the next command builds the store",
    "pending": _pending,
    "version mark": lambda path, version, applied: (
        f"schema: the store says {version} migrations and holds {applied}; the next command sets that right"
    ),
    "schema": _schema,
    "whole": lambda path: "the store is whole: SQLite's integrity and foreign key checks find nothing wrong",
    "damage": lambda path, message: f"store damage: {message}",
    "broken reference": lambda path, table, rowid, parent: (
        f"store damage: {table} row {rowid} points at a row of {parent} that is not there"
    ),
    "rebuild": lambda path: f"{path} is damaged; {REBUILD_HINT}",
    "plan same": lambda path: f"{path} is as the store read it",
    "plan readable": lambda path: f"{path} can be read",
    "plan unread": lambda path: f"the store has not read {path} yet: the next command reads it",
    "plan changed": lambda path: f"{path} changed since the store read it: the next command reads it again",
    "plan hidden": lambda path: f"{path} {UNSEEN}: `roadmap sync` reads it again",
    "plan refused": lambda path, message: f"{message}; commands stop at it until it is fixed",
    "notes same": _notes,
    "notes readable": lambda path, count: f"{path}/: {_count(count, 'weekly note')}, all readable",
    "note new": lambda path: f"{path} is new: the next command reads it into the diary",
    "note changed": lambda path: f"{path} changed since the store read it: the next command reads it again",
    "note hidden": lambda path: f"{path} {UNSEEN}: touch it and the next command reads it",
    "note gone": lambda path, week: (
        f"{path} is gone: the store still holds week {week} (`roadmap logs --week {week}` shows it)"
    ),
    "note refused": lambda path, message: f"{message}; commands leave the file as it is and do not read it",
    "left out": lambda path, message: f"{message}; commands leave it out of the diary",
    "history new": lambda path: f"{path} is new: the next command applies its records",
    "history moved": lambda path: f"{path} has records the store has not read: the next command applies them",
    "history gone": lambda path: f"{path} is gone: the next command applies every record again from the files left",
    "history hidden": lambda path: f"{path} {UNSEEN}: touch it and the next command reads it again",
    "history line": _history_line,
    "history read": _history,
    "link gone": _link_gone,
    "links there": _links,
}


def detail(finding: Finding) -> str:
    return _WORDS[finding.topic](finding.path, **(finding.facts or {}))


def lines(findings: list[Finding]) -> Lines:
    """`problem` is the widest status: the others are padded to it, so the details line up."""
    return Lines([Line.of((f.status, STYLE[f.status]), " " * (9 - len(f.status)), detail(f)) for f in findings])


def as_json(findings: list[Finding]) -> list[dict]:
    return [
        {"check": f.check, "status": f.status, "detail": detail(f), **({"path": f.path} if f.path else {})}
        for f in findings
    ]


def summary(findings: list[Finding]) -> str:
    problems = sum(f.status == "problem" for f in findings)
    return f"Found {_count(problems, 'problem')}." if problems else "No problems found."
