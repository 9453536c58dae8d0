"""Open questions from the diary: tracked from the week they were asked until they are answered."""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from typing import NamedTuple

from ..errors import UnknownItem, UsageError
from ..store import diary as store
from ..store.connection import transaction
from ..store.diary import StoredQuestion
from ..store.items import TrackedItem


class Question(NamedTuple):
    id: str  # q12
    text: str
    week: int
    asked_on: str
    answer: str | None
    answered_on: str | None
    answered_by: str | None  # the item that answered it, as a reference
    link: str | None
    set_aside: str | None = None  # when its line was taken out of its note; it is kept all the same


def _short(row_id: int) -> str:
    return f"q{row_id}"


def _row_id(text: str) -> int:
    m = re.fullmatch(r"[qQ]?(\d+)", text.strip())
    if not m:
        raise UsageError(f"{text!r} is not a question id", hint="use the id `roadmap questions` shows, such as q3")
    return int(m[1])


def _question(q: StoredQuestion) -> Question:
    return Question(
        _short(q.id), q.text, q.week, q.asked_on, q.answer, q.answered_on, q.answered_by, q.answer_url, q.removed_at
    )


def listing(db: sqlite3.Connection, *, answered: bool = False, before_week: int | None = None) -> list[Question]:
    """Open questions, oldest first; with ``answered``, all of them, those set aside included."""
    return [_question(q) for q in store.questions(db, answered=answered, before_week=before_week, set_aside=answered)]


def find(db: sqlite3.Connection, qid: str) -> Question:
    """One question, answered or not, by the id `roadmap questions` shows."""
    row_id = _row_id(qid)
    found = store.questions(db, only=row_id)
    if not found:
        raise UnknownItem(f"no question {_short(row_id)}", hint="`roadmap questions --all` lists them")
    return _question(found[0])


def answer(
    db: sqlite3.Connection, qid: str, text: str, day: date, item: TrackedItem | None = None, url: str | None = None
) -> tuple[Question, bool]:
    """Record the answer; returns the question and whether an earlier answer was replaced."""
    if not text.strip():
        raise UsageError("the answer is empty; nothing was saved")
    if url is not None:
        from ..errors import BadURL
        from ..urls import normalize_url

        try:
            url = normalize_url(url)
        except BadURL as exc:
            raise BadURL(f"--link: {exc}") from None
    row_id = _row_id(qid)
    with transaction(db):
        found = store.questions(db, only=row_id)
        if not found:
            raise UnknownItem(f"no question {_short(row_id)}", hint="`roadmap questions --all` lists them")
        store.set_answer(db, row_id, text.strip(), day, item.id if item else None, url)
    return find(db, qid), found[0].answer is not None


def age(asked_on: str, today: date | None = None) -> str:
    """How long a question has been open, in a few characters: today, 3d, 2w, 4mo."""
    from ..clock import today as clock_today

    days = ((today or clock_today()) - date.fromisoformat(asked_on)).days
    if days < 1:
        return "today"
    if days < 14:
        return f"{days}d"
    if days < 60:
        return f"{days // 7}w"
    return f"{days // 30}mo"


_PROMPT = re.compile(r"<!-- roadmap:.*?-->\n?", re.DOTALL)


def answer_template(q: Question) -> str:
    """The text the editor opens to answer a question: the question in a comment, then any answer so far."""
    return f"<!-- roadmap: answer {q.id}: {q.text} -->\n" + (q.answer or "") + "\n"


def from_answer_template(text: str) -> str:
    return _PROMPT.sub("", text)
