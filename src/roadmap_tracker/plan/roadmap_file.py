"""roadmap.yaml read, validated and checked, with every problem named by file, line and column.

``load_roadmap`` turns a file into a validated ``schema.Roadmap`` or raises ``RoadmapFileError``.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from pydantic import BaseModel, ValidationError

from ..errors import RoadmapFileError
from .ids import POSITIONAL
from .located import Located, decode, load_yaml, read_source
from .outline import flatten
from .schema import Deliverable, Item, Roadmap, Step


def load_roadmap(path: Path, text: str | None = None) -> Roadmap:
    """Read and validate a roadmap file; every problem names its line."""
    source = str(path)
    if text is None:
        text = decode(read_source(path), path)
    located = load_yaml(text, source)
    if not isinstance(located.data, dict):
        raise RoadmapFileError(source, 1, 1, "expected a mapping with version, title and steps")
    try:
        roadmap = Roadmap.model_validate(located.data)
    except ValidationError as exc:
        raise _located_error(exc, located, source) from exc
    _check_ids(roadmap, located, source)
    return roadmap


def _located_error(exc: ValidationError, located: Located, source: str) -> RoadmapFileError:
    errors = exc.errors(include_url=False)
    # A misspelt key also makes the real one "missing"; the unknown key, with its suggestion, helps more.
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    # pydantic puts validator names ("function-after[...]") into the location; drop them.
    loc = tuple(part for part in err["loc"] if isinstance(part, int) or "[" not in str(part))
    line, col = located.where(loc) or (None, None)
    field = _dotted(loc)
    kind = err["type"]
    if kind == "extra_forbidden":
        problem = f"unknown key {loc[-1]!r}"
        model = _model_at(loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1) if model else []
        problem += f" (did you mean {close[0]!r}?)" if close else ""
        if model:
            problem += "; allowed: " + ", ".join(model.model_fields)
    elif kind == "missing":
        problem = f"{field}: required key is missing"
    else:
        msg = err["msg"]
        msg = msg.removeprefix("Value error, ")
        if kind in ("string_too_short",) and loc and loc[-1] == "title":
            msg = "must not be empty"
        problem = f"{field}: {msg}"
    return RoadmapFileError(source, line, col, problem)


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
    for row in flatten(roadmap):
        mark = located.where((*row.path, "id")) if row.explicit_id else located.where(row.path)
        if row.explicit_id and POSITIONAL.match(row.key):
            line, col = mark or (None, None)
            raise RoadmapFileError(
                source, line, col, f"id {row.key!r} looks like a step number; choose an id with a letter in it"
            )
        if row.key in seen:
            line, col = mark or (None, None)
            first = located.where(seen[row.key])
            raise RoadmapFileError(
                source,
                line,
                col,
                f"duplicate id {row.key!r} (first used on line {first[0] if first else '?'}); give one of them another id",
            )
        seen[row.key] = row.path
