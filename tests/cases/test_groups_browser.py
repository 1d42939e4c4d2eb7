"""The reception officer, in a real browser at desk width (1500 px) and at 390 px, sees on the classification step
the open case like this petition, with its score, and joins the petition to it. No Content-Security-Policy
violation. Screenshots go to test-artifacts/groups-*.png."""

from __future__ import annotations

from typing import Any

import pytest

from cases.models import Petition
from tests.browser import ARTIFACTS, logged_in, require_browser
from tests.cases.test_groups import CULVERT, NEIGHBOUR

require_browser("app.js")
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize(("width", "name"), [(1500, "desktop"), (390, "mobile")])
def test_the_reception_officer_sees_the_duplicate_on_the_task_page_and_joins(
    browser: Any, live_server: Any, submit: Any, width: int, name: str
) -> None:
    lead = Petition.objects.get(tracking_code=submit(**CULVERT)["tracking_code"])
    member = Petition.objects.get(tracking_code=submit(**NEIGHBOUR)["tracking_code"])
    task = member.workflow.tasks.open().get()

    alice = logged_in(browser, live_server, "alice")
    alice.set_viewport_size({"width": width, "height": 1000})
    alice.goto(f"{live_server.url}/tasks/{task.task_id}/")
    row = alice.locator(f'#duplicates tr[data-suggestion="{lead.tracking_code}"]')
    assert row.is_visible()
    assert row.locator("button", has_text="Gộp vào hồ sơ này").is_visible()
    assert 0 < float(row.locator(".score").inner_text().split()[-1].replace(",", ".")) <= 1
    assert CULVERT["title"] in row.inner_text()
    assert alice.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    alice.locator("#duplicates").scroll_into_view_if_needed()
    alice.screenshot(path=str(ARTIFACTS / f"groups-suggestion-{name}.png"), full_page=True)

    row.get_by_role("button", name="Gộp vào hồ sơ này").click()
    alice.wait_for_load_state()

    assert alice.url.endswith(f"/cases/{lead.pk}/")
    assert member.tracking_code in alice.locator("#group").inner_text()
    alice.screenshot(path=str(ARTIFACTS / f"groups-joined-{name}.png"), full_page=True)
    assert Petition.objects.get(pk=member.pk).joined_to_id == lead.pk
    assert alice.errors == []
