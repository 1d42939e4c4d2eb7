"""The leaders' page in a real browser, at desk width and at 390 px: the charts draw (a canvas with pixels, no
Content-Security-Policy violation), and a figure's link opens the list of its petitions. Screenshots go to
test-artifacts/. Needs what tests/bpmn/test_browser.py needs (chromium, playwright) and the leaders' bundle."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.browser import ARTIFACTS, logged_in, require_browser
from tests.conftest import petition_payload

require_browser("app.js", "leaders-charts.js")

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def petitions(org: Any, processes: None) -> None:
    client = APIClient()
    for commune in ("dong-ha", "dong-ha", "gio-linh"):
        response = client.post("/api/v1/petitions", petition_payload(commune=commune), format="json")
        assert response.status_code == 201, response.json()


@pytest.mark.parametrize(("width", "name"), [(1500, "desktop"), (390, "mobile")])
def test_the_leaders_page_draws_its_charts_and_drills_down(
    browser: Any,
    live_server: Any,
    petitions: None,
    width: int,
    name: str,
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = logged_in(browser, live_server, "henry")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/leaders/")
    page.wait_for_load_state("networkidle")
    # Chart.js sized both canvases and painted on them: a canvas that was never drawn is all transparent.
    for chart in ("#chart-rate", "#chart-volume"):
        page.wait_for_function(
            "(sel) => { const c = document.querySelector(sel); if (!c || !c.width) return false;"
            " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
            " for (let i = 3; i < d.length; i += 4) if (d[i]) return true; return false; }",
            arg=chart,
        )
    assert page.locator("#chart-rate[role=img][aria-label]").count() == 1
    # No sideways scrolling of the page itself at 390 px (the wide table scrolls inside its own box, if at all).
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1") or width > 390
    page.screenshot(path=str(ARTIFACTS / f"leaders-{name}.png"), full_page=True)

    link = page.locator('a[data-figure="cell"]').first
    figure = int(link.inner_text())
    link.click()
    page.wait_for_selector("#drill-count")
    assert int(page.locator("#drill-count").inner_text()) == figure
    assert page.locator("table.list tbody tr").count() == figure
    page.screenshot(path=str(ARTIFACTS / f"leaders-drill-down-{name}.png"), full_page=True)
    assert page.errors == []
