"""Wall-clock and memory benchmark of roadmap-tracker, against its performance targets (README, "Performance").

    python tests/benchmarks/run.py [--runs 5] [--jrnl PATH] [--quick] [--explain] [--allow-editable]

Run it with the Python of a fresh environment where roadmap-tracker is installed as a package
(`pip install .`, not `-e`): an editable install recompiles our modules on every run when
PYTHONDONTWRITEBYTECODE is set, which is not what users run. The script refuses an editable
install unless --allow-editable is given.

    python3 -m venv /tmp/bench100 && /tmp/bench100/bin/pip install -q --no-deps . && /tmp/bench100/bin/pip install -q .
    env -u ROADMAP_TODAY /tmp/bench100/bin/python tests/benchmarks/run.py --runs 5 --jrnl /tmp/jrnl/bin/jrnl

What it builds, in a temporary directory:

- the bundled roadmap (`roadmap init`);
- the big workspace, kept AS TEXT the way a clone of a learner's repository holds it: roadmap.yaml
  (2,000 steps x 50 items = 100,000 items; --quick: 200 x 50 = 10,000), one history file
  (`history/bench-0a0a0a.jsonl`: one to three state records for every resource and project,
  about 1.6 on average, spread over the years; a link for one project in ten; an answer for one
  question in five; the asking of each weekly question) and a weekly note `notes/weekN.md` for
  every week of 50 years (--quick: 10 years). Its store is built from that text by the first
  command, as on a fresh clone;
- in the full run, the same at 10,000 items and 10 years too, to see how each command grows
  from the small workspace to the big one (items x10, history records x10);
- plans of 1,000, 2,500 and 10,000 steps, each replaced by a plan whose every title (and so every id)
  changed (nothing pairs up), and plans of 500, 1,000 and 10,000 steps whose every id changed and
  every title stayed (everything pairs up), to time the rename matching of `roadmap sync`; a run
  over 120 s (30 s for the second kind) is stopped and reported as over it;
- a generated Markdown roadmap of about 1 MB for `roadmap import`;
- with --jrnl, a 500-entry journal for `jrnl -n 5`, the peer the everyday commands are held to.

Each command runs in a fresh process: one untimed warm-up (page cache, bytecode), then --runs
timed runs, any preparation untimed before each; a command whose warm-up took over a second runs
3 times, and one whose warm-up took over 8 s counts it as the first of its 3. The figure is the
median. Peak memory is the child's own maximum resident set size, from os.wait4.

The script prints one table: every row with its time, its ratio to `python -c pass` (and to
jrnl), and its target with met / NOT MET; then, in the full run, how each command grew from 10k
to 100k items. With --explain it then prints EXPLAIN QUERY PLAN of every query the
report (and the everyday commands) run on the big store (see explain.py).

Not collected by pytest: timings never belong in tests.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

BIN = Path(sys.executable).parent
ROADMAP = str(BIN / "roadmap") if (BIN / "roadmap").exists() else "roadmap"
HERE = Path(__file__).resolve().parent

SLOW = 1.0  # a command whose warm-up took longer than this (seconds) is timed SLOW_RUNS times
SLOW_RUNS = 3
VERY_SLOW = 8.0  # a command whose warm-up took longer than this counts it as one of its SLOW_RUNS
RENAME_STEPS = (1_000, 2_500, 10_000)  # every title changed: nothing pairs up
REKEY_STEPS = (500, 1_000, 10_000)  # every id changed, titles kept: everything pairs up
RENAME_TIMEOUT = 120.0
REKEY_TIMEOUT = 30.0
IMPORT_BYTES = 1_000_000
MIB = 1024 * 1024


# --- the synthetic plan ---------------------------------------------------------------------------


def synthetic_yaml(steps: int = 200, per_step: int = 50, started: date = date(2021, 1, 4)) -> str:
    lines = ["version: 1", "title: Synthetic roadmap", f"started: {started.isoformat()}", "steps:"]
    for s in range(1, steps + 1):
        lines += [
            f"  - id: s{s}",
            f"    title: Step {s} of the synthetic roadmap",
            f"    objective: Learn topic {s} well enough to teach it.",
            "    resources:",
        ]
        third = per_step // 3
        lines += [
            f"      - title: Resource {s}.{i}\n        url: https://example.com/{s}/{i}" for i in range(1, third + 1)
        ]
        lines.append("    projects:")
        lines += [f"      - Project {s}.{i}" for i in range(1, third + 1)]
        lines.append("    questions:")
        lines += [f"      - Question {s}.{i}?" for i in range(1, per_step - 2 * third + 1)]
    return "\n".join(lines) + "\n"


def synthetic_ids(steps: int = 200, per_step: int = 50) -> dict[str, list[str]]:
    """The ids roadmap.yaml's items get from `synthetic_yaml` (`<step>/<slug of the title>`), by kind."""
    third = per_step // 3
    ids: dict[str, list[str]] = {"resource": [], "project": [], "question": []}
    for s in range(1, steps + 1):
        ids["resource"] += [f"s{s}/resource-{s}-{i}" for i in range(1, third + 1)]
        ids["project"] += [f"s{s}/project-{s}-{i}" for i in range(1, third + 1)]
        ids["question"] += [f"s{s}/question-{s}-{i}" for i in range(1, per_step - 2 * third + 1)]
    return ids


def rename_yaml(steps: int, word: str) -> str:
    """A plan of ``steps`` steps without ids, so each one's id comes from its title: a plan with
    another ``word`` changes every title and so every id (nothing pairs up: all old steps leave, all
    new ones arrive)."""
    lines = ["version: 1", f"title: {word} plan", "started: 2026-01-05", "steps:"]
    lines += [f"  - title: {word} step {s} on topic {s * 7 % 1009}" for s in range(1, steps + 1)]
    return "\n".join(lines) + "\n"


def rekey_yaml(steps: int, prefix: str) -> str:
    """A plan of ``steps`` steps with explicit ids ``<prefix>N`` and the same titles whatever the
    prefix: another prefix changes every id and keeps every title, so every old step pairs with a
    new one (by its title) and keeps its progress."""
    lines = ["version: 1", "title: Re-keyed plan", "started: 2026-01-05", "steps:"]
    lines += [f"  - id: {prefix}{s}\n    title: Step {s} on topic {s * 7 % 1009}" for s in range(1, steps + 1)]
    return "\n".join(lines) + "\n"


def big_markdown(target_bytes: int = IMPORT_BYTES) -> tuple[str, int]:
    """A Markdown roadmap of about ``target_bytes``: steps with ticked and open resources (links),
    mini projects and questions under their own subheadings, as the importer reads them."""
    out = [
        "# A very large learning roadmap\n",
        "A generated roadmap: steps with resources, mini projects and questions.\n",
    ]
    size, s = sum(len(x) for x in out), 0
    while size < target_bytes:
        s += 1
        part = [f"\n## Step {s}: topic {s} of the roadmap\n\n", f"Learn topic {s} well enough to teach it.\n\n"]
        part.append("### Resources\n\n")
        part += [
            f"- [{'x' if (s + i) % 3 == 0 else ' '}] [Resource {s}.{i}: reading on topic {s}](https://example.com/{s}/{i})\n"
            for i in range(1, 9)
        ]
        part.append("\n### Projects\n\n")
        part += [
            f"- [{'x' if (s * i) % 4 == 0 else ' '}] Project {s}.{i}: build something with topic {s}\n"
            for i in range(1, 5)
        ]
        part.append("\n### Questions\n\n")
        part += [f"- Question {s}.{i}: why does topic {s} work?\n" for i in range(1, 4)]
        chunk = "".join(part)
        out.append(chunk)
        size += len(chunk.encode())
    return "".join(out), s


# --- the workspace as text ------------------------------------------------------------------------

BENCH_DEVICE, PULL_DEVICE = "bench-0a0a0a", "desk-0b0b0b"


def record_line(rng: random.Random, at: datetime, op: str, **fields) -> tuple[str, str]:
    """(at, line) of one history record, keys in the order the tool writes them."""
    stamp = at.astimezone(UTC).isoformat(timespec="microseconds")
    record = {"at": stamp, "id": f"{rng.getrandbits(128):032x}", "op": op, **fields}
    return stamp, json.dumps(record, ensure_ascii=False, separators=(", ", ": ")) + "\n"


def moment(rng: random.Random, day: date) -> datetime:
    """Some time in the working hours of ``day``, UTC."""
    return datetime(day.year, day.month, day.day, 8, tzinfo=UTC) + timedelta(
        seconds=rng.randrange(12 * 3600), microseconds=rng.randrange(10**6)
    )


@dataclass
class TextWorkspace:
    root: Path
    steps: int
    per_step: int
    years: int
    started: date
    counts: Counter

    @property
    def items(self) -> int:
        return self.steps * self.per_step

    @property
    def records(self) -> int:
        return sum(n for op, n in self.counts.items() if op != "notes")

    @property
    def label(self) -> str:
        return f"{self.items // 1000}k items, {self.years} y"

    def tracked(self) -> list[str]:
        ids = synthetic_ids(self.steps, self.per_step)
        return ids["resource"] + ids["project"]


def years_of_text(root: Path, *, steps: int = 200, per_step: int = 50, years: int = 10) -> TextWorkspace:
    """The synthetic roadmap with ``years`` of use kept as text, as a learner's repository holds it.

    history/bench-0a0a0a.jsonl (this clone's device, named in .roadmap/device): one to three state
    records for every resource and project (1.6 on average, spread over the years), a link record
    for one project in ten, an answer record for one question in five, and an ask record for each
    weekly question; notes/weekN.md for every week, four concepts and one question (^qN) each.
    Every record is from before today."""
    rng = random.Random(10)
    weeks = 52 * years
    today = date.today()
    started = today - timedelta(weeks=weeks)
    started -= timedelta(days=started.weekday())  # a Monday; the last week ends before today
    span = (today - started).days - 1  # the last day anything happened is yesterday
    root.mkdir(parents=True)
    (root / "roadmap.yaml").write_text(synthetic_yaml(steps, per_step, started=started))
    (root / ".roadmap").mkdir()
    (root / ".roadmap" / "device").write_text(BENCH_DEVICE + "\n")
    ids = synthetic_ids(steps, per_step)
    lines: list[tuple[str, str]] = []
    counts: Counter = Counter()
    for item in ids["resource"] + ids["project"]:
        day = started + timedelta(days=rng.randrange(span - 40))
        for state in rng.choice(
            [["in_progress", "done"], ["done"], ["in_progress"], ["skipped"], ["done", "todo", "done"]]
        ):
            lines.append(record_line(rng, moment(rng, day), "state", item=item, state=state, day=day.isoformat()))
            counts["state"] += 1
            day += timedelta(days=rng.randrange(1, 20))
    for item in ids["project"][::10]:
        day = started + timedelta(days=rng.randrange(span))
        target = f"https://github.com/example/{item.split('/')[-1]}"
        lines.append(record_line(rng, moment(rng, day), "link", item=item, target=target, kind="repo"))
        counts["link"] += 1
    for item in ids["question"][::5]:
        day = started + timedelta(days=rng.randrange(span))
        text = f"What I found about {item.split('/')[-1]}: it depends on the data. " * 3
        lines.append(record_line(rng, moment(rng, day), "answer", item=item, day=day.isoformat(), text=text.strip()))
        counts["answer"] += 1
    notes = root / "notes"
    notes.mkdir()
    for week in range(1, weeks + 1):
        start = started + timedelta(weeks=week - 1)
        end = start + timedelta(days=6)
        question = f"open question from week {week}?"
        concepts = "".join(f"- concept {week}.{i}\n" for i in range(4))
        (notes / f"week{week}.md").write_text(
            f"---\nweek: {week}\nstart: {start}\nend: {end}\nstep: Step {(week - 1) * steps // weeks + 1} of the "
            f"synthetic roadmap\n---\n\n# Week {week} ({start} to {end})\n\n## Key concepts\n\n{concepts}\n"
            f"## Open questions\n\n- {question} ^q{week}\n"
        )
        counts["notes"] += 1
        day = start + timedelta(days=rng.randrange(7))
        lines.append(record_line(rng, moment(rng, day), "ask", week=week, q=week, text=question, day=day.isoformat()))
        counts["ask"] += 1
    lines.sort()
    (root / "history").mkdir()
    (root / "history" / f"{BENCH_DEVICE}.jsonl").write_text("".join(line for _, line in lines))
    return TextWorkspace(root, steps, per_step, years, started, counts)


def latest_at(root: Path) -> datetime:
    """The newest record of any history file (each one's last line: files only grow in time order)."""
    newest = datetime.min.replace(tzinfo=UTC)
    for path in (root / "history").glob("*.jsonl"):
        last = path.read_bytes().rstrip(b"\n").rsplit(b"\n", 1)[-1]
        if last.strip():
            newest = max(newest, datetime.fromisoformat(json.loads(last)["at"]))
    return newest


def pull(root: Path, rng: random.Random, items: list[str], count: int = 100) -> None:
    """Append ``count`` state records made on another machine to its history file, as `git pull` would
    bring them: each recorded after every record the workspace holds, in order."""
    at = max(latest_at(root), datetime.now(UTC)) + timedelta(milliseconds=1)
    today = date.today().isoformat()
    lines = []
    for n in range(count):
        state = rng.choice(["in_progress", "done", "skipped", "todo"])
        lines.append(
            record_line(rng, at + timedelta(milliseconds=n), "state", item=rng.choice(items), state=state, day=today)[1]
        )
    with open(root / "history" / f"{PULL_DEVICE}.jsonl", "a", encoding="utf-8") as handle:
        handle.write("".join(lines))


def drop_store(root: Path) -> None:
    """Delete the workspace's store (and its WAL files), keeping `.roadmap/device`."""
    db = root / ".roadmap" / "roadmap.db"
    for extra in ("", "-wal", "-shm"):
        Path(str(db) + extra).unlink(missing_ok=True)


def check_text_workspace(ws: TextWorkspace, env: dict) -> float:
    """Build the store from the text once and make sure every record and note was taken in as it is:
    the ids the records name are roadmap.yaml's, every record is held, and the rebuild warns of
    nothing. Returns how long that first build took."""
    root = ws.root
    drop_store(root)
    start = time.perf_counter()
    proc = subprocess.run([ROADMAP, "status"], cwd=root, env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"roadmap status failed on the text workspace: {proc.stderr}")
    conn = sqlite3.connect(root / ".roadmap" / "roadmap.db")
    keys = {key for (key,) in conn.execute("SELECT key FROM item")}
    missing = [i for ids in synthetic_ids(ws.steps, ws.per_step).values() for i in ids if i not in keys]
    held = conn.execute("SELECT count(*) FROM record").fetchone()[0]
    entries = conn.execute("SELECT count(*) FROM entry").fetchone()[0]
    conn.close()
    if missing:
        raise SystemExit(f"roadmap.yaml has no item {missing[0]} ({len(missing)} ids are not the tool's)")
    usual = re.compile(
        rf"Tracking progress on roadmap\.yaml in \S+\.|Read {ws.counts['notes']} notes files into the diary\."
        rf"|Rebuilt the progress from .*: {ws.records} records\."
    )
    said = [line for line in proc.stderr.splitlines() if line.strip() and not usual.fullmatch(line)]
    if said or held != ws.records or entries != ws.counts["notes"]:
        raise SystemExit(
            f"the rebuild from text did not take in {ws.records} records and {ws.counts['notes']} notes cleanly "
            f"({held} records, {entries} notes held):\n" + "\n".join(said)
        )
    return took


def jrnl_home(root: Path, entries: int = 500) -> dict:
    """A jrnl configuration and journal of weekly entries under ``root``; the environment to run jrnl in."""
    config = root / ".config" / "jrnl"
    config.mkdir(parents=True)
    journal = root / "journal.txt"
    (config / "jrnl.yaml").write_text(
        "colors: {body: none, date: none, tags: none, title: none}\ndefault_hour: 9\ndefault_minute: 0\n"
        "editor: ''\nencrypt: false\nhighlight: true\nindent_character: '|'\n"
        f"journals: {{default: {{journal: {journal}}}}}\nlinewrap: 79\ntagsymbols: '#@'\ntemplate: false\n"
        "timeformat: '%F %r'\nversion: v4.6\n"
    )
    first = date(2017, 1, 2)
    lines = []
    for week in range(entries):
        day = first + timedelta(weeks=week)
        lines.append(
            f"[{day.isoformat()} 09:00:00 AM] Week {week + 1}: learned about topic {week % 40}.\n"
            f"Concepts: backprop, attention, @ml. Notes for the week {'lorem ipsum ' * 20}\n"
        )
    journal.write_text("\n".join(lines))
    return {"HOME": str(root), "XDG_CONFIG_HOME": str(root / ".config")}


# --- timing ---------------------------------------------------------------------------------------


class Failed(Exception):
    pass


def run(args: list[str], cwd: Path, env: dict, timeout: float | None = None) -> float:
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise Failed(f"{' '.join(map(str, args))} failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
    return elapsed


def timed(
    args: list[str],
    cwd: Path,
    env: dict,
    runs: int,
    prepare: Callable[[], object] | None = None,
    *,
    warm: bool = True,
) -> list[float]:
    """Times of ``runs`` runs in fresh processes, after one untimed warm-up (``warm``); ``prepare()``
    before every run, the warm-up too. A command whose warm-up took over SLOW seconds runs SLOW_RUNS times."""
    times: list[float] = []
    n = runs
    if warm:
        if prepare:
            prepare()
        first = run(args, cwd, env)
        if first > VERY_SLOW:  # warming is nothing beside it: the warm-up counts as a run
            times.append(first)
            n = SLOW_RUNS - 1
        elif first > SLOW:
            n = min(runs, SLOW_RUNS)
    for _ in range(n):
        if prepare:
            prepare()
        times.append(run(args, cwd, env))
    return times


def peak_rss(args: list[str], cwd: Path, env: dict) -> tuple[float, int]:
    """(seconds, peak resident set size in bytes) of one run of ``args``: the child's own
    ru_maxrss, from os.wait4 (Linux reports it in KiB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    if proc.returncode != 0:
        raise Failed(f"{' '.join(map(str, args))} failed ({proc.returncode}): {err.decode()[-2000:]}")
    scale = 1 if sys.platform == "darwin" else 1024
    return elapsed, usage.ru_maxrss * scale


# --- the table ------------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    seconds: float | None = None  # None: it did not finish (see ``note``)
    samples: list[float] = field(default_factory=list)
    unit: str = "time"  # "time", or "mem" (then ``value`` is bytes) or "rate" (s/MB)
    value: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""


class Table:
    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.by_key: dict[str, Row] = {}

    def add(self, key: str, row: Row) -> Row:
        self.rows.append(row)
        self.by_key[key] = row
        return row

    def time(self, key: str, name: str, samples: list[float], note: str = "") -> Row:
        return self.add(key, Row(name, statistics.median(samples), samples, note=note))

    def __getitem__(self, key: str) -> Row:
        return self.by_key[key]

    def get(self, key: str) -> Row | None:
        return self.by_key.get(key)

    def seconds(self, key: str) -> float | None:
        row = self.by_key.get(key)
        return row.seconds if row else None


def verdict(met: bool | None) -> str:
    return "" if met is None else ("met" if met else "NOT MET")


def fmt_time(seconds: float | None, note: str = "") -> str:
    if seconds is None:
        return note or "n/a"
    return f"{seconds * 1000:9.1f} ms" if seconds < 10 else f"{seconds:9.2f} s "


def print_table(table: Table, pass_s: float, jrnl_s: float | None) -> None:
    width = max(len(r.name) for r in table.rows)
    head = f"{'row':<{width}}  {'figure':>12}  {'x pass':>8}" + (f"  {'x jrnl':>7}" if jrnl_s else "")
    print(head + f"  {'target':<40}  verdict")
    print("-" * (len(head) + 52))
    for r in table.rows:
        if r.unit == "mem":
            figure = f"{r.value / MIB:8.1f} MiB" if r.value is not None else "n/a"
            ratio, versus = "", ""
        elif r.unit == "rate":
            figure = f"{r.value:7.2f} s/MB" if r.value is not None else "n/a"
            ratio, versus = "", ""
        else:
            figure = fmt_time(r.seconds, r.note)
            ratio = f"{r.seconds / pass_s:7.1f}x" if r.seconds is not None else ""
            versus = f"{r.seconds / jrnl_s:6.2f}x" if (jrnl_s and r.seconds is not None) else ""
        line = f"{r.name:<{width}}  {figure:>12}  {ratio:>8}" + (f"  {versus:>7}" if jrnl_s else "")
        print(line + f"  {r.target:<40}  {verdict(r.met)}")


def judge(table: Table) -> None:
    """Set each row's target and verdict (the targets in the README)."""
    pass_s = table.seconds("pass")
    jrnl_s = table.seconds("jrnl")

    def ratio_to_pass(key: str, limit: float) -> None:
        row = table.get(key)
        if row and row.seconds is not None:
            x = row.seconds / pass_s
            row.target = f"<= {limit:g}x pass (is {x:.1f}x)"
            row.met = x <= limit

    ratio_to_pass("help", 6)
    ratio_to_pass("version", 6)
    status = table.get("status:bundled")
    if status:
        x = status.seconds / pass_s
        parts, ok = [f"<= 9x pass ({x:.1f}x)"], x <= 9
        if jrnl_s:
            y = status.seconds / jrnl_s
            parts.append(f"< 0.55x jrnl ({y:.2f}x)")
            ok = ok and y < 0.55
        status.target, status.met = ", ".join(parts), ok
    for cmd in ("status", "show", "check", "logs"):
        row, base = table.get(f"{cmd}:big"), table.get(f"{cmd}:bundled")
        if row and base and row.seconds is not None:
            x = row.seconds / base.seconds
            row.target, row.met = f"<= 1.5x bundled (is {x:.2f}x)", x <= 1.5

    def under(key: str, limit: float) -> None:
        row = table.get(key)
        if row is None:
            return
        row.target = f"< {limit:g} s"
        row.met = row.seconds is not None and row.seconds < limit

    under("report4w:big", 1)
    under("reportall:big", 3)
    under("firstsync-plan:big", 3)
    under("firstsync-text:big", 3)
    under("restore:big", 5)
    under("rename:10000", 3)
    under("rekey:10000", 3)
    sync, status_big = table.get("sync:big"), table.get("status:big")
    if sync and status_big:
        x = sync.seconds / status_big.seconds
        sync.target, sync.met = f"as cheap as status: <= 1.15x (is {x:.2f}x)", x <= 1.15
    for key in ("exportjson-mem:big", "exportjson-file-mem:big"):
        row = table.get(key)
        if row and row.value is not None:
            row.target, row.met = "peak < 150 MiB", row.value < 150 * MIB
    for key in ("import-rate", "import-corpus-rate"):
        row = table.get(key)
        if row and row.value is not None:
            row.target, row.met = "< 1 s per MB", row.value < 1


# --- main -----------------------------------------------------------------------------------------


def installed_where() -> tuple[str, bool]:
    """Where roadmap_tracker is imported from, and whether that is an editable install."""
    probe = (
        "import json, roadmap_tracker, importlib.metadata as m\n"
        "d = m.distribution('roadmap-tracker')\n"
        "u = d.read_text('direct_url.json') or '{}'\n"
        "print(json.dumps([roadmap_tracker.__file__, json.loads(u).get('dir_info', {}).get('editable', False)]))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd="/")
    if out.returncode != 0:
        raise SystemExit(f"roadmap-tracker is not importable by {sys.executable}: {out.stderr}")
    where, editable = json.loads(out.stdout)
    return where, editable or "site-packages" not in where


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jrnl", help="a jrnl command to time beside roadmap (jrnl -n 5 over 500 entries)")
    parser.add_argument("--quick", action="store_true", help="the 10,000-item, 10-year sizes only")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN QUERY PLAN of the report queries")
    parser.add_argument("--allow-editable", action="store_true", help="run against an editable install anyway")
    parser.add_argument("--keep", type=Path, help="build the workspaces in this (new) directory and keep them")
    opts = parser.parse_args()
    began = time.perf_counter()

    where, editable = installed_where()
    print(f"roadmap-tracker from {where}{' (EDITABLE)' if editable else ''}; python {sys.version.split()[0]}")
    if editable and not opts.allow_editable:
        raise SystemExit("this is an editable install: install the package (pip install .) or pass --allow-editable")

    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    for name in ("ROADMAP_HOME", "ROADMAP_DB", "ROADMAP_TODAY", "ROADMAP_DEBUG"):
        env.pop(name, None)
    runs = opts.runs
    size = {"steps": 200, "per_step": 50, "years": 10} if opts.quick else {"steps": 2000, "per_step": 50, "years": 50}

    if opts.keep:
        opts.keep.mkdir(parents=True)
        tmp_ctx = None
        tmp = opts.keep.resolve()
    else:
        tmp_ctx = tempfile.TemporaryDirectory()
        tmp = Path(tmp_ctx.name)
    try:
        table, growth, lines = measure(tmp, env, runs, size, opts)
    finally:
        if tmp_ctx:
            tmp_ctx.cleanup()
    judge(table)
    print()
    for line in lines:
        print(line)
    print()
    print_table(table, table.seconds("pass"), table.seconds("jrnl"))
    if growth:
        print()
        print_growth(growth)
    unmet = [r.name for r in table.rows if r.met is False]
    print()
    print(f"{len(unmet)} target(s) NOT MET" + (": " + "; ".join(unmet) if unmet else ""))
    print(f"benchmark took {time.perf_counter() - began:.0f} s")


def print_growth(growth: list[tuple[str, float | None, float | None, float, float]]) -> None:
    """How each command grew from the small size to the big one. The exponent k in time ~ size^k is
    taken from the work beyond the fixed start-up (`roadmap --version`); when the small figure is
    within 50 ms of the start-up there is too little work to tell, and only the ratio is shown."""
    print("growth from the small to the big size (work = time - `roadmap --version`, the fixed start-up;")
    print("exponent k of work ~ size^k: 1 is linear, 2 quadratic):")
    width = max(len(g[0]) for g in growth)
    print(
        f"{'command':<{width}}  {'small':>12}  {'big':>12}  {'size x':>6}  {'time x':>6}  {'work x':>7}  "
        f"{'exponent':>8}  verdict"
    )
    for name, small, big, scale, startup in growth:
        if small is None:
            print(f"{name:<{width}}  {'n/a':>12}")
            continue
        if big is None:  # over the timeout: a lower bound
            limit = REKEY_TIMEOUT if "re-keyed" in name else RENAME_TIMEOUT
            low = math.log(limit / small) / math.log(scale)
            print(
                f"{name:<{width}}  {fmt_time(small):>12}  {'> ' + format(limit, 'g') + ' s':>12}  {scale:6.0f}  "
                f"{'>' + format(limit / small, '.1f'):>6}  {'':>7}  {'>' + format(low, '.2f'):>8}  "
                + ("SUPERLINEAR" if low > 1.25 else "over the timeout")
            )
            continue
        work_small, work_big = small - startup, big - startup
        if work_small < 0.05:
            print(
                f"{name:<{width}}  {fmt_time(small):>12}  {fmt_time(big):>12}  {scale:6.0f}  {big / small:6.1f}  "
                f"{'':>7}  {'':>8}  start-up bound at the small size: {(big - small) * 1000:+.0f} ms"
            )
            continue
        exponent = math.log(max(work_big, 1e-3) / work_small) / math.log(scale)
        flag = (
            "linear or better" if exponent <= 1.1 else ("slightly superlinear" if exponent <= 1.25 else "SUPERLINEAR")
        )
        print(
            f"{name:<{width}}  {fmt_time(small):>12}  {fmt_time(big):>12}  {scale:6.0f}  {big / small:6.1f}  "
            f"{work_big / work_small:7.1f}  {exponent:8.2f}  {flag}"
        )


def measure(tmp: Path, env: dict, runs: int, size: dict, opts) -> tuple[Table, list, list[str]]:
    table = Table()
    lines: list[str] = []

    def log(msg: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    # --- start-up -------------------------------------------------------------------------------
    log("start-up rows")
    table.time("pass", "python -c pass", timed([sys.executable, "-c", "pass"], tmp, env, runs))
    if opts.jrnl:
        jenv = {**env, **jrnl_home(tmp / "jrnl")}
        run([opts.jrnl, "-n", "1"], tmp, jenv)  # jrnl rewrites its configuration on the first run
        table.time("jrnl", "jrnl -n 5  [500 entries]", timed([opts.jrnl, "-n", "5"], tmp, jenv, runs))
    bundled = tmp / "bundled"
    subprocess.run([ROADMAP, "init", str(bundled), "--start", "2026-11-02"], env=env, check=True, capture_output=True)
    table.time("help", "roadmap --help", timed([ROADMAP, "--help"], bundled, env, runs))
    table.time("version", "roadmap --version", timed([ROADMAP, "--version"], bundled, env, runs))

    # --- the big workspace, as text --------------------------------------------------------------
    log(f"writing the big workspace ({size['steps'] * size['per_step']:,} items, {size['years']} years) as text")
    start = time.perf_counter()
    big = years_of_text(tmp / "big", **size)
    wrote = time.perf_counter() - start
    plan_bytes = (big.root / "roadmap.yaml").stat().st_size
    history_bytes = (big.root / "history" / f"{BENCH_DEVICE}.jsonl").stat().st_size
    lines.append(
        f"big workspace [{big.label}]: {big.steps:,} steps x {big.per_step} = {big.items:,} items "
        f"(roadmap.yaml {plan_bytes / MIB:.1f} MiB); {big.records:,} history records ({big.counts['state']:,} state = "
        f"{big.counts['state'] / (len(big.tracked())):.2f} per resource/project, {big.counts['link']:,} link, "
        f"{big.counts['answer']:,} answer, {big.counts['ask']:,} ask; {history_bytes / MIB:.1f} MiB), "
        f"{big.counts['notes']:,} weekly notes from {big.started}; written in {wrote:.1f} s"
    )
    log("first build of the big store from the text (checked)")
    first = check_text_workspace(big, env)
    lines.append(f"first build of the big store from its text (checked, untimed row): {first:.2f} s")
    tag = big.label
    rows = measure_workspace(table, big, bundled, env, runs, tag, log, lines, tmp, full=True)

    # --- rename matching --------------------------------------------------------------------------
    rename: dict[int, float | None] = {}
    for n in RENAME_STEPS:
        log(f"sync after replacing a {n:,}-step plan (all titles changed)")
        rename[n] = time_rename(tmp / f"rename{n}", n, env, table, log)
    rekey: dict[int, float | None] = {}
    for n in REKEY_STEPS:
        log(f"sync after re-keying a {n:,}-step plan (new ids, same titles)")
        rekey[n] = time_rename(tmp / f"rekey{n}", n, env, table, log, rekey=True)

    # --- import ---------------------------------------------------------------------------------
    log("import of a ~1 MB Markdown roadmap")
    text, steps = big_markdown()
    md = tmp / "big-roadmap.md"
    md.write_text(text)
    out = tmp / "imported.yaml"
    mb = md.stat().st_size / 1e6
    samples = timed([ROADMAP, "import", str(md), "-o", str(out), "--force"], tmp, env, runs)
    row = table.time("import", f"roadmap import  [generated, {mb:.2f} MB, {steps} steps]", samples)
    table.add("import-rate", Row(f"  import rate  [generated {mb:.2f} MB]", unit="rate", value=row.seconds / mb))
    corpus = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "roadmaps"
    largest = max(corpus.glob("*.md"), key=lambda p: p.stat().st_size, default=None) if corpus.is_dir() else None
    if largest is not None:
        cmb = largest.stat().st_size / 1e6
        samples = timed([ROADMAP, "import", str(largest), "-o", str(out), "--force"], tmp, env, runs)
        row = table.time("import-corpus", f"roadmap import  [{largest.name[:30]}…, {cmb:.2f} MB]", samples)
        table.add(
            "import-corpus-rate", Row(f"  import rate  [{largest.name[:30]}…]", unit="rate", value=row.seconds / cmb)
        )

    # --- growth: the same at the small size -------------------------------------------------------
    growth = []
    if not opts.quick:
        log("the small workspace (10k items, 10 years) for the growth table")
        small = years_of_text(tmp / "small", steps=200, per_step=50, years=10)
        check_text_workspace(small, env)
        small_table = Table()
        measure_workspace(small_table, small, None, env, min(runs, 3), small.label, log, [], tmp, full=False)
        startup = table.seconds("version")
        scale = big.items / small.items
        for key, name in rows:
            if small_table.get(key) is not None and table.get(key) is not None:
                growth.append((name, small_table.seconds(key), table.seconds(key), scale, startup))
        for a, b in itertools.pairwise(RENAME_STEPS):
            growth.append((f"sync, plan replaced ({a:,} -> {b:,} steps)", rename[a], rename[b], b / a, startup))
        for a, b in itertools.pairwise(REKEY_STEPS):
            growth.append((f"sync, plan re-keyed ({a:,} -> {b:,} steps)", rekey[a], rekey[b], b / a, startup))

    if opts.explain:
        log("EXPLAIN QUERY PLAN on the big store")
        lines.append(f"EXPLAIN: see below ({HERE / 'explain.py'} {big.root})")
        proc = subprocess.run(
            [
                sys.executable,
                str(HERE / "explain.py"),
                str(big.root),
                "--since",
                (big.started - timedelta(days=1)).isoformat(),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        lines.append(proc.stdout + (proc.stderr if proc.returncode else ""))
    return table, growth, lines


def measure_workspace(
    table: Table,
    ws: TextWorkspace,
    bundled: Path | None,
    env: dict,
    runs: int,
    tag: str,
    log: Callable[[str], None],
    lines: list[str],
    tmp: Path,
    *,
    full: bool,
) -> list[tuple[str, str]]:
    """Time every command on ``ws`` (and the everyday ones on ``bundled``, when given) into ``table``
    under keys ``<row>:big`` (and ``<row>:bundled``); returns (key, name) of the rows for the growth table."""
    root = ws.root
    names: list[tuple[str, str]] = []

    def add(key: str, name: str, samples: list[float], note: str = "") -> None:
        table.time(f"{key}:big", name, samples, note)
        names.append((f"{key}:big", name.split("  [")[0].strip()))

    # First sync: the store built from the text (plan + history + notes), and from the plan alone.
    log(f"[{tag}] first sync, rebuild from text")
    add(
        "firstsync-text",
        f"first sync: rebuild from text  [{tag}]",
        timed([ROADMAP, "sync"], root, env, runs, lambda: drop_store(root)),
    )
    plan_only = tmp / f"plan-only-{ws.items}"
    plan_only.mkdir()
    shutil.copy(root / "roadmap.yaml", plan_only / "roadmap.yaml")
    log(f"[{tag}] first sync, plan only")
    add(
        "firstsync-plan",
        f"first sync: plan only, no history  [{ws.items // 1000}k items]",
        timed([ROADMAP, "sync"], plan_only, env, runs, lambda: drop_store(plan_only)),
    )
    run([ROADMAP, "status"], root, env)

    # The everyday commands, on the bundled roadmap and on the big one.
    places = [("bundled", bundled, "bundled"), ("big", root, tag)] if bundled else [("big", root, tag)]
    for where, path, label in places:
        log(f"[{label}] status, show, check, logs")
        table.time(f"status:{where}", f"roadmap status  [{label}]", timed([ROADMAP, "status"], path, env, runs))
        table.time(f"show:{where}", f"roadmap show 3  [{label}]", timed([ROADMAP, "show", "3"], path, env, runs))
        toggles = [run([ROADMAP, "uncheck" if i % 2 else "check", "3.p1"], path, env) for i in range(runs + 1)][1:]
        table.time(f"check:{where}", f"roadmap check 3.p1  [{label}]", toggles)
        table.time(
            f"logs:{where}", f"roadmap logs -n 5  [{label}]", timed([ROADMAP, "logs", "-n", "5"], path, env, runs)
        )
    names += [(f"{c}:big", f"roadmap {c}") for c in ("status", "show", "check", "logs")]

    log(f"[{tag}] report")
    add("report4w", f"roadmap report --last 4w  [{tag}]", timed([ROADMAP, "report", "--last", "4w"], root, env, runs))
    since = (ws.started - timedelta(days=1)).isoformat()
    add(
        "reportall",
        f"roadmap report --since {since} (all)  [{tag}]",
        timed([ROADMAP, "report", "--since", since], root, env, runs),
    )
    log(f"[{tag}] sync with nothing changed")
    add("sync", f"roadmap sync, nothing changed  [{tag}]", timed([ROADMAP, "sync"], root, env, runs))
    rng, items = random.Random(11), ws.tracked()
    add(
        "pull",
        f"roadmap status after a pull of 100 records  [{tag}]",
        timed([ROADMAP, "status"], root, env, runs, lambda: pull(root, rng, items)),
    )
    pull(root, rng, items)  # once more, to see that a pull is taken in as one, not by a rebuild
    said = subprocess.run([ROADMAP, "status"], cwd=root, env=env, capture_output=True, text=True).stderr
    if f"Applied 100 new records from history/{PULL_DEVICE}.jsonl." not in said.splitlines():
        raise SystemExit(f"roadmap status did not take in the pull of 100 records as new records:\n{said}")

    log(f"[{tag}] export")
    if full:
        add("exportmd", f"roadmap export --format markdown  [{tag}]", timed([ROADMAP, "export"], root, env, runs))
    add(
        "exportjson",
        f"roadmap export --format json  [{tag}]",
        timed([ROADMAP, "export", "--format", "json"], root, env, runs),
    )
    backup = tmp / f"backup-{ws.items}.json"
    _, rss_stdout = peak_rss([ROADMAP, "export", "--format", "json"], root, env)
    _, rss_file = peak_rss([ROADMAP, "export", "--format", "json", "-o", str(backup), "--force"], root, env)
    if full:
        table.add(
            "exportjson-mem:big",
            Row(f"  peak memory, export --format json > stdout  [{tag}]", unit="mem", value=rss_stdout),
        )
        table.add(
            "exportjson-file-mem:big",
            Row(f"  peak memory, export --format json -o FILE  [{tag}]", unit="mem", value=rss_file),
        )
        lines.append(f"JSON backup of the big workspace: {backup.stat().st_size / MIB:.1f} MiB")

    log(f"[{tag}] restore")
    target = tmp / f"restored-{ws.items}"
    add(
        "restore",
        f"roadmap restore BACKUP NEWDIR  [{tag}]",
        timed(
            [ROADMAP, "restore", str(backup), str(target)],
            tmp,
            env,
            runs,
            lambda: shutil.rmtree(target, ignore_errors=True),
        ),
    )
    if full:
        run([ROADMAP, "status"], target, env)  # the restored workspace works
        shutil.rmtree(target)
        _, rss_restore = peak_rss([ROADMAP, "restore", str(backup), str(target)], tmp, env)
        table.add("restore-mem:big", Row(f"  peak memory, restore  [{tag}]", unit="mem", value=rss_restore))
    return names


def time_rename(
    root: Path, steps: int, env: dict, table: Table, log: Callable[[str], None], *, rekey: bool = False
) -> float | None:
    """`roadmap sync` after roadmap.yaml's plan of ``steps`` steps was replaced: by one whose every
    title (and so every id) changed, or with ``rekey`` by one whose every id changed and every title
    stayed. The old plan is synced first, untimed; a run that takes longer than the timeout
    (RENAME_TIMEOUT, REKEY_TIMEOUT) is stopped and reported as over it."""
    root.mkdir()
    if rekey:
        old, new, timeout = rekey_yaml(steps, "a"), rekey_yaml(steps, "b"), REKEY_TIMEOUT
        key, name = f"rekey:{steps}", f"sync after re-keying a {steps:,}-step plan (new ids, same titles)"
    else:
        old, new, timeout = rename_yaml(steps, "Old"), rename_yaml(steps, "New"), RENAME_TIMEOUT
        key, name = f"rename:{steps}", f"sync after replacing a {steps:,}-step plan (all titles changed)"
    times: list[float] = []
    for _ in range(SLOW_RUNS):
        drop_store(root)
        (root / "roadmap.yaml").write_text(old)
        run([ROADMAP, "sync"], root, env)
        (root / "roadmap.yaml").write_text(new)
        try:
            times.append(run([ROADMAP, "sync"], root, env, timeout=timeout))
        except subprocess.TimeoutExpired:
            times = []
            break
        log(f"  {steps:,} steps: {times[-1]:.2f} s")
        if times[-1] > 5:
            break  # a slow one is timed once
    if not times:
        log(f"  {steps:,} steps: over {timeout:g} s")
        table.add(key, Row(name, None, note=f"over {timeout:g} s"))
        return None
    table.time(key, name, times)
    return statistics.median(times)


if __name__ == "__main__":
    main()
