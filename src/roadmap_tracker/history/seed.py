"""Writing out what a store holds that no history file has: once, after upgrading to the version
that keeps history files, and after a restore. Every row gets the record that would have made it,
with the time it was recorded, so replaying the file gives the same store back.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime, timedelta

from ..store import records as store
from ..store.connection import transaction
from ..store.items import ids_by_key
from ..store.records import new_uid as uid

# A time as ``store.format_at`` writes it, UTC to the microsecond: what a store made since history
# files keeps, and what formatting it again gives back (a few microseconds each, 100,000 times).
_RECORD_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}\+00:00")


def _at(text: str | None, after: str) -> str:
    """A record's time from a stored one, kept strictly after ``after`` so the order holds."""
    at = ""
    if text:
        try:
            # A day (YYYY-MM-DD) is that day's start in UTC; anything longer is a time.
            when = datetime.fromisoformat(text if len(text) > 10 else f"{text}T00:00:00+00:00")
            if when.tzinfo is None:
                when = when.replace(tzinfo=datetime.now().astimezone().tzinfo)
            at = text if _RECORD_TIME.fullmatch(text) else store.format_at(when)
        except (ValueError, OverflowError):
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
    out: list[dict] = []
    keys = {item_id: key for key, item_id in ids_by_key(db).items()}

    last = ""
    events: dict[int, str] = {}  # event id -> record id
    latest: dict[int, str] = {}  # item id -> its latest event's record id, so far
    changed: list[tuple[str, str, str | None, int]] = []  # the events whose record differs from the row
    held = store.held(db)
    for e in store.events_in_order(db):
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
        if (u, at, after) != (e["uid"], e["recorded_at"], e["after_uid"]):
            changed.append((u, at, after, e["id"]))
    store.set_event_records(db, changed)

    last = ""
    for link in store.unrecorded(db, "link"):
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
        store.set_link_record(db, link["id"], u, added, checked)

    last = ""
    for a in store.unrecorded(db, "answer"):
        last = at = _at(a["recorded_at"], last)
        u = a["uid"] or uid()
        out.append({"at": at, "id": u, "op": "answer", "item": keys[a["item_id"]], "day": a["day"], "text": a["text"]})
        store.set_answer_record(db, a["id"], u, at)

    last = ""
    for q in store.unrecorded_questions(db):
        last = at = _at(q["asked_on"], last)
        u = q["uid"] or uid()
        base = {"week": q["week"], "q": q["id"]}
        aside = None
        out.append({"at": at, "id": u, "op": "ask", **base, "text": q["text"], "day": q["asked_on"]})
        if q["removed_at"]:
            last = aside = _at(q["removed_at"], last)
            out.append({"at": aside, "id": uid(), "op": "set-aside", **base, "text": q["text"]})
        if q["answer"] is not None:
            last = _at(q["answered_on"], last)
            reply = {"at": last, "id": uid(), "op": "reply", **base, "question": q["text"]}
            reply.update(answer=q["answer"], day=q["answered_on"])
            if q["answer_item_id"] is not None:
                reply["item"] = keys[q["answer_item_id"]]
            if q["answer_url"]:
                reply["url"] = q["answer_url"]
            out.append(reply)
        store.set_question_record(db, q["id"], u, aside)

    out.sort(key=lambda r: (r["at"], r["id"]))
    db.pending.extend(out)  # appended to this device's file as the transaction commits
    store.task_done(db, store.WRITE_HISTORY)
    return len(out)
