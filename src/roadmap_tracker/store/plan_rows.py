"""Matching roadmap.yaml's items to the stored rows without losing any progress.

Progress hangs off item rows, and item rows are never deleted: a renamed item
keeps its row (and so its history), a removed one is archived, and an archived
one whose id returns is restored.
"""

from __future__ import annotations

import bisect
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from ..clock import utc_stamp
from . import records


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (old title, new title)
    moved: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    changed: int = 0  # other edits: objectives, URLs, settings

    @property
    def empty(self) -> bool:
        return not (self.added or self.renamed or self.moved or self.removed or self.restored or self.changed)

    def to_dict(self) -> dict:
        return asdict(self)


def apply_rows(db: sqlite3.Connection, rows: Sequence) -> SyncReport:
    report = SyncReport()
    db.execute(
        "INSERT OR IGNORE INTO roadmap (id, title, source, source_size, source_mtime_ns, source_hash, "
        "week_starts, notes_dir, synced_at) VALUES (1, '', '', 0, 0, '', 'monday', 'notes', '')"
    )
    stored = {
        r["key"]: dict(r)
        for r in db.execute(
            "SELECT i.*, p.key AS parent_key FROM item i LEFT JOIN item p ON p.id = i.parent_id "
            "WHERE i.roadmap_id = 1 ORDER BY i.seq"
        )
    }
    if not stored:
        return _first(db, rows)
    wanted = {row.key: row for row in rows}
    gone = [k for k, r in stored.items() if r["archived_at"] is None and k not in wanted]
    new = [row for row in rows if row.key not in stored or stored[row.key]["archived_at"] is not None]
    renamed: set[str] = set()
    paired: set[str] = set()
    for old_key, row in _match_renames(stored, gone, new):
        db.execute("UPDATE item SET key = ? WHERE id = ?", (row.key, stored[old_key]["id"]))
        # Records written elsewhere before this rename still name the old id.
        made = records.stamp(db, "rename", **{"from": old_key, "to": row.key})
        records.add_alias(db, old_key, row.key, made.at if made else utc_stamp())
        stored[row.key] = stored.pop(old_key)
        paired.add(old_key)
        renamed.add(row.key)
        if stored[row.key]["title"] != row.title:
            report.renamed.append((stored[row.key]["title"], row.title))
    gone = [key for key in gone if key not in paired]
    new = [row for row in new if row.key not in renamed]
    for key in gone:
        db.execute("UPDATE item SET archived_at = ? WHERE id = ?", (utc_stamp(), stored[key]["id"]))
        report.removed.append(stored[key]["title"])

    new_keys = {row.key for row in new}
    report.moved = _moved(stored, rows, new_keys)
    ids = {k: r["id"] for k, r in stored.items()}
    now = utc_stamp()
    for seq, row in enumerate(rows, start=1):
        parent_id = ids.get(row.parent) if row.parent else None
        step_id = ids.get(row.step) if row.step else None
        values = (row.kind, parent_id, step_id, row.position, seq, row.title, row.url, row.body, row.extra)
        old = stored.get(row.key)
        if old is None:
            cur = db.execute(
                """INSERT INTO item (roadmap_id, key, kind, parent_id, step_id, position, seq, title, url,
                       body, extra, created_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (row.key, *values, now),
            )
            ids[row.key] = cur.lastrowid
            if row.kind == "step":
                # A step is its own step, which only its id can say.
                db.execute("UPDATE item SET step_id = id WHERE id = ?", (cur.lastrowid,))
                ids[row.key] = cur.lastrowid
            report.added.append(row.title)
            continue
        if row.kind == "step":
            step_id = old["id"]
            values = (row.kind, parent_id, step_id, *values[3:])
        restored = old["archived_at"] is not None
        if restored:
            report.restored.append(row.title)
        elif old["title"] != row.title and row.key not in renamed:
            report.renamed.append((old["title"], row.title))
        elif (old["url"], old["body"], old["extra"], old["kind"]) != (row.url, row.body, row.extra, row.kind):
            report.changed += 1
        current = (
            old["kind"],
            old["parent_id"],
            old["step_id"],
            old["position"],
            old["seq"],
            old["title"],
            old["url"],
            old["body"],
            old["extra"],
        )
        if current != values or restored:
            db.execute(
                """UPDATE item SET kind = ?, parent_id = ?, step_id = ?, position = ?, seq = ?, title = ?,
                       url = ?, body = ?, extra = ?, archived_at = NULL WHERE id = ?""",
                (*values, old["id"]),
            )
    return report


def _first(db: sqlite3.Connection, rows: Sequence) -> SyncReport:
    """The first sync: every row is new. They go in together, numbered in plan order as one by one,
    with the trigger that counts each step's items set aside and the count made once at the end.
    The item table's indexes are set aside too and built again once the rows are in: sorting
    100,000 keys at once costs less than keeping five indexes in order row by row."""
    from .migrations import count_step_tally

    now = utc_stamp()
    ids = {row.key: seq for seq, row in enumerate(rows, start=1)}
    values = [
        (
            ids[row.key],
            row.key,
            row.kind,
            ids.get(row.parent) if row.parent else None,
            ids[row.key] if row.kind == "step" else (ids.get(row.step) if row.step else None),
            row.position,
            seq,
            row.title,
            row.url,
            row.body,
            row.extra,
            now,
        )
        for seq, row in enumerate(rows, start=1)
    ]
    # (An index SQLite made for a UNIQUE constraint has no SQL and stays.)
    kept = db.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'item' AND sql IS NOT NULL "
        "AND (type = 'index' OR name = 'item_tally_insert') ORDER BY rowid"
    ).fetchall()
    for kind, name, _ in kept:
        db.execute(f'DROP {kind.upper()} "{name}"')
    db.executemany(
        """INSERT INTO item (id, roadmap_id, key, kind, parent_id, step_id, position, seq, title, url, body, extra,
               created_at) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        values,
    )
    for _, _, sql in kept:
        db.execute(sql)
    count_step_tally(db)
    return SyncReport(added=[row.title for row in rows])


def _match_renames(stored: dict, gone: list[str], new: list) -> list[tuple[str, object]]:
    """Pair items that left with items that arrived, so an edited title (and so an edited derived
    id) keeps its progress, and so does an item moved to another step (its derived id names the step).

    In the same place an item is found by its URL, its title, or as the only pair in its position;
    elsewhere in the plan only by its URL or its title, and only when that names one item each way.
    Rows come in outline order, parents first, so once a step is paired its children are looked for
    under the step's new key. Every lookup is a dictionary's: a plan replaced whole, 100,000 items
    leaving and 100,000 arriving, pairs in linear time."""
    fresh = [row for row in new if row.key not in stored]  # an archived id coming back is a restore
    left = _Departures(stored, gone)
    arriving = Counter((row.kind, row.parent) for row in fresh)
    # Elsewhere in the plan a URL or a title must name one arrival: counted over all of them.
    anywhere = Counter((row.kind, name, value) for row in fresh for name, value in _names(row) if value)
    pairs = []
    for row in fresh:
        if not left.any():
            break  # nothing left to pair: a first sync, or every departure accounted for
        here = (row.kind, row.parent)
        match = left.first(here, "url", row.url) or left.first(here, "title", row.title)
        if match is None and arriving[here] == 1:
            only = left.only(here)
            if only is not None and stored[only]["position"] == row.position:
                match = only
        if match is None:
            match = next(
                (
                    key
                    for name, value in _names(row)
                    if value
                    and anywhere[(row.kind, name, value)] == 1
                    and (key := left.sole(row.kind, name, value)) is not None
                ),
                None,
            )
        if match is None:
            continue
        arriving[here] -= 1  # the arrivals of a place still unpaired, as the position rule counts them
        pairs.append((match, row))
        left.pair(match, row.key)
    return pairs


def _names(row) -> tuple[tuple[str, str | None], ...]:
    return (("url", row.url), ("title", row.title))


class _Departures:
    """The items that left and are not paired yet, looked up by place (kind and parent) and by URL
    or title, in the order they left; a paired step's children move under its new key."""

    def __init__(self, stored: dict, gone: list[str]):
        self.stored = stored
        self.parent = {k: stored[k]["parent_key"] for k in gone}
        self.children: dict[str, list[str]] = defaultdict(list)
        self.places: dict[tuple, dict[str, None]] = defaultdict(dict)  # ordered sets
        self.named: dict[tuple, dict[str, None]] = defaultdict(dict)
        self.anywhere: dict[tuple, dict[str, None]] = defaultdict(dict)
        for key in gone:
            self.children[self.parent[key]].append(key)
            self._enter(key)
        self.left = set(gone)

    def _index(self, key: str) -> list[tuple[dict, tuple]]:
        row, place = self.stored[key], (self.stored[key]["kind"], self.parent[key])
        found = [(self.places, place)]
        for name in ("url", "title"):
            if row[name]:
                found.append((self.named, (*place, name, row[name])))
                found.append((self.anywhere, (row["kind"], name, row[name])))
        return found

    def _enter(self, key: str) -> None:
        for index, at in self._index(key):
            index[at][key] = None

    def _leave(self, key: str) -> None:
        for index, at in self._index(key):
            index[at].pop(key, None)

    def any(self) -> bool:
        return bool(self.left)

    def first(self, place: tuple, name: str, value: str | None) -> str | None:
        if not value:
            return None
        return next(iter(self.named.get((*place, name, value), ())), None)

    def only(self, place: tuple) -> str | None:
        keys = self.places.get(place, {})
        return next(iter(keys)) if len(keys) == 1 else None

    def sole(self, kind: str, name: str, value: str) -> str | None:
        keys = self.anywhere.get((kind, name, value), {})
        return next(iter(keys)) if len(keys) == 1 else None

    def pair(self, key: str, new_key: str) -> None:
        self._leave(key)
        self.left.discard(key)
        for child in self.children.pop(key, []):
            if child not in self.left:
                continue  # paired already, elsewhere in the plan
            self._leave(child)
            self.parent[child] = new_key
            self.children[new_key].append(child)
            self._enter(child)


def _moved(stored: dict, rows: Sequence, new_keys: set[str]) -> list[str]:
    """Items whose parent changed or that left the longest run still in order."""
    moved = []
    kept = [row for row in rows if row.key not in new_keys and row.key in stored]
    by_parent: dict[tuple, list] = {}
    for row in kept:
        old = stored[row.key]
        new_parent = stored[row.parent]["id"] if row.parent in stored else None
        if old["archived_at"] is None and old["parent_id"] != new_parent:
            moved.append(row.title)
            continue
        by_parent.setdefault((row.parent, row.kind), []).append(row)
    for group in by_parent.values():
        seqs = [stored[row.key]["seq"] for row in group]
        in_order = _longest_increasing(seqs)
        moved.extend(row.title for i, row in enumerate(group) if i not in in_order)
    return moved


def _longest_increasing(values: list[int]) -> set[int]:
    """Indexes of one longest strictly increasing subsequence (patience sorting)."""
    tails: list[int] = []
    tail_index: list[int] = []
    previous = [-1] * len(values)
    for i, value in enumerate(values):
        pos = bisect.bisect_left(tails, value)
        if pos == len(tails):
            tails.append(value)
            tail_index.append(i)
        else:
            tails[pos] = value
            tail_index[pos] = i
        previous[i] = tail_index[pos - 1] if pos else -1
    keep = set()
    i = tail_index[-1] if tail_index else -1
    while i != -1:
        keep.add(i)
        i = previous[i]
    return keep
