"""Writing out what a store holds that no history file has: once, after upgrading to the version
that keeps history files, and after a restore. Every row gets the record that would have made it,
with the time it was recorded, so replaying the file gives the same store back.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from ..store import records as store
from ..store.connection import transaction

TASK = "write history"
# A row no record in the store holds: made before history files, or restored from a backup.
_UNRECORDED = "(uid IS NULL OR uid NOT IN (SELECT uid FROM record))"


def _at(text: str | None, after: str) -> str:
    """A record's time from a stored one, kept strictly after ``after`` so the order holds."""
    at = ""
    if text:
        try:
            when = datetime.fromisoformat(text if "T" in text else f"{text}T00:00:00+00:00")
            if when.tzinfo is None:
                when = when.replace(tzinfo=datetime.now().astimezone().tzinfo)
            at = store.format_at(when)
        except ValueError:
            at = ""
    if not at or at <= after:
        base = datetime.fromisoformat(after) if after else datetime.fromisoformat("2000-01-01T00:00:00+00:00")
        at = store.format_at(base + timedelta(microseconds=1))
    return at


def write_out(db: sqlite3.Connection) -> int:
    """Record every row no record holds yet, in one transaction; how many records were written.
    The connection must have a writer (``history.files.attach``)."""
    with transaction(db):
        return records_for_rows(db)


def records_for_rows(db: sqlite3.Connection) -> int:
    """The work of ``write_out``, in the caller's transaction."""
    import os

    def uid() -> str:
        return os.urandom(16).hex()

    out: list[dict] = []
    keys = dict(db.execute("SELECT id, key FROM item").fetchall())

    last = ""
    events: dict[int, str] = {}  # event id -> record id
    latest: dict[int, str] = {}  # item id -> its latest event's record id, so far
    held = {r[0] for r in db.execute("SELECT uid FROM record")}
    for e in db.execute("SELECT * FROM event ORDER BY id").fetchall():
        if e["uid"] is not None and e["uid"] in held:
            events[e["id"]] = latest[e["item_id"]] = e["uid"]
            continue
        last = at = _at(e["recorded_at"], last)
        events[e["id"]] = u = e["uid"] or uid()
        after = e["after_uid"] or latest.get(e["item_id"])
        latest[e["item_id"]] = u
        rec = {"at": at, "id": u, "op": "state", "item": keys[e["item_id"]], "state": e["state"], "day": e["day"]}
        if e["note"]:
            rec["note"] = e["note"]
        if e["auto"]:
            rec["auto"] = True
        if e["undoes"] is not None and events.get(e["undoes"]):
            rec["undoes"] = events[e["undoes"]]
        if after:
            rec["after"] = after
        out.append(rec)
        db.execute("UPDATE event SET uid = ?, recorded_at = ?, after_uid = ? WHERE id = ?", (u, at, after, e["id"]))

    last = ""
    for link in db.execute(f"SELECT * FROM link WHERE {_UNRECORDED} ORDER BY id").fetchall():
        last = at = _at(link["added_at"], last)
        added = _at(link["added_at"], "")  # what the clock said, which views show
        u = link["uid"] or uid()
        rec = {"at": at, "id": u, "op": "link", **({"clock": added} if added != at else {})}
        if link["item_id"] is not None:
            rec["item"] = keys[link["item_id"]]
        rec.update(target=link["target"], path=bool(link["is_path"]), kind=link["kind"])
        rec.update((k, link[k]) for k in ("title", "note") if link[k])
        if not rec["path"]:
            del rec["path"]
        out.append(rec)
        checked = None
        if link["checked_at"]:
            checked = _at(link["checked_at"], "")
            check_at = _at(link["checked_at"], at)
            check = {"at": check_at, "id": uid(), "op": "link-check", "link": u}
            if checked != check_at:
                check["clock"] = checked
            for field, column in (
                ("status", "check_status"),
                ("final_url", "check_final_url"),
                ("redirects", "check_redirects"),
                ("elapsed", "check_elapsed"),
                ("error", "check_error"),
            ):
                if link[column] is not None:
                    check[field] = link[column]
            out.append(check)
            last = check_at
        db.execute(
            "UPDATE link SET uid = ?, added_at = ?, checked_at = COALESCE(?, checked_at) WHERE id = ?",
            (u, added, checked, link["id"]),
        )

    last = ""
    for a in db.execute(f"SELECT * FROM answer WHERE {_UNRECORDED} ORDER BY id").fetchall():
        last = at = _at(a["recorded_at"], last)
        u = a["uid"] or uid()
        out.append({"at": at, "id": u, "op": "answer", "item": keys[a["item_id"]], "day": a["day"], "text": a["text"]})
        db.execute("UPDATE answer SET uid = ?, recorded_at = ? WHERE id = ?", (u, at, a["id"]))

    last = ""
    rows = db.execute(
        "SELECT q.*, e.week FROM question q JOIN entry e ON e.id = q.entry_id "
        f"WHERE {_UNRECORDED.replace('uid', 'q.uid')} ORDER BY q.id"
    ).fetchall()
    for q in rows:
        last = at = _at(q["asked_on"], last)
        u = q["uid"] or uid()
        base = {"week": q["week"], "q": q["id"]}
        out.append({"at": at, "id": u, "op": "ask", **base, "text": q["text"], "day": q["asked_on"]})
        if q["removed_at"]:
            last = aside = _at(q["removed_at"], last)
            out.append({"at": aside, "id": uid(), "op": "set-aside", **base, "text": q["text"]})
            db.execute("UPDATE question SET removed_at = ? WHERE id = ?", (aside, q["id"]))
        if q["answer"] is not None:
            last = _at(q["answered_on"], last)
            reply = {"at": last, "id": uid(), "op": "reply", **base, "question": q["text"]}
            reply.update(answer=q["answer"], day=q["answered_on"])
            if q["answer_item_id"] is not None:
                reply["item"] = keys[q["answer_item_id"]]
            if q["answer_url"]:
                reply["url"] = q["answer_url"]
            out.append(reply)
        db.execute("UPDATE question SET uid = ? WHERE id = ?", (u, q["id"]))

    out.sort(key=lambda r: (r["at"], r["id"]))
    db.pending.extend(out)  # appended to this device's file as the transaction commits
    store.task_done(db, TASK)
    return len(out)
