"""Exporters: the roadmap and its progress as a GitHub README, and as a complete JSON backup.

Pure functions over the store that return a string; writing it (atomically) is the CLI's job.
The same data always gives the same bytes: rows come in a fixed order and no clock is read
unless a stamp is passed in, so an export can be committed and diffed.

The Markdown is laid out so that ``roadmap import`` reads it back: steps are ``## Step N:``
headings with **Resources** / **Mini Projects** / **Reflection Questions** labels, and what
is not part of an item's title (dates, attached links, answers) sits in a quote under it,
where the importer does not look.
"""

from __future__ import annotations

import json
import sqlite3

from .mdtext import markdown_escape as esc, markdown_link

FORMAT = "roadmap-tracker-backup"
VERSION = 1
# Parents before children, so rows can be inserted in this order on restore.
TABLES = ("roadmap", "item", "event", "link", "entry", "question", "answer", "notefile")
KEYS = {"notefile": "path"}  # the primary key each table is ordered by; "id" for the rest
BOOLEANS = {"event": ("auto",), "link": ("is_path",), "notefile": ("written",)}

KIND_LABELS = {"resource": "Resources", "project": "Mini Projects", "question": "Reflection Questions"}
STATE_WORDS = {"done": "done", "in_progress": "started", "skipped": "skipped"}


# --- JSON ------------------------------------------------------------------------

def table_rows(db: sqlite3.Connection, table: str) -> list[dict]:
    """Every row of ``table`` as a dict in column order; booleans as true/false."""
    cursor = db.execute(f"SELECT * FROM {table} ORDER BY {KEYS.get(table, 'id')}")
    columns = [c[0] for c in cursor.description]
    flags = [columns.index(name) for name in BOOLEANS.get(table, ())]
    rows = []
    for values in cursor:
        values = list(values)
        for i in flags:
            values[i] = bool(values[i])
        rows.append(dict(zip(columns, values)))
    return rows


def to_json(db: sqlite3.Connection, roadmap_yaml: str, notes: dict[str, str], *, stamp: str | None = None) -> str:
    """A versioned backup of everything: roadmap.yaml, every table row, the diary files.

    One row per line: the file stays readable and diffable, and json's C encoder does the work
    (with ``indent`` it falls back to pure Python, which is seconds on a large store).
    """
    schema = db.execute("PRAGMA user_version").fetchone()[0]
    head = {"format": FORMAT, "version": VERSION, "schema": schema}
    if stamp:
        head["exported_at"] = stamp
    head["roadmap_yaml"] = roadmap_yaml
    dump = json.dumps
    out = ["{"] + [f"  {dump(k)}: {dump(v, ensure_ascii=False)}," for k, v in head.items()]
    out.append('  "tables": {')
    for n, table in enumerate(TABLES):
        rows = table_rows(db, table)
        comma = "," if n < len(TABLES) - 1 else ""
        if not rows:
            out.append(f"    {dump(table)}: []{comma}")
            continue
        out.append(f"    {dump(table)}: [")
        out.append(",\n".join(f"      {dump(row, ensure_ascii=False)}" for row in rows))
        out.append(f"    ]{comma}")
    out.append("  },")
    files = [{"path": path, "text": notes[path]} for path in sorted(notes)]
    if files:
        out.append('  "notes": [')
        out.append(",\n".join(f"    {dump(f, ensure_ascii=False)}" for f in files))
        out.append("  ]")
    else:
        out.append('  "notes": []')
    out.append("}")
    return "\n".join(out) + "\n"


# --- Markdown --------------------------------------------------------------------

def to_markdown(db: sqlite3.Connection, *, step: int | None = None, diary: bool = True,
                stamp: str | None = None) -> str:
    """The roadmap as a README: progress checklist, each step's items, deliverables, diary digest.

    ``step`` (a step number) narrows it to that step and the diary weeks about it.
    """
    from .queries import status

    s = status(db, next_count=0)
    steps = [x for x in s.steps if step is None or x.number == step]
    items = _items(db)
    links = _links(db)
    answers = _answers(db)
    started = db.execute("SELECT started FROM roadmap WHERE id = 1").fetchone()[0]

    out = [f"# {esc(s.title)}", ""]
    summary = f"**Progress:** {s.percent:.0f}% done ({s.done} of {s.total} items"
    summary += f", {s.skipped} skipped)." if s.skipped else ")."
    if started:
        summary += f" Started {started}."
    out.append(summary)
    if stamp:
        out += ["", f"Exported {esc(stamp)}."]
    if step is None:
        out += ["", "## Progress Tracking", ""]
        out += [f"- [{'x' if x.state == 'done' else ' '}] Step {x.number}: {esc(x.title)}{_step_note(x)}"
                for x in s.steps]
    for x in steps:
        out += ["", "---", "", f"## Step {x.number}: {esc(x.title)}"]
        body = items.get(x.id, {})
        objective = body.get("objective")
        if objective:
            out += ["", f"**Objective:** {esc(objective)}"]
        for kind, label in KIND_LABELS.items():
            rows = body.get(kind)
            if rows:
                out += ["", f"**{label}**", ""]
                out += [line for row in rows for line in _item_lines(row, links, answers)]
    if step is None and (s.deliverables or links.get(None)):
        out += ["", "---", "", "## Final Deliverables", ""]
        for d in s.deliverables:
            reached = d.count >= d.target
            most = f" (up to {d.max})" if d.max else ""
            out.append(f"- [{'x' if reached else ' '}] {esc(d.title)}: {d.count}/{d.target}{most}")
        if links.get(None):
            out += ([""] if s.deliverables else []) + ["Linked to the roadmap: " + _link_list(links[None])]
    if diary:
        key = steps[0].id if step is not None and steps else None
        title = steps[0].title if key else None
        weeks = _diary(db, key, title)
        if weeks:
            out += ["", "---", "", "## Notes and Reflections"]
            for lines in weeks:
                out += [""] + lines
    return "\n".join(out) + "\n"


def _step_note(x) -> str:
    # A trailing "(…)" is ignored when `roadmap import` matches this checklist to the steps.
    if x.state == "skipped":
        return " (skipped)"
    if x.state == "in_progress" and x.total:
        return f" ({x.done} of {x.counted} done{f', {x.skipped} skipped' if x.skipped else ''})"
    return ""


def _items(db: sqlite3.Connection) -> dict[str, dict]:
    """Per step key: its objective and its items by kind, each a tree in roadmap order."""
    rows = db.execute(
        """SELECT i.id, i.kind, i.parent_id, i.title, i.url, i.body, i.state, i.state_day, s.key AS step_key
           FROM item i JOIN item s ON s.id = i.step_id
           WHERE i.roadmap_id = 1 AND i.archived_at IS NULL AND i.kind IN ('step', 'resource', 'project', 'question')
           ORDER BY i.seq""").fetchall()
    steps: dict[str, dict] = {}
    nodes: dict[int, dict] = {}
    for r in rows:
        if r["kind"] == "step":
            steps[r["step_key"]] = {"objective": r["body"]}
            nodes[r["id"]] = {"children": []}
            continue
        node = {"id": r["id"], "kind": r["kind"], "title": r["title"], "url": r["url"], "state": r["state"],
                "day": r["state_day"], "children": []}
        nodes[r["id"]] = node
        parent = nodes.get(r["parent_id"])
        if parent is not None and "kind" in parent:
            parent["children"].append(node)
        else:
            steps.setdefault(r["step_key"], {}).setdefault(r["kind"], []).append(node)
    return steps


def _links(db: sqlite3.Connection) -> dict[int | None, list[sqlite3.Row]]:
    out: dict[int | None, list] = {}
    for r in db.execute("SELECT item_id, target, is_path, kind, title FROM link ORDER BY id"):
        out.setdefault(r["item_id"], []).append(r)
    return out


def _answers(db: sqlite3.Connection) -> dict[int, sqlite3.Row]:
    """The latest answer to each reflection question (by day, then by when it was written)."""
    return {r["item_id"]: r for r in db.execute(
        """SELECT item_id, day, text FROM (SELECT item_id, day, text, ROW_NUMBER() OVER
               (PARTITION BY item_id ORDER BY day DESC, id DESC) AS n FROM answer) WHERE n = 1""")}


def _link_list(rows: list) -> str:
    parts = []
    for link in rows:
        name = link["title"] or link["kind"]
        # A workspace path means nothing on GitHub, so it is named, not linked.
        parts.append(esc(f"{name}: {link['target']}") if link["is_path"] else markdown_link(name, link["target"]))
    return " · ".join(parts)


def _item_lines(node: dict, links: dict, answers: dict, indent: str = "") -> list[str]:
    title = markdown_link(node["title"], node["url"]) if node["url"] else esc(node["title"])
    if node["kind"] == "question":
        lines = [f"{indent}- {title}"]
        answer = answers.get(node["id"])
        if answer:
            lines += _quote(f"{answer['day']}: ", answer["text"], indent + "  ")
    else:
        lines = [f"{indent}- [{'x' if node['state'] == 'done' else ' '}] {title}"]
        meta = []
        if node["state"] in STATE_WORDS and node["day"]:
            meta.append(f"{STATE_WORDS[node['state']]} {node['day']}")
        if links.get(node["id"]):
            meta.append(_link_list(links[node["id"]]))
        if meta:
            lines.append(f"{indent}  > {' · '.join(meta)}")
    for child in node["children"]:
        lines += _item_lines(child, links, answers, indent + "  ")
    return lines


def _quote(lead: str, text: str, indent: str) -> list[str]:
    """A block quote keeping the text's line breaks and paragraphs, ``lead`` before its first line."""
    paragraphs = [p.splitlines() for p in text.strip().replace("\r\n", "\n").split("\n\n") if p.strip()]
    out: list[str] = []
    for lines in paragraphs or [[""]]:
        if out:
            out.append(f"{indent}>")
        lines = [esc(line) for line in lines if line.strip()] or [""]
        if not out:
            lines[0] = lead + lines[0]
        # A trailing backslash is CommonMark's hard line break.
        out += [f"{indent}> {line}\\" for line in lines[:-1]] + [f"{indent}> {lines[-1]}".rstrip()]
    return out


def _diary(db: sqlite3.Connection, step_key: str | None, step_title: str | None) -> list[list[str]]:
    """One digest per week, newest first: concepts, experiments with results, questions and answers."""
    where, params = "", ()
    if step_key:
        where = "WHERE EXISTS (SELECT 1 FROM json_each(entry.steps) WHERE value = ?) OR step = ?"
        params = (step_key, step_title)
    entries = db.execute(f"SELECT * FROM entry {where} ORDER BY week DESC", params).fetchall()
    questions: dict[int, list] = {}
    for q in db.execute("SELECT * FROM question WHERE removed_at IS NULL ORDER BY id"):
        questions.setdefault(q["entry_id"], []).append(q)
    answered_by = {r["id"]: r["title"] for r in db.execute(
        "SELECT id, title FROM item WHERE id IN (SELECT answer_item_id FROM question)")}
    weeks = []
    for e in entries:
        concepts = [esc(c) for c in json.loads(e["concepts"]) if str(c).strip()]
        experiments = [_experiment(x) for x in json.loads(e["experiments"])]
        asked = [_question(q, answered_by) for q in questions.get(e["id"], [])]
        if not (concepts or experiments or asked):
            continue  # nothing to digest: the free text stays in the week's note
        lines = [f"### Week {e['week']} ({e['start_day']} to {e['end_day']})"]
        if e["step"]:
            lines += ["", f"Step: {esc(e['step'])}"]
        for label, bullets in (("Key concepts", concepts), ("Experiments", experiments)):
            if bullets:
                lines += ["", f"**{label}**", ""] + [f"- {b}" for b in bullets]
        if asked:
            lines += ["", "**Open questions**", ""] + asked
        weeks.append(lines)
    return weeks


def _experiment(x: dict) -> str:
    text = x.get("text") or ""
    if x.get("result"):
        text += f" → {x['result']}"
    if x.get("metric") or x.get("value"):
        text += f" ({x.get('metric') or ''}: {x.get('value') or ''})"
    return esc(text.strip())


def _question(q: sqlite3.Row, answered_by: dict[int, str]) -> str:
    done = bool(q["answer"] or q["answered_on"] or q["answer_url"] or q["answer_item_id"])
    line = f"- [{'x' if done else ' '}] {esc(q['text'])}"
    if not done:
        return line
    parts = []
    if q["answer"]:
        parts.append(esc(q["answer"]))
    if q["answer_item_id"] in answered_by:
        parts.append(f"see {esc(answered_by[q['answer_item_id']])}")
    if q["answer_url"]:
        parts.append(markdown_link("link", q["answer_url"]))
    when = f"answered {q['answered_on']}" if q["answered_on"] else "answered"
    return line + f" ({when}{': ' + ' · '.join(parts) if parts else ''})"
