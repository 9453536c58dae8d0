"""roadmap.yaml read, validated and checked, with every problem named by file, line and column.

``load_roadmap`` turns a file into a validated ``schema.Roadmap`` or raises ``RoadmapFileError``.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from pydantic import BaseModel, ValidationError

from ..collector import paused
from ..errors import RoadmapFileError
from .ids import POSITIONAL
from .located import Located, decode, file_error, load_yaml, read_source
from .outline import rows
from .schema import Deliverable, Item, Roadmap, Step


def load_roadmap(path: Path, text: str | None = None) -> Roadmap:
    """Read and validate a roadmap file; every problem names its line."""
    with paused():
        return _load(path, text)


def _load(path: Path, text: str | None) -> Roadmap:
    source = str(path)
    if text is None:
        text = decode(read_source(path), path)
    located = load_yaml(text, source)
    if located.root is None:  # no document at all: an empty file, or comments alone
        raise file_error(source, 1, 1, "the file holds no roadmap; write its version, title and steps")
    if not isinstance(located.data, dict):
        line, col = located.where(())
        raise file_error(source, line, col, "expected a mapping with version, title and steps")
    try:
        roadmap = Roadmap.model_validate(located.data)
    except ValidationError as exc:
        raise _located_error(exc, located, source) from exc
    _check_ids(roadmap, located, source)
    return roadmap


# pydantic names parts of its own schema in a location ("function-after[...]", "list[...]").
_SCHEMA_PART = re.compile(r"[\w-]+\[.*\]", re.DOTALL)


def _located_error(exc: ValidationError, located: Located, source: str) -> RoadmapFileError:
    errors = exc.errors(include_url=False)
    # A misspelt key also makes the real one "missing"; the unknown key, with its suggestion, helps more.
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = _data_loc(err["loc"], located.data)
    line, col = located.where(loc) or (None, None)
    field = _dotted(loc)
    kind = err["type"]
    if kind == "extra_forbidden" and loc:
        problem = f"unknown key {loc[-1]!r}"
        model = _model_at(loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1) if model else []
        problem += f" (did you mean {close[0]!r}?)" if close else ""
        if model:
            problem += "; allowed: " + ", ".join(model.model_fields)
    elif kind == "missing":
        problem = f"{field}: required key is missing"
    else:
        problem = f"{field}: {_said_plainly(err)}"
    return file_error(source, line, col, problem)


def _data_loc(loc: tuple, data) -> tuple:
    """pydantic's location of an error without its schema's own names: a part is kept when it is
    in the data (a key like `notes[1]` is a key), or when it is the key the data lacks."""
    kept, here = [], data
    for part in loc:
        inside = (isinstance(here, dict) and part in here) or (
            isinstance(here, list) and isinstance(part, int) and 0 <= part < len(here)
        )
        if not inside and isinstance(part, str) and _SCHEMA_PART.fullmatch(part):
            continue
        here = here[part] if inside else None
        kept.append(part)
    return tuple(kept)


def _said_plainly(err: dict) -> str:
    """pydantic's message, or ours where its words would puzzle someone editing a YAML file."""
    kind, loc = err["type"], err["loc"]
    if kind == "string_too_short" or (kind == "string_type" and err.get("input") is None):
        return "must not be empty"
    if kind == "string_type":
        return "must be text, not a list or a mapping"
    if kind == "string_pattern_mismatch" and loc and loc[-1] == "id":
        return "must be one word, without spaces"
    if kind.startswith("date_"):
        return "must be a date written YYYY-MM-DD, such as 2026-11-02"
    if kind == "int_parsing_size":
        return "the number is far too large"
    return err["msg"].removeprefix("Value error, ")


def _dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "top level"


def _model_at(loc: tuple) -> type[BaseModel] | None:
    model: type[BaseModel] = Roadmap
    for part in loc:
        if isinstance(part, int):
            continue
        ann = model.model_fields.get(str(part))
        nested = {
            "steps": Step,
            "deliverables": Deliverable,
            "resources": Item,
            "projects": Item,
            "questions": Item,
            "items": Item,
        }.get(str(part))
        if ann is None or nested is None:
            return None
        model = nested
    return model


def _check_ids(roadmap: Roadmap, located: Located, source: str) -> None:
    seen: dict[str, tuple] = {}
    for row in rows(roadmap):  # the rows the sync then stores: they are made once
        if row.explicit_id and POSITIONAL.match(row.key):
            line, col = _id_mark(row, located)
            raise file_error(
                source, line, col, f"id {row.key!r} looks like a step number; choose an id with a letter in it"
            )
        if row.key in seen:
            line, col = _id_mark(row, located)
            first = located.where(seen[row.key])
            raise file_error(
                source,
                line,
                col,
                f"duplicate id {row.key!r} (first used on line {first[0] if first else '?'}); give one of them another id",
            )
        seen[row.key] = row.path


def _id_mark(row, located: Located) -> tuple[int | None, int | None]:
    """Where a row's id is written, or its item when the id comes from the title."""
    mark = located.where((*row.path, "id")) if row.explicit_id else located.where(row.path)
    return mark or (None, None)
