"""What taking in the history files says: records applied, lines skipped, disagreements."""

from __future__ import annotations

from .visible import visible_line

_STATE = {"todo": "to do", "in_progress": "in progress", "done": "done", "skipped": "skipped"}


def written_out(ws, path, count: int) -> list[str]:
    """The store's progress was written to a history file for the first time."""
    if not count:
        return []
    return [
        f"Wrote the progress kept in {ws.relative(ws.db_path)} to {ws.relative(path)} ({count} records); "
        "commit history/ with roadmap.yaml and notes/ so it travels with the repository."
    ]


def caught_up(caught, *, fresh: bool) -> list[str]:
    if caught is None:
        return []
    lines = []
    files = ", ".join(caught.sources)
    if fresh:
        if caught.applied:
            lines.append(f"Rebuilt the progress from {files}: {caught.applied} records.")
    elif caught.rebuilt:
        lines.append(f"Applied every history record again, in order: {caught.applied} records from {files}.")
    elif caught.applied and caught.sources:
        lines.append(f"Applied {caught.applied} new records from {files}.")
    lines += [problem(p) for p in caught.problems]
    lines += [conflict(c) for c in caught.conflicts]
    if caught.conflicts:
        lines.append("`roadmap sync` lists these again; `roadmap check`/`start`/`uncheck` sets what you meant.")
    return lines


def problem(p) -> str:
    if "kept and applied" in p.problem:
        fix = ""
    elif "newer roadmap-tracker" in p.problem:
        fix = "; skipped and kept (upgrade roadmap-tracker to apply it)"
    elif "clock allows" in p.problem:
        fix = "; skipped and kept (a clock set ahead wrote it; the store takes it in when rebuilt after that day)"
    elif "repeats record" in p.problem:
        fix = "; applied once (the copy can be deleted)"
    else:
        fix = "; skipped (`roadmap sync --repair` moves it aside)"
    return f"{p.file}:{p.line}: {p.problem}{fix}"


def conflict(c) -> str:
    """One line, its title and device names showing any control character written out: `sync`
    prints it as data."""
    now = "" if c.now == c.kept else f"; it is {_STATE.get(c.now, c.now)} now"
    return visible_line(
        f"{c.ref} {c.title}: {_STATE.get(c.lost, c.lost)} on {c.lost_device} and "
        f"{_STATE.get(c.kept, c.kept)} on {c.kept_device}, both for {c.day}; "
        f"{_STATE.get(c.kept, c.kept)} stands (recorded last){now}."
    )


def repaired(moved: list[tuple[str, int]], where) -> list[str]:
    return [f"Moved {name}:{line} aside to {where}." for name, line in moved]
