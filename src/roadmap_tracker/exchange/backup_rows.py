"""How a backup's rows hang together: rows point at rows of the right kind, what the store keeps
unique is unique, the columns the store derives agree with what they derive from, the plan's rows
are what roadmap.yaml says, and each note file is a week the diary reads. Checked with one pass
and a dictionary each, after ``backup_values`` has checked every value on its own.
"""

from __future__ import annotations

from datetime import date
from operator import itemgetter
from typing import Any

from ..dates import MAX_YEAR, week_range
from ..errors import BadBackup, BadWeek
from .backup_values import (
    Problem,
    check_values,
    http_url,
    json_text,
    note_name,
    notes_folder,
    problem_at,
    settings,
    shown,
    text,
    workspace_path,
)

# --- rows with each other -----------------------------------------------------------------------

# Column -> table it points into: checked before inserting, as the store's foreign keys would at commit.
REFERENCES = {
    "item": {"roadmap_id": "roadmap", "parent_id": "item", "step_id": "item"},
    "event": {"item_id": "item", "undoes": "event"},
    "link": {"item_id": "item"},
    "entry": {"step_id": "item"},
    "question": {"entry_id": "entry", "answer_item_id": "item"},
    "entry_item": {"entry_id": "entry", "item_id": "item"},
    "answer": {"item_id": "item"},
}


def check_references(source: str, tables: dict[str, list[dict]]) -> None:
    if [r["id"] for r in tables["roadmap"]] != [1]:
        raise BadBackup(f"{source}: table roadmap must hold exactly one row, with id 1")
    ids = {t: set(map(itemgetter("id"), tables[t])) for t in ("roadmap", "item", "event", "entry")}
    for table, refs in REFERENCES.items():
        rows = tables[table]
        # Each column's values at once; the rows walked in order only to name the first bad one.
        if all(set(map(itemgetter(c), rows)) - {None} <= ids[target] for c, target in refs.items()):
            continue
        for n, row in enumerate(rows, start=1):
            for column, target in refs.items():
                if row[column] is not None and row[column] not in ids[target]:
                    raise problem_at(
                        source, table, n, column, f"points to {target} {row[column]}, which the backup does not have"
                    )


def check_unique(source: str, tables: dict[str, list[dict]]) -> None:
    """What the store's unique indexes would refuse at insert, and history record ids, which must be
    unique across tables: a history file names each change by its record's id."""
    _unique(source, "item", tables["item"], "key", "each item has an id of its own")
    _unique(source, "entry", tables["entry"], "week", "the diary holds one entry per week")
    uids = [u for t in ("event", "link", "question", "answer") for u in map(itemgetter("uid"), tables[t])]
    uids = [u for u in uids if u is not None]
    if len(set(uids)) == len(uids):
        return  # the everyday backup: no record id twice, and no need to say where
    owners: dict[str, tuple[str, int]] = {}
    for table in ("event", "link", "question", "answer"):
        for n, row in enumerate(tables[table], start=1):
            uid = row["uid"]
            if uid is None:
                continue
            if uid in owners:
                first, m = owners[uid]
                problem = f"repeats table {first}, row {m}: each history record has an id of its own"
                raise problem_at(source, table, n, "uid", problem)
            owners[uid] = (table, n)


def _unique(source: str, table: str, rows: list[dict], column: str, why: str) -> None:
    if len(set(map(itemgetter(column), rows))) == len(rows):
        return
    seen: dict[Any, int] = {}
    for n, row in enumerate(rows, start=1):
        value = row[column]
        if value in seen:
            raise problem_at(source, table, n, column, f"repeats row {seen[value]} ({shown(value)}): {why}")
        seen[value] = n


def check_items(source: str, tables: dict[str, list[dict]]) -> None:
    """Each item where its kind belongs: a step is its own step, a deliverable stands alone, every
    other item hangs under a step, and no chain of parents goes round in a circle."""
    items = tables["item"]
    by_id = {r["id"]: r for r in items}
    for n, r in enumerate(items, start=1):
        kind, parent, step = r["kind"], by_id.get(r["parent_id"]), by_id.get(r["step_id"])
        if kind in ("step", "deliverable") and parent is not None:
            raise problem_at(source, "item", n, "parent_id", f"is set, yet a {kind} stands at the top of the plan")
        if kind == "step" and r["step_id"] != r["id"]:
            raise problem_at(source, "item", n, "step_id", "is not the row's own id, as a step's is")
        if kind == "deliverable" and step is not None:
            raise problem_at(source, "item", n, "step_id", "is set, yet a deliverable belongs to no step")
        if kind not in ("step", "deliverable"):
            if step is None or step["kind"] != "step":
                raise problem_at(source, "item", n, "step_id", f"does not point to a step, as a {kind}'s must")
            if parent is None or parent["kind"] == "deliverable":
                raise problem_at(
                    source, "item", n, "parent_id", f"does not point to a step or an item above this {kind}"
                )
        problem = (
            json_text(settings, "a deliverable's settings")(r["extra"] or "null")
            if kind == "deliverable"
            else (None if r["extra"] is None else "is set, yet only a deliverable has settings")
        )
        if problem:
            raise problem_at(source, "item", n, "extra", problem)
    _no_circles(source, items, by_id)


def _no_circles(source: str, items: list[dict], by_id: dict[int, dict]) -> None:
    row_of = {r["id"]: n for n, r in enumerate(items, start=1)}
    clear: set[int] = set()
    for r in items:
        path: set[int] = set()  # the chain walked from this row: a set, as a chain may be long
        here: dict | None = r
        while here is not None and here["id"] not in clear:
            if here["id"] in path:
                raise problem_at(source, "item", row_of[here["id"]], "parent_id", "goes round in a circle of parents")
            path.add(here["id"])
            here = by_id.get(here["parent_id"])
        clear |= path


_TEXTS = ("title", "url", "body", "extra")
_FROM_PLAN = ("kind", "parent_id", "step_id", "position", *_TEXTS)


def check_plan(source: str, plan, plan_rows: list, tables: dict[str, list[dict]]) -> None:
    """The plan's rows as the store keeps them, synced with roadmap.yaml: its header says what the
    file says, and the live items (those not archived) are the file's items, where it puts them.
    The next command trusts them without reading the file again, as its hash has not changed.
    ``plan_rows``: the plan flattened (``plan.outline.flatten``)."""
    problem = notes_folder(plan.notes_dir)
    if problem:
        raise BadBackup(f"{source} (roadmap_yaml): notes_dir: {problem}")
    header = tables["roadmap"][0]
    wanted = {
        "title": plan.title,
        "week_starts": plan.week_starts,
        "notes_dir": plan.notes_dir,
        "date_order": plan.date_order,
        **({"started": plan.started.isoformat()} if plan.started else {}),
    }
    for column, value in wanted.items():
        if header[column] != value:
            problem = f"is {shown(header[column])}, but roadmap_yaml says {shown(value)}"
            raise problem_at(source, "roadmap", 1, column, problem)
    rows = {row.key: row for row in plan_rows}
    items = tables["item"]
    key_of = {r["id"]: r["key"] for r in items}
    live: set[str] = set()
    for n, r in enumerate(items, start=1):
        if r["archived_at"] is not None:
            continue
        row = rows.get(r["key"])
        if row is None:
            raise problem_at(
                source, "item", n, "key", f"{shown(r['key'])} is not in roadmap_yaml, yet the item is live"
            )
        live.add(r["key"])
        # Parent and step by key: the file names them so.
        have = (r["kind"], key_of.get(r["parent_id"]), key_of.get(r["step_id"]), r["position"], *(r[c] for c in _TEXTS))
        want = (row.kind, row.parent, row.step, row.position, row.title, row.url, row.body, row.extra)
        if have == want:
            continue
        for column, a, b in zip(_FROM_PLAN, have, want):
            if a != b:
                raise problem_at(source, "item", n, column, f"is {shown(a)}, but roadmap_yaml says {shown(b)}")
    missing = next((k for k in rows if k not in live), None)
    if missing is not None:
        raise BadBackup(f"{source}: table item holds no live row for {shown(missing)}, which roadmap_yaml has")


def check_progress(source: str, tables: dict[str, list[dict]]) -> None:
    """Each item's state is its latest event's (the store keeps it so by a trigger), an undo
    reverses an earlier change of the same item, once, and a reflection answer answers a question."""
    items, events = tables["item"], tables["event"]
    kind_of = {r["id"]: r["kind"] for r in items}
    latest: dict[int, dict] = {}
    by_id = {e["id"]: e for e in events}
    undone: dict[int, int] = {}
    for n, e in enumerate(events, start=1):
        if e["item_id"] not in latest or e["id"] > latest[e["item_id"]]["id"]:
            latest[e["item_id"]] = e
        target = e["undoes"]
        if target is None:
            continue
        if target >= e["id"] or by_id[target]["item_id"] != e["item_id"]:
            raise problem_at(source, "event", n, "undoes", f"points to event {target}, no earlier change of this item")
        if target in undone:
            raise problem_at(source, "event", n, "undoes", f"repeats row {undone[target]}: a change is undone once")
        undone[target] = n
    for n, r in enumerate(items, start=1):
        e = latest.get(r["id"])
        state, on = (e["state"], e["day"]) if e else ("todo", None)
        column = "state" if r["state"] != state else "state_day"
        if r[column] != (state if column == "state" else on):
            said = f"its latest event (id {e['id']}) says {shown(state)} on {on}" if e else "it has no event"
            raise problem_at(source, "item", n, column, f"is {shown(r[column])}, but {said}")
    for n, a in enumerate(tables["answer"], start=1):
        if kind_of[a["item_id"]] != "question":
            problem = f"points to a {kind_of[a['item_id']]}; reflection answers answer questions"
            raise problem_at(source, "answer", n, "item_id", problem)


def check_links(source: str, links: list[dict]) -> None:
    """A link is an address `roadmap link` would take, or a path inside the workspace; the same link
    on the same item is stored once."""
    seen: dict[tuple, int] = {}
    for n, link in enumerate(links, start=1):
        problem = workspace_path(link["target"]) if link["is_path"] else http_url(link["target"])
        if problem:
            raise problem_at(source, "link", n, "target", problem)
        where = (link["item_id"], link["target"])
        if where in seen:
            raise problem_at(source, "link", n, "target", f"repeats row {seen[where]}: the same link on one item")
        seen[where] = n


def check_diary(source: str, tables: dict[str, list[dict]], today: date) -> None:
    """Weeks the roadmap's calendar can hold, a week's days in order, the step it was written in a
    step, and an answered question with the day it was answered (its history record needs one)."""
    header = tables["roadmap"][0]
    started = date.fromisoformat(header["started"]) if header["started"] else today
    kind_of = {r["id"]: r["kind"] for r in tables["item"]}
    for table, rows in (("entry", tables["entry"]), ("notefile", tables["notefile"])):
        for n, row in enumerate(rows, start=1):
            problem = week_problem(row["week"], started, header["week_starts"])
            if problem:
                raise problem_at(source, table, n, "week", problem)
    for n, e in enumerate(tables["entry"], start=1):
        if e["end_day"] < e["start_day"]:
            raise problem_at(source, "entry", n, "end_day", f"{shown(e['end_day'])} is before its start_day")
        if e["step_id"] is not None and kind_of[e["step_id"]] != "step":
            raise problem_at(source, "entry", n, "step_id", f"points to a {kind_of[e['step_id']]}, not a step")
    for n, q in enumerate(tables["question"], start=1):
        if (q["answer"] is None) != (q["answered_on"] is None):
            raise problem_at(source, "question", n, "answered_on", "is not set with the answer (they go together)")


def week_problem(week: int, started: date, week_starts: str) -> Problem:
    """A week the roadmap's calendar holds: its days are ones the tool can count and show."""
    try:
        _, last = week_range(week, started, week_starts)
    except BadWeek:
        last = None
    if last is None or last.year > MAX_YEAR:
        return f"week {week} ends after {MAX_YEAR}, the last year the tool counts"
    return None


def check_tables(source: str, plan, tables: dict[str, list[dict]], today: date) -> None:
    """Everything above, values first: the later checks rely on them."""
    from ..plan.outline import flatten

    plan_rows = list(flatten(plan))
    # The plan's addresses were checked as they were read, by the rule an item's address follows.
    known = {"item": {"url": {row.url for row in plan_rows}}}
    for table, rows in tables.items():
        check_values(source, table, rows, known.get(table))
    check_references(source, tables)
    check_unique(source, tables)
    check_items(source, tables)
    check_plan(source, plan, plan_rows, tables)
    check_progress(source, tables)
    check_links(source, tables["link"])
    check_diary(source, tables, today)


# --- the note files -----------------------------------------------------------------------------


def check_notes(source: str, notes: list[dict], header: dict, today: date) -> None:
    """Each note file a week note the tool reads back without a refusal, for a week the calendar
    holds, under a name of its own."""
    from ..diary.weeknote import parse_week

    started = date.fromisoformat(header["started"]) if header["started"] else today
    seen: dict[str, int] = {}
    for n, note in enumerate(notes, start=1):
        where = f"{source}: notes, entry {n}"
        name = note["path"]
        problem = note_name(name)
        if problem:
            raise BadBackup(f"{where}: {problem}")
        if name in seen:
            raise BadBackup(f"{where}: {shown(name)} repeats entry {seen[name]}")
        seen[name] = n
        problem = text(note["text"])
        if problem:
            raise BadBackup(f"{where}: field 'text' {problem}")
        try:
            week = parse_week(note["text"], path=name).week
        except Exception as exc:  # any refusal of the note reader, said in one line
            raise BadBackup(f"{where}: not a note the diary can read ({_one_line(exc)})") from None
        problem = week_problem(week, started, header["week_starts"])
        if problem:
            raise BadBackup(f"{where}: {name}: {problem}")


def _one_line(exc: Exception) -> str:
    message = " ".join(str(exc).split()) or type(exc).__name__
    return message if len(message) <= 200 else message[:199] + "…"
