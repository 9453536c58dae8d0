"""Eight processes writing at once: every write that reported success is stored, and mirrored."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import TODAY

# One worker: for SECONDS, run random writes through the CLI's own entry point (a fresh store
# connection each time, as separate commands have), and log each with its exit code.
WORKER = r"""
import contextlib, io, json, random, sys, time
from roadmap_tracker.cli import main

worker, seconds, log = int(sys.argv[1]), float(sys.argv[2]), open(sys.argv[3], "w")
rng = random.Random(worker)
refs = ["1.r1", "1.r2", "1.r3", "1.p1", "2.r1", "2.p1", "3.r1", "3.p2", "4.p1", "5.r1"]
end, n = time.monotonic() + seconds, 0
while time.monotonic() < end:
    n += 1
    op = rng.choice(["check", "log", "link", "answer"])
    if op == "check":
        args = ["check", rng.choice(refs)]
    elif op == "log":
        args = ["log", "-c", f"concept {worker}.{n}"]
    elif op == "link":
        args = ["link", rng.choice(refs), f"https://example.com/{worker}/{n}"]
    else:
        args = ["questions", "answer", "q1", f"answer {worker}.{n}"]
    sys.argv = ["roadmap", *args]
    code = 0
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
        try:
            main()
        except SystemExit as exit:
            code = exit.code or 0
    log.write(json.dumps({"args": args, "code": int(code), "err": err.getvalue()}) + "\n")
    log.flush()
"""


def test_eight_writers_at_once_lose_nothing(roadmap, tmp_path):
    roadmap("log", "-q", "what is the answer?")  # q1, for `questions answer`
    env = {**os.environ, "NO_COLOR": "1", "ROADMAP_TODAY": TODAY.isoformat()}
    logs = [tmp_path / f"worker{i}.jsonl" for i in range(8)]
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(i), "8", str(log)], cwd=roadmap.root, env=env)
        for i, log in enumerate(logs)
    ]
    for proc in procs:
        assert proc.wait(timeout=180) == 0
    done = [json.loads(line) for log in logs for line in log.read_text().splitlines()]
    ok = [d["args"] for d in done if d["code"] == 0]
    failed = [d for d in done if d["code"] != 0]
    assert len(ok) >= 40, f"only {len(ok)} writes ran"
    assert all(d["code"] == 5 and "locked" in d["err"] for d in failed), failed  # a busy store, said so

    [week] = json.loads(roadmap("logs", "--json", "-n", "1").stdout)
    note = (roadmap.root / "notes" / f"week{week['week']}.md").read_text()
    for args in ok:
        if args[0] == "log":
            assert args[2] in week["concepts"] and f"- {args[2]}\n" in note
    links = {(x["ref"], x["target"]) for x in json.loads(roadmap("links", "--json").stdout)}
    assert {(a[1], a[2]) for a in ok if a[0] == "link"} <= links
    checked = {a[1] for a in ok if a[0] == "check"}
    states = {
        i["ref"]: i["state"] for s in range(1, 6) for i in json.loads(roadmap("show", str(s), "--json").stdout)["items"]
    }
    assert all(states[ref] == "done" for ref in checked)
    answers = {a[3] for a in ok if a[0] == "questions"}
    if answers:
        [q] = json.loads(roadmap("questions", "--all", "--json").stdout)
        assert q["answer"] in answers
