"""Shell completion: what <TAB> offers in bash, zsh and fish, asked the way each shell asks (an
environment variable naming the shell, the words typed so far) of a separate `roadmap` process."""

from __future__ import annotations

import gc
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from conftest import workspace_from

PLAN = """\
version: 1
title: Tiny roadmap
steps:
  - id: basics
    title: Basics
    resources:
      - title: Course
        url: https://example.com/course
      - title: Book
        url: https://example.com/book
    projects:
      - id: fit
        title: 'Fit a line: "least squares" [draft]'
        items:
          - Plot the residuals
      - Two layer net
    questions:
      - Why does it work?
  - id: nets
    title: Nets
    projects:
      - 'Karpathy''s "nanoGPT" in $HOME $(touch pwned) [/wip]'
deliverables:
  - id: portfolio
    title: Portfolio
    target: 1
    rule: done-projects
"""


def complete(shell: str, line: str, cwd: Path, **env: str) -> str:
    """What `roadmap` answers the shell for the command line ``line`` (the cursor at its end).

    bash passes the words and the index of the one being completed; zsh and fish the line."""
    env = {**os.environ, "_ROADMAP_COMPLETE": f"complete_{shell}", **env}
    if shell == "bash":
        words = line.split(" ")
        env |= {"COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}
    else:
        env |= {"_TYPER_COMPLETE_ARGS": line, "_TYPER_COMPLETE_FISH_ACTION": "get-args"}
    result = subprocess.run(
        [sys.executable, "-m", "roadmap_tracker"], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stderr) == (0, "")
    return result.stdout


@pytest.fixture
def ws(tmp_path):
    runner = workspace_from(tmp_path, PLAN)
    runner("link", "1.p1", "https://github.com/ada/fit")
    runner("link", "1.p1", "https://ada.dev/fit", "--title", "The write-up")
    runner("link", "1.r1", "https://example.org/notes")
    runner("link", "-", "https://ada.dev")
    runner("log", "-q", "Why: does the chain rule work?", "-q", "What is a Jacobian?", "--date", "2026-11-03")
    runner("log", "-q", "Answered already?", "--date", "2026-11-03")
    runner("questions", "answer", "q3", "Yes.")
    gc.collect()  # the commands' connections close (and fold their WAL into the store) now, not mid-test
    return runner


# --- item references --------------------------------------------------------------------------


def test_item_references_in_each_shell(ws):
    assert complete("bash", "roadmap check 1.p", ws.root) == "1.p1\n1.p2\n"
    assert complete("zsh", "roadmap check 1.p", ws.root) == (
        """_arguments '*: :(("1.p1":"Fit a line\\\\: \\"least squares\\" [draft]"\n"1.p2":"Two layer net"))'\n"""
    )
    assert complete("fish", "roadmap check 1.p", ws.root) == (
        '1.p1\tFit a line: "least squares" [draft]\n1.p2\tTwo layer net\n'
    )


def test_a_reference_lists_one_level_below_what_was_typed(ws):
    assert complete("fish", "roadmap start 1.", ws.root) == (
        "1.r1\tCourse\n1.r2\tBook\n"
        '1.p1\tFit a line: "least squares" [draft]\n1.p2\tTwo layer net\n'
        "1.q1\tWhy does it work?\n"
    )
    assert complete("fish", "roadmap start 1.p1.", ws.root) == "1.p1.1\tPlot the residuals\n"
    assert complete("bash", "roadmap check 1.p1 1.r", ws.root) == "1.r1\n1.r2\n"  # the second of several
    assert complete("bash", "roadmap check 9.", ws.root) == "\n"  # no step 9
    assert complete("fish", "roadmap log --about 2.", ws.root) == (
        '2.p1\tKarpathy\'s "nanoGPT" in $HOME $(touch pwned) [/wip]\n'
    )
    assert complete("fish", "roadmap history ", ws.root) == "1\tBasics\n2\tNets\n"


def test_ids_complete_as_well_as_references(ws):
    assert complete("fish", "roadmap skip f", ws.root) == 'fit\tFit a line: "least squares" [draft]\n'
    # A step's items are offered a folder at a time, as the shell offers paths.
    assert complete("fish", "roadmap skip b", ws.root) == "basics\tBasics\nbasics/\n"
    assert complete("bash", "roadmap questions answer q1 --item basics/", ws.root) == (
        "basics/book\nbasics/course\nbasics/plot-the-residuals\nbasics/two-layer-net\nbasics/why-does-it-work\n"
    )
    # An item taken out of roadmap.yaml keeps its id in the store, archived: it is offered no more.
    plan = ws.root / "roadmap.yaml"
    plan.write_text(plan.read_text().replace("      - title: Book\n        url: https://example.com/book\n", ""))
    ws("sync")
    assert complete("bash", "roadmap skip basics/", ws.root) == (
        "basics/course\nbasics/plot-the-residuals\nbasics/two-layer-net\nbasics/why-does-it-work\n"
    )


def test_what_a_link_is_attached_to_includes_deliverables_and_the_roadmap(ws):
    assert complete("fish", "roadmap link ", ws.root) == "-\tthe roadmap itself\n1\tBasics\n2\tNets\nd1\tPortfolio\n"
    assert complete("bash", "roadmap links d", ws.root) == "d1\n"
    assert complete("bash", "roadmap check ", ws.root) == "1\n2\n"  # no deliverable, no roadmap


# --- steps, kinds, links, questions --------------------------------------------------------------


@pytest.mark.parametrize(
    "line", ["roadmap show ", "roadmap reflect ", "roadmap export --step ", "roadmap logs --step ", "roadmap logs -s "]
)
def test_step_numbers(ws, line):
    assert complete("fish", line, ws.root) == "1\tBasics\n2\tNets\n"
    assert complete("bash", line + "2", ws.root) == "2\n"


def test_link_kinds(ws):
    kinds = "repo\nblog\ndemo\nnotebook\nkaggle\npaper\nvideo\nother\n"
    assert complete("bash", "roadmap link 1.p1 https://x.org --kind ", ws.root) == kinds
    assert complete("bash", "roadmap links -k ", ws.root) == kinds
    assert complete("bash", "roadmap links --kind=p", ws.root) == "paper\n"


def test_unlink_offers_the_links_of_that_item(ws):
    assert complete("fish", "roadmap unlink 1.p1 ", ws.root) == (
        "1\thttps://github.com/ada/fit\n2\tThe write-up (https://ada.dev/fit)\n"
    )
    assert complete("bash", "roadmap unlink 1.r1 ", ws.root) == "3\n"
    assert complete("bash", "roadmap unlink - ", ws.root) == "4\n"
    assert complete("bash", "roadmap unlink fit ", ws.root) == "1\n2\n"  # an id names the item too
    assert complete("bash", "roadmap unlink 2.p1 ", ws.root) == "\n"
    assert complete("bash", "roadmap unlink 7.p1 ", ws.root) == "\n"  # no such item: nothing, no error


def test_question_ids_are_the_open_ones_with_their_text(ws):
    assert complete("fish", "roadmap questions answer ", ws.root) == (
        "q1\tWhy: does the chain rule work?\nq2\tWhat is a Jacobian?\n"
    )
    assert complete("zsh", "roadmap questions answer q", ws.root) == (
        """_arguments '*: :(("q1":"Why\\\\: does the chain rule work?"\n"q2":"What is a Jacobian?"))'\n"""
    )


# --- which workspace -----------------------------------------------------------------------------


def test_the_workspace_is_found_as_a_command_finds_it(ws, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert complete("bash", "roadmap show ", elsewhere) == "\n"
    assert complete("bash", f"roadmap --workspace {ws.root} show ", elsewhere) == "1\n2\n"
    assert complete("bash", f"roadmap show --workspace {ws.root} ", elsewhere) == "1\n2\n"
    assert complete("bash", "roadmap show ", elsewhere, ROADMAP_HOME=str(ws.root)) == "1\n2\n"
    assert complete("bash", "roadmap show ", ws.root / "notes") == "1\n2\n"  # walking up
    moved = tmp_path / "moved.db"
    with closing(sqlite3.connect(ws.db_path)) as db, closing(sqlite3.connect(moved)) as copy:
        db.backup(copy)  # with what the WAL holds
    ws.db_path.unlink()
    assert complete("bash", "roadmap show ", ws.root) == "\n"
    assert complete("bash", f"roadmap --db {moved} show ", ws.root) == "1\n2\n"
    assert complete("bash", f"roadmap show --db {moved} ", ws.root) == "1\n2\n"


def test_no_workspace_or_no_store_offers_nothing_without_a_word(ws, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    for shell, nothing in (("bash", "\n"), ("zsh", "_files\n"), ("fish", "\n")):
        assert complete(shell, "roadmap check 1.", empty) == nothing
    # A workspace whose store is not made yet: offering nothing, and making nothing.
    new = tmp_path / "new"
    new.mkdir()
    (new / "roadmap.yaml").write_text(PLAN, encoding="utf-8")
    assert complete("bash", "roadmap check 1.", new) == "\n"
    assert complete("bash", "roadmap questions answer ", new) == "\n"
    assert sorted(p.name for p in new.iterdir()) == ["roadmap.yaml"]
    # A damaged store: nothing either, and it is left as it is.
    (new / ".roadmap").mkdir()
    (new / ".roadmap" / "roadmap.db").write_bytes(b"not a database" * 100)
    assert complete("bash", "roadmap unlink 1.p1 ", new) == "\n"
    assert _files(new) == {".roadmap/roadmap.db": b"not a database" * 100, "roadmap.yaml": PLAN.encode()}


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_completion_reads_the_store_as_it_is_and_writes_nothing(ws):
    # roadmap.yaml gains a project the store does not know yet: completion does not sync to offer it.
    plan = ws.root / "roadmap.yaml"
    plan.write_text(plan.read_text().replace("      - Two layer net\n", "      - Two layer net\n      - New one\n"))
    before = _files(ws.root)
    for shell in ("bash", "zsh", "fish"):
        assert "1.p3" not in complete(shell, "roadmap check 1.p", ws.root)
        complete(shell, "roadmap unlink 1.p1 ", ws.root)
        complete(shell, "roadmap questions answer ", ws.root)
    assert _files(ws.root) == before
    assert ws("check", "1.p3").stderr.startswith("roadmap.yaml changed: 1 added")  # the next command takes it in


def test_completion_loads_neither_the_plan_reader_nor_rich(ws):
    """A <TAB> pays for a query, not for pydantic, yaml or Rich's console."""
    probe = (
        "import atexit, sys\n"
        "heavy = ('pydantic', 'yaml', 'sqlmodel', 'sqlalchemy', 'rich.console', 'markdown_it')\n"
        "atexit.register(lambda: sys.stderr.write(' '.join(m for m in heavy if m in sys.modules)))\n"
        "sys.argv[0] = 'roadmap'\n"
        "from roadmap_tracker.console import main\n"
        "main()\n"
    )
    env = {**os.environ, "_ROADMAP_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "roadmap unlink 1.p1 "}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ws.root, env=env, capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert (
        result.stdout
        == """_arguments '*: :(("1":"https\\\\://github.com/ada/fit"\n"2":"The write-up (https\\\\://ada.dev/fit)"))'\n"""
    )


# --- in the shells themselves --------------------------------------------------------------------


def _shell(ws, shell: str, script: str, before: str = "") -> str:
    """Run ``script`` in ``shell`` after the completion script `roadmap` prints for it (and what
    ``before`` sets up for that), with this environment's `roadmap` first on PATH."""
    exe = shutil.which(shell)
    if exe is None:
        pytest.skip(f"{shell} is not installed")
    here = os.path.dirname(sys.executable)
    if shutil.which("roadmap", path=here) is None:
        pytest.skip("the roadmap console script is not installed")
    env = {**os.environ, "PATH": os.pathsep.join([here, os.environ.get("PATH", "")])}
    source = subprocess.run(
        [sys.executable, "-m", "roadmap_tracker"],
        env={**env, "_ROADMAP_COMPLETE": f"source_{shell}"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = ws.root.parent / f"completion.{shell}"
    path.write_text(source.strip() + "\n")
    result = subprocess.run(
        [exe, "-c", f"{before}\nsource {path}\n{script}"],
        cwd=ws.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (0, "")
    return result.stdout


def test_bash_completes_references(ws):
    script = 'COMP_WORDS=(roadmap check 1.p); COMP_CWORD=2; _roadmap_completion roadmap; printf "%s|" "${COMPREPLY[@]}"'
    assert _shell(ws, "bash", script) == "1.p1|1.p2|"


def test_fish_shows_titles_as_written(ws):
    assert _shell(ws, "fish", "complete -C 'roadmap log --about 2.'") == (
        """2.p1\tKarpathy's "nanoGPT" in $HOME $(touch pwned) [/wip]\n"""
    )
    assert not (ws.root / "pwned").exists()


def test_zsh_reads_back_each_title_as_written(ws):
    """zsh evaluates the answer, then `_arguments` evaluates the list in it into value:description
    pairs (a colon in either escaped): quotes, $ and backquotes must come through as text."""
    before = "compdef() { :; }"  # the completion system's own, which `zsh -c` does not load
    script = (
        """_arguments() { local spec=${1#*: :}; eval ws\\=\\( "${spec[3,-3]}" \\); print -rl -- $ws; }\n"""
        "words=(roadmap log --about 2.); CURRENT=4; _roadmap_completion\n"
    )
    assert _shell(ws, "zsh", script, before) == """2.p1:Karpathy's "nanoGPT" in $HOME $(touch pwned) [/wip]\n"""
    assert not (ws.root / "pwned").exists()
