"""Saving drafts from the modeler: content-hash concurrency, validation errors by element, bad input refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from bpmn.models import AuditAction, ProcessAuditEntry, ProcessDraft, sha256_of
from tests.bpmn.conftest import REFLECTION, with_rule


def save(client: APIClient, draft: ProcessDraft, xml: str, base: str | None = None) -> Any:
    return client.put(
        f"/api/v1/bpmn/drafts/{draft.pk}/xml", {"xml": xml, "base_sha256": base or draft.sha256}, format="json"
    )


def errors_of(response: Any) -> dict[str, str]:
    return {e["element_id"]: e["reason"] for e in response.json()["errors"]}


def test_a_draft_starts_as_a_copy_of_its_version(draft: ProcessDraft) -> None:
    assert draft.xml == REFLECTION
    assert draft.sha256 == sha256_of(REFLECTION)
    assert draft.based_on is not None and draft.based_on.number == 1
    assert ProcessAuditEntry.objects.filter(draft=draft, action=AuditAction.CREATED).exists()


def test_it_saves_a_changed_rule_and_returns_the_new_hash(
    draft: ProcessDraft, login: Callable[[str], APIClient]
) -> None:
    xml = with_rule(REFLECTION, "reflection.transfer", "complaint.accept")
    response = save(login("lan"), draft, xml)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["errors"] == []
    assert body["sha256"] == sha256_of(xml)
    draft.refresh_from_db()
    assert draft.xml == xml and draft.last_saved_by is not None and draft.last_saved_by.username == "lan"


def test_a_stale_save_is_a_409_and_changes_nothing(draft: ProcessDraft, login: Callable[[str], APIClient]) -> None:
    original_sha = draft.sha256
    first = with_rule(REFLECTION, "reflection.transfer", "complaint.accept")
    assert save(login("minh"), draft, first).status_code == 200

    second = with_rule(REFLECTION, "reflection.resolve", "complaint.accept")
    response = save(login("lan"), draft, second, base=original_sha)

    assert response.status_code == 409
    assert "vừa lưu bản dự thảo này; bản của bạn chưa được lưu" in response.json()["detail"]
    assert "minh" in response.json()["detail"]
    draft.refresh_from_db()
    assert draft.xml == first


def test_validation_errors_name_their_elements(draft: ProcessDraft, login: Callable[[str], APIClient]) -> None:
    xml = with_rule(REFLECTION, "reflection.transfer", "no.such.rule")
    xml = xml.replace('<spiffworkflow:property name="public_status" value="Đang phân công cán bộ xử lý" />', "")
    xml = xml.replace('serviceTaskOperator id="send_answer"', 'serviceTaskOperator id="launch_rockets"')
    response = save(login("lan"), draft, xml)
    assert response.status_code == 200  # a draft may be saved with errors: it is work in progress
    errors = errors_of(response)
    assert "no.such.rule" in errors["classify"]
    assert "public_status" in errors["assign"]
    assert "launch_rockets" in errors["send"]
    draft.refresh_from_db()
    assert draft.error_count == 3


@pytest.mark.parametrize(
    ("xml", "element", "reason"),
    [
        (
            REFLECTION.replace(
                '<bpmn:serviceTask id="accept" name="Thụ lý đơn">',
                '<bpmn:scriptTask id="sneaky"><bpmn:script>import os</bpmn:script></bpmn:scriptTask>'
                '<bpmn:serviceTask id="accept" name="Thụ lý đơn">',
            ),
            "sneaky",
            "mã lệnh",
        ),
        (REFLECTION.replace('decision == "accept"', "__import__('os').system('id')"), "flow_accept", "__import__"),
        (REFLECTION.replace('decision == "reject"', "decision.__class__"), "flow_reject", "Attribute"),
        (
            REFLECTION.replace(
                '<bpmn:endEvent id="rejected"',
                '<bpmn:userTask id="orphan" name="Mồ côi"><bpmn:extensionElements><spiffworkflow:properties>'
                '<spiffworkflow:property name="public_status" value="x" /></spiffworkflow:properties>'
                '</bpmn:extensionElements></bpmn:userTask><bpmn:endEvent id="rejected"',
            ).replace(
                "<bpmn:flowNodeRef>rejected</bpmn:flowNodeRef>",
                "<bpmn:flowNodeRef>rejected</bpmn:flowNodeRef><bpmn:flowNodeRef>orphan</bpmn:flowNodeRef>",
            ),
            "orphan",
            "Không thể đi tới bước này từ điểm bắt đầu",
        ),
    ],
    ids=["script-body", "import-dunder", "attribute-dunder", "unreachable-task"],
)
def test_dangerous_or_broken_diagrams_are_reported_on_their_element_and_never_run(
    draft: ProcessDraft, login: Callable[[str], APIClient], xml: str, element: str, reason: str
) -> None:
    response = save(login("lan"), draft, xml)
    assert response.status_code == 200
    assert reason in errors_of(response)[element]
    # Submitting is refused while the diagram is invalid.
    refused = login("lan").post(f"/api/v1/bpmn/drafts/{draft.pk}/submit")
    assert refused.status_code == 400
    assert refused.json()["code"] == "bpmn_invalid"
    assert element in {e["element_id"] for e in refused.json()["errors"]}


@pytest.mark.parametrize(
    ("xml", "reason"),
    [
        ("<bpmn:definitions><bpmn:process", "XML không hợp lệ"),
        (
            '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&xxe;</bpmn:definitions>',
            "Không chấp nhận DOCTYPE/ENTITY",
        ),
        (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            "<lolz>&lol2;</lolz>",
            "Không chấp nhận DOCTYPE/ENTITY",
        ),
    ],
    ids=["malformed", "xxe", "entity-expansion"],
)
def test_unsafe_or_malformed_xml_is_a_400_and_nothing_is_stored(
    draft: ProcessDraft, login: Callable[[str], APIClient], xml: str, reason: str
) -> None:
    response = save(login("lan"), draft, xml)
    assert response.status_code == 400
    assert response.json()["code"] == "bpmn_invalid"
    assert reason in response.json()["errors"][0]["reason"]
    draft.refresh_from_db()
    assert draft.xml == REFLECTION
    assert not ProcessAuditEntry.objects.filter(draft=draft, action=AuditAction.SAVED).exists()


def test_the_process_id_must_stay_the_drafts_key(draft: ProcessDraft, login: Callable[[str], APIClient]) -> None:
    xml = REFLECTION.replace('<bpmn:process id="reflection"', '<bpmn:process id="other"').replace(
        'processRef="reflection"', 'processRef="other"'
    )
    errors = errors_of(save(login("lan"), draft, xml))
    assert "reflection" in errors["other"]


def test_only_legal_staff_save_officials_read_and_the_public_gets_nothing(
    draft: ProcessDraft, login: Callable[[str], APIClient], public: APIClient
) -> None:
    xml = with_rule(REFLECTION, "reflection.transfer", "complaint.accept")
    assert save(login("tam"), draft, xml).status_code == 403
    assert save(public, draft, xml).status_code == 403
    assert login("tam").get(f"/api/v1/bpmn/drafts/{draft.pk}").status_code == 200
    assert public.get(f"/api/v1/bpmn/drafts/{draft.pk}").status_code == 403
    draft.refresh_from_db()
    assert draft.xml == REFLECTION


def test_the_expression_check_uses_the_servers_whitelist(login: Callable[[str], APIClient]) -> None:
    client = login("tam")
    ok = client.post("/api/v1/bpmn/expressions/check", {"expression": 'decision == "accept"'}, format="json")
    assert ok.json() == {"ok": True, "error": ""}
    bad = client.post("/api/v1/bpmn/expressions/check", {"expression": "().__class__"}, format="json")
    assert bad.json()["ok"] is False and "Attribute" in bad.json()["error"]


def test_the_draft_detail_includes_xml_and_errors(draft: ProcessDraft, login: Callable[[str], APIClient]) -> None:
    body = login("lan").get(f"/api/v1/bpmn/drafts/{draft.pk}").json()
    assert body["xml"] == REFLECTION and body["errors"] == [] and body["status"] == "draft"


def test_a_new_process_starts_from_a_valid_skeleton(login: Callable[[str], APIClient], processes: None) -> None:
    response = login("lan").post(
        "/api/v1/bpmn/drafts", {"process_key": "land_dispute", "name": "Tranh chấp đất"}, format="json"
    )
    assert response.status_code == 201
    detail = login("lan").get(f"/api/v1/bpmn/drafts/{response.json()['id']}").json()
    assert detail["errors"] == []
    taken = login("lan").post("/api/v1/bpmn/drafts", {"process_key": "reflection"}, format="json")
    assert taken.status_code == 409


def test_an_expression_that_would_fail_at_run_time_is_an_error_on_its_element_in_the_editor(
    draft: ProcessDraft, login: Callable[[str], APIClient]
) -> None:
    xml = REFLECTION.replace('decision == "accept"', "int(1e400) &gt; 0").replace(
        'decision == "reject"', "min() == decision"
    )
    errors = errors_of(save(login("lan"), draft, xml))
    assert "quá lớn" in errors["flow_accept"]
    assert "Hàm «min» cần ≥ 1 tham số" in errors["flow_reject"]
    response = login("lan").post(f"/api/v1/bpmn/drafts/{draft.pk}/submit")
    assert response.status_code == 400 and {e["element_id"] for e in response.json()["errors"]} >= {
        "flow_accept",
        "flow_reject",
    }
    checked = login("tam").post("/api/v1/bpmn/expressions/check", {"expression": "min()"}, format="json")
    assert checked.json()["ok"] is False and "«min»" in checked.json()["error"]


def test_validation_errors_and_conflicts_come_back_in_english_on_their_elements(
    draft: ProcessDraft, login: Callable[[str], APIClient]
) -> None:
    original_sha = draft.sha256
    xml = REFLECTION.replace('<spiffworkflow:property name="public_status" value="Đang phân công cán bộ xử lý" />', "")
    client = login("lan")

    saved = client.put(
        f"/api/v1/bpmn/drafts/{draft.pk}/xml",
        {"xml": xml, "base_sha256": original_sha},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert saved.status_code == 200
    assert errors_of(saved)["assign"] == "Missing property «public_status» (the status citizens see)"

    stale = login("minh").put(
        f"/api/v1/bpmn/drafts/{draft.pk}/xml",
        {"xml": REFLECTION, "base_sha256": original_sha},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert stale.status_code == 409
    assert stale.json()["detail"].startswith("Someone else (lan) has just saved this draft; yours was not saved")

    malformed = client.put(
        f"/api/v1/bpmn/drafts/{draft.pk}/xml",
        {"xml": "<bpmn:definitions><bpmn:process", "base_sha256": saved.json()["sha256"]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert malformed.status_code == 400 and malformed.json()["errors"][0]["reason"].startswith("Malformed XML: ")
