"""Wall-clock benchmark of the commands people run many times a day.

    python tests/benchmarks/run.py [--runs 9] [--jrnl PATH]

Run it with the Python of an environment where roadmap-tracker is installed as a
package (`pip install .`, not `-e`): an editable install recompiles our modules on
every run when PYTHONDONTWRITEBYTECODE is set, which is not what users run.
With --jrnl (the path of a `jrnl` command) it also builds a 500-entry journal and
times `jrnl -n 5` in the same run, as the peer a diary command is measured against.

Builds two workspaces in a temporary directory: the bundled roadmap, and a
synthetic one (200 steps, 10,000 items, five years of progress history, ten
years of weekly diary entries). Each command runs several times in a fresh
process; the script prints medians beside `python -c pass` measured in the
same run. Not collected by pytest: timings never belong in tests.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

BIN = Path(sys.executable).parent
ROADMAP = str(BIN / "roadmap") if (BIN / "roadmap").exists() else "roadmap"


def synthetic_yaml(steps: int = 200, per_step: int = 50) -> str:
    lines = ["version: 1", "title: Synthetic roadmap", "started: 2021-01-04", "steps:"]
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
            (big / ".roadmap" / "roadmap.db").unlink()
            for extra in ("-wal", "-shm"):
                Path(str(big / ".roadmap" / "roadmap.db") + extra).unlink(missing_ok=True)
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
    print(
        f"first sync of the 10,000-item roadmap.yaml: median {statistics.median(first_sync):.3f} s "
        f"({', '.join(f'{t:.3f}' for t in first_sync)})"
    )
    width = max(len(name) for name, _ in results)
    peer = dict(results).get("jrnl -n 5  [500 entries]")
    for name, seconds in results:
        versus = f"  {seconds / peer:5.2f}x jrnl" if peer else ""
        print(f"{name:<{width}}  {seconds * 1000:7.1f} ms  {seconds / baseline:5.1f}x pass{versus}")


if __name__ == "__main__":
    main()
