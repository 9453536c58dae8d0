"""Wall-clock benchmark of the commands people run many times a day.

    python tests/benchmarks/run.py [--runs 9] [--jrnl PATH]

Run it with the Python of an environment where roadmap-tracker is installed as a
package (`pip install .`, not `-e`): an editable install recompiles our modules on
every run when PYTHONDONTWRITEBYTECODE is set, which is not what users run.
With --jrnl (the path of a `jrnl` command) it also builds a 500-entry journal and
times `jrnl -n 5` in the same run, as the peer a diary command is measured against.

Builds three workspaces in a temporary directory: the bundled roadmap; a
synthetic one (200 steps, 10,000 items, five years of progress history, ten
years of weekly diary entries) written straight into its store; and the same
roadmap with ten years kept as text, the way the tool keeps them: one history
file (`history/bench-0a0a0a.jsonl`: state records for every resource and
project, a link for one project in ten, an answer for one question in five, the
asking of each weekly question) and 520 weekly notes (`notes/weekN.md`). On that
one it times the rebuild of the store from the text (target: under 2 s), a
`roadmap status` that finds nothing changed, and one that takes in a pull of
100 records from another device's file. Each command runs several times in a
fresh process (any preparation, untimed, before each run); the script prints
medians beside `python -c pass` measured in the same run. Not collected by
pytest: timings never belong in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

BIN = Path(sys.executable).parent
ROADMAP = str(BIN / "roadmap") if (BIN / "roadmap").exists() else "roadmap"


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


def run(args: list[str], cwd: Path, env: dict) -> float:
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {proc.stderr.decode()}")
    return elapsed


def median(args: list[str], cwd: Path, env: dict, runs: int) -> float:
    run(args, cwd, env)  # warm the page cache and the bytecode
    return statistics.median(run(args, cwd, env) for _ in range(runs))


def median_prepared(args: list[str], cwd: Path, env: dict, runs: int, prepare: Callable[[], object]) -> float:
    """`median`, with ``prepare()`` run before every run (the warm-up too); only the command is timed."""
    times = []
    for n in range(runs + 1):
        prepare()
        elapsed = run(args, cwd, env)
        if n:  # the first run warms the page cache and the bytecode
            times.append(elapsed)
    return statistics.median(times)


def drop_store(root: Path) -> None:
    """Delete the workspace's store (and its WAL files), keeping `.roadmap/device`."""
    db = root / ".roadmap" / "roadmap.db"
    for extra in ("", "-wal", "-shm"):
        Path(str(db) + extra).unlink(missing_ok=True)


def add_history(db_path: Path, years: int = 5) -> int:
    """Five years of events: most items worked through, some more than once."""
    rng = random.Random(7)
    conn = sqlite3.connect(db_path)
    items = [r[0] for r in conn.execute("SELECT id FROM item WHERE kind IN ('resource', 'project')")]
    first = date.today() - timedelta(days=365 * years)
    rows = []
    for item_id in items:
        day = first + timedelta(days=rng.randrange(365 * years))
        for state in rng.choice(
            [["in_progress", "done"], ["done"], ["in_progress"], ["skipped"], ["done", "todo", "done"]]
        ):
            rows.append((item_id, state, day.isoformat(), day.isoformat() + "T12:00:00+00:00", None, 0))
            day += timedelta(days=rng.randrange(1, 20))
    rows.sort(key=lambda r: r[2])
    conn.executemany("INSERT INTO event (item_id, state, day, recorded_at, note, auto) VALUES (?, ?, ?, ?, ?, ?)", rows)
    conn.commit()
    conn.close()
    return len(rows)


def add_diary(db_path: Path, years: int = 10) -> int:
    """Ten years of weekly entries, written straight into the store as the tool would keep them."""
    import json

    conn = sqlite3.connect(db_path)
    started = date.today() - timedelta(weeks=52 * years)
    started -= timedelta(days=started.weekday())
    conn.execute("UPDATE roadmap SET started = ?", (started.isoformat(),))
    weeks = 52 * years
    for week in range(1, weeks + 1):
        start = started + timedelta(weeks=week - 1)
        entry_id = conn.execute(
            """INSERT INTO entry (week, start_day, end_day, step, concepts, experiments, text, tags, refs, steps,
                   extra, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}', ?)""",
            (
                week,
                start.isoformat(),
                (start + timedelta(days=6)).isoformat(),
                f"Step {week % 200 + 1}",
                json.dumps([f"concept {week}.{i}" for i in range(4)]),
                json.dumps([{"text": f"experiment {week}", "result": "it worked", "metric": "acc", "value": "0.9"}]),
                f"Notes for week {week}. " * 20,
                json.dumps(["ml", f"topic{week % 12}"]),
                json.dumps([str(week % 200 + 1)]),
                json.dumps([f"s{week % 200 + 1}"]),
                start.isoformat(),
            ),
        ).lastrowid
        conn.execute(
            "INSERT INTO question (entry_id, text, asked_on) VALUES (?, ?, ?)",
            (entry_id, f"open question from week {week}?", start.isoformat()),
        )
    conn.commit()
    conn.close()
    return weeks


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


def ten_years_of_text(root: Path, years: int = 10) -> Counter:
    """The synthetic roadmap with ten years of use kept as text, as a learner's repository holds it.

    history/bench-0a0a0a.jsonl (this clone's device, named in .roadmap/device): one to three state
    records for every resource and project (as `add_history` makes them, spread over the years), a
    link record for one project in ten, an answer record for one question in five, and an ask
    record for each weekly question; notes/weekN.md for 520 weeks, four concepts and one question
    (^qN) each. Every record is from before today. Returns how many records of each kind, and
    notes, it wrote."""
    rng = random.Random(10)
    weeks = 52 * years
    today = date.today()
    started = today - timedelta(weeks=weeks)
    started -= timedelta(days=started.weekday())  # a Monday; week 520 ends before today
    span = (today - started).days - 1  # the last day anything happened is yesterday
    root.mkdir(parents=True)
    (root / "roadmap.yaml").write_text(synthetic_yaml(started=started))
    (root / ".roadmap").mkdir()
    (root / ".roadmap" / "device").write_text(BENCH_DEVICE + "\n")
    ids = synthetic_ids()
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
            f"---\nweek: {week}\nstart: {start}\nend: {end}\nstep: Step {(week - 1) * 200 // weeks + 1} of the "
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
    return counts


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


def check_text_workspace(root: Path, env: dict, counts: Counter) -> None:
    """Build the store from the text once and make sure every record and note was taken in as it is:
    the ids the records name are roadmap.yaml's, every record is held, and the rebuild warns of
    nothing (it says it tracks the roadmap, read the notes, and rebuilt the progress)."""
    drop_store(root)
    proc = subprocess.run([ROADMAP, "status"], cwd=root, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"roadmap status failed on the text workspace: {proc.stderr}")
    conn = sqlite3.connect(root / ".roadmap" / "roadmap.db")
    keys = {key for (key,) in conn.execute("SELECT key FROM item")}
    missing = [i for ids in synthetic_ids().values() for i in ids if i not in keys]
    held = conn.execute("SELECT count(*) FROM record").fetchone()[0]
    entries = conn.execute("SELECT count(*) FROM entry").fetchone()[0]
    conn.close()
    if missing:
        raise SystemExit(f"roadmap.yaml has no item {missing[0]} ({len(missing)} ids are not the tool's)")
    records = sum(n for op, n in counts.items() if op != "notes")
    usual = re.compile(
        rf"Tracking progress on roadmap\.yaml in \S+\.|Read {counts['notes']} notes files into the diary\."
        rf"|Rebuilt the progress from .*: {records} records\."
    )
    said = [line for line in proc.stderr.splitlines() if line.strip() and not usual.fullmatch(line)]
    if said or held != records or entries != counts["notes"]:
        raise SystemExit(
            f"the rebuild from text did not take in {records} records and {counts['notes']} notes cleanly "
            f"({held} records, {entries} notes held):\n" + "\n".join(said)
        )


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--jrnl", help="a jrnl command to time beside roadmap (jrnl -n 5 over 500 entries)")
    opts = parser.parse_args()
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    env.pop("ROADMAP_HOME", None)
    env.pop("ROADMAP_DB", None)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        bundled, big = tmp / "bundled", tmp / "big"
        subprocess.run(
            [ROADMAP, "init", str(bundled), "--start", "2026-11-02"], env=env, check=True, capture_output=True
        )
        big.mkdir()
        (big / "roadmap.yaml").write_text(synthetic_yaml())
        first_sync = [run([ROADMAP, "sync"], big, env)]
        for _ in range(2):
            drop_store(big)
            first_sync.append(run([ROADMAP, "sync"], big, env))
        events = add_history(big / ".roadmap" / "roadmap.db")
        weeks = add_diary(big / ".roadmap" / "roadmap.db")

        results: list[tuple[str, float]] = []
        baseline = median([sys.executable, "-c", "pass"], tmp, env, opts.runs)
        results.append(("python -c pass", baseline))
        results.append(("roadmap --help", median([ROADMAP, "--help"], bundled, env, opts.runs)))
        results.append(("roadmap --version", median([ROADMAP, "--version"], bundled, env, opts.runs)))
        if opts.jrnl:
            jenv = {**env, **jrnl_home(tmp / "jrnl")}
            run([opts.jrnl, "-n", "1"], tmp, jenv)  # jrnl rewrites its configuration on the first run
            results.append(("jrnl -n 5  [500 entries]", median([opts.jrnl, "-n", "5"], tmp, jenv, opts.runs)))
        for name, ws in (("bundled", bundled), ("10k items", big)):
            results.append((f"roadmap status  [{name}]", median([ROADMAP, "status"], ws, env, opts.runs)))
            results.append((f"roadmap show 3  [{name}]", median([ROADMAP, "show", "3"], ws, env, opts.runs)))
            toggles = []
            for i in range(opts.runs):
                toggles.append(run([ROADMAP, "uncheck" if i % 2 else "check", "3.p1"], ws, env))
            results.append((f"roadmap check 3.p1  [{name}]", statistics.median(toggles)))
            results.append((f"roadmap logs -n 5  [{name}]", median([ROADMAP, "logs", "-n", "5"], ws, env, opts.runs)))
            export = subprocess.run([ROADMAP, "export", "--help"], cwd=ws, env=env, capture_output=True)
            if export.returncode == 0 and name != "bundled":
                for fmt in ("markdown", "json"):
                    results.append(
                        (
                            f"roadmap export --format {fmt}  [{name}]",
                            median([ROADMAP, "export", "--format", fmt], ws, env, max(3, opts.runs // 3)),
                        )
                    )
                for period in (["--last", "8w"], ["--since", "-5y"]):
                    results.append(
                        (
                            f"roadmap report {' '.join(period)}  [{name}]",
                            median([ROADMAP, "report", *period], ws, env, max(3, opts.runs // 3)),
                        )
                    )
        text = tmp / "text"
        counts = ten_years_of_text(text)
        check_text_workspace(text, env, counts)
        results.append(
            (
                "rebuild from text  [10 years]",
                median_prepared([ROADMAP, "status"], text, env, opts.runs, lambda: drop_store(text)),
            )
        )
        results.append(("roadmap status  [10 years, no change]", median([ROADMAP, "status"], text, env, opts.runs)))
        rng, items = random.Random(11), synthetic_ids()["resource"] + synthetic_ids()["project"]
        results.append(
            (
                "roadmap status after a pull of 100 records  [10 years]",
                median_prepared([ROADMAP, "status"], text, env, opts.runs, lambda: pull(text, rng, items)),
            )
        )
        pull(text, rng, items)  # once more, to see that a pull is taken in as one, not by a rebuild
        said = subprocess.run([ROADMAP, "status"], cwd=text, env=env, capture_output=True, text=True).stderr
        if f"Applied 100 new records from history/{PULL_DEVICE}.jsonl." not in said.splitlines():
            raise SystemExit(f"roadmap status did not take in the pull of 100 records as new records:\n{said}")
        corpus = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "roadmaps"
        largest = max(corpus.glob("*.md"), key=lambda p: p.stat().st_size, default=None) if corpus.is_dir() else None
        imp = subprocess.run([ROADMAP, "import", "--help"], cwd=tmp, env=env, capture_output=True)
        if largest is not None and imp.returncode == 0:
            out = tmp / "imported.yaml"
            results.append(
                (
                    f"roadmap import {largest.name[:28]}…",
                    median([ROADMAP, "import", str(largest), "-o", str(out), "--force"], tmp, env, opts.runs),
                )
            )

    print(
        f"median of {opts.runs} runs each; synthetic workspace: 200 steps, 10,000 items, {events:,} events"
        + (f", {weeks} weekly entries" if weeks else "")
    )
    records = sum(n for op, n in counts.items() if op != "notes")
    print(
        f"ten years as text: {records:,} history records ({counts['state']:,} state, {counts['link']} link, "
        f"{counts['answer']} answer, {counts['ask']} ask) in history/{BENCH_DEVICE}.jsonl, "
        f"{counts['notes']} weekly notes"
    )
    print(
        f"first sync of the 10,000-item roadmap.yaml: median {statistics.median(first_sync):.3f} s "
        f"({', '.join(f'{t:.3f}' for t in first_sync)})"
    )
    width = max(len(name) for name, _ in results)
    peer = dict(results).get("jrnl -n 5  [500 entries]")
    for name, seconds in results:
        versus = f"  {seconds / peer:5.2f}x jrnl" if peer else ""
        print(f"{name:<{width}}  {seconds * 1000:7.1f} ms  {seconds / baseline:5.1f}x pass{versus}")
    timed = dict(results)
    rebuild = timed["rebuild from text  [10 years]"]
    still = timed["roadmap status  [10 years, no change]"]
    pulled = timed["roadmap status after a pull of 100 records  [10 years]"]
    print(
        f"rebuild from text: {rebuild:.3f} s against a target of under 2 s ({'met' if rebuild < 2 else 'missed'}); "
        f"a pull of 100 records adds {(pulled - still) * 1000:.0f} ms to `roadmap status` "
        f"({still * 1000:.0f} ms with no change)"
    )


if __name__ == "__main__":
    main()
