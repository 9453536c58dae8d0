"""What export, restore and import say they did. Nothing here prints."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..exchange.importing import Outcome
    from ..exchange.restore import Restored

MAX_LISTED = 10  # lines of "not imported" shown; a long README can leave hundreds


def _n(count: int, word: str) -> str:
    return f"{count} {word}{('es' if word.endswith('x') else 's') * (count != 1)}"


def left_out(paths: list[Path]) -> list[str]:
    """Diary files a backup cannot carry."""
    return [f"Left {p} out of the backup: it is not UTF-8 text." for p in paths]


def exported(fmt: str, path: Path) -> str:
    return f"Wrote {'a backup' if fmt == 'json' else 'the roadmap as Markdown'} to {path}."


def restored(done: Restored) -> list[str]:
    out = []
    if done.replaced_yaml:
        out.append(f"The roadmap.yaml that was there differs from the backup's; kept it as {done.replaced_yaml}.")
    c = done.counts
    parts = [
        (c["item"], "step and item", "steps and items"),
        (c["event"], "progress event", "progress events"),
        (c["entry"], "diary week", "diary weeks"),
        (c["answer"], "reflection answer", "reflection answers"),
        (c["link"], "link", "links"),
        (done.notes, "note file", "note files"),
    ]
    out.append(f"Restored {done.root}: " + ", ".join(f"{k} {one if k == 1 else many}" for k, one, many in parts) + ".")
    return out


def imported(source: Path, done: Outcome) -> list[str]:
    """What an import made, where it went, what it recorded, and what it left out."""
    out = []
    made = f"{_n(done.steps, 'step')}, {_n(done.items, 'item')}, {_n(done.checked, 'checked box')}"
    where = "stdout" if done.target is None else str(done.target)
    if done.mode == "convert":
        out.append(f"Imported {source.name}: {made}. Wrote {where}.")
        if done.checked:
            out.append("Checked boxes become progress only when importing into a workspace's roadmap.yaml.")
    elif done.mode == "create":
        out.append(f"Imported {source.name}: {made}. Created a workspace: {where} and its progress store.")
    else:
        verb = "Replaced the steps of" if done.mode == "replace" else "Merged into"
        out.append(
            f"Imported {source.name}: {made}. {verb} {where}: {_n(done.new_steps, 'new step')}, "
            f"{_n(done.new_items, 'new item')}."
        )
        if done.backup:
            out.append(f"Kept the previous roadmap.yaml as {done.backup} (comments in it were not carried over).")
    if done.mode != "convert" and (done.recorded or done.already_done):
        already = ""
        if done.already_done:
            already = f"; {done.already_done} already {'was' if done.already_done == 1 else 'were'}"
        out.append(
            f"Recorded {done.recorded} ticked {'box' if done.recorded == 1 else 'boxes'} as done (note: "
            f"imported from {source.name}){already}."
        )
    if done.questions_ticked:
        out.append(
            f"Not recorded: {_n(done.questions_ticked, 'ticked reflection question')} "
            "(answers are progress there: `roadmap reflect`)."
        )
    for title, lines in (("not imported", done.unplaced), ("warning", done.warnings)):
        out += [f"{title}: {line}" for line in lines[:MAX_LISTED]]
        if len(lines) > MAX_LISTED:
            out.append(f"{title}: … and {len(lines) - MAX_LISTED} more")
    return out
