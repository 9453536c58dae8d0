"""The roadmap.yaml schema (version 1), as pydantic models.

These are input models only; the tables live in ``store/tables.py``, and
``roadmap_file.load_roadmap`` reads a file into a validated ``Roadmap``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from ..dates import DATE_ORDERS, WEEKDAYS
from ..errors import BadURL
from ..urls import LINK_KINDS, normalize_url

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
