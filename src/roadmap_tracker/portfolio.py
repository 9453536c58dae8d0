"""The portfolio: finished mini projects with their links and the reflections of their steps.

``collect`` reads it from the store; ``to_markdown`` turns it into a page for
a GitHub profile README. Exporters return strings; writing them is the CLI's job.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field

from .refs import ref_for


@dataclass
class Answer:
    ref: str  # the question's reference, e.g. 1.q2
    question: str
    day: str
    text: str


@dataclass
class Project:
    ref: str
    title: str
    done: str  # the day it was checked off
    links: list = field(default_factory=list)  # links.Link


@dataclass
class StepWork:
    number: int
    title: str
    projects: list[Project]
    answers: list[Answer]  # the latest answer to each of the step's questions


@dataclass
class Portfolio:
    title: str  # the roadmap's
    steps: list[StepWork]

    @property
    def projects(self) -> list[Project]:
        return [p for s in self.steps for p in s.projects]

    def to_dict(self) -> dict:
        return {"title": self.title, "steps": [
            {**asdict(s), "projects": [{**asdict(p), "links": [link.to_dict() for link in p.links]}
                                       for p in s.projects]} for s in self.steps]}


def collect(db: sqlite3.Connection) -> Portfolio:
    from .links import links_by_item

    rows = db.execute(
        """SELECT i.*, i.state_day AS done_day, s.position AS step_number, s.title AS step_title
           FROM item i JOIN item s ON s.id = i.step_id
           WHERE i.roadmap_id = 1 AND i.kind = 'project' AND i.archived_at IS NULL AND i.state = 'done'
           ORDER BY i.seq""").fetchall()
    links = links_by_item(db, [r["id"] for r in rows])
    steps: dict[int, StepWork] = {}
    for r in rows:
        step = steps.get(r["step_id"])
        if step is None:
            step = steps[r["step_id"]] = StepWork(r["step_number"], r["step_title"], [], _answers(db, r["step_id"]))
        step.projects.append(Project(ref_for(db, r), r["title"], r["done_day"], links.get(r["id"], [])))
    title = db.execute("SELECT title FROM roadmap WHERE id = 1").fetchone()["title"]
    return Portfolio(title, list(steps.values()))


def _answers(db: sqlite3.Connection, step_id: int) -> list[Answer]:
    from .questions import latest_answers

    rows = latest_answers(db, step_id)
    return [Answer(ref_for(db, r), r["title"], r["answer_day"], r["answer_text"]) for r in rows]


def to_markdown(portfolio: Portfolio) -> str:
    """A portfolio section to paste into a README: a table of projects, then reflections."""
    from .mdtext import markdown_escape as esc, markdown_link

    lines = ["## Portfolio", ""]
    if not portfolio.projects:
        return "\n".join(lines + ["No finished mini projects yet.", ""])
    lines += [f"Mini projects from the roadmap “{esc(portfolio.title)}”.", "",
              "| Project | Step | Finished | Links |", "| --- | --- | --- | --- |"]
    for step in portfolio.steps:
        for p in step.projects:
            cells = [_link_md(link, esc, markdown_link) for link in p.links]
            lines.append(f"| {esc(p.title)} | {step.number}. {esc(step.title)} | {p.done} | "
                         f"{' · '.join(cells) or '–'} |")
    answered = [s for s in portfolio.steps if s.answers]
    if answered:
        lines += ["", "### Reflections"]
    for step in answered:
        lines += ["", f"#### {step.number}. {esc(step.title)}"]
        for a in step.answers:
            lines += ["", f"**{esc(a.question)}** ({a.day})", ""]
            lines += _quote(a.text, esc)
    return "\n".join(lines) + "\n"


def _link_md(link, esc, markdown_link) -> str:
    if link.is_path:
        # A workspace path means nothing on GitHub, so it is named, not linked.
        return f"{esc(link.title or link.kind)}: {esc(link.target)}"
    return markdown_link(link.title or link.kind, link.target)


def _quote(text: str, esc) -> list[str]:
    """An answer as a block quote, keeping its line breaks and paragraphs."""
    paragraphs = [p.splitlines() for p in text.strip().replace("\r\n", "\n").split("\n\n") if p.strip()]
    out: list[str] = []
    for lines in paragraphs:
        if out:
            out.append(">")
        lines = [esc(line) for line in lines if line.strip()]
        # A trailing backslash is CommonMark's hard line break.
        out += [f"> {line}\\" for line in lines[:-1]] + [f"> {lines[-1]}"]
    return out
