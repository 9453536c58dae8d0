"""Open questions from the diary, and answers to the roadmap's reflection questions."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import date

from .db import transaction
from .errors import UnknownItem, UsageError
from .refs import Item
from .timestamps import utc_now


@dataclass
class Question:
    id: str  # q12
    text: str
    week: int
    asked_on: str
    answer: str | None
    answered_on: str | None
    answered_by: str | None  # the item that answered it, as a reference
    link: str | None


def _short(row_id: int) -> str:
    return f"q{row_id}"


def _row_id(text: str) -> int:
    m = re.fullmatch(r"[qQ]?(\d+)", text.strip())
    if not m:
        raise UsageError(f"{text!r} is not a question id", hint="use the id `roadmap questions` shows, such as q3")
    return int(m[1])


def listing(db: sqlite3.Connection, *, answered: bool = False, before_week: int | None = None,
            only: int | None = None) -> list[Question]:
    """Open questions, oldest first (with ``answered``, all of them; with ``only``, that one)."""
    from .refs import ref_for

    where = ["q.removed_at IS NULL"]
    params: list = []
    if only is not None:
        where.append("q.id = ?")
        params.append(only)
    if not answered:
        where.append("q.answered_on IS NULL")
    if before_week is not None:
        where.append("e.week < ?")
        params.append(before_week)
    rows = db.execute(
        f"""SELECT q.*, e.week FROM question q JOIN entry e ON e.id = q.entry_id
            WHERE {' AND '.join(where)} ORDER BY q.asked_on, q.id""", params).fetchall()
    out = []
    for r in rows:
        by = None
        if r["answer_item_id"] is not None:
            item = db.execute("SELECT * FROM item WHERE id = ?", (r["answer_item_id"],)).fetchone()
            by = ref_for(db, item)
        out.append(Question(_short(r["id"]), r["text"], r["week"], r["asked_on"], r["answer"], r["answered_on"],
                            by, r["answer_url"]))
    return out


def find(db: sqlite3.Connection, qid: str) -> Question:
    """One question, answered or not, by the id `roadmap questions` shows."""
    row_id = _row_id(qid)
    found = listing(db, answered=True, only=row_id)
    if not found:
        raise UnknownItem(f"no question {_short(row_id)}", hint="`roadmap questions --all` lists them")
    return found[0]


def answer(db: sqlite3.Connection, qid: str, text: str, day: date, item: Item | None = None,
           url: str | None = None) -> tuple[Question, bool]:
    """Record the answer; returns the question and whether an earlier answer was replaced."""
    if not text.strip():
        raise UsageError("the answer is empty; nothing was saved")
    if url is not None:
        from .urls import BadURL, normalize_url

        try:
            url = normalize_url(url)
        except BadURL as exc:
            raise UsageError(f"--link: {exc}") from exc
    row_id = _row_id(qid)
    with transaction(db):
        row = db.execute("SELECT * FROM question WHERE id = ? AND removed_at IS NULL", (row_id,)).fetchone()
        if row is None:
            raise UnknownItem(f"no question {_short(row_id)}", hint="`roadmap questions --all` lists them")
        db.execute("UPDATE question SET answer = ?, answered_on = ?, answer_item_id = ?, answer_url = ? WHERE id = ?",
                   (text.strip(), day.isoformat(), item.id if item else None, url, row_id))
    return find(db, qid), row["answer"] is not None


def age(asked_on: str, today: date | None = None) -> str:
    days = ((today or date.today()) - date.fromisoformat(asked_on)).days
    if days < 1:
        return "today"
    if days < 14:
        return f"{days}d"
    if days < 60:
        return f"{days // 7}w"
    return f"{days // 30}mo"


# --- reflection questions ----------------------------------------------------

def latest_answers(db: sqlite3.Connection, step_id: int) -> list[sqlite3.Row]:
    """The step's answered reflection questions, each with the answer recorded last."""
    return db.execute(
        """SELECT q.*, a.day AS answer_day, a.text AS answer_text FROM item q
           JOIN answer a ON a.id = (SELECT MAX(id) FROM answer WHERE item_id = q.id)
           WHERE q.step_id = ? AND q.kind = 'question' AND q.archived_at IS NULL ORDER BY q.seq""",
        (step_id,)).fetchall()


def reflection_questions(db: sqlite3.Connection, step: Item) -> list[tuple[Item, dict | None]]:
    """The step's reflection questions with each one's latest answer."""
    from .refs import load

    rows = db.execute("SELECT id FROM item WHERE step_id = ? AND kind = 'question' AND archived_at IS NULL ORDER BY seq",
                      (step.id,)).fetchall()
    latest = {r["id"]: {"day": r["answer_day"], "text": r["answer_text"]} for r in latest_answers(db, step.id)}
    return [(load(db, r["id"]), latest.get(r["id"])) for r in rows]


def current_step_questions(db: sqlite3.Connection) -> list[str]:
    """The reflection questions of the current step, as prompts for the week's entry."""
    from .queries import status

    current = status(db, next_count=0).current
    if current is None:
        return []
    rows = db.execute(
        """SELECT q.title FROM item q JOIN item s ON s.id = q.step_id WHERE q.kind = 'question'
           AND q.archived_at IS NULL AND s.kind = 'step' AND s.position = ? AND s.archived_at IS NULL ORDER BY q.seq""",
        (current,)).fetchall()
    return [r[0] for r in rows]


def record_answers(db: sqlite3.Connection, answers: list[tuple[Item, str]], day: date) -> list[Item]:
    """Add a revision for every answer that differs from the latest; the history is kept."""
    changed = []
    recorded_at = utc_now()
    with transaction(db):
        for item, text in answers:
            if item.kind != "question":
                raise UsageError(f"{item.ref} is a {item.kind}, not a reflection question")
            text = text.strip()
            latest = db.execute("SELECT text FROM answer WHERE item_id = ? ORDER BY id DESC LIMIT 1", (item.id,)).fetchone()
            if not text or (latest and latest["text"] == text):
                continue
            db.execute("INSERT INTO answer (item_id, day, text, recorded_at) VALUES (?, ?, ?, ?)",
                       (item.id, day.isoformat(), text, recorded_at))
            changed.append(item)
    return changed


_SECTION = re.compile(r"^## (\S+) ", re.MULTILINE)


def reflection_template(step: Item, questions: list[tuple[Item, dict | None]]) -> str:
    lines = [f"<!-- roadmap: answer the reflection questions of step {step.ref}, {step.title}.",
             "Write under each question; leave one empty to skip it. This comment is ignored. -->", ""]
    for item, latest in questions:
        lines += [f"## {item.ref} {item.title}", "", (latest["text"] if latest else ""), ""]
    return "\n".join(lines)


def parse_reflection(text: str) -> dict[str, str]:
    """Answers by question reference, from the edited template."""
    text = re.sub(r"<!-- roadmap:.*?-->", "", text, flags=re.DOTALL)
    parts = _SECTION.split(text)
    return {ref: body.split("\n", 1)[1].strip() if "\n" in body else "" for ref, body in zip(parts[1::2], parts[2::2])}
