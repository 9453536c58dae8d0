"""One experiment of a weekly note as a bullet line: `TEXT → RESULT (METRIC: VALUE)`.

The first arrow (→, -> or =>) not preceded by a backslash ends the text; a final ` (M: V)`
group holds the metric. Backslash escapes keep the split unambiguous and still display right
in Markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Experiment", "format_experiment", "parse_experiment"]


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
                inner = r[i + 1:-1]
                colon = next((j for j, c in enumerate(inner) if c == ":" and _slashes(inner, j) % 2 == 0), None)
                # 'f(x: 1)' glued to a word is prose, not a metric.
                ok = colon is not None and (i == 0 or r[i - 1].isspace())
                return (i, inner[:colon], inner[colon + 1:]) if ok else None
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
        r = r[:len(r) - 1 - k] + "\\" * (2 * k + 1) + ")"  # an escaped ')' closes no metric group
    if r:
        return f"{line} → {r}".lstrip()
    # A trailing arrow says 'no result', so text that reads 'X: result Y' stays whole.
    return line + " →" if _RESULT_WORD.fullmatch(line) else line


def parse_experiment(line: str) -> Experiment:
    """Read 'X → Y (metric: value)', 'X -> Y', 'X: result Y' or a plain 'X'."""
    if (m := _ARROW.search(line)):
        text, rest = line[:m.start()], line[m.end():].strip()
    elif (m := _RESULT_WORD.fullmatch(line)):
        text, rest = m["t"], m["r"].strip()
    else:
        text, rest = line, ""
    text = re.sub(r"\\([→>])", r"\1", text.strip())
    if (group := _metric_group(rest)):
        unescape = lambda s: re.sub(r"\\([\\():])", r"\1", s.strip()) or None  # noqa: E731
        return Experiment(text, rest[:group[0]].rstrip() or None, unescape(group[1]), unescape(group[2]))
    if rest.endswith(")") and (k := _slashes(rest, len(rest) - 1)):
        rest = rest[:len(rest) - 1 - k] + "\\" * (k // 2) + ")"
    return Experiment(text, rest or None)
