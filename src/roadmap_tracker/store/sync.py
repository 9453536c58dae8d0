"""Bring the store in line with roadmap.yaml without losing any progress.

Progress hangs off item rows, and item rows are never deleted: a renamed item
keeps its row (and so its history), a removed one is archived, and an archived
one whose id returns is restored.
"""

from __future__ import annotations

import bisect
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import date

from ..clock import today, utc_stamp
from ..files import digest
from ..workspace import Workspace
from .connection import transaction


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


def _changed(db: sqlite3.Connection, ws: Workspace) -> tuple[bytes, os.stat_result] | None:
    """The file's bytes and stat when it changed since the last sync, else None.

    Cheap check: size and mtime, then a hash only if those moved; the bytes read
    for the hash are the ones the sync then loads.
    """
    try:
        st = ws.roadmap_file.stat()
    except OSError:
        return None  # the command itself will report the missing file
    row = db.execute("SELECT source_size, source_mtime_ns, source_hash FROM roadmap WHERE id = 1").fetchone()
    if row and row["source_size"] == st.st_size and row["source_mtime_ns"] == st.st_mtime_ns:
        return None
    from ..plan.reader import read_source

    data = read_source(ws.roadmap_file)
    if row and digest(data) == row["source_hash"]:
        with transaction(db):
            db.execute("UPDATE roadmap SET source_size = ?, source_mtime_ns = ? WHERE id = 1",
                       (st.st_size, st.st_mtime_ns))
        return None
    return data, st


def sync(db: sqlite3.Connection, ws: Workspace, *, force: bool = False) -> SyncReport | None:
    """Sync if roadmap.yaml changed (or always with ``force``); None when nothing was read."""
    if force:
        from ..plan.reader import read_source

        st = ws.roadmap_file.stat()
        data = read_source(ws.roadmap_file)
    else:
        changed = _changed(db, ws)
        if changed is None:
            return None
        data, st = changed
    # Only now, with a file to load: the schema brings in pydantic.
    from ..plan.outline import flatten
    from ..plan.reader import decode
    from ..plan.schema import load_roadmap
    roadmap = load_roadmap(ws.roadmap_file, decode(data, ws.roadmap_file))
    rows = list(flatten(roadmap))
    with transaction(db):
        report = _apply(db, rows)
        # Without `started:` in the file, week 1 is the week of the first sync, and stays so.
        known = db.execute("SELECT started FROM roadmap WHERE id = 1").fetchone()
        started = (roadmap.started.isoformat() if roadmap.started
                   else (known["started"] if known and known["started"] else today().isoformat()))
        header = (roadmap.title, ws.relative(ws.roadmap_file), st.st_size, st.st_mtime_ns,
                  digest(data), started,
                  roadmap.week_starts, roadmap.notes_dir, utc_stamp())
        db.execute(
            """INSERT INTO roadmap (id, title, source, source_size, source_mtime_ns, source_hash,
                   started, week_starts, notes_dir, synced_at)
               VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (id) DO UPDATE SET title = excluded.title, source = excluded.source,
                   source_size = excluded.source_size, source_mtime_ns = excluded.source_mtime_ns,
                   source_hash = excluded.source_hash, started = excluded.started,
                   week_starts = excluded.week_starts, notes_dir = excluded.notes_dir,
                   synced_at = excluded.synced_at""",
            header,
        )
    return report


def _apply(db: sqlite3.Connection, rows: list) -> SyncReport:
    report = SyncReport()
    db.execute("INSERT OR IGNORE INTO roadmap (id, title, source, source_size, source_mtime_ns, source_hash, "
               "week_starts, notes_dir, synced_at) VALUES (1, '', '', 0, 0, '', 'monday', 'notes', '')")
    stored = {r["key"]: dict(r) for r in db.execute(
        "SELECT i.*, p.key AS parent_key FROM item i LEFT JOIN item p ON p.id = i.parent_id "
        "WHERE i.roadmap_id = 1 ORDER BY i.seq")}
    wanted = {row.key: row for row in rows}
    gone = [k for k, r in stored.items() if r["archived_at"] is None and k not in wanted]
    new = [row for row in rows if row.key not in stored or stored[row.key]["archived_at"] is not None]
    renamed: set[str] = set()
    for old_key, row in _match_renames(stored, gone, new):
        db.execute("UPDATE item SET key = ? WHERE id = ?", (row.key, stored[old_key]["id"]))
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
                (row.key, *values, now))
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
        current = (old["kind"], old["parent_id"], old["step_id"], old["position"], old["seq"], old["title"],
                   old["url"], old["body"], old["extra"])
        if current != values or restored:
            db.execute(
                """UPDATE item SET kind = ?, parent_id = ?, step_id = ?, position = ?, seq = ?, title = ?,
                       url = ?, body = ?, extra = ?, archived_at = NULL WHERE id = ?""",
                (*values, old["id"]))
    return report


def _match_renames(stored: dict, gone: list[str], new: list) -> list[tuple[str, object]]:
    """Pair items that left with items that arrived in the same place, so an
    edited title (and so an edited derived id) keeps its progress.

    Rows come in outline order, parents first, so once a step is paired its
    children are looked for under the step's new key."""
    pairs = []
    parent_of = {k: r["parent_key"] for k, r in stored.items()}
    olds_left = list(gone)
    fresh = [row for row in new if row.key not in stored]  # an archived id coming back is a restore
    for row in fresh:
        olds = [k for k in olds_left if stored[k]["kind"] == row.kind and parent_of[k] == row.parent]
        if not olds:
            continue
        news = [r for r in fresh if r.kind == row.kind and r.parent == row.parent
                and not any(r is p for _, p in pairs)]
        match = (next((k for k in olds if stored[k]["url"] and stored[k]["url"] == row.url), None)
                 or next((k for k in olds if stored[k]["title"] == row.title), None))
        if match is None and len(olds) == 1 and len(news) == 1 and stored[olds[0]]["position"] == row.position:
            match = olds[0]
        if match is None:
            continue
        pairs.append((match, row))
        olds_left.remove(match)
        for key, parent in parent_of.items():
            if parent == match:
                parent_of[key] = row.key
    return pairs


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

