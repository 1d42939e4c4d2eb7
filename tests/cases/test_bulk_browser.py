"""The bulk page in a real browser, at desk width and at 390 px: a handling officer answers two petitions with
one template, each petition getting its own text, and the leader approves both at once; no Content-Security-Policy
violation. Screenshots go to test-artifacts/bulk-*.png. Needs what tests/bpmn/test_browser.py needs."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from cases import services
from cases.models import Petition, PetitionStatus
from tests.browser import ARTIFACTS, logged_in, require_browser
from tests.conftest import PASSWORD, petition_payload
from workflows.models import HumanTask

require_browser("app.js")
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NAMES = ("Trần Thị Bình", "Lê Văn Cường")


@pytest.fixture
def drafts(org: Any, processes: None) -> list[str]:
    """Two reflections waiting for bob's answer, and a template for them."""
    public = APIClient()
    codes = []
    for name in NAMES:
        response = public.post("/api/v1/petitions", petition_payload(petitioner_name=name), format="json")
        assert response.status_code == 201, response.json()
        codes.append(response.json()["tracking_code"])
    for username, step, data in (
        ("alice", "classify", {"decision": "accept"}),
        ("carol", "assign", {"handler": "bob"}),
    ):
        client = APIClient()
        assert client.login(username=username, password=PASSWORD)
        for task in HumanTask.objects.open().filter(element_id=step):
            response = client.post(f"/api/v1/tasks/{task.task_id}/complete", {"form": data}, format="json")
            assert response.status_code == 200, response.json()
    services.save_answer_template(
        title="Đã thay bóng đèn", body="Kính gửi {xung_ho}, đơn {ma_don} đã được xử lý.", petition_type="reflection"
    )
    return codes


def act_on_all(page: Any, live_server: Any, step: str, choose: str | None, shot: str) -> None:
    page.goto(f"{live_server.url}/inbox/bulk/?step={step}")
    boxes = page.locator('#bulk-form input[name="tasks"]')
    assert boxes.count() == 2
    for index in range(2):
        boxes.nth(index).check()
    if choose:
        page.select_option('#bulk-form select[name="template"]', label=choose + " (Phản ánh)")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(ARTIFACTS / f"bulk-{shot}-form.png"), full_page=True)
    page.click("#bulk-form button[type=submit]")
    page.wait_for_selector("#bulk-outcomes")
    assert page.locator("#bulk-outcomes li.failed").count() == 0
    page.screenshot(path=str(ARTIFACTS / f"bulk-{shot}-done.png"), full_page=True)


@pytest.mark.parametrize(("width", "name"), [(1500, "desktop"), (390, "mobile")])
def test_an_officer_answers_two_petitions_with_one_template_and_the_leader_approves_both(
    browser: Any,
    live_server: Any,
    drafts: list[str],
    width: int,
    name: str,
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    bob = logged_in(browser, live_server, "bob")
    bob.set_viewport_size({"width": width, "height": 900})
    act_on_all(bob, live_server, "draft_answer", "Đã thay bóng đèn", f"answer-{name}")
    carol = logged_in(browser, live_server, "carol")
    carol.set_viewport_size({"width": width, "height": 900})
    act_on_all(carol, live_server, "approve", None, f"approve-{name}")
    for code, person in zip(drafts, NAMES, strict=True):
        petition = Petition.objects.get(tracking_code=code)
        assert petition.status == PetitionStatus.ANSWERED
        assert petition.answer == f"Kính gửi Ông/Bà {person}, đơn {code} đã được xử lý."
    assert bob.errors == [] and carol.errors == []
