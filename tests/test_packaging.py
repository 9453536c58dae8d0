"""What a user of the sdist gets: the tests that run from it, its metadata, and how corpus tests behave without ../shared/."""

from __future__ import annotations

import email.parser
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# One test or more from each file that reads ../shared/, reached each way they read it (a helper, a fixture,
# a parametrized list of files).
CORPUS_TESTS = [
    "tests/test_diary.py::test_real_logs_lose_nothing",
    "tests/test_diary.py::test_week_03_log_gets_its_week_from_the_name",
    "tests/test_importer.py::test_seed_has_the_eight_steps",
    "tests/test_importer.py::test_numbered_topics_keep_their_lettered_sub_topics",
    "tests/test_importer.py::test_corpus_file_imports_valid_and_stable",
    "tests/test_journal.py::test_the_corpus_weekly_log_is_imported_keeping_its_text",
    "tests/test_kill.py::test_killed_imports_leave_the_old_file_or_the_new_one",
    "tests/test_import_cli.py::test_largest_corpus_file_imports_to_a_plan_that_loads",
    "tests/test_import_cli.py::test_init_then_importing_ones_own_readme_is_refused_not_merged",
]


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A copy of the checkout's tests with no shared/ folder beside it, as on a plain clone or an unpacked sdist."""
    clone = tmp_path_factory.mktemp("plain") / "clone"
    shutil.copytree(ROOT / "tests", clone / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", clone)
    assert not (clone.parent / "shared").exists()
    return clone


def run_corpus_tests(clone: Path, ci: str | None) -> tuple[subprocess.CompletedProcess[str], dict[str, int]]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    if ci is not None:
        env["CI"] = ci
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rsfE", "-p", "no:cacheprovider", *CORPUS_TESTS],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    last = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    counts = {word.rstrip("s"): int(n) for n, word in re.findall(r"(\d+) (passed|failed|skipped|errors?)", last)}
    return result, counts


@pytest.fixture(scope="module")
def plain_run(clone):
    return run_corpus_tests(clone, ci=None)


def test_corpus_tests_skip_on_a_plain_clone_saying_where_the_corpus_comes_from(clone, plain_run):
    result, counts = plain_run
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(counts) == {"skipped"} and counts["skipped"] >= len(CORPUS_TESTS), result.stdout
    reasons = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    assert reasons, result.stdout
    for line in reasons:
        assert f"{clone.parent.resolve() / 'shared'}" in line, line
        assert "not in the repository but in the shared/ folder beside it" in line, line
        assert "shared/corpus/SOURCES.md" in line, line


@pytest.mark.parametrize("ci", ["true", "1"])
def test_corpus_tests_fail_without_the_corpus_when_ci_is_set(clone, plain_run, ci):
    result, counts = run_corpus_tests(clone, ci=ci)
    assert result.returncode == 1, result.stdout + result.stderr
    # A test whose fixture reads the corpus errors rather than fails: either way, none is skipped.
    assert set(counts) <= {"failed", "error"} and sum(counts.values()) == plain_run[1]["skipped"], result.stdout
    assert "CI is set, so this fails instead of skipping" in result.stdout


def test_the_sdist_carries_the_tests_license_and_metadata(tmp_path):
    out = tmp_path / "dist"
    out.mkdir()
    build = "import sys\nfrom setuptools import build_meta\nprint(build_meta.build_sdist(sys.argv[1]))"
    result = subprocess.run(
        [sys.executable, "-c", build, str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    name = result.stdout.strip().splitlines()[-1]
    with tarfile.open(out / name) as sdist:
        top = name.removesuffix(".tar.gz")
        files = {m.name.removeprefix(f"{top}/") for m in sdist.getmembers() if m.isfile()}
        info = email.parser.Parser().parsestr(sdist.extractfile(f"{top}/PKG-INFO").read().decode())

    # Everything the tests import or read from the checkout, so they run from the unpacked sdist.
    tests = {str(p.relative_to(ROOT)) for p in (ROOT / "tests").rglob("*.py") if "__pycache__" not in p.parts}
    assert {"tests/conftest.py", "tests/local_server.py", "tests/benchmarks/run.py"} <= tests
    assert tests <= files
    assert {"LICENSE", "README.md", "roadmap.yaml", "pyproject.toml", "src/roadmap_tracker/data/roadmap.yaml"} <= files
    assert not [f for f in files if "__pycache__" in f or f.endswith(".pyc")]

    assert info["License-Expression"] == "MIT"
    assert info.get_all("License-File") == ["LICENSE"]
    assert "Programming Language :: Python :: 3.11" in info.get_all("Classifier")
