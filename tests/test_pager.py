"""Long output goes through a pager on a terminal, as git's does, and never anywhere else."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Runner

# A pager that keeps what it was given, and the LESS it was run with, in files.
PAGER = """\
import os, sys
data = sys.stdin.buffer.read()
open(sys.argv[1], "wb").write(data)
open(sys.argv[1] + ".less", "w").write(os.environ.get("LESS", "(unset)"))
"""


def on_terminal(args: list[str], env: dict) -> tuple[int, bytes]:
    """Run ``args`` with a pseudo-terminal for stdin, stdout and stderr; its exit code and what
    reached the terminal."""
    main, side = pty.openpty()
    process = subprocess.Popen(args, stdin=side, stdout=side, stderr=side, env=env, close_fds=True)
    os.close(side)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: every end of the terminal is closed
            break
        if not chunk:
            break
        shown += chunk
    code = process.wait(timeout=60)
    os.close(main)
    return code, shown


@pytest.fixture
def busy(roadmap: Runner) -> Runner:
    for ref in ("1.r1", "1.r2", "1.r3"):
        roadmap("check", ref, "--date", "2026-11-05")
    return roadmap


def _env(tmp_path: Path, pager: str | None, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PAGER", "ROADMAP_PAGER", "LESS", "NO_COLOR")}
    env.update(extra)
    if pager is not None:
        env["ROADMAP_PAGER"] = pager
    return env


def _roadmap(ws: Runner, *args: str) -> list[str]:
    return [sys.executable, "-m", "roadmap_tracker", "--workspace", str(ws.root), *args]


def _pager(tmp_path: Path) -> tuple[str, Path]:
    script = tmp_path / "pager.py"
    script.write_text(PAGER)
    kept = tmp_path / "paged.txt"
    return f"{sys.executable} {script} {kept}", kept


@pytest.mark.parametrize("args", [("history",), ("show", "1"), ("report", "--last", "4w"), ("logs",)], ids=" ".join)
def test_on_a_terminal_long_output_goes_through_the_pager(busy, tmp_path, args):
    if args == ("logs",):
        busy("log", "--week", "1", "-c", "gradients")
    pager, kept = _pager(tmp_path)
    code, shown = on_terminal(_roadmap(busy, *args), _env(tmp_path, pager))
    assert code == 0
    piped = subprocess.run(_roadmap(busy, *args), capture_output=True, env=_env(tmp_path, None), check=True)
    paged = kept.read_bytes()
    assert paged and b"\x1b[" in paged  # the terminal's colours, through the pager
    assert _plain(paged) == _plain(piped.stdout)
    assert piped.stdout.strip().splitlines()[0] not in shown  # the terminal showed what the pager drew: nothing here
    assert (tmp_path / "paged.txt.less").read_text() == "FRX"


def _plain(data: bytes) -> bytes:
    """Without colours and links, and without the spaces Rich pads a coloured line with."""
    lines = re.sub(rb"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\", b"", data).split(b"\n")
    return b"\n".join(line.rstrip(b" ") for line in lines)


def test_no_pager_and_pipes_write_straight_out(busy, tmp_path):
    pager, kept = _pager(tmp_path)
    code, shown = on_terminal(_roadmap(busy, "--no-pager", "history"), _env(tmp_path, pager))
    assert code == 0 and not kept.exists()
    assert b"1.r3" in shown
    code, shown = on_terminal(_roadmap(busy, "history", "--no-pager"), _env(tmp_path, pager))  # after the command too
    assert code == 0 and not kept.exists() and b"1.r3" in shown
    piped = subprocess.run(_roadmap(busy, "history"), capture_output=True, env=_env(tmp_path, pager), check=True)
    assert not kept.exists() and b"1.r3" in piped.stdout
    code, shown = on_terminal(_roadmap(busy, "status"), _env(tmp_path, pager))  # a dashboard is never paged
    assert code == 0 and not kept.exists()


@pytest.mark.parametrize("pager", ["/nowhere/pager", "cat", "", "'unclosed"])
def test_a_pager_that_cannot_run_loses_nothing(busy, tmp_path, pager):
    code, shown = on_terminal(_roadmap(busy, "history"), _env(tmp_path, pager))
    assert code == 0
    assert b"1.r1" in shown and b"1.r3" in shown


def test_the_pager_comes_from_roadmap_pager_then_pager(busy, tmp_path):
    pager, kept = _pager(tmp_path)
    env = _env(tmp_path, None, PAGER=pager)
    assert on_terminal(_roadmap(busy, "history"), env)[0] == 0
    assert kept.exists()
    kept.unlink()
    env["ROADMAP_PAGER"] = "cat"  # ROADMAP_PAGER wins over PAGER
    code, shown = on_terminal(_roadmap(busy, "history"), env)
    assert code == 0 and not kept.exists() and b"1.r3" in shown


def test_a_reader_who_quits_early_is_no_error(busy, tmp_path):
    for _ in range(40):
        busy("uncheck", "1.r1")
        busy("check", "1.r1")
    quits = tmp_path / "quits.py"
    quits.write_text("import sys\nsys.stdin.buffer.read(10)\n")
    code, shown = on_terminal(
        _roadmap(busy, "history", "-n", "0"), _env(tmp_path, f"{sys.executable} {quits}", LESS="should stay")
    )
    assert code == 0
    assert b"Error" not in shown and b"Traceback" not in shown
