"""The property diff computed from the XML, and the pages: public process page, modeler pages and permissions."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from bpmn import diff
from bpmn.models import ProcessDraft
from tests.bpmn.conftest import PROCESSES, REFLECTION, with_rule
from tests.conftest import PASSWORD

LAID_OUT = Path(__file__).with_name("reflection_laid_out.bpmn")


def test_a_changed_deadline_rule_is_described_with_its_days(processes: None) -> None:
    new = with_rule(REFLECTION, "reflection.transfer", "complaint.accept")
    result = diff.diff(REFLECTION, new)
    assert result.added == [] and result.removed == []
    (changed,) = result.changed
    assert changed.element_id == "classify"
    (change,) = changed.changes
    assert change.text == (
        "Quy tắc thời hạn của «Phân loại đơn»: reflection.transfer (5 ngày làm việc) → complaint.accept (7 ngày làm việc)"
    )
    assert change.text_en == "Deadline rule of «Phân loại đơn»: reflection.transfer (5 WD) → complaint.accept (7 WD)"


def test_added_removed_and_other_properties(processes: None) -> None:
    new = (
        REFLECTION.replace('decision == "accept"', 'decision == "accept" and True')
        .replace("<bpmn:flowNodeRef>assign</bpmn:flowNodeRef>", "")
        .replace(
            "<bpmn:flowNodeRef>merge_draft</bpmn:flowNodeRef>",
            "<bpmn:flowNodeRef>merge_draft</bpmn:flowNodeRef><bpmn:flowNodeRef>assign</bpmn:flowNodeRef>",
        )
        .replace('serviceTaskOperator id="publish_answer"', 'serviceTaskOperator id="send_answer_again"')
        .replace('<bpmn:endEvent id="answered" name="Đã trả lời">', '<bpmn:endEvent id="finished" name="Xong">')
        .replace('targetRef="answered"', 'targetRef="finished"')
    )
    result = diff.diff(REFLECTION, new)
    assert [e.element_id for e in result.added] == ["finished"]
    assert [e.element_id for e in result.removed] == ["answered"]
    texts = {c.key: c.text for e in result.changed for c in e.changes}
    assert texts["condition"] == 'Điều kiện của «Thụ lý»: decision == "accept" → decision == "accept" and True'
    assert texts["lane"] == "Làn (vai trò) của «Phân công cán bộ xử lý»: Lãnh đạo đơn vị → Cán bộ xử lý"
    assert texts["handler"] == "Xử lý tự động của «Công khai trả lời»: publish_answer → send_answer_again"
    assert "target" in texts


def test_layout_alone_is_not_a_change(processes: None) -> None:
    laid_out = LAID_OUT.read_text(encoding="utf-8")
    assert "BPMNShape" in laid_out
    assert diff.diff(REFLECTION, laid_out).is_empty


def test_the_diff_api_and_page(draft: ProcessDraft, login: Callable[[str], APIClient]) -> None:
    new = with_rule(REFLECTION, "reflection.transfer", "complaint.accept")
    lan = login("lan")
    lan.put(f"/api/v1/bpmn/drafts/{draft.pk}/xml", {"xml": new, "base_sha256": draft.sha256}, format="json")
    body = lan.get("/api/v1/bpmn/processes/reflection/diff", {"from": "v1", "to": f"d{draft.pk}"}).json()
    assert body["changed"][0]["element_id"] == "classify"
    page = lan.get("/modeler/reflection/diff/", {"from": "v1", "to": f"d{draft.pk}"})
    assert page.status_code == 200
    assert "reflection.transfer (5 ngày làm việc) → complaint.accept (7 ngày làm việc)" in page.content.decode()
    assert lan.get("/api/v1/bpmn/processes/reflection/diff", {"from": "x", "to": "v1"}).status_code == 400


def test_the_public_page_shows_steps_roles_and_deadlines(client: Client, processes: None) -> None:
    response = client.get("/processes/reflection/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Phân loại đơn" in html and "Cán bộ tiếp nhận" in html
    assert "Nghị định 20/2008/NĐ-CP" in html  # the citation of reflection.transfer
    assert "dist/bpmn-viewer.js" in html and 'id="bpmn-config"' in html
    assert client.get("/processes/").status_code == 200
    assert client.get("/processes/no_such_process/").status_code == 404


def test_modeler_pages_are_for_officials(
    client: Client, draft: ProcessDraft, legal: dict[str, object], org: object
) -> None:
    assert client.get(f"/modeler/drafts/{draft.pk}/").status_code == 302  # to the login page
    assert client.login(username="bob", password=PASSWORD)  # a handling officer: may view, not edit
    page = client.get(f"/modeler/drafts/{draft.pk}/")
    assert page.status_code == 200 and '"mode": "view"' in page.content.decode()
    assert 'id="btn-save"' not in page.content.decode()
    client.logout()
    assert client.login(username="lan", password=PASSWORD)
    page = client.get(f"/modeler/drafts/{draft.pk}/")
    assert '"mode": "edit"' in page.content.decode() and 'id="btn-save"' in page.content.decode()
    for url in [
        "/modeler/",
        f"/modeler/drafts/{draft.pk}/test/",
        "/modeler/reflection/v1/",
        "/modeler/reflection/history/",
    ]:
        assert client.get(url).status_code == 200, url


def test_a_draft_can_be_started_from_the_list_page(client: Client, legal: dict[str, object], processes: None) -> None:
    assert client.login(username="lan", password=PASSWORD)
    from workflows.models import ProcessVersion

    version = ProcessVersion.objects.get(process_key="reflection", number=1)
    response = client.post("/modeler/drafts/new/", {"based_on": version.pk})
    assert response.status_code == 302
    assert ProcessDraft.objects.filter(based_on=version, author__username="lan").exists()


def test_the_shipped_files_have_no_diagram_and_are_left_alone() -> None:
    for path in PROCESSES.glob("*.bpmn"):
        assert "BPMNDiagram" not in path.read_text(encoding="utf-8"), path


def test_the_modeler_script_gets_its_messages_in_the_officials_language(
    draft: ProcessDraft, login: Callable[[str], APIClient]
) -> None:
    lan = login("lan")

    def messages() -> dict[str, str]:
        page = lan.get(f"/modeler/drafts/{draft.pk}/")
        assert page.status_code == 200
        config = re.search(
            r'<script id="bpmn-config" type="application/json">(.*?)</script>', page.content.decode(), re.S
        )
        assert config is not None
        return dict(json.loads(config.group(1))["messages"])

    vietnamese = messages()
    assert vietnamese["Đang lưu…"] == "Đang lưu…"
    lan.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = messages()
    assert english["Đang lưu…"] == "Saving…"
    assert english["Chưa lưu được: {message}. Thay đổi vẫn còn trong trình soạn thảo."] == (
        "Not saved: {message}. Your changes are still in the editor."
    )
    assert all(text != source or not re.search(r"[À-ỹĐđ]", text) for source, text in english.items())


def test_the_properties_panel_and_the_test_run_speak_the_officials_language(
    draft: ProcessDraft, login: Callable[[str], APIClient]
) -> None:
    lan = login("lan")
    lan.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def messages(url: str) -> dict[str, str]:
        page = lan.get(url)
        assert page.status_code == 200
        config = re.search(
            r'<script id="bpmn-config" type="application/json">(.*?)</script>', page.content.decode(), re.S
        )
        assert config is not None
        return dict(json.loads(config.group(1))["messages"])

    panel = messages(f"/modeler/drafts/{draft.pk}/")
    assert panel["Quy tắc thời hạn"] == "Deadline rule"
    assert panel["Trạng thái cho người dân"] == "Status shown to citizens"
    assert panel["Làn «{name}» không ứng với vai trò nào."] == "Lane «{name}» matches no role."
    test_run = messages(f"/modeler/drafts/{draft.pk}/test/")
    assert test_run["Hoàn thành bước này"] == "Complete this step"
    for catalogue in (panel, test_run):
        untranslated = [source for source, text in catalogue.items() if text == source and re.search(r"[À-ỹĐđ]", text)]
        assert untranslated == []
