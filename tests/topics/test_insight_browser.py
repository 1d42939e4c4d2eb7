"""The insight page and the topic card in a real browser, at desk width and at 390 px: both charts draw (a canvas
with pixels, no Content-Security-Policy violation), a commune × topic figure opens its petitions, and the reception
officer corrects a topic from the case page. Screenshots go to test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from cases.models import Petition
from tests.browser import ARTIFACTS, logged_in, require_browser
from tests.conftest import petition_payload

require_browser("app.js", "insight-charts.js")

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DRAWN = (
    "(sel) => { const c = document.querySelector(sel); if (!c || !c.width) return false;"
    " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
    " for (let i = 3; i < d.length; i += 4) if (d[i]) return true; return false; }"
)


@pytest.fixture
def petitions(org: Any, processes: None) -> None:
    client = APIClient()
    texts = [
        ("dong-ha", "Mất nước sinh hoạt", "Khu phố mất nước ba ngày."),
        ("dong-ha", "Rác thải ven sông", "Rác đổ bừa bãi, bốc mùi hôi."),
        ("gio-linh", "Ổ gà trên quốc lộ", "Mặt đường nhiều ổ gà."),
        ("gio-linh", "Mất nước", "Mất nước cả tuần."),
    ]
    for commune, title, content in texts:
        payload = petition_payload(commune=commune, title=title, content=content)
        assert client.post("/api/v1/petitions", payload, format="json").status_code == 201


@pytest.mark.parametrize(("width", "name"), [(1500, "desktop"), (390, "mobile")])
def test_the_insight_page_draws_its_charts_and_drills_down(
    browser: Any, live_server: Any, petitions: None, width: int, name: str
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = logged_in(browser, live_server, "henry")
    page.set_viewport_size({"width": width, "height": 900})
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_server.url}/leaders/insight/")
    page.wait_for_load_state("networkidle")
    for chart in ("#chart-topics", "#chart-communes"):
        page.wait_for_function(DRAWN, arg=chart)
    assert errors == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(ARTIFACTS / f"insight-{name}.png"), full_page=True)
    cell = page.locator('#commune-topics tr[data-commune="gio-linh"] td a').nth(1)
    figure = int(cell.inner_text())
    cell.click()
    page.wait_for_selector("#drill-count")
    assert int(page.locator("#drill-count").inner_text()) == figure


def test_the_reception_officer_corrects_the_topic_on_the_case_page(
    browser: Any, live_server: Any, petitions: None
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    petition = Petition.objects.get(title="Rác thải ven sông")
    page = logged_in(browser, live_server, "alice")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/cases/{petition.pk}/")
    assert page.locator("#topic-name").inner_text() == "Môi trường và rác thải"
    page.screenshot(path=str(ARTIFACTS / "topic-card-mobile.png"), full_page=True)
    page.select_option("#topic-form select[name=topic]", "water")
    page.click("#topic-form button[type=submit]")
    page.wait_for_selector("#topic-state")
    assert page.locator("#topic-name").inner_text() == "Cấp nước"
    assert page.locator("#topic-state").inner_text() == "Đã xác nhận"
