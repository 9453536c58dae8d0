"""The Markdown export: the roadmap and its progress as a GitHub README. Nothing here prints.

The same data always gives the same bytes. The layout is one ``roadmap import`` reads back:
steps are ``## Step N:`` headings with **Resources** / **Mini Projects** / **Reflection
Questions** labels; a skipped item is struck out and marked "(skipped)", one under way is
marked "(in progress)"; the quote under an item holds its state and day, the links attached
to it, then its note (or a question's answer); deliverables say their count and how they
count. The marks are ``exchange.markdown.marks``, which the importer reads.
"""

from __future__ import annotations

from ..exchange.markdown.marks import IN_PROGRESS, SKIPPED, STATE_WORDS, rule_phrase
from ..exchange.readme import DiaryWeek, Node, Readme
from ..store.answers import Answer
from ..store.diary import StoredQuestion
from ..store.links import Link
from .markdown import block_quote, link_list, markdown_link
from .markdown import markdown_escape as esc

KIND_LABELS = {"resource": "Resources", "project": "Mini Projects", "question": "Reflection Questions"}


def to_markdown(r: Readme, *, stamp: str | None = None) -> str:
    """Progress checklist, each step's items, deliverables, diary digest."""
    s = r.status
    out = [f"# {esc(s.title)}", ""]
    summary = f"**Progress:** {s.percent:.0f}% done ({s.done} of {s.total} items"
    summary += f", {s.skipped} skipped)." if s.skipped else ")."
    if r.started:
        summary += f" Started {r.started}."
    out.append(summary)
    if stamp:
        out += ["", f"Exported {esc(stamp)}."]
    if r.whole:
        out += ["", "## Progress Tracking", ""]
        out += [
            f"- [{'x' if x.state == 'done' else ' '}] Step {x.number}: {esc(x.title)}{_step_note(x)}" for x in s.steps
        ]
    for x in r.steps:
        out += ["", "---", "", f"## Step {x.number}: {esc(x.title)}"]
        body = r.plan.get(x.id, {})
        objective = body.get("objective")
        if objective:
            out += ["", f"**Objective:** {esc(objective)}"]
        for kind, label in KIND_LABELS.items():
            nodes = body.get(kind)
            if nodes:
                out += ["", f"**{label}**", ""]
                out += [line for node in nodes for line in _item_lines(node, r.links, r.answers)]
    if r.whole and (s.deliverables or r.links.get(None)):
        out += ["", "---", "", "## Final Deliverables", ""]
        for d in s.deliverables:
            reached = d.count >= d.target
            most = f" (up to {d.max})" if d.max else ""
            item = r.deliverables.get(d.id)
            counts = rule_phrase(d.rule, item.settings.get("link_kind") if item else None)
            out.append(f"- [{'x' if reached else ' '}] {esc(d.title)}: {d.count}/{d.target}{most} — {counts}")
            if d.rule == "checked" and item and item.state in STATE_WORDS and item.day:
                out.append(f"  > {STATE_WORDS[item.state]} {item.day}")
        if r.links.get(None):
            out += ([""] if s.deliverables else []) + ["Linked to the roadmap: " + link_list(r.links[None])]
    weeks = [lines for week in r.diary if (lines := _week(week))]
    if weeks:
        out += ["", "---", "", "## Notes and Reflections"]
        for lines in weeks:
            out += ["", *lines]
    return "\n".join(out) + "\n"


def _step_note(x) -> str:
    # A trailing "(…)" is ignored when `roadmap import` matches this checklist to the steps.
    if x.state == "skipped":
        return " (skipped)"
    if x.state == "in_progress" and x.total:
        return f" ({x.done} of {x.counted} done{f', {x.skipped} skipped' if x.skipped else ''})"
    return ""


def _item_lines(
    node: Node, links: dict[int | None, list[Link]], answers: dict[int, Answer], indent: str = ""
) -> list[str]:
    title = markdown_link(node.title, node.url) if node.url else esc(node.title)
    quote: list[list[str]] = []  # paragraphs of the quote under the item
    if node.kind == "question":
        lines = [f"{indent}- {title}"]
        answer = answers.get(node.id)
        if answer:
            quote.append(block_quote(answer.text, lead=f"{answer.day}: ", indent=indent + "  "))
    else:
        box = "x" if node.state == "done" else " "
        if node.state == "skipped":
            title = f"~~{title}~~ {SKIPPED}"
        elif node.state == "in_progress":
            title = f"{title} {IN_PROGRESS}"
        lines = [f"{indent}- [{box}] {title}"]
        meta = []
        if node.state in STATE_WORDS and node.day:
            meta.append(f"{STATE_WORDS[node.state]} {node.day}")
        if links.get(node.id):
            meta.append(link_list(links[node.id]))
        if meta:
            quote.append([f"{indent}  > {' · '.join(meta)}"])
    if node.note:
        quote.append(block_quote(node.note, indent=indent + "  "))
    for n, paragraph in enumerate(quote):
        lines += [f"{indent}  >"] * bool(n) + paragraph
    for child in node.children:
        lines += _item_lines(child, links, answers, indent + "  ")
    return lines


def _week(week: DiaryWeek) -> list[str]:
    """One week's digest: concepts, experiments with results, questions and answers; [] when it has none."""
    e = week.entry
    concepts = [esc(c) for c in e.concepts if str(c).strip()]
    experiments = [_experiment(x) for x in e.experiments]
    asked = [_question(q, week.answered_by) for q in week.questions]
    if not (concepts or experiments or asked):
        return []  # nothing to digest: the free text stays in the week's note
    lines = [f"### Week {e.week} ({e.start} to {e.end})"]
    if e.step:
        lines += ["", f"Step: {esc(e.step)}"]
    for label, bullets in (("Key concepts", concepts), ("Experiments", experiments)):
        if bullets:
            lines += ["", f"**{label}**", ""] + [f"- {b}" for b in bullets]
    if asked:
        lines += ["", "**Open questions**", "", *asked]
    return lines


def _experiment(x: dict) -> str:
    text = x.get("text") or ""
    if x.get("result"):
        text += f" → {x['result']}"
    if x.get("metric") or x.get("value"):
        text += f" ({x.get('metric') or ''}: {x.get('value') or ''})"
    return esc(text.strip())


def _question(q: StoredQuestion, answered_by: dict[int, str]) -> str:
    done = bool(q.answer or q.answered_on or q.answer_url or q.answer_item_id)
    line = f"- [{'x' if done else ' '}] {esc(q.text)}"
    if not done:
        return line
    parts = []
    if q.answer:
        parts.append(esc(q.answer))
    if q.answer_item_id in answered_by:
        parts.append(f"see {esc(answered_by[q.answer_item_id])}")
    if q.answer_url:
        parts.append(markdown_link("link", q.answer_url))
    when = f"answered {q.answered_on}" if q.answered_on else "answered"
    return line + f" ({when}{': ' + ' · '.join(parts) if parts else ''})"
