"""Tests that need a tool outside Python (the Elasticsearch emulator, Chromium, Redis) skip when it is missing,
saying which, through `requires_tool`. In CI (`CI=true`) such a skip fails the run instead: CI must never be
green with part of the suite unrun. The hooks are installed by tests/conftest.py."""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any, NoReturn

import pytest

MISSING_TOOL = "missing tool: "


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes", "on")


def requires_tool(reason: str) -> NoReturn:
    """Skip this test (or module, when called at import) because a tool it needs is missing: `reason` says which
    and how to install it. Under CI the skip becomes a failure."""
    pytest.skip(f"{MISSING_TOOL}{reason}", allow_module_level=True)


def _missing_tool(report: Any) -> str | None:
    """The reason of a skip for a missing tool, or None."""
    if not report.skipped:
        return None
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
    if MISSING_TOOL not in reason:
        return None
    return reason[reason.index(MISSING_TOOL) :]


def _fail(report: Any, reason: str) -> None:
    report.outcome = "failed"
    report.longrepr = f"CI=true: a test was skipped for a {reason}; CI must run the whole suite."


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    if in_ci() and (reason := _missing_tool(report)):
        _fail(report, reason)
    return report


# Modules skipped whole at import (their collection report): recorded, and the session fails at its end, so the
# rest of the suite still runs and reports. Under xdist the controller receives these reports too.
_skipped_modules: list[str] = []


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if in_ci() and (reason := _missing_tool(report)):
        _skipped_modules.append(f"{report.nodeid}: {reason}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _skipped_modules and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if _skipped_modules:
        terminalreporter.section("CI=true: modules skipped for a missing tool", red=True)
        for line in _skipped_modules:
            terminalreporter.line(f"FAILED {line}", red=True)
