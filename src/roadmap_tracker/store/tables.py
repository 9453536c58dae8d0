"""The tables of the progress store, declared with SQLModel.

This module is the reference schema: ``tests/test_store.py`` checks that the
migrations in ``migrations.py``, run on a blank database, build exactly these
tables. Commands reach the data through ``sqlite3`` (see ``connection.py``), so
importing this module (and SQLAlchemy) stays off their path.
"""

from __future__ import annotations

from typing import Optional

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel


class Migration(SQLModel, table=True):
    __tablename__ = "_migrations"
    name: str = Field(primary_key=True)
    applied_at: str


class RoadmapRow(SQLModel, table=True):
    """One row per workspace: the plan's header and what was last synced."""

    __tablename__ = "roadmap"
    id: Optional[int] = Field(default=None, primary_key=True)
    title: str
    source: str
    source_size: int = 0
    source_mtime_ns: int = 0
    source_hash: str = ""
    started: Optional[str] = None
    week_starts: str = "monday"
    notes_dir: str = "notes"
    synced_at: str
    date_order: Optional[str] = None  # "dmy" or "mdy", from roadmap.yaml


class ItemRow(SQLModel, table=True):
    """A step, resource, mini project, question or deliverable. Never deleted:
    an item removed from roadmap.yaml is archived, and comes back with its
    history if its id returns."""

    __tablename__ = "item"
    __table_args__ = (
        UniqueConstraint("roadmap_id", "key"),
        Index("ix_item_step", "step_id"),
        Index("ix_item_open", "state", "seq", sqlite_where=text("archived_at IS NULL")),
        Index("ix_item_step_state", "step_id", "kind", "state"),
        Index("ix_item_live_kind", "kind", "position", sqlite_where=text("archived_at IS NULL")),
        Index("ix_item_kind_title", "kind", "title"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    roadmap_id: int = Field(foreign_key="roadmap.id")
    key: str
    kind: str
    parent_id: Optional[int] = Field(default=None, foreign_key="item.id")
    step_id: Optional[int] = Field(default=None, foreign_key="item.id")
    position: int
    seq: int
    title: str
    url: Optional[str] = None
    body: Optional[str] = None
    extra: Optional[str] = None
    created_at: str
    archived_at: Optional[str] = None
    # Kept equal to the latest event's state and day by the trigger event_sets_state.
    state: str = Field(default="todo", sa_column_kwargs={"server_default": "todo"})
    state_day: Optional[str] = None


class EventRow(SQLModel, table=True):
    """Append-only progress history; an item's state is its latest event."""

    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_item", "item_id", "id"),
        Index("ix_event_day", "day", "id"),
        Index("ix_event_hand_day", "auto", "day"),
        Index("ix_event_undoes", "undoes", sqlite_where=text("undoes IS NOT NULL")),
        Index("ix_event_uid", "uid", unique=True),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id")
    state: str
    day: str  # the date the learner gives (YYYY-MM-DD)
    recorded_at: str  # when it was written (UTC, ISO 8601)
    note: Optional[str] = None
    auto: bool = False  # written by the tool (a step completed by its items)
    undoes: Optional[int] = Field(default=None, foreign_key="event.id")  # the event an undo reverses
    uid: Optional[str] = None  # the history record's id
    after_uid: Optional[str] = None  # the item's latest event when this one was made, by record id


class LinkRow(SQLModel, table=True):
    """A piece of work attached to an item, or to the roadmap when item_id is NULL:
    an http(s) address or a path inside the workspace."""

    __tablename__ = "link"
    __table_args__ = (Index("ix_link_item", "item_id"), Index("ix_link_uid", "uid", unique=True))
    id: Optional[int] = Field(default=None, primary_key=True)
    item_id: Optional[int] = Field(default=None, foreign_key="item.id")
    target: str  # normalised URL, or a path relative to the workspace
    is_path: bool
    kind: str
    title: Optional[str] = None
    note: Optional[str] = None
    added_at: str
    checked_at: Optional[str] = None
    check_status: Optional[int] = None
    check_final_url: Optional[str] = None
    check_redirects: Optional[int] = None
    check_elapsed: Optional[float] = None
    check_error: Optional[str] = None
    uid: Optional[str] = None  # the history record that added it


class EntryRow(SQLModel, table=True):
    """One week of the learning diary, mirrored as notes/weekN.md. List fields hold JSON."""

    __tablename__ = "entry"
    id: Optional[int] = Field(default=None, primary_key=True)
    week: int = Field(sa_column_kwargs={"unique": True})
    start_day: str
    end_day: str
    step: Optional[str] = None  # the step being worked on when the week was written
    concepts: str
    experiments: str
    text: str
    tags: str
    refs: str
    steps: str  # keys of the steps the refs point into, for `roadmap logs --step`
    extra: str  # front-matter keys the tool does not use, written back unchanged
    updated_at: str
    step_id: Optional[int] = Field(default=None, foreign_key="item.id")  # the step worked on when it was written


class EntryItemRow(SQLModel, table=True):
    """An item a diary week is about, by its row: the ref (as the note names it) and what it named
    when first read, so a later plan edit never makes the week point at another item."""

    __tablename__ = "entry_item"
    __table_args__ = (Index("ix_entry_item_item", "item_id"),)
    entry_id: int = Field(foreign_key="entry.id", primary_key=True)
    ref: str = Field(primary_key=True)
    item_id: int = Field(foreign_key="item.id")


class QuestionRow(SQLModel, table=True):
    """An open question from the diary, tracked until it is answered."""

    __tablename__ = "question"
    __table_args__ = (Index("ix_question_entry", "entry_id"), Index("ix_question_uid", "uid", unique=True))
    id: Optional[int] = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="entry.id")
    text: str
    asked_on: str
    answer: Optional[str] = None
    answered_on: Optional[str] = None
    answer_item_id: Optional[int] = Field(default=None, foreign_key="item.id")
    answer_url: Optional[str] = None
    removed_at: Optional[str] = None  # taken out of the note by hand
    uid: Optional[str] = None  # the history record of when it was first asked


class AnswerRow(SQLModel, table=True):
    """An answer to a reflection question; revisions add rows, the latest is shown."""

    __tablename__ = "answer"
    __table_args__ = (Index("ix_answer_item", "item_id", "id"), Index("ix_answer_uid", "uid", unique=True))
    id: Optional[int] = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id")
    day: str
    text: str
    recorded_at: str
    uid: Optional[str] = None


class NoteFileRow(SQLModel, table=True):
    """What a diary file looked like when the tool last wrote or read it."""

    __tablename__ = "notefile"
    path: str = Field(primary_key=True)  # relative to the notes directory
    week: int
    size: int
    mtime_ns: int
    hash: str
    written: bool  # the tool wrote this content; a hand-written file is backed up before it is rewritten


class StepTallyRow(SQLModel, table=True):
    """Each step's live resources and mini projects counted by state, and its reflection
    questions. Derived: kept by triggers on item (migration m005), never written by code."""

    __tablename__ = "step_tally"
    step_id: int = Field(primary_key=True)
    total: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    done: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    skipped: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    started: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    questions: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class RecordRow(SQLModel, table=True):
    """A history record the store holds: applied, or waiting (with its line) for what it names."""

    __tablename__ = "record"
    __table_args__ = (Index("ix_record_at", "at", "uid"),)
    uid: str = Field(primary_key=True)
    at: str
    op: str
    device: str
    waiting: Optional[str] = None  # the record's line, while the item it names is not in the plan


class HistoryFileRow(SQLModel, table=True):
    """How far a history file was read: appended bytes are read from ``offset`` on."""

    __tablename__ = "history_file"
    path: str = Field(primary_key=True)  # relative to history/
    size: int
    mtime_ns: int
    offset: int
    lines: int
    tail: str  # hash of the bytes just before offset: the file was appended to, not rewritten


class HistoryProblemRow(SQLModel, table=True):
    """A history line that could not be applied, reported once."""

    __tablename__ = "history_problem"
    path: str = Field(primary_key=True)
    digest: str = Field(primary_key=True)  # of the line: reported once, wherever a repair moves it
    line: int
    problem: str


class ItemAliasRow(SQLModel, table=True):
    """An item id that roadmap.yaml renamed, so records that name the old id still find the item."""

    __tablename__ = "item_alias"
    old_key: str = Field(primary_key=True)
    new_key: str
    at: str = Field(primary_key=True)


class LinkAliasRow(SQLModel, table=True):
    """A link record whose link was already there (two machines added the same address to the same
    item): the record's id finds that one row."""

    __tablename__ = "link_alias"
    uid: str = Field(primary_key=True)
    link_id: int = Field(foreign_key="link.id")


class StoreTaskRow(SQLModel, table=True):
    """Work a migration left for the next command, such as writing the history files."""

    __tablename__ = "store_task"
    name: str = Field(primary_key=True)


class ConflictRow(SQLModel, table=True):
    """Two changes of one item on the same day from two devices, each made without seeing the
    other, by record id: the one recorded first (lost) and the one that stands (kept)."""

    __tablename__ = "conflict"
    lost_uid: str = Field(primary_key=True)
    kept_uid: str = Field(primary_key=True)
