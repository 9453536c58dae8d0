"""EXPLAIN QUERY PLAN of every query the report (and the everyday commands) run on a store.

    python tests/benchmarks/explain.py WORKSPACE [--since YYYY-MM-DD] [--commands report,status,...]

Runs each command in this process, with every SQLite connection the tool opens traced, so the
statements are the ones the code really runs, with their bound values. Each distinct statement
(literals folded, so one run per row shows as a count) is then explained and run once more on a
read-only connection to time it. Printed per command, slowest first: how many times it ran, its
time, its plan, and flags:

  PROBLEM  a full SCAN of a big table (item, event, record, entry, question, answer, link, …) or of
           a CTE inside a correlated subquery or as the inner loop of a join: it runs once per outer
           row, so the query grows as rows x rows;
  SCAN     a full scan of a big table that runs once (linear in the table: no index narrows it);
           an index search on roadmap_id or auto alone counts as one (every item has roadmap_id 1,
           nearly every event auto 0), and is flagged as such;
  N+1      a statement run many times by one command: a Python loop issuing one query per row.

Use the Python of the environment where roadmap-tracker is installed. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sqlite3
import sys
import time
from collections import defaultdict
from pathlib import Path

BIG_TABLES = {"item", "event", "record", "entry", "question", "answer", "link", "entry_item", "notefile", "step_tally"}
KEYWORDS = {
    "where", "on", "join", "left", "right", "inner", "outer", "cross", "natural", "group", "order", "limit",
    "using", "union", "select", "and", "or", "as", "set", "values", "having", "window", "except", "intersect",
}  # fmt: skip
# Columns (nearly) every row shares one value of: an index search on them alone reads the whole table.
WIDE_COLUMNS = {"roadmap_id", "auto"}
N_PLUS_ONE = 20  # a statement run more often than this by one command is flagged
QUERY_TIMEOUT = 30.0

_traced: list[tuple[str, str]] = []  # (command, sql)
_current = ["-"]


def _install_trace() -> None:
    real = sqlite3.connect

    def connect(*args, **kwargs):
        db = real(*args, **kwargs)
        db.set_trace_callback(lambda sql: _traced.append((_current[0], sql)))
        return db

    sqlite3.connect = connect


def normalize(sql: str) -> str:
    text = re.sub(r"'(?:[^']|'')*'", "?", sql)
    text = re.sub(r"(?<![\w.])-?\d+(?:\.\d+)?\b", "?", text)
    return re.sub(r"\s+", " ", text).strip()


def interesting(sql: str) -> bool:
    head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    if head not in {"SELECT", "WITH", "UPDATE", "DELETE", "INSERT"}:
        return False
    if "sqlite_master" in sql or "sqlite_schema" in sql:
        return False
    return not (head == "INSERT" and "SELECT" not in sql.upper())


def aliases(sql: str) -> tuple[dict[str, str], set[str]]:
    """alias -> table as the FROM and JOIN clauses name them, and the CTE names."""
    ctes = set(
        re.findall(
            r"(?:\bWITH|,)\s*(?:RECURSIVE\s+)?(\w+)\s*(?:\([^)]*\))?\s+AS\s*(?:NOT\s+)?(?:MATERIALIZED\s*)?\(",
            sql,
            re.I,
        )
    )
    found: dict[str, str] = {}
    for table, alias in re.findall(r"\b(?:FROM|JOIN|UPDATE)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?", sql, re.I):
        found[table] = table
        if alias and alias.lower() not in KEYWORDS:
            found[alias] = table
    return found, ctes


def plan_flags(sql: str, plan: list[tuple]) -> list[tuple[int, str]]:
    """(plan row id, flag) for the scans of the plan."""
    names, ctes = aliases(sql)
    detail = {r[0]: r[3] for r in plan}
    parent = {r[0]: r[1] for r in plan}
    children: dict[int, list[int]] = defaultdict(list)
    for r in plan:
        children[r[1]].append(r[0])
    flags = []
    for node_id, text in detail.items():
        wide = re.match(r"SEARCH (\w+) USING (?:COVERING )?INDEX (\w+) \((.*)\)$", text)
        if wide:
            columns = set(re.findall(r"(\w+)[=<>]", wide[3]))
            if not columns or not columns <= WIDE_COLUMNS:
                continue
            m = wide
            name = m[1]
            table = names.get(name, name)
            if table not in BIG_TABLES:
                continue
            what = f"table {table} (index {m[2]} narrows only by {', '.join(sorted(columns))}, which nearly every row shares)"
            is_cte = False
        else:
            m = re.match(r"SCAN (\w+)(?: USING (COVERING )?INDEX (\w+))?", text)
            if not m or text.startswith("SCAN CONSTANT ROW") or "VIRTUAL TABLE" in text:
                continue
            name = m[1]
            table = names.get(name, name)
            is_cte = table in ctes or name in ctes
            if not is_cte and table not in BIG_TABLES:
                continue
            what = f"CTE {table}" if is_cte else f"table {table}" + (f" (whole index {m[3]})" if m[3] else "")
        # Where it runs: in a correlated subquery, or as an inner loop of a join, it runs per outer row.
        up, correlated = parent[node_id], False
        while up:
            if "CORRELATED" in detail.get(up, ""):
                correlated = True
                break
            up = parent.get(up, 0)
        siblings = children[parent[node_id]]
        inner = any(detail[s].startswith(("SCAN", "SEARCH")) for s in siblings[: siblings.index(node_id)])
        if correlated:
            flags.append((node_id, f"PROBLEM: full scan of {what} inside a correlated subquery (once per outer row)"))
        elif inner:
            flags.append((node_id, f"PROBLEM: full scan of {what} as the inner loop of a join (once per outer row)"))
        elif not is_cte:
            flags.append((node_id, f"SCAN: full scan of {what}, once (linear in the table, no index narrows it)"))
    return flags


def render_plan(plan: list[tuple], flags: list[tuple[int, str]]) -> list[str]:
    flagged = dict(flags)
    depth = {0: -1}
    out = []
    for node_id, parent, _, text in plan:
        depth[node_id] = depth.get(parent, -1) + 1
        mark = f"    <-- {flagged[node_id]}" if node_id in flagged else ""
        out.append("      " + "  " * depth[node_id] + text + mark)
    return out


def time_query(conn: sqlite3.Connection, sql: str) -> float | None:
    deadline = time.perf_counter() + QUERY_TIMEOUT
    conn.set_progress_handler(lambda: int(time.perf_counter() > deadline), 10_000)
    try:
        start = time.perf_counter()
        conn.execute(sql).fetchall()
        return time.perf_counter() - start
    except sqlite3.OperationalError:
        return None
    finally:
        conn.set_progress_handler(None, 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--since", help="the day before the roadmap started: the full-history report")
    parser.add_argument("--all", action="store_true", help="list every statement, not only the flagged and slow ones")
    opts = parser.parse_args()
    root = opts.workspace.resolve()
    commands = [
        ["report"],
        ["report", "--last", "4w"],
        *([["report", "--since", opts.since]] if opts.since else []),
        ["status"],
        ["show", "3"],
        ["logs", "-n", "5"],
        ["sync"],
    ]
    os.environ.update({"NO_COLOR": "1", "COLUMNS": "100"})
    for name in ("ROADMAP_HOME", "ROADMAP_DB", "ROADMAP_TODAY"):
        os.environ.pop(name, None)
    _install_trace()
    import typer

    from roadmap_tracker.cli.app import app

    command = typer.main.get_command(app)
    os.chdir(root)
    elapsed: dict[str, float] = {}
    for args in commands:
        label = "roadmap " + " ".join(args)
        _current[0] = label
        start = time.perf_counter()
        with (
            open(os.devnull, "w") as sink,
            contextlib.redirect_stdout(sink),
            contextlib.redirect_stderr(sink),
            contextlib.suppress(SystemExit),
        ):
            command.main(args=args, prog_name="roadmap", standalone_mode=False)
        elapsed[label] = time.perf_counter() - start

    ro = sqlite3.connect(f"{(root / '.roadmap' / 'roadmap.db').as_uri()}?mode=ro", uri=True)
    ro.set_trace_callback(None)
    print(f"EXPLAIN QUERY PLAN on {root / '.roadmap' / 'roadmap.db'} (SQLite {sqlite3.sqlite_version})")
    counts = {
        t: ro.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("item", "event", "record", "entry", "question", "answer", "link")
    }
    print("rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    summary: list[str] = []
    for label in elapsed:
        groups: dict[str, list[str]] = defaultdict(list)
        for cmd, sql in _traced:
            if cmd == label and interesting(sql):
                groups[normalize(sql)].append(sql)
        results = []
        for norm, seen in groups.items():
            example = seen[0]
            try:
                plan = ro.execute("EXPLAIN QUERY PLAN " + example).fetchall()
            except sqlite3.Error as exc:
                plan, flags = [(1, 0, 0, f"(cannot explain: {exc})")], []
            else:
                flags = plan_flags(example, plan)
            took = time_query(ro, example) if example.lstrip().upper().startswith(("SELECT", "WITH")) else None
            if len(seen) > N_PLUS_ONE:
                flags.append((-1, f"N+1: run {len(seen):,} times by this one command (a query per row)"))
            results.append((took or 0.0, norm, seen, plan, flags, took))
        results.sort(key=lambda r: -r[0])
        total = sum(r[0] for r in results)
        print()
        print(
            f"== {label}: {elapsed[label] * 1000:.0f} ms in process; {sum(len(r[2]) for r in results)} statements run, "
            f"{len(results)} distinct; the SELECTs again, one each: {total * 1000:.0f} ms"
        )
        for _, norm, seen, plan, flags, t in results:
            bad = [f for _, f in flags]
            if not opts.all and not bad and (t or 0) < 0.02:
                continue
            shown = f"{t * 1000:8.1f} ms" if t is not None else "      n/a  "
            print(f"  {shown}  x{len(seen):<5} {norm[:300]}{'…' if len(norm) > 300 else ''}")
            for line in render_plan(plan, flags):
                print(line)
            for node_id, flag in flags:
                if node_id == -1:
                    print(f"      <-- {flag}")
            for flag in bad:
                kind = flag.split(":")[0]
                summary.append(f"{label}: {kind}: {t * 1000 if t else 0:.0f} ms: {norm[:140]}")
        quiet = sum(1 for r in results if not r[4] and (r[5] or 0) < 0.02)
        if quiet and not opts.all:
            print(f"  ({quiet} more statements, each under 20 ms with no full scan: not shown; --all shows them)")
    print()
    print("flags:")
    for line in summary or ["none"]:
        print("  " + line)


if __name__ == "__main__":
    sys.exit(main())
