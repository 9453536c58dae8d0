"""The roadmap.yaml schema (version 1), as pydantic models.

These are input models only; the tables live in ``store/tables.py``, and
``roadmap_file.load_roadmap`` reads a file into a validated ``Roadmap``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from ..dates import DATE_ORDERS, MAX_YEAR, MIN_YEAR, WEEKDAYS
from ..errors import BadURL
from ..urls import LINK_KINDS, check_url
from ..workspace import ROADMAP_FILE, STORE_DIR

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
    note: str | None = None  # the learner's own words on the item, kept as written
    # A factory, not `= []`: pydantic deep-copies a mutable default for every item that lacks the
    # key, which at 100,000 items costs half a second.
    items: list[Item] = Field(default_factory=list)

    _shorthand = model_validator(mode="before")(_title_shorthand)

    @field_validator("url")
    @classmethod
    def _http_only(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            check_url(value)
        except BadURL as exc:
            raise ValueError(str(exc)) from None  # pydantic reports a ValueError with its location
        return value.strip()


class Step(_Model):
    id: Id | None = None
    title: Text
    objective: str | None = None
    resources: list[Item] = Field(default_factory=list)
    projects: list[Item] = Field(default_factory=list)
    questions: list[Item] = Field(default_factory=list)


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


# What notes_dir may not lie in: the store's folder, the history folder (history/files.py's
# HISTORY_DIR) and the plan itself. Compared case-blind, as macOS and Windows compare names.
_KEPT = {name.casefold() for name in (STORE_DIR, "history", ROADMAP_FILE)}
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_NAME_MAX = 255  # bytes in one folder name, on every common file system


def _inside_workspace(value: str) -> str:
    """notes_dir names a folder inside the workspace: the diary is written there, so a path that
    leads elsewhere would put the learner's notes where they never chose."""
    inside = "notes must live inside the workspace: give a folder in it, such as 'notes'"
    parts = re.split(r"[\\/]", value)  # a plan written on Windows may use either separator
    if value.startswith(("/", "\\")) or _DRIVE.match(value):
        raise ValueError(f"{value!r} is an absolute path; {inside}")
    if value.startswith("~"):
        raise ValueError(f"{value!r} points into a home folder; {inside}")
    if ".." in parts:
        raise ValueError(f"{value!r} climbs out of the workspace with '..'; {inside}")
    names = [part for part in parts if part not in ("", ".")]
    if not names:
        raise ValueError(f"{value!r} is the workspace itself; {inside}")
    if names[0].casefold() in _KEPT:
        where = f"{value!r}" if len(names) == 1 else f"{value!r} lies in {names[0]}, which"
        raise ValueError(f"{where} belongs to roadmap-tracker itself; give another folder, such as 'notes'")
    if _CONTROL.search(value):
        raise ValueError(f"{value!r} holds a control character; give a plain folder name, such as 'notes'")
    if any(len(name.encode("utf-8", "surrogatepass")) > _NAME_MAX for name in names):
        raise ValueError(f"a folder name is longer than {_NAME_MAX} bytes; give a shorter one, such as 'notes'")
    return value


class Roadmap(_Model):
    version: int
    title: Text
    description: str | None = None
    started: date | None = None
    week_starts: Literal[WEEKDAYS] = "monday"  # type: ignore[valid-type]
    notes_dir: Text = "notes"
    date_order: Literal[DATE_ORDERS] | None = None  # type: ignore[valid-type]  # how 12/11/2026 reads
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

    _notes_inside = field_validator("notes_dir")(_inside_workspace)

    @field_validator("started")
    @classmethod
    def _supported_year(cls, value: date | None) -> date | None:
        # The years every date the tool reads must fall in (dates.parse_date); week numbers count from here.
        if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
            raise ValueError(f"{value.isoformat()} is outside {MIN_YEAR}-{MAX_YEAR}: check the year")
        return value
