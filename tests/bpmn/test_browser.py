"""The modeler in a real browser (Playwright driving Debian's chromium) against a live server.

Open a draft, change a deadline rule, its reminder and escalation in the properties panel (one undo reverts
one change), save, see a validation error
marked on its element, fix it, submit, approve as a second legal officer, publish, and see the diff; a second
editor saving a stale draft gets the 409 message and keeps their work. Screenshots go to test-artifacts/.

Needs: `apt-get install chromium` (/usr/bin/chromium), PyPI `playwright` (no `playwright install`), and the
bundles built (`npm ci && npm run build`). Without them these tests are skipped, saying which is missing.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.management import call_command

from bpmn import services
from bpmn.models import DraftStatus, ProcessDraft
from deadlines import calendar
from organisation.models import Role, Unit
from tests.browser import ARTIFACTS, logged_in, require_browser
from tests.conftest import make_official
from workflows.models import ProcessVersion

TITLES = {"classify": "Phân loại đơn"}
require_browser("bpmn-modeler.js", "bpmn-viewer.js")

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),  # keeps seeded rules and bindings
]


@pytest.fixture
def officers(db: None) -> dict[str, AbstractUser]:
    unit = Unit.objects.create(code="so-tu-phap", name="Sở Tư pháp", kind="sở")
    call_command("load_processes", "--effective-from", "2020-01-01", verbosity=0)
    return {
        "lan": make_official("lan", unit, Role.LEGAL_STAFF),
        "minh": make_official("minh", unit, Role.LEGAL_STAFF),
    }


@pytest.fixture
def draft(officers: dict[str, AbstractUser]) -> ProcessDraft:
    version = ProcessVersion.objects.get(process_key="reflection", number=1)
    return services.create_draft(author=officers["lan"], based_on=version)  # type: ignore[arg-type]


def open_draft(page: Any, live_server: Any, draft: ProcessDraft) -> None:
    page.goto(f"{live_server.url}/modeler/drafts/{draft.pk}/")
    page.wait_for_selector("body[data-bpmn-validated]")
    page.uncheck("#autosave")


def select_task(page: Any, element_id: str) -> None:
    """Click a task near its top edge (a boundary timer may sit on its lower edge), open our panel group."""
    box = page.locator(f'#bpmn-canvas g.djs-element[data-element-id="{element_id}"]').bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + 8)
    page.wait_for_selector(f'.bio-properties-panel-header-label:has-text("{TITLES[element_id]}")')
    group = page.locator('[data-group-id="group-langnghe"] .bio-properties-panel-group-header')
    if "open" not in (group.get_attribute("class") or ""):
        group.click()


def expect_rule(page: Any, code: str) -> None:
    """Wait until the panel shows this rule: it re-renders asynchronously after each command (undo, redo)."""
    from playwright.sync_api import expect

    expect(page.locator("#bio-properties-panel-langnghe-rule")).to_have_value(code)


def wait_saved(page: Any) -> str:
    page.wait_for_function("() => document.querySelector('#save-status').dataset.kind.match(/ok|warning|error/)")
    return str(page.locator("#save-status").inner_text())


def test_legal_staff_edit_validate_review_publish_and_see_the_diff(
    browser: Any, live_server: Any, draft: ProcessDraft
) -> None:
    from playwright.sync_api import expect  # waits until the panel shows the value

    ARTIFACTS.mkdir(exist_ok=True)
    lan = logged_in(browser, live_server, "lan")
    open_draft(lan, live_server, draft)
    assert lan.locator(".bjs-powered-by").is_visible()  # the bpmn.io watermark stays
    assert lan.locator('#bpmn-canvas g.djs-element[data-element-id="lane_reception"]').count() == 1  # lanes drawn
    lan.screenshot(path=str(ARTIFACTS / "bpmn-modeler.png"))

    # Change the deadline rule in the panel; one undo reverts exactly that change.
    select_task(lan, "classify")
    expect_rule(lan, "reflection.transfer")
    lan.select_option("#bio-properties-panel-langnghe-rule", "complaint.accept")
    assert "Luật Khiếu nại" in lan.locator('[data-entry-id="langnghe-rule"]').inner_text()
    lan.click("#btn-undo")
    expect_rule(lan, "reflection.transfer")
    lan.click("#btn-redo")
    expect_rule(lan, "complaint.accept")

    # With a rule: the reminder (empty = the rule's default, shown as placeholder) and who is told when overdue.
    remind = lan.locator("#bio-properties-panel-langnghe-remind-before")
    assert remind.input_value() == "" and remind.get_attribute("placeholder") == "2"
    remind.fill("31")
    error = lan.wait_for_selector('[data-entry-id="langnghe-remind-before"] .bio-properties-panel-error')
    assert "0 đến 30" in error.inner_text()
    remind.fill("1")
    remind.blur()  # commits at once (the panel's input debounce is 600 ms)
    escalate = "#bio-properties-panel-langnghe-escalate-to"
    expect(lan.locator(escalate)).to_have_value("unit_leader")
    lan.select_option(escalate, "parent_leader")
    lan.click("#btn-undo")
    expect(lan.locator(escalate)).to_have_value("unit_leader")  # the panel re-renders after the command stack
    expect(remind).to_have_value("1")
    lan.click("#btn-redo")
    expect(lan.locator(escalate)).to_have_value("parent_leader")

    # Clear the public status: the server marks the error on the task, with the reason.
    lan.fill("#bio-properties-panel-langnghe-public-status", "")
    lan.wait_for_function("() => document.querySelector('#save-status').dataset.kind === 'dirty'")
    lan.wait_for_timeout(400)  # the panel's input debounce
    lan.click("#btn-save")
    assert "1 lỗi" in wait_saved(lan)
    marked = lan.locator('#bpmn-canvas g.djs-element.langnghe-error[data-element-id="classify"]')
    assert marked.count() == 1
    overlay = lan.locator('.langnghe-error-overlay[data-element-id="classify"]')
    assert "public_status" in overlay.inner_text()
    assert "classify" in lan.locator("#validation-errors").inner_text()
    lan.screenshot(path=str(ARTIFACTS / "bpmn-modeler-error.png"))

    # Fix it and save again: valid, nothing marked.
    select_task(lan, "classify")
    lan.fill("#bio-properties-panel-langnghe-public-status", "Đang phân loại đơn")
    lan.wait_for_timeout(400)
    lan.click("#btn-save")
    assert "hợp lệ" in wait_saved(lan)
    assert marked.count() == 0
    draft.refresh_from_db()
    assert 'name="deadline_rule" value="complaint.accept"' in draft.xml and "BPMNShape" in draft.xml
    assert 'name="remind_before" value="1"' in draft.xml and 'name="escalate_to" value="parent_leader"' in draft.xml

    # Submit; the author cannot approve; a second legal officer approves with a note.
    lan.click("#btn-submit")
    lan.wait_for_selector('#modeler-page[data-status="submitted"]')
    assert lan.locator("#btn-approve").count() == 0
    minh = logged_in(browser, live_server, "minh")
    minh.goto(f"{live_server.url}/modeler/drafts/{draft.pk}/")
    minh.wait_for_selector("body[data-bpmn-ready]")
    minh.fill("#review-note", "Phù hợp thời hạn thụ lý mới")
    minh.click("#btn-approve")
    minh.wait_for_selector('#modeler-page[data-status="approved"]')
    minh.fill("#effective-from", calendar.today().isoformat())
    minh.click("#btn-publish")
    minh.wait_for_selector('#modeler-page[data-status="published"]')
    draft.refresh_from_db()
    assert draft.status == DraftStatus.PUBLISHED and draft.published_version is not None
    assert draft.published_version.number == 2 and draft.reviewer is not None and draft.reviewer.username == "minh"

    # The diff: the changed task coloured on the canvas, the changed property in words.
    minh.click("#link-diff-published")
    minh.wait_for_selector("body[data-bpmn-ready='1']")
    changes = minh.locator("#diff-changes").inner_text()
    assert "reflection.transfer (5 ngày làm việc) → complaint.accept (7 ngày làm việc)" in changes
    assert minh.locator('#bpmn-canvas-new g.djs-element.diff-changed[data-element-id="classify"]').count() == 1
    assert minh.locator('#bpmn-canvas-old g.djs-element.diff-changed[data-element-id="classify"]').count() == 1
    minh.screenshot(path=str(ARTIFACTS / "bpmn-diff.png"), full_page=True)
    assert lan.errors == [] and minh.errors == []


def test_a_second_editor_saving_a_stale_draft_is_told_and_keeps_their_work(
    browser: Any, live_server: Any, draft: ProcessDraft
) -> None:
    lan = logged_in(browser, live_server, "lan")
    minh = logged_in(browser, live_server, "minh")
    open_draft(lan, live_server, draft)
    open_draft(minh, live_server, draft)

    select_task(lan, "classify")
    lan.fill("#bio-properties-panel-langnghe-public-status", "Lan đã sửa")
    lan.wait_for_timeout(400)
    lan.click("#btn-save")
    assert "Đã lưu" in wait_saved(lan)

    select_task(minh, "classify")
    minh.fill("#bio-properties-panel-langnghe-public-status", "Minh sửa cùng lúc")
    minh.wait_for_timeout(400)
    minh.click("#btn-save")
    message = wait_saved(minh)
    assert "vừa lưu bản dự thảo này" in message and "lan" in message
    assert minh.locator("#btn-download").is_visible()
    kept = minh.evaluate("window.__bpmn.modeler.saveXML().then(r => r.xml)")
    assert "Minh sửa cùng lúc" in kept  # the editor still has Minh's work
    draft.refresh_from_db()
    assert "Lan đã sửa" in draft.xml and "Minh sửa cùng lúc" not in draft.xml
    ARTIFACTS.mkdir(exist_ok=True)
    minh.screenshot(path=str(ARTIFACTS / "bpmn-modeler-conflict.png"))


def test_the_properties_panel_speaks_english_to_an_official_who_chose_english(
    browser: Any, live_server: Any, draft: ProcessDraft
) -> None:
    from django.conf import settings

    lan = logged_in(browser, live_server, "lan")
    lan.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    open_draft(lan, live_server, draft)
    select_task(lan, "classify")
    panel = lan.locator('[data-group-id="group-langnghe"]').inner_text()
    for label in ("Lane (handling role)", "Status shown to citizens", "Deadline rule"):
        assert label in panel
    for vietnamese in ("Làn (vai trò xử lý)", "Trạng thái cho người dân", "Quy tắc thời hạn"):
        assert vietnamese not in panel
    assert lan.errors == []
