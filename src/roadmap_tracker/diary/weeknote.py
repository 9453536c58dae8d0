"""The weekly note (`notes/weekN.md`) as Markdown, in both directions: the one home of its format.

`render_week` writes the tool's layout and `parse_week` reads it back exactly. It also reads
diaries written by hand before the tool existed. Anything that fits no section goes to
`WeekEntry.text`, so nothing a user wrote is ever dropped.

The parts, in order: experiments (one bullet line each), tags and refs in prose, the sections
and the headings that name them, then the entry itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import DiaryError

# --- experiments: one bullet line each, `TEXT → RESULT (METRIC: VALUE)` --------------------
#
# The first arrow (→, -> or =>) not preceded by a backslash ends the text; a final ` (M: V)`
# group holds the metric. Backslash escapes keep the split unambiguous and still display right
# in Markdown.


@dataclass
class Experiment:
    text: str
    result: str | None = None
    metric: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        return format_experiment(self)


_ARROW = re.compile(r"(?<!\\)→|->|=>")
_RESULT_WORD = re.compile(r"(?P<t>.*?):[ \t]*results?\b[ \t]*[:=-]?[ \t]*(?P<r>\S.*)", re.S | re.I)


def _slashes(s: str, i: int) -> int:
    """How many backslashes stand right before s[i]."""
    return i - len(s[:i].rstrip("\\"))


def _metric_group(r: str) -> tuple[int, str, str] | None:
    """Start, metric and value of a final ` (M: V)` group in `r`, if there is one."""
    if not r.endswith(")") or _slashes(r, len(r) - 1) % 2:
        return None
    depth = 0
    for i in range(len(r) - 1, -1, -1):
        if r[i] in "()" and _slashes(r, i) % 2 == 0:
            depth += 1 if r[i] == ")" else -1
            if depth == 0:
                inner = r[i + 1 : -1]
                colon = next((j for j, c in enumerate(inner) if c == ":" and _slashes(inner, j) % 2 == 0), None)
                # 'f(x: 1)' glued to a word is prose, not a metric.
                ok = colon is not None and (i == 0 or r[i - 1].isspace())
                return (i, inner[:colon], inner[colon + 1 :]) if ok else None
    return None


def format_experiment(x: Experiment) -> str:
    """One experiment as bullet text (without the '- '); `parse_experiment` reads it back."""
    line = re.sub(r"→|(?<=[-=\\])>", lambda m: "\\" + m[0], x.text)  # '-\>' still shows as '->'
    r = x.result or ""
    if x.metric or x.value:
        metric = re.sub(r"[\\():]", lambda m: "\\" + m[0], x.metric or "")
        value = re.sub(r"[\\()]", lambda m: "\\" + m[0], x.value or "")
        r = f"{r} ({metric}:{' ' + value if value else ''})".lstrip()
    elif r.endswith(")") and ((k := _slashes(r, len(r) - 1)) or _metric_group(r)):
        r = r[: len(r) - 1 - k] + "\\" * (2 * k + 1) + ")"  # an escaped ')' closes no metric group
    if r:
        return f"{line} → {r}".lstrip()
    # A trailing arrow says 'no result', so text that reads 'X: result Y' stays whole.
    return line + " →" if _RESULT_WORD.fullmatch(line) else line


def parse_experiment(line: str) -> Experiment:
    """Read 'X → Y (metric: value)', 'X -> Y', 'X: result Y' or a plain 'X'."""
    if m := _ARROW.search(line):
        text, rest = line[: m.start()], line[m.end() :].strip()
    elif m := _RESULT_WORD.fullmatch(line):
        text, rest = m["t"], m["r"].strip()
    else:
        text, rest = line, ""
    text = re.sub(r"\\([→>])", r"\1", text.strip())
    if group := _metric_group(rest):
        unescape = lambda s: re.sub(r"\\([\\():])", r"\1", s.strip()) or None  # noqa: E731
        return Experiment(text, rest[: group[0]].rstrip() or None, unescape(group[1]), unescape(group[2]))
    if rest.endswith(")") and (k := _slashes(rest, len(rest) - 1)):
        rest = rest[: len(rest) - 1 - k] + "\\" * (k // 2) + ")"
    return Experiment(text, rest or None)


# --- tags ('#word') and refs ('#3', '#3.p2', '[[Title]]') in prose ---------------------


def label(s: Any) -> str:
    """Tags and refs are one-line names; a leading '#' is the hashtag sign, not part of the name."""
    return re.sub(r"^[#\s]+", "", " ".join(str(s).split()))


def union(*groups: list[str], fold: bool = False) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in (x for g in groups for x in g):
        if item and (key := item.casefold() if fold else item) not in seen:
            seen.add(key)
            out.append(item)
    return out


# '[[Title]]', '![[Title|alias]]', '[[Title#Part]]' (checked first, so its '#' is no tag) or '#word'.
_MARKS = re.compile(
    r"!?\[\[(?P<wiki>[^\[\]|#\n]*)(?:#[^\[\]|\n]*)?(?:\|[^\[\]\n]*)?\]\]"
    r"|(?<![\w#/&])#(?P<hash>\w[\w+\-.]*)"
)
_GAPS = {"softbreak": "\n", "hardbreak": "\n", "code_inline": " ", "html_inline": " ", "image": " "}


def tags_and_refs(tokens: list) -> tuple[list[str], list[str]]:
    """Tags ('#word') and refs ('#3', '#3.p2', '[[Title]]') in prose; code and raw HTML are never read."""
    tags, refs = [], []
    for tok in (t for t in tokens if t.type == "inline"):
        prose = "".join(c.content if c.type == "text" else _GAPS.get(c.type, "") for c in tok.children or [])
        for m in _MARKS.finditer(prose):
            word = m["hash"].rstrip(".-") if m["hash"] else ""
            if m["wiki"] is not None:
                refs.append(label(m["wiki"]))
            elif re.fullmatch(r"\d+(?:\.\w+)*", word):  # '#3', '#3.p2': a roadmap step
                refs.append(word)
            elif re.search(r"[^\W\d_]", word):
                tags.append(word)
    return union(tags, fold=True), union(refs)


# --- sections: which heading names which, and the body under the tool's own headings ---

CONCEPTS, EXPERIMENTS, QUESTIONS, NOTES = "concepts", "experiments", "questions", "notes"
_TITLES = {CONCEPTS: "Key concepts", EXPERIMENTS: "Experiments", QUESTIONS: "Open questions", NOTES: "Notes"}
_WHEN = r"( (this|last) week| today)?"
_SECTION_RES = [
    (kind, re.compile(rx))
    for kind, rx in [
        (
            CONCEPTS,
            rf"((key|main|new) )?(concepts?|ideas?|learnings?|takeaways?|lessons?)( (i )?(learned|learnt))?{_WHEN}"
            rf"|(what|things) i (learned|learnt){_WHEN}|til|today i learned",
        ),
        (
            EXPERIMENTS,
            rf"(experiments?|results?|trials?)( (run|tried|done))?( (and )?(results?|outcomes?)( observed)?)?"
            rf"{_WHEN}|what i tried",
        ),
        (
            QUESTIONS,
            r"((open|remaining|unanswered|new) )?questions?( (and )?(areas?|things|topics) to "
            r"(revisit|review|explore))?( for later| to revisit)?|(areas?|things|topics) to (revisit|review|explore)",
        ),
        (NOTES, r"(other |free )?notes?"),
    ]
]


def section_of(heading: str) -> str | None:
    """Which section a heading names ('Key concepts learned' -> 'concepts'), or None."""
    words = " ".join(re.sub(r"[^a-z0-9]+", " ", heading.lower()).split())
    words = re.sub(r"^(\d+ )+", "", words)  # numbered headings: '2. Experiments'
    return next((kind for kind, rx in _SECTION_RES if rx.fullmatch(words)), None)


def _bullet(item: str) -> str:
    first, *rest = item.split("\n")
    mark = "*" if re.fullmatch(r"[- \t]*", first) and first.count("-") >= 2 else "-"  # '- --' is a rule
    return "\n".join([f"{mark} {first}"] + [f"  {line}" if line else "" for line in rest])


# A notes line that would read back as a section heading is written escaped, and read back
# without the escape: '\## Questions', or 'Results' over '\---', stays a line of the notes.
# Lines the learner wrote that already look escaped gain one more backslash, so reading back
# (which removes one from every such line) returns the very text. Only the tool's own files
# (front matter with 'week:') are read with that rule: a hand-written '\#' stays as written.
_LOOKS_ESCAPED = re.compile(r"^( {0,3})(\\+)(#.*|=+[ \t]*|-+[ \t]*)$")


def _code_lines(tokens) -> set[int]:
    return {n for tok in tokens if tok.type in ("fence", "code_block") and tok.map for n in range(*tok.map)}


def _escape_headings(text: str) -> str:
    lines = text.split("\n")
    code = _code_lines(_md().parse(text))
    lines = [line if n in code else _LOOKS_ESCAPED.sub(r"\1\\\2\3", line) for n, line in enumerate(lines)]
    # Escaping one heading can join lines into another (a paragraph over '==='): repeat until none is left.
    for _ in range(len(lines) + 1):
        tokens = _md().parse("\n".join(lines))
        found = [
            tok.map[0] if tok.markup.startswith("#") else tok.map[1] - 1
            for i, tok in enumerate(tokens)
            if tok.type == "heading_open" and tok.level == 0 and tok.map and section_of(tokens[i + 1].content)
        ]
        if not found:
            break
        for n in found:
            stripped = lines[n].lstrip(" ")
            lines[n] = lines[n][: len(lines[n]) - len(stripped)] + "\\" + stripped
    return "\n".join(lines)


def _unescape_headings(lines: list[str], code: set[int]) -> list[str]:
    return [
        line if n in code else _LOOKS_ESCAPED.sub(lambda m: m[1] + m[2][1:] + m[3], line)
        for n, line in enumerate(lines)
    ]


def render_body(e: WeekEntry) -> str:
    span = {
        (True, True): f" ({e.start} to {e.end})",
        (True, False): f" (from {e.start})",
        (False, True): f" (to {e.end})",
        (False, False): "",
    }[e.start is not None, e.end is not None]
    blocks = [f"# Week {e.week}{span}"]
    questions = [f"{q} ^q{e.question_ids[q]}" if q in e.question_ids else q for q in e.questions]
    for kind, items in (
        (CONCEPTS, e.concepts),
        (EXPERIMENTS, [format_experiment(x) for x in e.experiments]),
        (QUESTIONS, questions),
    ):
        if items:
            blocks += [f"## {_TITLES[kind]}", "\n".join(map(_bullet, items))]
    if e.text:
        blocks += [f"## {_TITLES[NOTES]}", _escape_headings(e.text)]
    return "\n\n".join(blocks) + "\n"


# --- the entry ---------------------------------------------------------------------


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
    # The tracked id of each question (by its text), written as an Obsidian block id: '- Why? ^q7'.
    # An edited wording keeps its id, so its answer and its age follow it.
    question_ids: dict[str, int] = field(default_factory=dict)


_KNOWN_KEYS = ("week", "start", "end", "step", "tags", "refs")


def _nl(s: str) -> str:
    return s.replace("\r\n", "\n").replace("\r", "\n")


def _trim(s: str) -> str:
    """Drop blank lines around a block and trailing space; inner layout stays verbatim."""
    return re.sub(r"\A(?:[ \t]*\n)+", "", s).rstrip()


_HEADING_MARKS = re.compile(r"^ {0,3}#{1,6}(?=[ \t]|$)", re.MULTILINE)


def normalise(entry: WeekEntry) -> WeekEntry:
    """The entry as it reads back: items trimmed, empty ones dropped, tags/refs in the text added."""

    def opt(s: str | None) -> str | None:
        return (_nl(s).strip() or None) if s is not None else None

    experiments = [
        Experiment(_nl(x.text).strip(), opt(x.result), opt(x.metric), opt(x.value)) for x in entry.experiments
    ]
    e = WeekEntry(
        entry.week,
        entry.start,
        entry.end,
        None if entry.step is None else _nl(entry.step),
        concepts=[s for s in map(opt, entry.concepts) if s],
        experiments=[x for x in experiments if x.text or x.result or x.metric or x.value],
        questions=[s for s in map(opt, entry.questions) if s],
        text=_trim(_nl(entry.text)),
        extra={k: v for k, v in entry.extra.items() if k not in _KNOWN_KEYS},
        question_ids={opt(q): n for q, n in entry.question_ids.items() if opt(q) in map(opt, entry.questions)},
    )
    body = render_body(e)
    # Parsing is the cost of reading a week back; a body with no '#' past its heading markers and
    # no '[[' holds no tag or ref, so it need not be parsed again.
    marked = "[[" in body or "#" in _HEADING_MARKS.sub("", body)
    tags, refs = tags_and_refs(_md().parse(body)) if marked else ([], [])
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
    Dumper.add_representer(
        str,
        lambda d, v: d.represent_scalar(
            "tag:yaml.org,2002:str", v, style='"' if re.search("[\x85\u2028\u2029]", v) else None
        ),
    )
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
@lru_cache(maxsize=1)
def _md() -> Any:
    """One parser for every note (building one costs more than half a parse)."""
    from markdown_it import MarkdownIt

    # Plain CommonMark: the GFM table rule would read '- |' over '---' as a table, not a list item.
    return MarkdownIt("commonmark")


_CONFLICT_START, _CONFLICT_END = re.compile(r"^<{7}(?: |$)"), re.compile(r"^>{7}(?: |$)")


def refuse_conflicts(lines: list[str], where: str) -> None:
    """A note git left mid-merge is never read (nor later rewritten): half of it would be lost."""
    start = next((n for n, line in enumerate(lines) if _CONFLICT_START.match(line)), None)
    if start is not None and any(_CONFLICT_END.match(line) for line in lines[start + 1 :]):
        raise DiaryError(
            f"{where}:{start + 1}: holds git conflict markers (<<<<<<<); resolve the conflict in the file, "
            "then run `roadmap sync`"
        )


def week_from_path(path: str) -> int | None:
    """'week3.md', 'week-03-jan-2026.md', 'Week 1.md' -> the week number; None without one."""
    m = re.search(r"week[\s_-]*0*(\d+)", re.split(r"[\\/]", path)[-1], re.I)
    return int(m[1]) if m else None


def _front_matter(lines: list[str], where: str) -> tuple[dict | None, int]:
    closing = (i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    if lines[0].rstrip() != "---" or (end := next(closing, None)) is None:
        return None, 0  # an opening rule with no closing one is just a horizontal rule
    import yaml

    text = "\n".join(lines[1:end])
    try:
        # libyaml's loader when it is there: the same safe YAML, ten times faster on a long diary.
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        try:  # read again by PyYAML's own parser, whose message and line say more
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            line = mark.line + 2 if mark else 1
            raise DiaryError(f"{where}:{line}: front matter is not valid YAML: {problem}") from None
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
            out[key] = (
                value.date()
                if isinstance(value, datetime)
                else (date.fromisoformat(value.strip()) if isinstance(value, str) else value)
            )
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


_QUESTION_ID = re.compile(r"[ \t]+\^q(\d{1,18})[ \t]*$")
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
    rest = [line[min(width, len(line) - len(line.lstrip(" "))) :] for line in lines[a + 1 : b]]
    return "\n".join([lines[a][m.end() if m else 0 :], *rest]).strip()


def read_week(path: str | Path, *, week: int | None = None) -> WeekEntry:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise DiaryError(f"{path}: cannot read the note: {exc.strerror or exc}") from None
    return parse_week(data, path=str(path), week=week)


def not_utf8(data: bytes, start: int) -> str:
    """'line:col: ...' for the first byte that is not UTF-8, and what to do."""
    line = data.count(b"\n", 0, start) + 1
    column = start - (data.rfind(b"\n", 0, start) + 1) + 1
    return f"{line}:{column}: not UTF-8 text (byte 0x{data[start]:02x}); save the file as UTF-8"


def parse_week(text: str | bytes, *, path: str = "", week: int | None = None) -> WeekEntry:
    """Read a weekly note. An explicit `week` wins over front matter, file name and title."""
    where = path or "<text>"
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DiaryError(f"{where}:{not_utf8(text, exc.start)}") from None
    lines = _nl(text.removeprefix("\ufeff")).split("\n")
    refuse_conflicts(lines, where)
    data, skip = _front_matter(lines, where)
    meta = _meta(data, lines[:skip], where) if data is not None else {}
    body = lines[skip:]
    tokens = _md().parse("\n".join(body))
    used = [False] * len(body)  # lines that became structure; all others are kept as text
    found: dict[str, list] = {CONCEPTS: [], EXPERIMENTS: [], QUESTIONS: []}
    question_ids: dict[str, int] = {}
    section, level, list_kind, title, h1_week, first = None, 0, None, None, None, True
    for i, tok in enumerate(tokens):
        if tok.level == 0 and tok.map and tok.type.endswith("_list_open"):
            list_kind = section if section in found else None
        elif tok.type == "list_item_open" and tok.level == 1 and list_kind:
            a, b = tok.map
            used[a:b] = [True] * (b - a)
            if item := _item(body, a, b):
                if list_kind == QUESTIONS and (m := _QUESTION_ID.search(item)):
                    item = item[: m.start()].rstrip()
                    question_ids[item] = int(m[1])
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
        if kind := section_of(name):
            # Read wherever it stands: '## Open questions' is often written after '## Notes'.
            section, level, used[a:b] = kind, depth, [True] * (b - a)
        elif section and depth <= level:
            section = None
    if "week" in (data or {}):  # the tool's own file: its escapes come off
        body = _unescape_headings(body, _code_lines(tokens))
    runs, run = [], []
    for line, taken in zip([*body, ""], [*used, True]):
        if taken:
            runs, run = [*runs, _trim("\n".join(run))], []
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
    return WeekEntry(
        n,
        start,
        end,
        meta.get("step"),
        found[CONCEPTS],
        found[EXPERIMENTS],
        found[QUESTIONS],
        "\n\n".join(r for r in runs if r),
        union(meta.get("tags", []), tags, fold=True),
        union(meta.get("refs", []), refs),
        {k: v for k, v in (data or {}).items() if k not in _KNOWN_KEYS},
        question_ids,
    )
