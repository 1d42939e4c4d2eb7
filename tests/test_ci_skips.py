"""In CI a test skipped for a missing tool (the Elasticsearch emulator, Chromium, Redis) fails the run; elsewhere
it is a skip that says what is missing. Run in a child pytest, as CI would run the suite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

CONFTEST = "from tests.tools import pytest_collectreport, pytest_runtest_makereport, pytest_sessionfinish, pytest_terminal_summary\n"
TESTS = {
    "test_browser_like.py": """
import pytest
from tests.tools import requires_tool

@pytest.fixture
def chromium():
    requires_tool("chromium not found at /nowhere/chromium (apt-get install -y chromium)")

def test_needs_a_browser(chromium):
    pass

def test_plain():
    pass

@pytest.mark.skip(reason="not today")
def test_skipped_for_another_reason():
    pass
""",
    "test_module_needs_emulator.py": """
from tests.tools import requires_tool

requires_tool("osmem-server (the Elasticsearch emulator) is not installed")

def test_search():
    pass
""",
}


def run_suite(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    (tmp_path / "conftest.py").write_text(CONFTEST)
    for name, source in TESTS.items():
        (tmp_path / name).write_text(source)
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    env["PYTHONPATH"] = str(ROOT)
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(  # noqa: S603 - pytest on our own test files
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:django",
            "-p",
            "no:xdist",
            "-p",
            "no:cacheprovider",
            "-ra",
            "--rootdir",
            str(tmp_path),
            "-c",
            os.devnull,
            str(tmp_path),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_outside_ci_a_missing_tool_is_a_skip_that_says_which(tmp_path):
    result = run_suite(tmp_path, ci=None)
    assert result.returncode == 0, result.stdout
    assert "missing tool: chromium not found at /nowhere/chromium" in result.stdout
    assert "missing tool: osmem-server" in result.stdout


@pytest.mark.parametrize("ci", ["true", "1"])
def test_in_ci_a_missing_tool_fails_the_run(tmp_path, ci):
    result = run_suite(tmp_path, ci=ci)
    assert result.returncode != 0, result.stdout
    # The fixture's skip is an error of that test; the rest of the suite still ran.
    assert "ERROR test_browser_like.py::test_needs_a_browser" in result.stdout
    assert "CI=true: a test was skipped for a missing tool: chromium not found" in result.stdout
    assert "1 passed, 2 skipped, 1 error" in result.stdout
    assert "FAILED test_module_needs_emulator.py: missing tool: osmem-server" in result.stdout


def test_in_ci_other_skips_stay_skips(tmp_path):
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_only_other.py").write_text(
        TESTS["test_browser_like.py"].split("@pytest.fixture")[0]
        + """
@pytest.mark.skip(reason="not today")
def test_skipped_for_another_reason():
    pass

def test_plain():
    pass
"""
    )
    env = {**os.environ, "CI": "true", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(  # noqa: S603 - pytest on our own test files
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:django",
            "-p",
            "no:xdist",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            "-c",
            os.devnull,
            str(tmp_path / "test_only_other.py"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    assert "1 passed, 1 skipped" in result.stdout
