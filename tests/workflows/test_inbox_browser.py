"""The inbox in a real browser, at desk width and at 390 px: a handling officer filters it, sees the deadline as
text and icon, and claims a step; at 390 px the rows are cards and the page does not scroll sideways (no
Content-Security-Policy violation either). Screenshots go to test-artifacts/inbox-*.png. Needs what
tests/bpmn/test_browser.py needs (chromium, playwright)."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.browser import ARTIFACTS, logged_in, require_browser
from tests.cases.test_journey import complete
from tests.conftest import PASSWORD, petition_payload

require_browser("app.js")
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]
TITLES = ("Đèn đường hỏng trên đường Lê Duẩn", "Cống thoát nước bị tắc ở tổ 5")


def official(username: str) -> APIClient:
    client = APIClient()
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def drafts(org: Any, processes: None) -> list[str]:
    """Two reflections in Đông Hà, each assigned to bob for drafting, neither claimed yet."""
    public, alice, carol = APIClient(), official("alice"), official("carol")
    codes = []
    for title in TITLES:
        response = public.post("/api/v1/petitions", petition_payload(title=title), format="json")
        assert response.status_code == 201, response.json()
        code = response.json()["tracking_code"]
        [classify] = alice.get("/api/v1/inbox", {"q": code}).json()["results"]
        complete(alice, classify, {"decision": "accept"})
        [assign] = carol.get("/api/v1/inbox", {"q": code, "step": "assign"}).json()["results"]
        complete(carol, assign, {"handler": "bob"})
        codes.append(code)
    return codes


@pytest.mark.parametrize(("width", "name"), [(1500, "desktop"), (390, "mobile")])
def test_a_handling_officer_filters_the_inbox_and_claims_a_step(
    browser: Any,
    live_server: Any,
    drafts: list[str],
    width: int,
    name: str,
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = logged_in(browser, live_server, "bob")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/inbox/")
    assert page.locator("table.inbox tbody tr").count() == 2
    assert page.locator("#f-assignee option[value=me]").inner_text() == "Của tôi (2)"  # assigned to him

    page.fill("#f-q", "cống thoát")
    page.click(".inbox-filters button[type=submit]")
    page.wait_for_load_state()
    assert "q=" in page.url  # the filters are in the address: it can be shared
    rows = page.locator("table.inbox tbody tr")
    assert rows.count() == 1 and drafts[1] in rows.first.inner_text()
    if width == 390:
        assert page.evaluate("document.documentElement.scrollWidth <= 390")
        assert page.evaluate("getComputedStyle(document.querySelector('table.inbox tr')).display") == "block"
    page.screenshot(path=str(ARTIFACTS / f"inbox-filtered-{name}.png"), full_page=True)

    rows.first.get_by_role("button", name="Nhận xử lý").click()
    page.wait_for_load_state()
    assert "Bạn đã nhận xử lý" in page.content()
    assert "q=" in page.url  # back to the same filtered list
    rows = page.locator("table.inbox tbody tr")
    assert rows.count() == 1 and rows.get_by_role("button", name="Nhận xử lý").count() == 0
    if width == 390:
        assert page.evaluate("document.documentElement.scrollWidth <= 390")
    page.screenshot(path=str(ARTIFACTS / f"inbox-claimed-{name}.png"), full_page=True)
    assert page.errors == []
