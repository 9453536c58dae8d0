"""Killed at any point (SIGKILL: no cleanup runs), a command loses nothing it had reported saved,
leaves no half-written file, and the next command works."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CORPUS, TODAY, from_shared

sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
from run import synthetic_yaml

KILLS = int(os.environ.get("ROADMAP_KILLS", "30"))
RUN = "import sys; from roadmap_tracker.cli import main; sys.argv[0] = 'roadmap'; main()"
ENV = {**os.environ, "NO_COLOR": "1", "ROADMAP_TODAY": TODAY.isoformat()}
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def roadmap(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", RUN, *args], cwd=cwd, env=ENV, capture_output=True, text=True)


def killed(cwd: Path, args: list[str], rng: random.Random, within: float) -> bool:
    """Run a command and SIGKILL it at a random moment; True when it had finished by then, saved."""
    proc = subprocess.Popen(
        [sys.executable, "-c", RUN, *args], cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(rng.uniform(0, within))
    proc.send_signal(signal.SIGKILL)
    return proc.wait() == 0


def visible(folder: Path) -> list[Path]:
    """The files a learner sees (an interrupted atomic write may leave a hidden .tmp beside them)."""
    return sorted(p for p in folder.iterdir() if not p.name.startswith("."))


def test_killed_syncs_of_a_large_roadmap(tmp_path):
    ws = tmp_path / "big"
    ws.mkdir()
    small, large = synthetic_yaml(steps=20), synthetic_yaml()
    (ws / "roadmap.yaml").write_text(small)
    assert roadmap(ws, "sync").returncode == 0
    rng = random.Random(1)
    for n in range(KILLS):
        (ws / "roadmap.yaml").write_text(large if n % 2 == 0 else small)
        killed(ws, ["sync"], rng, 1.5)
        status = roadmap(ws, "status", "--json")  # the next command finishes the sync
        assert status.returncode == 0, status.stderr
        steps = len(json.loads(status.stdout)["steps"])
        assert steps == (200 if n % 2 == 0 else 20)


def test_killed_logs_keep_every_entry_they_reported(roadmap_ws):
    ws, rng = roadmap_ws, random.Random(2)
    saved = []
    for n in range(KILLS):
        if killed(ws, ["log", "-c", f"concept {n}", "-m", f"notes {n}"], rng, 0.6):
            saved.append(n)
        result = roadmap(ws, "logs", "--json", "-n", "1")
        assert result.returncode == 0, result.stderr
        concepts = json.loads(result.stdout)[0]["concepts"] if json.loads(result.stdout) else []
        assert {f"concept {k}" for k in saved} <= set(concepts)
        for note in visible(ws / "notes"):
            text = note.read_text()
            assert text.startswith("---\nweek:") and text.endswith("\n")  # whole, never cut
            assert {f"- concept {k}" for k in saved} <= set(text.splitlines())
    assert saved, "no log ran to the end in time: the kill window is too short"


def test_killed_imports_leave_the_old_file_or_the_new_one(tmp_path):
    source = max(from_shared(CORPUS / "roadmaps").glob("*.md"), key=lambda p: p.stat().st_size)
    work = tmp_path / "import"
    work.mkdir()
    out = work / "out.yaml"
    assert roadmap(work, "import", str(source), "-o", str(out)).returncode == 0
    whole = out.read_text()
    out.write_text("version: 1\n# the previous file\n")
    previous = out.read_text()
    rng = random.Random(3)
    for _ in range(KILLS):
        killed(work, ["import", str(source), "-o", str(out), "--force"], rng, 1.0)
        assert out.read_text() in (previous, whole)
        previous = out.read_text()
    assert [p.name for p in visible(work)] == ["out.yaml"]


def test_killed_restores_can_run_again(roadmap_ws, tmp_path):
    ws = roadmap_ws
    assert roadmap(ws, "check", "1.r1", "1.r2").returncode == 0
    assert roadmap(ws, "log", "-c", "kept").returncode == 0
    backup = tmp_path / "backup.json"
    assert roadmap(ws, "export", "--format", "json", "-o", str(backup)).returncode == 0
    rng = random.Random(4)
    for n in range(KILLS):
        target = tmp_path / f"restored{n}"
        killed(tmp_path, ["restore", str(backup), str(target)], rng, 1.0)
        if (target / "roadmap.yaml").exists():
            # Either whole, or empty of progress: both take the next command, and the restore again.
            assert roadmap(target, "status").returncode == 0
        again = roadmap(tmp_path, "restore", str(backup), str(target))
        assert again.returncode in (0, 4), again.stderr  # 4: the killed one had finished
        assert json.loads(roadmap(target, "status", "--json").stdout)["done"] == 2
        assert "- kept" in (target / "notes" / "week9.md").read_text()


@pytest.fixture
def roadmap_ws(tmp_path) -> Path:
    ws = tmp_path / "ws"
    assert roadmap(tmp_path, "init", str(ws), "--start", "2026-11-02").returncode == 0
    return ws
