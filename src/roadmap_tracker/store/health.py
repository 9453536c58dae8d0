"""What `roadmap doctor` asks the store. The file is opened read-only as it is on disk: never
migrated, never brought up to date, nothing written beside it. Every question here is one a
damaged, older or newer store answers or refuses with an ``sqlite3.DatabaseError``."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import NamedTuple

from . import migrations
from .connection import read_only_uri

LIMIT = 5  # faults shown, at most: a store damaged at all is built again whole


def open_as_is(path: Path) -> sqlite3.Connection:
    """The store at ``path``, read-only; a file that is not SQLite fails at the first question."""
    db = sqlite3.connect(read_only_uri(path), uri=True, isolation_level=None)
    db.row_factory = sqlite3.Row
    return db


class Schema(NamedTuple):
    version: int  # PRAGMA user_version: how many migrations the store says it has
    applied: list[str]
    unknown: list[str]  # applied, but not known to this version of the tool: the store is newer
    pending: list[str]  # known, but not applied yet: the next command applies them
    tables: bool  # any table at all: a blank SQLite file has none

    @property
    def ours(self) -> bool:
        """A roadmap-tracker store (or a blank file the next command makes one)."""
        return bool(self.applied) or not self.tables


def schema(db: sqlite3.Connection) -> Schema:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    tables = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] > 0
    return Schema(
        version,
        migrations.applied(db),
        migrations.unknown(db),
        [fn.__name__ for fn in migrations.pending(db)],
        tables,
    )


def damage(db: sqlite3.Connection) -> list[str]:
    """What SQLite's own check finds wrong with the file's pages and indexes; [] when nothing."""
    found = [line for r in db.execute(f"PRAGMA integrity_check({LIMIT})") for line in r[0].splitlines()]
    # One row may hold several faults, under a heading naming the database.
    return [] if found == ["ok"] else [line for line in found if not line.startswith("*** ")][:LIMIT]


class BrokenReference(NamedTuple):
    table: str
    rowid: int | None
    parent: str


def broken_references(db: sqlite3.Connection) -> list[BrokenReference]:
    """Rows that name a row of another table that is not there."""
    return [BrokenReference(r[0], r[1], r[2]) for r in db.execute("PRAGMA foreign_key_check").fetchmany(LIMIT)]


class PlanMark(NamedTuple):
    """What roadmap.yaml looked like when the store last read it, and where its notes are."""

    size: int
    mtime_ns: int
    hash: str
    notes_dir: str


def plan_mark(db: sqlite3.Connection) -> PlanMark | None:
    """None before the store first read roadmap.yaml. Only columns every schema has."""
    row = db.execute("SELECT source_size, source_mtime_ns, source_hash, notes_dir FROM roadmap WHERE id = 1").fetchone()
    return PlanMark(*row) if row else None


class LineProblem(NamedTuple):
    """A history line reported when it was read: skipped, or waiting for the item it names."""

    path: str  # history/<device>.jsonl
    digest: str  # of the line
    line: int
    problem: str


def history_problems(db: sqlite3.Connection) -> list[LineProblem]:
    """Every line ever reported; some of them may have been repaired or applied since."""
    return [
        LineProblem(*r)
        for r in db.execute("SELECT path, digest, line, problem FROM history_problem ORDER BY path, line")
    ]
