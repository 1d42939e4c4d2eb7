"""What the browser tests share: Debian's Chromium driven by Playwright (no `playwright install`), a logged-in page
that records page errors and Content-Security-Policy violations, and where screenshots go.

A module of browser tests calls `require_browser(*bundles)` at import: without Chromium, Playwright or the bundles
it needs, its tests are skipped saying which is missing (and, with `CI` set, the run fails: `tests/tools.py`)."""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from tests.conftest import PASSWORD
from tests.tools import requires_tool

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def missing(*bundles: str) -> str:
    """What this machine lacks to run browser tests needing these bundles of static/dist/ ("" when nothing)."""
    if importlib.util.find_spec("playwright") is None:
        return "PyPI package 'playwright' is not installed (pip install playwright; no 'playwright install')"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    absent = [f"static/dist/{name}" for name in bundles if not (ROOT / "static" / "dist" / name).exists()]
    if absent:
        return f"front-end bundles not built ({', '.join(absent)}): run npm ci && npm run build"
    return ""


def require_browser(*bundles: str) -> None:
    if reason := missing(*bundles):
        requires_tool(reason)


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test around it are
    # plain synchronous calls, so Django's async-safety check must not refuse them.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()
        # ORM calls made while Playwright's loop runs get their own connection (asgiref keeps connections per
        # context, not per thread): close it here, or PostgreSQL refuses to drop the test database at the end.
        connections.close_all()


def _csp_violation(message: Any, errors: list[str]) -> None:
    if "Content Security Policy" in message.text:
        errors.append(message.text)


def logged_in(browser: Any, live_server: Any, username: str) -> Any:
    """A page of a new browser context, signed in as `username`; `page.errors` collects page errors and anything
    the Content-Security-Policy blocked (inline script or style, eval)."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: _csp_violation(message, errors))
    page.errors = errors
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    return page
