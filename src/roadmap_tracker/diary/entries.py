"""The weekly learning diary: one entry per roadmap week, kept in the store.

``mirror.add`` and ``mirror.save_edit`` store a week and rewrite its note in notes/ in the same
transaction. The Markdown format itself lives in ``weeknote``, loaded only when a week is read or
written.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from ..clock import utc_stamp
from ..errors import AmbiguousItem, UnknownItem, UsageError
from ..store import diary as store
from ..store import items as store_items
from ..store.diary import StoredEntry, StoredQuestion

if TYPE_CHECKING:  # the diary format is loaded only when a week is read or written
    from .weeknote import WeekEntry


def _week_entry(row: StoredEntry, questions: list[StoredQuestion]) -> WeekEntry:
    from .weeknote import Experiment, WeekEntry

    return WeekEntry(
        week=row.week,
        start=date.fromisoformat(row.start),
        end=date.fromisoformat(row.end),
        step=row.step,
        concepts=row.concepts,
        experiments=[Experiment(**x) for x in row.experiments],
        questions=[q.text for q in questions],
        text=row.text,
        tags=row.tags,
        refs=row.refs,
        extra=row.extra,
        question_ids={q.text: q.id for q in questions},
    )


def load(db: sqlite3.Connection, week: int) -> WeekEntry | None:
    """A week as the store has it; None when nothing was written for it."""
    row = store.entry(db, week)
    if row is None:
        return None
    return _week_entry(row, store.questions_of(db, [row.id]))


def blank(db: sqlite3.Connection, week: int) -> WeekEntry:
    from .weeknote import WeekEntry

    start, end = store_items.calendar(db).dates(week)
    current = store_items.current_step(db)
    return WeekEntry(week=week, start=start, end=end, step=current.title if current else None)


def merge(base: WeekEntry, more: WeekEntry) -> WeekEntry:
    """``base`` with what ``more`` adds; nothing already there is repeated."""

    def union(a: list, b: list) -> list:
        return a + [x for x in b if x not in a]

    text = "\n\n".join(t for t in (base.text.strip(), more.text.strip()) if t)
    return replace(
        base,
        concepts=union(base.concepts, more.concepts),
        experiments=union(base.experiments, more.experiments),
        questions=union(base.questions, more.questions),
        text=text,
        tags=union(base.tags, more.tags),
        refs=union(base.refs, more.refs),
        step=base.step or more.step,
        extra={**more.extra, **base.extra},
    )


def additions(before: WeekEntry, after: WeekEntry) -> WeekEntry:
    """What ``after`` holds that ``before`` did not: its new concepts, experiments, questions,
    tags and refs, and its notes when they changed (only the new end, when they grew)."""
    from .weeknote import WeekEntry

    def new(a: list, b: list) -> list:
        return [x for x in b if x not in a]

    old, text = before.text.strip(), after.text.strip()
    added = "" if text == old else text[len(old) :].strip() if old and text.startswith(old) else text
    return WeekEntry(
        after.week,
        concepts=new(before.concepts, after.concepts),
        experiments=new(before.experiments, after.experiments),
        questions=new(before.questions, after.questions),
        text=added,
        tags=new(before.tags, after.tags),
        refs=new(before.refs, after.refs),
    )


def from_options(
    db: sqlite3.Connection,
    week: int,
    *,
    concepts: list[str],
    experiments: list[str],
    results: list[str],
    metrics: list[str],
    questions: list[str],
    texts: list[str],
    tags: list[str],
    about: list[str],
) -> WeekEntry | None:
    """What `roadmap log` options add to a week; None when none was given. Each --result and
    --metric belongs to the -e given in the same place."""
    from ..progress.refs import resolve
    from .weeknote import Experiment, WeekEntry, normalise

    if not any((concepts, experiments, questions, texts, tags, about, results, metrics)):
        return None
    for flag, values in (("-c", concepts), ("-e", experiments), ("-q", questions), ("-m", texts), ("--tag", tags)):
        if any(not v.strip() for v in values):
            raise UsageError(f"{flag} was given an empty text; nothing was saved")
    if len(results) > len(experiments) or len(metrics) > len(experiments):
        raise UsageError("each --result and --metric belongs to an -e EXPERIMENT given before it")
    pairs = []
    for i, what in enumerate(experiments):
        name = value = None
        if i < len(metrics):
            if "=" not in metrics[i]:
                raise UsageError(f"--metric {metrics[i]!r}: write it as NAME=VALUE, e.g. accuracy=0.93")
            name, value = (part.strip() for part in metrics[i].split("=", 1))
        pairs.append(Experiment(what, results[i] if i < len(results) else None, name, value))
    # By id, not position: "3.p2" names another item once one is inserted above it.
    refs = [resolve(db, ref).key for ref in about]
    entry = WeekEntry(
        week=week,
        concepts=list(concepts),
        experiments=pairs,
        questions=list(questions),
        text="\n\n".join(texts),
        tags=[t.lstrip("#") for t in tags],
        refs=refs,
    )
    return normalise(entry)


def is_empty(entry: WeekEntry) -> bool:
    return not (entry.concepts or entry.experiments or entry.questions or entry.text.strip())


class Stored(NamedTuple):
    """A week written into the store: its id, the id of each of its questions (by text), and the
    questions its note no longer holds, set aside with their answers."""

    entry_id: int
    question_ids: dict[str, int]
    set_aside: list[StoredQuestion]


def store_entry(db: sqlite3.Connection, entry: WeekEntry, day: date) -> Stored:
    """Write the week into the store (the caller holds the transaction); new questions are asked on ``day``."""
    entry_id = store.save_entry(
        db,
        entry.week,
        entry.start,
        entry.end,
        entry.step,
        entry.concepts,
        [vars(x) for x in entry.experiments],
        entry.text,
        entry.tags,
        entry.refs,
        [],
        entry.extra,
        utc_stamp(),
        _step_id(db, entry.step),
    )
    _link_refs(db, entry_id, entry.refs)
    ids, aside = _store_questions(db, entry_id, entry.questions, entry.question_ids, day)
    return Stored(entry_id, ids, aside)


def _step_id(db: sqlite3.Connection, title: str | None) -> int | None:
    found = store_items.step_titled(db, title) if title else None
    return found.id if found else None


def _link_refs(db: sqlite3.Connection, entry_id: int, refs: list[str]) -> None:
    """Tie each ref of the week to the item it names now, once: a ref read before keeps the item
    it named then, so inserting a resource above `2.r1` never moves an old week onto another item."""
    linked = store.links(db, entry_id)
    for ref in refs:
        if ref not in linked and (found := _resolve(db, ref)) is not None:
            store.link(db, entry_id, ref, found.id)
    for ref in linked:
        if ref not in refs:
            store.unlink(db, entry_id, ref)


def _store_questions(
    db: sqlite3.Connection, entry_id: int, texts: list[str], known: dict[str, int], day: date
) -> tuple[dict[str, int], list[StoredQuestion]]:
    """Match the note's questions to the tracked ones: by the id written beside them (a reworded
    question keeps its answer and age), else by their text; the rest are new. A tracked question
    the note no longer holds is set aside, answers and all, never deleted."""
    rows = store.questions_of(db, [entry_id], removed=True)
    by_id, by_text = {q.id: q for q in rows}, {q.text: q for q in rows}
    ids: dict[str, int] = {}
    for text in texts:  # by id first, so a reworded question is not taken for a new one
        q = by_id.get(known.get(text))
        if q is not None and q.id not in ids.values():
            if q.text != text:
                store.reword(db, q.id, text)
            ids[text] = q.id
    for text in texts:
        if text in ids:
            continue
        q = by_text.get(text)
        ids[text] = (
            q.id
            if q is not None and q.id not in ids.values()
            else store.ask(db, entry_id, text, day, number=known.get(text))
        )
    for q in rows:
        if q.id in ids.values() and q.removed_at is not None:
            store.set_removed(db, q.id, None)
    aside = [q for q in rows if q.id not in ids.values() and q.removed_at is None]
    for q in aside:
        store.set_removed(db, q.id, utc_stamp())
    return ids, aside


def _resolve(db: sqlite3.Connection, ref: str):
    """The item a ref in a note names: `#3`, `3.p2`, an id, or `[[Exact item title]]`; None for none."""
    from ..progress.refs import positional

    try:
        found = positional(db, ref)
    except (UnknownItem, AmbiguousItem):
        found = None
    return found or store_items.by_key(db, ref) or store_items.first_titled(db, ref)


# --- reading -----------------------------------------------------------------


class Listed(NamedTuple):
    entry: WeekEntry
    questions: list[dict]  # id, text, answer, answered_on
    about: list[str]  # the items it is about, as they are called now: "2.r1 Title"

    def to_dict(self) -> dict:
        """The week as data: its fields, with its questions (id, text, answer) in place of their texts."""
        from dataclasses import asdict

        data = asdict(self.entry)
        del data["question_ids"]  # the questions below carry their ids
        return {**data, "questions": self.questions, "about": self.about}


def listing(
    db: sqlite3.Connection,
    *,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = None,
    tag: str | None = None,
    step: int | None = None,
    search: str | None = None,
    week: int | None = None,
) -> list[Listed]:
    """Entries with their questions and the items they are about, newest first; ``step`` is a
    step's row id: the weeks about it or written while it was worked on."""
    rows = store.entries(
        db,
        since=since,
        until=until,
        limit=limit,
        tag=tag.lstrip("#") if tag else None,
        step_id=step,
        search=search,
        week=week,
    )
    asked: dict[int, list[StoredQuestion]] = {}
    for q in store.questions_of(db, [r.id for r in rows]):
        asked.setdefault(q.entry_id, []).append(q)
    about = store.about(db, [r.id for r in rows])
    items = {i.id: i for i in store_items.items(db, [n for ids in about.values() for n in ids])}
    return [
        Listed(
            _week_entry(r, asked.get(r.id, [])),
            [
                {"id": q.id, "text": q.text, "answer": q.answer, "answered_on": q.answered_on}
                for q in asked.get(r.id, [])
            ],
            [f"{items[n].ref} {items[n].title}" for n in about.get(r.id, [])],
        )
        for r in rows
    ]


# --- the editor template -----------------------------------------------------

_PROMPT = re.compile(r"<!-- roadmap:.*?-->\n?", re.DOTALL)
_SKELETON = "\n## Key concepts\n\n\n## Experiments\n\n\n## Open questions\n\n\n## Notes\n\n"


def template(entry: WeekEntry, reflection: list[str], carried: list) -> str:
    """The week as it stands, with prompts in a comment the parser drops."""
    from .weeknote import render_week

    lines = [
        f"<!-- roadmap: week {entry.week}, {entry.start} to {entry.end}. Write under the headings;",
        "experiments as `- what you tried → what happened (metric: value)`. This comment is ignored.",
    ]
    if reflection:
        lines.append("Reflection questions of the current step (answer them with `roadmap reflect`):")
        lines += [f"  - {q}" for q in reflection]
    if carried:
        lines.append("Open questions carried over (answer with `roadmap questions answer ID TEXT`):")
        lines += [f"  - {q.id} (week {q.week}): {q.text}" for q in carried]
    prompt = "\n".join(lines) + "\n-->\n"
    body = render_week(entry)
    if is_empty(entry):
        body += _SKELETON
    return prompt + body


def from_template(text: str, week: int) -> WeekEntry:
    from .weeknote import normalise, parse_week

    return normalise(parse_week(_PROMPT.sub("", text), week=week))
