"""Matching roadmap.yaml's items to the stored rows without losing any progress.

Progress hangs off item rows, and item rows are never deleted: a renamed item
keeps its row (and so its history), a removed one is archived, and an archived
one whose id returns is restored.
"""

from __future__ import annotations

import bisect
import sqlite3
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


def apply_rows(db: sqlite3.Connection, rows: list) -> SyncReport:
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
    for old_key, row in _match_renames(stored, gone, new):
        db.execute("UPDATE item SET key = ? WHERE id = ?", (row.key, stored[old_key]["id"]))
        # Records written elsewhere before this rename still name the old id.
        made = records.stamp(db, "rename", **{"from": old_key, "to": row.key})
        records.add_alias(db, old_key, row.key, made.at if made else utc_stamp())
        stored[row.key] = stored.pop(old_key)
        gone.remove(old_key)
        new.remove(row)
        renamed.add(row.key)
        if stored[row.key]["title"] != row.title:
            report.renamed.append((stored[row.key]["title"], row.title))
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


def _first(db: sqlite3.Connection, rows: list) -> SyncReport:
    """The first sync: every row is new. They go in together, numbered in plan order as one by one,
    with the trigger that counts each step's items set aside and the count made once at the end."""
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
    (trigger,) = db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'item_tally_insert'")
    db.execute("DROP TRIGGER item_tally_insert")
    db.executemany(
        """INSERT INTO item (id, roadmap_id, key, kind, parent_id, step_id, position, seq, title, url, body, extra,
               created_at) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        values,
    )
    count_step_tally(db)
    db.execute(trigger[0])
    return SyncReport(added=[row.title for row in rows])


def _match_renames(stored: dict, gone: list[str], new: list) -> list[tuple[str, object]]:
    """Pair items that left with items that arrived, so an edited title (and so an edited derived
    id) keeps its progress, and so does an item moved to another step (its derived id names the step).

    In the same place an item is found by its URL, its title, or as the only pair in its position;
    elsewhere in the plan only by its URL or its title, and only when that names one item each way.
    Rows come in outline order, parents first, so once a step is paired its children are looked for
    under the step's new key."""
    pairs = []
    parent_of = {k: r["parent_key"] for k, r in stored.items()}
    olds_left = list(gone)
    fresh = [row for row in new if row.key not in stored]  # an archived id coming back is a restore
    for row in fresh:
        if not olds_left:
            break  # nothing left to pair: a first sync, or every departure accounted for
        olds = [k for k in olds_left if stored[k]["kind"] == row.kind and parent_of[k] == row.parent]
        match = None
        if olds:
            news = [
                r for r in fresh if r.kind == row.kind and r.parent == row.parent and not any(r is p for _, p in pairs)
            ]
            match = next((k for k in olds if stored[k]["url"] and stored[k]["url"] == row.url), None) or next(
                (k for k in olds if stored[k]["title"] == row.title), None
            )
            if match is None and len(olds) == 1 and len(news) == 1 and stored[olds[0]]["position"] == row.position:
                match = olds[0]
        if match is None:
            match = _moved_from(stored, olds_left, fresh, row)
        if match is None:
            continue
        pairs.append((match, row))
        olds_left.remove(match)
        for key, parent in parent_of.items():
            if parent == match:
                parent_of[key] = row.key
    return pairs


def _moved_from(stored: dict, olds_left: list[str], fresh: list, row) -> str | None:
    """The one item that left anywhere in the plan with this row's URL, or else its title."""
    for name, value in (("url", row.url), ("title", row.title)):
        if not value:
            continue
        olds = [k for k in olds_left if stored[k]["kind"] == row.kind and stored[k][name] == value]
        if len(olds) != 1:
            continue
        news = [r for r in fresh if r.kind == row.kind and getattr(r, name) == value]
        if len(news) == 1:
            return olds[0]
    return None


def _moved(stored: dict, rows: list, new_keys: set[str]) -> list[str]:
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
