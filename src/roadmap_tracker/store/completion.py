"""What shell completion asks the store that no command does. Completion reads the store as it
is on disk (``health.open_as_is``): these questions are asked of a file that is never synced,
migrated or written, and an older or damaged one refuses them with an ``sqlite3.DatabaseError``."""

from __future__ import annotations

import sqlite3

from .items import ROADMAP_ID

# An id cut after the first "/" past its first :n characters (the prefix typed).
_HEAD = (
    "CASE WHEN instr(substr(key, :n + 1), '/') = 0 THEN key"
    " ELSE substr(key, 1, :n + instr(substr(key, :n + 1), '/')) END"
)
# Live ids that sort before :end (the prefix and the last character there is): with a lower bound,
# a range of the (roadmap_id, key) index. LIKE would be blind to case and read every row.
_UNDER = "roadmap_id = :plan AND key < :end AND archived_at IS NULL"


def keys_from(db: sqlite3.Connection, prefix: str) -> list[tuple[str, str | None]]:
    """The ids in roadmap.yaml of live items that start with ``prefix``, each cut after the first
    "/" past it, as a shell completes a path a folder at a time: `s` offers `s3` (with its title)
    and `s3/`, which stands for the items whose ids begin with it."""
    # Each head is found by one seek in the index, past the ids of the one before: `s` reads 400
    # index entries of a 10,000-item plan, not all of its ids.
    rows = db.execute(
        f"""WITH RECURSIVE heads(head) AS (
                SELECT (SELECT {_HEAD} FROM item WHERE {_UNDER} AND key >= :prefix ORDER BY key LIMIT 1)
                UNION ALL
                SELECT (SELECT {_HEAD} FROM item WHERE {_UNDER}
                          AND key > CASE WHEN substr(head, -1) = '/' THEN head || char(1114111) ELSE head END
                        ORDER BY key LIMIT 1)
                FROM heads WHERE head IS NOT NULL)
            SELECT head, (SELECT title FROM item WHERE roadmap_id = :plan AND key = head)
            FROM heads WHERE head IS NOT NULL""",
        {"n": len(prefix), "plan": ROADMAP_ID, "prefix": prefix, "end": prefix + "\U0010ffff"},
    )
    return [(head, title) for head, title in rows]


def links_on(db: sqlite3.Connection, item_id: int | None) -> list[tuple[int, str, str | None]]:
    """(number, target, title) of the links attached to that item itself (None: to the roadmap)."""
    rows = db.execute("SELECT id, target, title FROM link WHERE item_id IS ? ORDER BY id", (item_id,))
    return [(number, target, title) for number, target, title in rows]
