"""Shared fixtures. Every test runs in its own directory, away from the real home."""

from __future__ import annotations

import os
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roadmap_tracker.cli import app

# The corpus (real Markdown roadmaps and logs) and the seeds are not in the repository (several files carry no
# license): tests read them in place, from the shared/ folder beside the repository (../shared/).
SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus"
# Every test runs on this day (through ROADMAP_TODAY), whatever the calendar says when CI runs:
# the tool refuses dates after today, and reports count weeks up to it.
TODAY = date(2026, 12, 31)


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def from_shared(path: Path) -> Path:
    """`path`, a file or folder under ../shared/; the test skips when it is not there, or fails when CI is set.

    A plain clone or an unpacked sdist has no shared/ beside it, so those tests skip. CI always has it:
    there a missing corpus is a broken run, and skipping would hide that the corpus tests stopped running.
    """
    if path.exists():
        return path
    reason = (
        f"{path} is missing: the corpus and seeds are not in the repository but in the shared/ folder beside it "
        f"(expected at {SHARED}; shared/corpus/SOURCES.md says where each file comes from)"
    )
    if _ci():
        pytest.fail(f"{reason}; CI is set, so this fails instead of skipping", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in (
        "ROADMAP_HOME",
        "ROADMAP_DB",
        "ROADMAP_DEBUG",
        "ROADMAP_CONFIG",
        "XDG_CONFIG_HOME",
        "VISUAL",
        "EDITOR",
        "NO_COLOR",
        "PAGER",
        "ROADMAP_PAGER",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("ROADMAP_TODAY", TODAY.isoformat())
    monkeypatch.chdir(tmp_path)


class Runner:
    """Invoke `roadmap` in-process and read the store it left behind."""

    def __init__(self, root: Path):
        self.root = root
        self.cli = CliRunner()

    def __call__(self, *args: str, code: int = 0, input: str | None = None):
        result = self.cli.invoke(app, ["--workspace", str(self.root), *args], input=input)
        assert result.exit_code == code, (
            f"roadmap {' '.join(args)} exited {result.exit_code}, wanted {code}\n"
            f"stdout: {result.stdout}\nstderr: {result.stderr}\n{result.exception!r}"
        )
        return result

    @property
    def db_path(self) -> Path:
        return self.root / ".roadmap" / "roadmap.db"

    def query(self, sql: str, *params) -> list[tuple]:
        db = sqlite3.connect(self.db_path)
        try:
            return db.execute(sql, params).fetchall()
        finally:
            db.close()

    def dump(self) -> list[str]:
        """The whole store as SQL text, to compare before and after."""
        db = sqlite3.connect(self.db_path)
        try:
            return list(db.iterdump())
        finally:
            db.close()

    def states(self) -> dict[str, str]:
        """Current state of every item that has events, by key."""
        rows = self.query(
            """SELECT i.key, e.state FROM item i JOIN event e ON e.id =
               (SELECT MAX(id) FROM event WHERE item_id = i.id)"""
        )
        return dict(rows)


def workspace_from(tmp_path: Path, plan: str, name: str = "ws") -> Runner:
    """A workspace made with `roadmap init --from` a plan written here, started on 2 November 2026."""
    source = tmp_path / f"{name}-plan.yaml"
    source.write_text(plan, encoding="utf-8")
    runner = Runner(tmp_path / name)
    result = CliRunner().invoke(app, ["init", str(runner.root), "--from", str(source), "--start", "2026-11-02"])
    assert result.exit_code == 0, result.stderr
    return runner


@pytest.fixture
def roadmap(tmp_path) -> Runner:
    """A fresh workspace made from the bundled roadmap, started on Monday 2 November 2026."""
    runner = Runner(tmp_path / "ws")
    result = CliRunner().invoke(app, ["init", str(runner.root), "--start", "2026-11-02"])
    assert result.exit_code == 0, result.stderr
    return runner
