"""The task page in a real browser, at desk width and at 390 px: a leader returns an answer with a comment, the
handler redrafts it, the leader sees what changed (marked in text, not colour alone) and approves. No
Content-Security-Policy violation. Screenshots go to test-artifacts/task-*.png."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cases.models import Petition, PetitionStatus
from tests.browser import ARTIFACTS, logged_in, require_browser
from tests.conftest import PASSWORD

require_browser("app.js")
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _advance(username: str, petition: Petition, data: dict[str, str]) -> None:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    task = petition.workflow.tasks.open().get()
    assert client.post(f"/tasks/{task.task_id}/", data).status_code == 302


def _do_task(page: Any, live_server: Any, petition: Petition, fill: dict[str, str], select: dict[str, str]) -> None:
    task = petition.workflow.tasks.open().get()
    page.goto(f"{live_server.url}/tasks/{task.task_id}/")
    for name, value in select.items():
        page.select_option(f"#task-form select[name={name}]", value)
    for name, value in fill.items():
        page.fill(f"#task-form [name={name}]", value)
    page.click("#task-form button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.parametrize(("width", "name"), [(1500, "desktop"), (390, "mobile")])
def test_a_leader_returns_an_answer_sees_the_redraft_changes_and_approves(
    browser: Any,
    live_server: Any,
    submit: Any,
    width: int,
    name: str,
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    submit()
    petition = Petition.objects.get()
    _advance("alice", petition, {"decision": "accept"})
    _advance("carol", petition, {"handler": "bob"})

    bob = logged_in(browser, live_server, "bob")
    bob.set_viewport_size({"width": width, "height": 900})
    _do_task(bob, live_server, petition, {"answer": "Đèn sẽ được sửa trong tuần tới."}, {})

    carol = logged_in(browser, live_server, "carol")
    carol.set_viewport_size({"width": width, "height": 900})
    task = petition.workflow.tasks.open().get()
    carol.goto(f"{live_server.url}/tasks/{task.task_id}/")
    assert "Đèn sẽ được sửa trong tuần tới." in carol.locator("#draft-under-approval").inner_text()
    # A return without a comment is refused next to the field, the choice kept.
    carol.select_option("#task-form select[name=approval]", "return")
    carol.click("#task-form button[type=submit]")
    carol.wait_for_selector("#task-form p.error")
    assert carol.locator("#task-form select[name=approval]").input_value() == "return"
    carol.fill("#task-form [name=comments]", "Ghi rõ ngày sửa.")
    carol.screenshot(path=str(ARTIFACTS / f"task-return-{name}.png"), full_page=True)
    carol.click("#task-form button[type=submit]")
    carol.wait_for_load_state()

    _do_task(bob, live_server, petition, {"answer": "Đèn sẽ được sửa ngày 10/12."}, {})

    task = petition.workflow.tasks.open().get()
    carol.goto(f"{live_server.url}/tasks/{task.task_id}/")
    diff = carol.locator("#draft-diff")
    assert "ngày" in diff.locator("ins").all_inner_texts()[0]
    assert "trong" in " ".join(diff.locator("del").all_inner_texts())
    assert "Ghi rõ ngày sửa." in carol.locator("#history").inner_text()
    assert carol.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1") or width > 390
    carol.screenshot(path=str(ARTIFACTS / f"task-diff-{name}.png"), full_page=True)
    carol.select_option("#task-form select[name=approval]", "approve")
    carol.click("#task-form button[type=submit]")
    carol.wait_for_load_state()
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.ANSWERED
    assert bob.errors == [] and carol.errors == []
