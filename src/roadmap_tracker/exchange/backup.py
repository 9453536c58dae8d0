"""The JSON backup (``roadmap export --format json``): writing one, and reading one back checked in full.

A backup holds roadmap.yaml, every row of every table and the diary files. The same data always
gives the same bytes: rows come in a fixed order and no clock is read unless a stamp is passed in,
so a backup can be committed and diffed. Reading checks everything before anything is written:
format and version, roadmap.yaml (with the loader every command uses), every row against the table
models of ``store/tables.py``, then what every value means and how the rows hang together
(``backup_values``, ``backup_rows``), and the diary files.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BadBackup
from ..store import backup as store
from ..store.backup import ADDED_LATER, KEYS, TABLES

FORMAT = "roadmap-tracker-backup"
VERSION = 1
MAX_BYTES = 1024 * 1024 * 1024
NOTE_FIELDS = ("path", "text")


@dataclass
class Backup:
    source: str
    roadmap_yaml: str
    notes_dir: str
    tables: dict[str, list[dict]]
    notes: list[dict] = field(default_factory=list)


def to_json(db: sqlite3.Connection, roadmap_yaml: str, notes: dict[str, str], *, stamp: str | None = None) -> str:
    """A versioned backup of everything: roadmap.yaml, every table row, the diary files.

    One row per line: the file stays readable and diffable, and json's C encoder does the work
    (with ``indent`` it falls back to pure Python, which is seconds on a large store).
    """
    head = {"format": FORMAT, "version": VERSION, "schema": store.schema_version(db)}
    if stamp:
        head["exported_at"] = stamp
    head["roadmap_yaml"] = roadmap_yaml
    dump = json.dumps
    out = ["{"] + [f"  {dump(k)}: {dump(v, ensure_ascii=False)}," for k, v in head.items()]
    out.append('  "tables": {')
    for n, table in enumerate(TABLES):
        rows = list(store.table_rows(db, table))
        comma = "," if n < len(TABLES) - 1 else ""
        if not rows:
            out.append(f"    {dump(table)}: []{comma}")
            continue
        out.append(f"    {dump(table)}: [")
        out.append(",\n".join(f"      {dump(row, ensure_ascii=False)}" for row in rows))
        out.append(f"    ]{comma}")
    out.append("  },")
    files = [{"path": path, "text": notes[path]} for path in sorted(notes)]
    if files:
        out.append('  "notes": [')
        out.append(",\n".join(f"    {dump(f, ensure_ascii=False)}" for f in files))
        out.append("  ]")
    else:
        out.append('  "notes": []')
    out.append("}")
    return "\n".join(out) + "\n"


def note_files(db: sqlite3.Connection, ws) -> tuple[dict[str, str], list[Path]]:
    """The diary files a backup carries (the week notes in the notes folder), and those left
    out because they are not UTF-8 text."""
    from ..diary.mirror import notes_dir
    from ..diary.weeknote import week_from_path

    folder = notes_dir(db, ws)
    notes: dict[str, str] = {}
    unreadable: list[Path] = []
    if not folder.is_dir():
        return notes, unreadable
    for p in sorted(folder.glob("*.md")):
        if p.is_file() and not p.name.startswith(".") and week_from_path(p.name) is not None:
            try:
                # Bytes, not read_text(): a restore must give back the very file, line endings included.
                notes[p.name] = p.read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                unreadable.append(p)
    return notes, unreadable


# --- reading ------------------------------------------------------------------------


def read_backup(path: Path) -> Backup:
    """Read and check a backup file completely; raise BadBackup (one line) at the first problem."""
    source = str(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise BadBackup(f"{source} is larger than 1 GiB; that is no roadmap-tracker backup")
        raw = path.read_bytes()
    except OSError as exc:
        raise BadBackup(f"{source}: cannot read it ({exc.strerror})") from exc
    data = _parse(raw, source)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BadBackup(f'{source} is not a roadmap-tracker backup (no "format": "{FORMAT}")')
    return check(data, source)


def _parse(raw: bytes, source: str):
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise BadBackup(f"{source} is not a JSON backup (not UTF-8 text at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise BadBackup(f"{source} is not a JSON backup (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        # json's C scanner counts its depth against the interpreter's recursion limit.
        raise BadBackup(f"{source} is not a JSON backup (nested too deeply)") from None
    except ValueError:
        # The one other refusal of json.loads: a number too long for Python to read.
        limit = sys.get_int_max_str_digits()
        raise BadBackup(f"{source} is not a JSON backup (it holds a number of more than {limit} digits)") from None


def check(data: dict, source: str) -> Backup:
    from ..clock import today
    from ..plan.roadmap_file import load_roadmap
    from . import backup_rows

    text = _check_head(data, source)
    plan = load_roadmap(Path(f"{source} (roadmap_yaml)"), text)
    tables = data.get("tables")
    if not isinstance(tables, dict):
        raise BadBackup(f'{source}: "tables" is missing or not an object')
    unknown = sorted(set(tables) - set(TABLES))
    if unknown:
        raise BadBackup(f"{source}: unknown table {unknown[0]!r}")
    models = _models()
    # A backup from before a table existed has none of its rows.
    checked = {t: _rows(source, t, tables.get(t, [] if t in ADDED_LATER else None), models[t]) for t in TABLES}
    backup_rows.check_tables(source, plan, checked, today())
    notes = _notes(source, data.get("notes", []))
    backup_rows.check_notes(source, notes, checked["roadmap"][0], today())
    return Backup(source, text, plan.notes_dir, checked, notes)


def _check_head(data: dict, source: str) -> str:
    """The format's version, the store's schema, when it was made, and roadmap.yaml's text."""
    from ..plan.located import MAX_BYTES as PLAN_BYTES
    from .backup_values import characters, shown, time

    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BadBackup(f'{source}: "version" must be a whole number from 1, not {shown(version)}')
    if version > VERSION:
        raise BadBackup(
            f"{source} is backup version {shown(version)}; this roadmap-tracker reads version {VERSION}",
            hint="upgrade roadmap-tracker to restore it",
        )
    schema = data.get("schema")
    if isinstance(schema, int) and not isinstance(schema, bool) and schema > store.known_schema():
        raise BadBackup(
            f"{source} comes from a newer roadmap-tracker (store schema {shown(schema)}; this one knows "
            f"{store.known_schema()})",
            hint="upgrade roadmap-tracker to restore it",
        )
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        raise BadBackup(
            f'{source}: "schema" must be a whole number from 1 to {store.known_schema()}, not {shown(schema)}'
        )
    stamp = data.get("exported_at")
    if stamp is not None and (not isinstance(stamp, str) or time(stamp)):
        raise BadBackup(f'{source}: "exported_at" is not a time, such as 2026-11-29T10:31:02+00:00')
    text = data.get("roadmap_yaml")
    if not isinstance(text, str):
        raise BadBackup(f'{source}: "roadmap_yaml" is missing or not text')
    size = len(text.encode("utf-8", "surrogatepass"))
    # The plan file's own limit: a larger one would be refused by every command after the restore.
    problem = f"is {size:,} bytes; roadmap.yaml holds at most {PLAN_BYTES:,}" if size > PLAN_BYTES else None
    problem = problem or characters(text)
    if problem:
        raise BadBackup(f'{source}: "roadmap_yaml" {problem}')
    return text


def _models() -> dict[str, type]:
    # SQLModel costs a few hundred milliseconds to import; only restore pays for it.
    from ..store import tables

    return {
        "roadmap": tables.RoadmapRow,
        "item": tables.ItemRow,
        "event": tables.EventRow,
        "link": tables.LinkRow,
        "entry": tables.EntryRow,
        "question": tables.QuestionRow,
        "answer": tables.AnswerRow,
        "notefile": tables.NoteFileRow,
        "entry_item": tables.EntryItemRow,
    }


def _adapter(model: type):
    """A validator of a whole table's rows as the model types them, run by pydantic-core at once.
    Validating each row through the SQLModel class costs about 100 microseconds (SQLAlchemy's
    instrumentation); this costs a few, and refuses and converts the same values."""
    from typing import NotRequired

    from pydantic import ConfigDict, TypeAdapter, with_config
    from typing_extensions import TypedDict  # pydantic takes typing's own only from Python 3.12

    fields = {c: f.annotation if f.is_required() else NotRequired[f.annotation] for c, f in model.model_fields.items()}
    row = with_config(ConfigDict(extra="forbid"))(TypedDict(f"{model.__name__}Dict", fields))
    return TypeAdapter(list[row])


def _rows(source: str, table: str, rows, model) -> list[dict]:
    from pydantic import ValidationError

    if not isinstance(rows, list):
        raise BadBackup(f"{source}: table {table} is missing or not a list")
    try:
        valid = _adapter(model).validate_python(rows)
    except ValidationError as exc:
        raise _row_problem(source, table, rows, model, exc) from None
    # A column added after the backup was made is missing from its rows; one with a default takes it.
    fields = model.model_fields
    defaults = {c: f.default for c, f in fields.items() if not f.is_required()}
    width = len(fields)
    for row in valid:
        if len(row) < width:
            for column, value in defaults.items():
                row.setdefault(column, value)
    key = [c.strip() for c in KEYS.get(table, "id").split(",")]
    identities = [tuple(row[c] for c in key) for row in valid]
    if len(set(identities)) < len(identities) or any(None in i for i in identities):
        seen: set = set()
        for n, identity in enumerate(identities, start=1):
            if None in identity or identity in seen:
                name = ", ".join(key)
                problem = "empty" if None in identity else "repeated"
                raise BadBackup(f"{source}: table {table}, row {n}: field {name!r} is {problem}")
            seen.add(identity)
    return valid


def _row_problem(source: str, table: str, rows: list, model, exc) -> BadBackup:
    """The first bad row's first problem: a missing field, then an unknown one, then a bad value."""
    errors = exc.errors(include_url=False)
    n = min(e["loc"][0] for e in errors if e["loc"] and isinstance(e["loc"][0], int))
    row = rows[n]
    where = f"{source}: table {table}, row {n + 1}"
    if not isinstance(row, dict):
        return BadBackup(f"{where} is not an object")
    missing = next((c for c, f in model.model_fields.items() if f.is_required() and c not in row), None)
    if missing:
        return BadBackup(f"{where}: field {missing!r} is missing")
    extra = next((c for c in row if c not in model.model_fields), None)
    if extra is not None:
        from .backup_values import shown

        return BadBackup(f"{where}: unknown field {shown(extra)}")
    err = next(e for e in errors if e["loc"][0] == n)
    name = ".".join(str(p) for p in err["loc"][1:]) or "row"
    return BadBackup(f"{where}: field {name!r}: {err['msg']}")


def _notes(source: str, notes) -> list[dict]:
    if not isinstance(notes, list):
        raise BadBackup(f'{source}: "notes" is not a list')
    for n, note in enumerate(notes, start=1):
        if not (isinstance(note, dict) and isinstance(note.get("path"), str) and isinstance(note.get("text"), str)):
            raise BadBackup(f'{source}: notes, entry {n}: needs a text "path" and "text"')
        extra = next((k for k in note if k not in NOTE_FIELDS), None)
        if extra is not None:
            from .backup_values import shown

            raise BadBackup(f"{source}: notes, entry {n}: unknown field {shown(extra)}")
    return notes
