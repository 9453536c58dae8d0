"""The console script, --version, --help for every command, and error handling at the edge."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
import typer.main
from typer.core import TyperGroup

from roadmap_tracker import __version__
from roadmap_tracker.cli import app
from roadmap_tracker.cli.app import COMMANDS, load_command


def test_every_command_has_help_text_and_help_lists_it_from_its_docstring():
    for name, (_, summary) in COMMANDS.items():
        sub = load_command(name)
        assert sub.help and len(sub.help.strip()) > 20, f"`roadmap {name}` has no help text"
        # `roadmap --help` shortens the first paragraph of the docstring, kept in COMMANDS.
        assert " ".join(sub.help.split("\n\n")[0].split()) == summary, name


@pytest.mark.parametrize("columns", ["50", "80", "200"])
def test_help_lists_the_commands_as_click_would(monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", columns)
    group = typer.main.get_command(app)

    def listing(format_commands, *args) -> str:
        with group.make_context("roadmap", []) as ctx:
            formatter = ctx.make_formatter()
            format_commands(*args, ctx, formatter)
        return formatter.getvalue()

    listed = {"ours": listing(group.format_commands), "click": listing(TyperGroup.format_commands, group)}
    assert listed["ours"] == listed["click"]  # Click's own loads each command and reads its docstring
    assert listed["ours"].startswith("Commands:\n  init ")


def test_help_lists_the_everyday_commands_first(roadmap):
    out = roadmap("--help").stdout
    assert out.index("status") < out.index("history") < out.index("sync")


def _script() -> str | None:
    # The script sits beside the interpreter running the tests, whatever PATH says.
    return shutil.which("roadmap", path=os.path.dirname(sys.executable)) or shutil.which("roadmap")


def test_console_script_and_module_run_the_same(tmp_path):
    exe = _script()
    if exe is None:
        pytest.skip("the roadmap console script is not installed")
    by_script = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True)
    by_module = subprocess.run(
        [sys.executable, "-m", "roadmap_tracker", "--version"], capture_output=True, text=True, check=True
    )
    assert by_script.stdout == by_module.stdout == f"roadmap-tracker {__version__}\n"


def test_console_script_status_on_a_fresh_workspace(tmp_path):
    exe = _script()
    if exe is None:
        pytest.skip("the roadmap console script is not installed")
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    subprocess.run([exe, "init", str(tmp_path / "w")], env=env, check=True, capture_output=True)
    result = subprocess.run([exe, "status"], cwd=tmp_path / "w" / "notes", env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Neural Networks and Large Language Models  0% done (0/40)\n")
    assert "\x1b[" not in result.stdout  # NO_COLOR is honoured


def test_no_workspace_is_one_line_and_exit_3(tmp_path):
    result = typer.testing.CliRunner().invoke(app, ["status"])
    assert result.exit_code == 3
    assert result.stderr == (
        f"Error: no roadmap.yaml in {tmp_path} or any parent directory "
        "(run `roadmap init` to create one, pass --workspace, or name a default: "
        "`roadmap config set workspace DIR`)\n"
    )
    assert result.stdout == ""


def test_workspace_is_found_by_walking_up(roadmap, monkeypatch):
    monkeypatch.chdir(roadmap.root / "notes")
    result = typer.testing.CliRunner().invoke(app, ["status", "--json"])
    assert result.exit_code == 0
    assert '"title": "Neural Networks and Large Language Models"' in result.stdout


def test_db_option_puts_the_store_elsewhere(roadmap, tmp_path):
    other = tmp_path / "elsewhere.db"
    roadmap("--db", str(other), "check", "1.r1")
    assert other.exists()
    assert roadmap.states() == {}  # the workspace's own store is untouched


def test_init_refuses_an_existing_workspace(roadmap):
    before = (roadmap.root / "roadmap.yaml").read_text()
    result = typer.testing.CliRunner().invoke(app, ["init", str(roadmap.root)])
    assert result.exit_code == 4
    assert (
        result.stderr
        == f"Error: {roadmap.root} already holds a roadmap workspace (nothing was changed; use `roadmap status` there)\n"
    )
    assert (roadmap.root / "roadmap.yaml").read_text() == before


def test_init_writes_the_start_date_and_notes(roadmap):
    text = (roadmap.root / "roadmap.yaml").read_text()
    assert "\nstarted: 2026-11-02\n" in text
    assert (roadmap.root / "notes").is_dir()
    assert roadmap.query("SELECT started FROM roadmap") == [("2026-11-02",)]


def test_init_from_a_bad_file_writes_nothing(tmp_path):
    bad = tmp_path / "plan.yaml"
    bad.write_text("version: 1\ntitle: x\nsteps:\n  - title: A\n    colour: red\n")
    result = typer.testing.CliRunner().invoke(app, ["init", str(tmp_path / "w"), "--from", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {bad}:5:5: unknown key 'colour'")
    assert not (tmp_path / "w").exists()


def test_bundled_roadmap_is_the_repository_roadmap():
    from pathlib import Path

    from roadmap_tracker.workspace import bundled_roadmap

    repo_copy = Path(__file__).resolve().parents[1] / "roadmap.yaml"
    assert bundled_roadmap() == repo_copy.read_text(encoding="utf-8")


def test_unexpected_errors_are_one_line_unless_debug(roadmap, monkeypatch):
    from roadmap_tracker.progress import status as queries

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(queries, "status", broken)
    result = roadmap("status", code=70)
    assert result.stderr == "Error: unexpected RuntimeError: boom (run again with --debug for the traceback)\n"
    result = typer.testing.CliRunner().invoke(app, ["--workspace", str(roadmap.root), "--debug", "status"])
    assert isinstance(result.exception, RuntimeError)


def test_a_roadmap_without_a_store_gets_one_on_first_use(tmp_path):
    from roadmap_tracker.workspace import bundled_roadmap

    (tmp_path / "roadmap.yaml").write_text(bundled_roadmap())
    result = typer.testing.CliRunner().invoke(app, ["status"])
    assert result.exit_code == 0
    assert result.stderr == "Tracking progress on roadmap.yaml in .roadmap/roadmap.db.\n"
    assert result.stdout.startswith("Neural Networks and Large Language Models  0% done (0/40)\n")
    assert (tmp_path / ".roadmap" / "roadmap.db").is_file()
    assert typer.testing.CliRunner().invoke(app, ["status"]).stderr == ""


@pytest.mark.parametrize("name", [*COMMANDS, "questions answer"])
def test_every_help_ends_with_examples_and_names_its_values_in_words(name):
    result = typer.testing.CliRunner().invoke(app, [*name.split(), "--help"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    # The docstring's last paragraph: "Examples:" then two or three command lines, kept as written.
    description = out.split("\n\n", 1)[1].split("\nArguments:\n")[0].split("\nOptions:\n")[0]
    assert description.count("Examples:") == 1, name
    examples = description.split("  Examples:\n")[1]
    lines = examples.rstrip("\n").split("\n")
    assert 2 <= len(lines) <= 3, (name, lines)
    assert all(line.startswith("    roadmap ") for line in lines), (name, lines)
    # Values read as words (ITEM..., DATE, FILE), never Typer's defaults.
    for default in ("<str>", "<path>", "<int>", "<float>", "{", "INTEGER"):
        assert default not in out, (name, default)
