"""The roadmap.yaml schema (version 1), as pydantic models.

These are input models only; the tables live in ``store/tables.py``. ``load_roadmap``
turns a file into a validated ``Roadmap`` or raises ``RoadmapFileError`` naming
the file, line and column.
"""

from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

from ..dates import WEEKDAYS
from ..errors import BadURL, RoadmapFileError
from ..proof.urls import LINK_KINDS, normalize_url
from .ids import POSITIONAL
from .outline import flatten
from .reader import Located, decode, load_yaml, read_source

SCHEMA_VERSION = 1
RULES = ("done-projects", "links", "attached", "checked")

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, pattern=r"^[^\s]+$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _title_shorthand(value):
    # `- Build a chatbot` is shorthand for `- title: Build a chatbot`.
    return {"title": value} if isinstance(value, str) else value


class Item(_Model):
    id: Id | None = None
    title: Text
    url: str | None = None
    items: list[Item] = []

    _shorthand = model_validator(mode="before")(_title_shorthand)

    @field_validator("url")
    @classmethod
    def _http_only(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            normalize_url(value)
        except BadURL as exc:
            raise ValueError(str(exc)) from None  # pydantic reports a ValueError with its location
        return value.strip()


class Step(_Model):
    id: Id | None = None
    title: Text
    objective: str | None = None
    resources: list[Item] = []
    projects: list[Item] = []
    questions: list[Item] = []


class Deliverable(_Model):
    id: Id | None = None
    title: Text
    target: int = Field(ge=1)
    max: int | None = Field(default=None, ge=1)
    rule: Literal[RULES] = "checked"  # type: ignore[valid-type]
    link_kind: Literal[LINK_KINDS] | None = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _rule_needs_kind(self):
        if self.rule == "links" and self.link_kind is None:
            raise ValueError("rule 'links' needs link_kind: one of " + ", ".join(LINK_KINDS))
        if self.max is not None and self.max < self.target:
            raise ValueError(f"max ({self.max}) is below target ({self.target})")
        return self


class Roadmap(_Model):
    version: int
    title: Text
    description: str | None = None
    started: date | None = None
    week_starts: Literal[WEEKDAYS] = "monday"  # type: ignore[valid-type]
    notes_dir: Text = "notes"
    steps: list[Step] = Field(min_length=1)
    deliverables: list[Deliverable] = []

    @field_validator("version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value > SCHEMA_VERSION:
            raise ValueError(
                f"this file is schema version {value}; this roadmap-tracker reads version "
                f"{SCHEMA_VERSION}: upgrade roadmap-tracker"
            )
        if value < 1:
            raise ValueError("version must be 1")
        return value


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
