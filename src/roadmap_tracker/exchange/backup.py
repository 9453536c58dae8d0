"""The JSON backup (``roadmap export --format json``): writing one, and reading one back checked in full.

A backup holds roadmap.yaml, every row of every table and the diary files. The same data always
gives the same bytes: rows come in a fixed order and no clock is read unless a stamp is passed in,
so a backup can be committed and diffed. Reading checks everything before anything is written:
format and version, roadmap.yaml (with the loader every command uses), every row against the table
models of ``store/tables.py``, and the references between rows.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BadBackup
from ..store import backup as store
from ..store.backup import ADDED_LATER, KEYS, TABLES

FORMAT = "roadmap-tracker-backup"
VERSION = 1
MAX_BYTES = 1024 * 1024 * 1024
# Column -> table it points into, checked before inserting so a bad backup gets a clear message.
REFERENCES = {
    "item": {"roadmap_id": "roadmap", "parent_id": "item", "step_id": "item"},
    "event": {"item_id": "item"},
    "link": {"item_id": "item"},
    "question": {"entry_id": "entry", "answer_item_id": "item"},
    "entry_item": {"entry_id": "entry", "item_id": "item"},
    "answer": {"item_id": "item"},
}


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
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BadBackup(f'{source}: "version" must be a whole number from 1, not {version!r}')
    if version > VERSION:
        raise BadBackup(
            f"{source} is backup version {version}; this roadmap-tracker reads version {VERSION}",
            hint="upgrade roadmap-tracker to restore it",
        )
    schema = data.get("schema")
    if isinstance(schema, int) and schema > store.known_schema():
        raise BadBackup(
            f"{source} comes from a newer roadmap-tracker (store schema {schema}; this one knows "
            f"{store.known_schema()})",
            hint="upgrade roadmap-tracker to restore it",
        )
    text = data.get("roadmap_yaml")
    if not isinstance(text, str):
        raise BadBackup(f'{source}: "roadmap_yaml" is missing or not text')
    from ..plan.roadmap_file import load_roadmap

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
    _check_references(source, checked)
    return Backup(source, text, plan.notes_dir, checked, _notes(source, data.get("notes", [])))


def _rows(source: str, table: str, rows, model) -> list[dict]:
    from pydantic import ValidationError

    if not isinstance(rows, list):
        raise BadBackup(f"{source}: table {table} is missing or not a list")
    columns = list(model.model_fields)
    # A column added after the backup was made is missing from its rows; one with a default takes it.
    required = [c for c, f in model.model_fields.items() if f.is_required()]
    key = [c.strip() for c in KEYS.get(table, "id").split(",")]
    seen: set = set()
    out = []
    for n, row in enumerate(rows, start=1):
        where = f"{source}: table {table}, row {n}"
        if not isinstance(row, dict):
            raise BadBackup(f"{where} is not an object")
        missing = next((c for c in required if c not in row), None)
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
        identity = tuple(values[c] for c in key)
        if None in identity or identity in seen:
            name = ", ".join(key)
            raise BadBackup(f"{where}: field {name!r} is {'empty' if None in identity else 'repeated'}")
        seen.add(identity)
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
                    raise BadBackup(
                        f"{source}: table {table}, row {n}: field {column!r} points to "
                        f"{target} {row[column]}, which the backup does not have"
                    )


def _notes(source: str, notes) -> list[dict]:
    if not isinstance(notes, list):
        raise BadBackup(f'{source}: "notes" is not a list')
    for n, note in enumerate(notes, start=1):
        if not (isinstance(note, dict) and isinstance(note.get("path"), str) and isinstance(note.get("text"), str)):
            raise BadBackup(f'{source}: notes, entry {n}: needs a text "path" and "text"')
        name = note["path"]
        # Restore writes these files: a name must stay inside the notes folder.
        if not name or name != Path(name).name or name.startswith("."):
            raise BadBackup(f"{source}: notes, entry {n}: {name!r} is not a plain file name")
    return notes
