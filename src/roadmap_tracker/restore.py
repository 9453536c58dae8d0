"""Rebuilding a workspace from a JSON backup (``roadmap export --format json``), all or nothing.

The whole backup is read and checked before anything is written: its format and version,
roadmap.yaml (with the same loader as every command), every row against the table models
of ``models.py``, and the references between rows. A workspace is *empty* when its store is
missing or holds no progress (no events, links, diary entries, questions, answers or note
records) and its notes folder holds no diary file that the backup would change; only an empty
workspace is restored into. Rows keep their ids, so exporting the restored store gives the
same bytes as the backup it came from.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .errors import CONFLICT, RoadmapError, UsageError
from .exporting import FORMAT, KEYS, TABLES, VERSION
from .files import atomic_write
from .paths import ROADMAP_FILE, STORE_DIR

MAX_BYTES = 1024 * 1024 * 1024
PROGRESS_TABLES = ("event", "link", "entry", "question", "answer", "notefile")
# Column -> table it points into, checked before inserting so a bad backup gets a clear message.
REFERENCES = {
    "item": {"roadmap_id": "roadmap", "parent_id": "item", "step_id": "item"},
    "event": {"item_id": "item"},
    "link": {"item_id": "item"},
    "question": {"entry_id": "entry", "answer_item_id": "item"},
    "answer": {"item_id": "item"},
}


class BadBackup(UsageError):
    """The file is not a backup this roadmap-tracker can restore."""


class NotEmpty(RoadmapError):
    """The workspace already holds progress."""

    exit_code = CONFLICT


@dataclass
class Backup:
    source: str
    roadmap_yaml: str
    notes_dir: str
    tables: dict[str, list[dict]]
    notes: list[dict] = field(default_factory=list)


@dataclass
class Restored:
    root: Path
    counts: dict[str, int]
    notes: int
    replaced_yaml: Path | None  # where a different roadmap.yaml that was there was kept


def _models() -> dict[str, type]:
    # SQLModel costs a few hundred milliseconds to import; only restore pays for it.
    from . import models

    return {"roadmap": models.RoadmapRow, "item": models.ItemRow, "event": models.EventRow,
            "link": models.LinkRow, "entry": models.EntryRow, "question": models.QuestionRow,
            "answer": models.AnswerRow, "notefile": models.NoteFileRow}


def read_backup(path: Path) -> Backup:
    """Read and check a backup file completely; raise BadBackup (one line) at the first problem."""
    source = str(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise BadBackup(f"{source} is larger than 1 GiB; that is no roadmap-tracker backup")
        raw = path.read_bytes()
    except OSError as exc:
        raise BadBackup(f"{source}: cannot read it ({exc.strerror})") from exc
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise BadBackup(f"{source} is not a JSON backup (not UTF-8 text at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise BadBackup(f"{source} is not a JSON backup (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BadBackup(f'{source} is not a roadmap-tracker backup (no "format": "{FORMAT}")')
    return check(data, source)


def check(data: dict, source: str) -> Backup:
    from .migrations import MIGRATIONS

    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BadBackup(f'{source}: "version" must be a whole number from 1, not {version!r}')
    if version > VERSION:
        raise BadBackup(f"{source} is backup version {version}; this roadmap-tracker reads version {VERSION}",
                        hint="upgrade roadmap-tracker to restore it")
    schema = data.get("schema")
    if isinstance(schema, int) and schema > len(MIGRATIONS):
        raise BadBackup(f"{source} comes from a newer roadmap-tracker (store schema {schema}; this one knows "
                        f"{len(MIGRATIONS)})", hint="upgrade roadmap-tracker to restore it")
    text = data.get("roadmap_yaml")
    if not isinstance(text, str):
        raise BadBackup(f'{source}: "roadmap_yaml" is missing or not text')
    from .schema import load_roadmap

    plan = load_roadmap(Path(f"{source} (roadmap_yaml)"), text)
    tables = data.get("tables")
    if not isinstance(tables, dict):
        raise BadBackup(f'{source}: "tables" is missing or not an object')
    unknown = sorted(set(tables) - set(TABLES))
    if unknown:
        raise BadBackup(f"{source}: unknown table {unknown[0]!r}")
    models = _models()
    checked = {t: _rows(source, t, tables.get(t), models[t]) for t in TABLES}
    _check_references(source, checked)
    return Backup(source, text, plan.notes_dir, checked, _notes(source, data.get("notes", [])))


def _rows(source: str, table: str, rows, model) -> list[dict]:
    from pydantic import ValidationError

    if not isinstance(rows, list):
        raise BadBackup(f"{source}: table {table} is missing or not a list")
    columns = list(model.model_fields)
    key = KEYS.get(table, "id")
    seen: set = set()
    out = []
    for n, row in enumerate(rows, start=1):
        where = f"{source}: table {table}, row {n}"
        if not isinstance(row, dict):
            raise BadBackup(f"{where} is not an object")
        missing = next((c for c in columns if c not in row), None)
        if missing:
            raise BadBackup(f"{where}: field {missing!r} is missing")
        extra = next((c for c in row if c not in columns), None)
        if extra:
            raise BadBackup(f"{where}: unknown field {extra!r}")
        try:
            valid = model.model_validate(row)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            name = ".".join(str(p) for p in err["loc"]) or "row"
            raise BadBackup(f"{where}: field {name!r}: {err['msg']}") from None
        values = valid.model_dump()
        if values[key] is None or values[key] in seen:
            raise BadBackup(f"{where}: field {key!r} is {'empty' if values[key] is None else 'repeated'}")
        seen.add(values[key])
        out.append({c: values[c] for c in columns})
    return out


def _check_references(source: str, tables: dict[str, list[dict]]) -> None:
    if [r["id"] for r in tables["roadmap"]] != [1]:
        raise BadBackup(f"{source}: table roadmap must hold exactly one row, with id 1")
    ids = {t: {r["id"] for r in tables[t]} for t in ("roadmap", "item", "entry")}
    for table, refs in REFERENCES.items():
        for n, row in enumerate(tables[table], start=1):
            for column, target in refs.items():
                if row[column] is not None and row[column] not in ids[target]:
                    raise BadBackup(f"{source}: table {table}, row {n}: field {column!r} points to "
                                    f"{target} {row[column]}, which the backup does not have")


def _notes(source: str, notes) -> list[dict]:
    if not isinstance(notes, list):
        raise BadBackup(f'{source}: "notes" is not a list')
    for n, note in enumerate(notes, start=1):
        if not (isinstance(note, dict) and isinstance(note.get("path"), str) and isinstance(note.get("text"), str)):
            raise BadBackup(f"{source}: notes, entry {n}: needs a text \"path\" and \"text\"")
        name = note["path"]
        # Restore writes these files: a name must stay inside the notes folder.
        if not name or name != Path(name).name or name.startswith("."):
            raise BadBackup(f"{source}: notes, entry {n}: {name!r} is not a plain file name")
    return notes


# --- writing -----------------------------------------------------------------------

def progress_in(db_path: Path) -> dict[str, int]:
    """Rows in the tables that hold progress, read without changing the file."""
    if not db_path.exists():
        return {}
    uri = "file:" + str(db_path.resolve()) + "?mode=ro"
    try:
        db = sqlite3.connect(uri, uri=True)
        try:
            present = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            return {t: n for t in PROGRESS_TABLES if t in present
                    for n in [db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]] if n}
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise NotEmpty(f"{db_path} exists and cannot be read ({exc})", hint="move it away to restore here") from exc


def restore(backup: Backup, root: Path, db_path: Path) -> Restored:
    """Write the store, then roadmap.yaml and the diary files, into an empty workspace."""
    found = progress_in(db_path)
    if found:
        what = ", ".join(f"{n} {t} row{'s' * (n != 1)}" for t, n in found.items())
        raise NotEmpty(f"{root} already has progress ({what}); restore only fills an empty workspace",
                       hint="restore into a new directory, or move .roadmap/ away first")
    notes_dir = root / backup.notes_dir
    for note in backup.notes:
        target = notes_dir / note["path"]
        if target.exists() and target.read_bytes() != note["text"].encode("utf-8"):
            raise NotEmpty(f"{target} exists and differs from the backup's copy",
                           hint="move it away first; the store would not match it")
    from .db import connect, transaction

    root.mkdir(parents=True, exist_ok=True)
    db = connect(db_path)
    try:
        with transaction(db):
            # Ids are kept as they were, so a child may come before its parent; check at commit.
            db.execute("PRAGMA defer_foreign_keys = ON")
            for table in reversed(TABLES):  # an empty store may still hold a synced plan
                db.execute(f"DELETE FROM {table}")
            for table in TABLES:
                rows = backup.tables[table]
                if rows:
                    columns = list(rows[0])
                    db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                                   [tuple(r[c] for c in columns) for r in rows])
    finally:
        db.close()
    replaced = _write_plan(backup, root)
    recorded = {r["path"]: r for r in backup.tables["notefile"]}
    for note in backup.notes:
        _write_same(notes_dir / note["path"], note["text"], recorded.get(note["path"]), "hash", "mtime_ns")
    notes_dir.mkdir(parents=True, exist_ok=True)
    return Restored(root, {t: len(backup.tables[t]) for t in TABLES}, len(backup.notes), replaced)


def _write_plan(backup: Backup, root: Path) -> Path | None:
    target = root / ROADMAP_FILE
    kept = None
    if target.exists() and target.read_bytes() != backup.roadmap_yaml.encode("utf-8"):
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        kept = root / STORE_DIR / "backups" / f"roadmap-{stamp}-before-restore.yaml"
        atomic_write(kept, target.read_text(encoding="utf-8", errors="replace"))
    _write_same(target, backup.roadmap_yaml, backup.tables["roadmap"][0], "source_hash", "source_mtime_ns")
    return kept


def _write_same(path: Path, text: str, record: dict | None, hash_field: str, mtime_field: str) -> None:
    """Write a file; when it is the very file the store recorded, give it back its recorded mtime,
    so the next command's cheap size-and-mtime check sees nothing to re-read."""
    data = text.encode("utf-8")
    if not (path.exists() and path.read_bytes() == data):
        atomic_write(path, text)
    if record and record.get(hash_field) == hashlib.sha256(data).hexdigest() and record.get(mtime_field):
        os.utime(path, ns=(record[mtime_field], record[mtime_field]))
