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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
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


# Rows are read and encoded this many at a time: the backup is written as it is read, never held
# whole (at 100,000 items the whole of it took 235 MiB, this 40), and each write is a large one.
BATCH = 1000


def json_pieces(
    db: sqlite3.Connection, roadmap_yaml: str, notes: dict[str, str], *, stamp: str | None = None
) -> Iterator[str]:
    """A versioned backup of everything (roadmap.yaml, every table row, the diary files), as pieces
    of text to write one after the other; every table is read in one snapshot of the store.

    One row per line: the file stays readable and diffable, and json's C encoder does the work
    (with ``indent`` it falls back to pure Python, which is seconds on a large store).
    """
    dump = json.dumps
    encode = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(v, ensure_ascii=False), made once
    with store.snapshot(db):
        head = {"format": FORMAT, "version": VERSION, "schema": store.schema_version(db)}
        if stamp:
            head["exported_at"] = stamp
        head["roadmap_yaml"] = roadmap_yaml
        yield "{\n" + "".join(f"  {dump(k)}: {encode(v)},\n" for k, v in head.items()) + '  "tables": {\n'
        for n, table in enumerate(TABLES):
            end = "," if n < len(TABLES) - 1 else ""
            yield from _array(dump(table), store.table_rows(db, table), encode, "      ", end)
    yield "  },\n"
    yield from _array('"notes"', ({"path": p, "text": notes[p]} for p in sorted(notes)), encode, "    ", "")
    yield "}\n"


def _array(name: str, values: Iterator, encode: Callable[[object], str], indent: str, end: str) -> Iterator[str]:
    """``name: [...]``, each value on a line of its own, a comma after all but the last; ``end``
    after the bracket. Values are taken and encoded ``BATCH`` at a time."""
    outer = indent[:-2]
    batch = list(islice(values, BATCH))
    if not batch:
        yield f"{outer}{name}: []{end}\n"
        return
    between = ",\n" + indent
    yield f"{outer}{name}: [\n{indent}" + between.join(map(encode, batch))
    while batch := list(islice(values, BATCH)):
        yield between + between.join(map(encode, batch))
    yield f"\n{outer}]{end}\n"


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
    del raw  # as large as the file, and not needed while what it held is checked
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
    # A backup from before a table existed has none of its rows.
    checked = {t: _rows(source, t, tables.get(t, [] if t in ADDED_LATER else None)) for t in TABLES}
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


# Each table's columns in order, with the type of their values ("?": or null), as store/tables.py
# declares them (tests/test_restore.py holds the two the same). Rows that are exactly this need no
# validating, and reading them from tables.py would cost an import of SQLModel (half a second).
ROW_TYPES = {
    "roadmap": "id int?, title str, source str, source_size int, source_mtime_ns int, source_hash str, "
    "started str?, week_starts str, notes_dir str, synced_at str, date_order str?",
    "item": "id int?, roadmap_id int, key str, kind str, parent_id int?, step_id int?, position int, seq int, "
    "title str, url str?, body str?, extra str?, created_at str, archived_at str?, state str, state_day str?",
    "event": "id int?, item_id int, state str, day str, recorded_at str, note str?, auto bool, undoes int?, "
    "uid str?, after_uid str?",
    "link": "id int?, item_id int?, target str, is_path bool, kind str, title str?, note str?, added_at str, "
    "checked_at str?, check_status int?, check_final_url str?, check_redirects int?, check_elapsed float?, "
    "check_error str?, uid str?",
    "entry": "id int?, week int, start_day str, end_day str, step str?, concepts str, experiments str, text str, "
    "tags str, refs str, steps str, extra str, updated_at str, step_id int?",
    "entry_item": "entry_id int, ref str, item_id int",
    "question": "id int?, entry_id int, text str, asked_on str, answer str?, answered_on str?, answer_item_id int?, "
    "answer_url str?, removed_at str?, uid str?",
    "answer": "id int?, item_id int, day str, text str, recorded_at str, uid str?",
    "notefile": "path str, week int, size int, mtime_ns int, hash str, written bool",
}


def row_types(table: str) -> dict[str, frozenset[type]]:
    """A table's columns in order, each with the types its values may have."""
    kinds = {"int": int, "str": str, "bool": bool, "float": float}
    columns = (part.split() for part in ROW_TYPES[table].split(","))
    return {
        name: frozenset({kinds[kind.rstrip("?")], *((type(None),) if kind.endswith("?") else ())})
        for name, kind in columns
    }


def _rows(source: str, table: str, rows) -> list[dict]:
    """A table's rows checked against its model: dicts of every column, in the table's order."""
    if not isinstance(rows, list):
        raise BadBackup(f"{source}: table {table} is missing or not a list")
    if not _typed(rows, row_types(table)):
        rows = _validated(source, table, rows)
    key = [c.strip() for c in KEYS.get(table, "id").split(",")]
    identities = [tuple(row[c] for c in key) for row in rows] if len(key) > 1 else [(i,) for i in _column(rows, key[0])]
    if len(set(identities)) < len(identities) or any(None in i for i in identities):
        seen: set = set()
        for n, identity in enumerate(identities, start=1):
            if None in identity or identity in seen:
                name = ", ".join(key)
                problem = "empty" if None in identity else "repeated"
                raise BadBackup(f"{source}: table {table}, row {n}: field {name!r} is {problem}")
            seen.add(identity)
    return rows


def _column(rows: list[dict], name: str) -> list:
    return list(map(itemgetter(name), rows))


def _typed(rows: list, types: dict[str, frozenset[type]]) -> bool:
    """Whether the rows are what validating them would give back: dicts of exactly the columns, in
    order, each value of a type its column takes as it is (pydantic returns such a row unchanged).
    The everyday backup is; this finds it at C speed, a column at a time."""
    names = tuple(types)
    if not all(type(row) is dict and tuple(row) == names for row in rows):
        return False
    return all(set(map(type, _column(rows, name))) <= allowed for name, allowed in types.items())


def _validated(source: str, table: str, rows: list) -> list[dict]:
    """Rows validated by the table's model, converted as it converts them (a number in text), the
    columns a backup made before they existed given their defaults; the first problem refused."""
    from pydantic import ValidationError

    model = _models()[table]
    try:
        valid = _adapter(model).validate_python(rows)
    except ValidationError as exc:
        raise _row_problem(source, table, rows, model, exc) from None
    # A column added after the backup was made is missing from its rows; one with a default takes it.
    fields = model.model_fields
    defaults = {c: f.default for c, f in fields.items() if not f.is_required()}
    return [
        row if len(row) == len(fields) else {c: row[c] if c in row else defaults[c] for c in fields} for row in valid
    ]


def _models() -> dict[str, type]:
    # SQLModel costs half a second to import: only a backup whose rows need converting pays for it.
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
