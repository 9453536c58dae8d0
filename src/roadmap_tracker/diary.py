"""The weekly note (`notes/weekN.md`) as Markdown, in both directions.

`render_week` writes the tool's layout and `parse_week` reads it back exactly. It also
reads diaries written by hand before the tool existed. Anything that fits no section
goes to `WeekEntry.text`, so nothing a user wrote is ever dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from .experiments import Experiment, format_experiment, parse_experiment
from .notetags import label, tags_and_refs, union
from .weeksections import CONCEPTS, EXPERIMENTS, NOTES, QUESTIONS, render_body, section_of

__all__ = ["DiaryError", "Experiment", "WeekEntry", "render_week", "parse_week", "read_week", "normalise",
           "format_experiment", "parse_experiment", "section_of", "week_from_path"]


class DiaryError(ValueError):
    """A note that cannot be read. The message names the file and says what to fix."""


@dataclass
class WeekEntry:
    week: int
    start: date | None = None
    end: date | None = None
    step: str | None = None
    concepts: list[str] = field(default_factory=list)
    experiments: list[Experiment] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    text: str = ""
    tags: list[str] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    # Front-matter keys the tool does not use (Obsidian's 'aliases', 'date', ...), written back unchanged.
    extra: dict[str, Any] = field(default_factory=dict)


_KNOWN_KEYS = ("week", "start", "end", "step", "tags", "refs")


def _nl(s: str) -> str:
    return s.replace("\r\n", "\n").replace("\r", "\n")


def _trim(s: str) -> str:
    """Drop blank lines around a block and trailing space; inner layout stays verbatim."""
    return re.sub(r"\A(?:[ \t]*\n)+", "", s).rstrip()


def normalise(entry: WeekEntry) -> WeekEntry:
    """The entry as it reads back: items trimmed, empty ones dropped, tags/refs in the text added."""
    def opt(s: str | None) -> str | None:
        return (_nl(s).strip() or None) if s is not None else None

    experiments = [Experiment(_nl(x.text).strip(), opt(x.result), opt(x.metric), opt(x.value))
                   for x in entry.experiments]
    e = WeekEntry(
        entry.week, entry.start, entry.end, None if entry.step is None else _nl(entry.step),
        concepts=[s for s in map(opt, entry.concepts) if s],
        experiments=[x for x in experiments if x.text or x.result or x.metric or x.value],
        questions=[s for s in map(opt, entry.questions) if s], text=_trim(_nl(entry.text)),
        extra={k: v for k, v in entry.extra.items() if k not in _KNOWN_KEYS})
    tags, refs = tags_and_refs(_md().parse(render_body(e)))
    e.tags = union([label(t) for t in entry.tags], tags, fold=True)
    e.refs = union([label(r) for r in entry.refs], refs)
    return e


@lru_cache(maxsize=1)
def _dumper() -> type:
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    # Inline lists ('tags: [a, b]') keep the front matter short and easy to edit by hand.
    Dumper.add_representer(list, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))
    # YAML reads these as line breaks inside a quoted string unless they are written as escapes.
    Dumper.add_representer(str, lambda d, v: d.represent_scalar(
        "tag:yaml.org,2002:str", v, style='"' if re.search("[\x85\u2028\u2029]", v) else None))
    return Dumper


def render_week(entry: WeekEntry) -> str:
    """The note as Markdown. `parse_week` reads it back as `normalise(entry)`."""
    import yaml

    e = normalise(entry)
    body = render_body(e)
    # Refs are found again in the text on reading; only refs the text lacks need writing down.
    refs = e.refs if e.refs != tags_and_refs(_md().parse(body))[1] else None
    meta = {"week": e.week, "start": e.start, "end": e.end, "step": e.step, "tags": e.tags or None, "refs": refs}
    meta = {k: v for k, v in meta.items() if v is not None} | e.extra
    front = yaml.dump(meta, Dumper=_dumper(), sort_keys=False, allow_unicode=True, width=float("inf"))
    return f"---\n{front}---\n\n{body}"


@lru_cache(maxsize=1)
def _md() -> Any:
    from markdown_it import MarkdownIt

    # Plain CommonMark: the GFM table rule would read '- |' over '---' as a table, not a list item.
    return MarkdownIt("commonmark")


def week_from_path(path: str) -> int | None:
    """'week3.md', 'week-03-jan-2026.md', 'Week 1.md' -> the week number; None without one."""
    m = re.search(r"week[\s_-]*0*(\d+)", re.split(r"[\\/]", path)[-1], re.I)
    return int(m[1]) if m else None


def _front_matter(lines: list[str], where: str) -> tuple[dict | None, int]:
    closing = (i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    if lines[0].rstrip() != "---" or (end := next(closing, None)) is None:
        return None, 0  # an opening rule with no closing one is just a horizontal rule
    import yaml

    try:
        data = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DiaryError(f"{where}:{mark.line + 2 if mark else 1}: front matter is not valid YAML: {problem}") from None
    data = {} if data is None else data
    # '---', a line of prose, '---' is a rule and a setext heading, not metadata.
    return (data, end + 1) if isinstance(data, dict) else (None, 0)


def _meta(data: dict, lines: list[str], where: str) -> dict[str, Any]:
    def bad(key: str, want: str) -> DiaryError:
        line = next((i + 1 for i, t in enumerate(lines) if re.match(rf"{key}\s*:", t)), 1)
        return DiaryError(f"{where}:{line}: '{key}' must be {want}, not {data[key]!r}")

    out: dict[str, Any] = {"step": None if data.get("step") is None else _nl(str(data["step"]))}
    if (week := data.get("week")) is not None:
        if isinstance(week, bool) or not str(week).strip().isdigit():
            raise bad("week", "a whole number like 3")
        out["week"] = int(str(week))
    for key in ("start", "end"):
        value = data.get(key)
        try:
            out[key] = value.date() if isinstance(value, datetime) else (
                date.fromisoformat(value.strip()) if isinstance(value, str) else value)
        except ValueError:
            raise bad(key, "a date like 2026-11-16") from None
        if out[key] is not None and not isinstance(out[key], date):
            raise bad(key, "a date like 2026-11-16")
    for key in ("tags", "refs"):
        value = data.get(key) or []
        value = re.split(r"[,\s]+", value) if isinstance(value, str) else value
        if not isinstance(value, list):
            raise bad(key, "a list like [a, b]")
        out[key] = [label(v) for v in value if v is not None]
    return out


_TITLE = re.compile(r"week (\d+)(?: \((?:from (\S+)|to (\S+)|(\S+) to (\S+))\))?", re.I)
_MARKER = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])([ \t]*)")


def _title(name: str) -> tuple[int, date | None, date | None] | None:
    """The tool's own title, '# Week 3 (2026-11-16 to 2026-11-22)', read back; None for any other."""
    try:
        m = _TITLE.fullmatch(name)
        return m and (int(m[1]), *(date.fromisoformat(d) if d else None for d in (m[4] or m[2], m[5] or m[3])))
    except ValueError:
        return None


def _item(lines: list[str], a: int, b: int) -> str:
    """A list item's source without its marker, continuation lines dedented as CommonMark does."""
    m = _MARKER.match(lines[a])
    width = (m.start(1) + (len(m[1]) if 1 <= len(m[1]) <= 4 else 1)) if m else 0
    rest = [line[min(width, len(line) - len(line.lstrip(" "))):] for line in lines[a + 1:b]]
    return "\n".join([lines[a][m.end() if m else 0:]] + rest).strip()


def read_week(path: str | Path, *, week: int | None = None) -> WeekEntry:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise DiaryError(f"{path}: cannot read the note: {exc.strerror or exc}") from None
    return parse_week(data, path=str(path), week=week)


def parse_week(text: str | bytes, *, path: str = "", week: int | None = None) -> WeekEntry:
    """Read a weekly note. An explicit `week` wins over front matter, file name and title."""
    where = path or "<text>"
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DiaryError(f"{where}: not UTF-8 text (bad byte at offset {exc.start}): save it as UTF-8") from None
    lines = _nl(text.removeprefix("\ufeff")).split("\n")
    data, skip = _front_matter(lines, where)
    meta = _meta(data, lines[:skip], where) if data is not None else {}
    body = lines[skip:]
    tokens = _md().parse("\n".join(body))
    used = [False] * len(body)  # lines that became structure; all others are kept as text
    found: dict[str, list] = {CONCEPTS: [], EXPERIMENTS: [], QUESTIONS: []}
    section, level, list_kind, title, h1_week, first = None, 0, None, None, None, True
    for i, tok in enumerate(tokens):
        if tok.level == 0 and tok.map and tok.type.endswith("_list_open"):
            list_kind = section if section in found else None
        elif tok.type == "list_item_open" and tok.level == 1 and list_kind:
            a, b = tok.map
            used[a:b] = [True] * (b - a)
            if (item := _item(body, a, b)):
                found[list_kind].append(parse_experiment(item) if list_kind == EXPERIMENTS else item)
        if tok.level != 0 or not tok.map or tok.type != "heading_open":
            first = first and not (tok.level == 0 and tok.map)
            continue
        (a, b), name, depth = tok.map, tokens[i + 1].content.strip(), int(tok.tag[1])
        if first and depth == 1 and (title := _title(name)):
            used[a:b], h1_week, first = [True] * (b - a), title[0], False
            continue  # render rebuilds the title from week and dates
        first = False
        if depth == 1 and h1_week is None and (m := re.match(r"week\s*0*(\d+)\b", name, re.I)):
            h1_week = int(m[1])
        if (kind := section_of(name)):
            section, level, used[a:b] = kind, depth, [True] * (b - a)
            if kind == NOTES and depth == 2 and "week" in (data or {}):
                break  # in the tool's own files everything after '## Notes' is free text, headings too
        elif section and depth <= level:
            section = None
    runs, run = [], []
    for line, taken in zip(body + [""], used + [True]):
        if taken:
            runs, run = runs + [_trim("\n".join(run))], []
        else:
            run.append(line)
    n = next((w for w in (week, meta.get("week"), week_from_path(path), h1_week) if w is not None), None)
    if n is None:
        raise DiaryError(f"{where}: cannot tell which week this is; name it weekN.md or add 'week: N' front matter")
    if n < 1:
        raise DiaryError(f"{where}: week {n} does not exist: weeks start at 1")
    tags, refs = tags_and_refs(tokens)
    start, end = meta.get("start"), meta.get("end")
    if title and start is None and end is None:
        start, end = title[1], title[2]
    return WeekEntry(n, start, end, meta.get("step"), found[CONCEPTS], found[EXPERIMENTS], found[QUESTIONS],
                     "\n\n".join(r for r in runs if r), union(meta.get("tags", []), tags, fold=True),
                     union(meta.get("refs", []), refs),
                     {k: v for k, v in (data or {}).items() if k not in _KNOWN_KEYS})
