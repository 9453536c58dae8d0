"""What export, restore and import say they did. Nothing here prints."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..exchange.importing import Outcome
    from ..exchange.restore import Restored


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


def restored_data(done: Restored) -> dict:
    """What a restore wrote, as data (--json)."""
    return {
        "workspace": str(done.root),
        "rows": done.counts,
        "notes": done.notes,
        "kept_roadmap_yaml": str(done.replaced_yaml) if done.replaced_yaml else None,
    }


def imported_data(source: Path, done: Outcome) -> dict:
    """What an import made and recorded, and every line it left out, as data (--json)."""
    from dataclasses import asdict

    data = asdict(done)
    del data["yaml"]
    data["source"] = str(source)
    data["target"] = str(done.target) if done.target else None
    data["backup"] = str(done.backup) if done.backup else None
    data["unplaced"] = [{"line": u.line, "text": u.text, "why": u.why} for u in done.unplaced]
    return data


def imported(source: Path, done: Outcome, verbose: bool = False) -> list[str]:
    """What an import made, where it went, what it recorded, and every line it left out.

    Without ``verbose`` the lines left out are counted; with it each is listed with its number
    and why, all of them: a learner checking that nothing was lost needs the whole list.
    """
    out = []
    made = f"{_n(done.steps, 'step')}, {_n(done.items, 'item')}, {_n(done.checked, 'checked box')}"
    made += f", {done.skipped} skipped" if done.skipped else ""
    made += f", {done.in_progress} in progress" if done.in_progress else ""
    made += f", {_n(done.deliverables, 'deliverable')}" if done.deliverables else ""
    where = "stdout" if done.target is None else str(done.target)
    if done.mode == "convert":
        out.append(f"Imported {source.name}: {made}. Wrote {where}.")
        if done.skipped or done.in_progress:
            out.append(
                "Checked boxes and skipped or in-progress marks become progress only when importing into a workspace's roadmap.yaml."
            )
        elif done.checked:
            out.append("Checked boxes become progress only when importing into a workspace's roadmap.yaml.")
    elif done.mode == "create":
        out.append(f"Imported {source.name}: {made}. Created a workspace: {where} and its progress store.")
    else:
        verb = "Replaced the steps of" if done.mode == "replace" else "Merged into"
        added = f"{_n(done.new_steps, 'new step')}, {_n(done.new_items, 'new item')}"
        added += f", {_n(done.new_deliverables, 'new deliverable')}" if done.new_deliverables else ""
        out.append(f"Imported {source.name}: {made}. {verb} {where}: {added}.")
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
    skipped, started = done.recorded_skipped, done.recorded_started
    if done.mode != "convert" and (skipped or started):
        if skipped and started:
            out.append(f"Recorded {_n(skipped, 'item')} as skipped and {started} as in progress.")
        else:
            out.append(f"Recorded {_n(skipped or started, 'item')} as {'skipped' if skipped else 'in progress'}.")
    if done.questions_ticked:
        out.append(
            f"Not recorded: {_n(done.questions_ticked, 'ticked reflection question')} "
            "(answers are progress there: `roadmap reflect`)."
        )
    out += [f"warning: {line}" for line in done.warnings]
    if verbose:
        out += [f"not imported: line {u.line}: {u.text} ({u.why})" for u in done.unplaced]
    if done.unplaced:
        count = _n(len(done.unplaced), "line")
        out.append(
            f"{count} not imported."
            if verbose
            else f"{count} not imported; --verbose lists {'it' if len(done.unplaced) == 1 else 'them'}."
        )
    return out
