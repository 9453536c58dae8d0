"""The learner's config: a default workspace, so commands work from any directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roadmap_tracker.cli import app

from conftest import Runner


def run(*args: str, code: int = 0):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result


@pytest.fixture
def config_file(tmp_path) -> Path:
    """Where the config goes without ROADMAP_CONFIG: the platform's folder under this test's HOME."""
    return tmp_path / "home" / ".config" / "roadmap-tracker" / "config.yaml"


def test_a_default_workspace_works_from_any_directory(roadmap: Runner, tmp_path, monkeypatch, config_file):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert "roadmap config set workspace DIR" in run("status", code=3).stderr
    said = run("config", "set", "workspace", str(roadmap.root))
    assert said.stderr == f"Set workspace in {config_file}.\n"
    assert config_file.read_text() == f"workspace: {roadmap.root}\n"
    assert run("status").stdout.startswith("Neural Networks and Large Language Models  0% done")
    run("check", "1.r1")
    assert roadmap.states()["math/probability-statistics-for-machine-learning"] == "done"
    assert run("config").stdout == (
        f"# {config_file}\n"
        f"workspace  {roadmap.root}  (from {config_file})\n"
        "           the workspace to use when none is found here or above (a folder holding roadmap.yaml)\n"
    )
    assert json.loads(run("config", "--json").stdout)["settings"][0]["value"] == str(roadmap.root)
    run("config", "unset", "workspace")
    assert config_file.read_text() == "{}\n"
    run("status", code=3)


def test_an_option_the_environment_and_walking_up_come_before_the_default(tmp_path, monkeypatch):
    for name in ("a", "b", "c"):
        run("init", str(tmp_path / name))
    run("config", "set", "workspace", str(tmp_path / "a"))
    monkeypatch.chdir(tmp_path / "b")
    assert run("status", "--json").stdout == run("--workspace", str(tmp_path / "b"), "status", "--json").stdout
    run("check", "1.r1")  # walking up finds b, not the default a
    assert json.loads(run("--workspace", str(tmp_path / "b"), "status", "--json").stdout)["done"] == 1
    assert json.loads(run("--workspace", str(tmp_path / "a"), "status", "--json").stdout)["done"] == 0
    monkeypatch.setenv("ROADMAP_HOME", str(tmp_path / "c"))
    run("check", "1.r2")
    assert json.loads(run("--workspace", str(tmp_path / "c"), "status", "--json").stdout)["done"] == 1


def test_roadmap_config_names_another_file(tmp_path, monkeypatch, config_file):
    run("init", str(tmp_path / "ws"))
    mine = tmp_path / "my-config.yaml"
    monkeypatch.setenv("ROADMAP_CONFIG", str(mine))
    run("config", "set", "workspace", str(tmp_path / "ws"))
    assert mine.read_text() == f"workspace: {tmp_path / 'ws'}\n" and not config_file.exists()


def test_bad_settings_and_bad_files_are_refused_and_change_nothing(tmp_path, config_file):
    assert run("config", "set", "colour", "red", code=2).stderr == "Error: unknown setting 'colour'; known: workspace\n"
    refused = run("config", "set", "workspace", str(tmp_path), code=3)
    assert refused.stderr.startswith(f"Error: no roadmap.yaml in {tmp_path}")
    assert not config_file.exists()
    config_file.parent.mkdir(parents=True)
    config_file.write_text("workspace: [\n")
    said = run("status", code=2).stderr
    assert said.startswith(f"Error: {config_file}:2:1: not YAML")
    run("config", "unset", "workspace", code=2)  # a file it cannot read is never written over
    assert config_file.read_text() == "workspace: [\n"
    config_file.write_text("workspace: /nowhere/at/all\n")
    assert run("status", code=3).stderr.startswith(
        f"Error: no roadmap.yaml in /nowhere/at/all, the default workspace {config_file} names"
    )


def test_inside_a_workspace_the_config_is_never_read(roadmap, config_file, monkeypatch):
    config_file.parent.mkdir(parents=True)
    config_file.write_text("not: [valid\n")
    monkeypatch.chdir(roadmap.root)
    run("status")  # a broken config file does not stop a command that found its workspace
