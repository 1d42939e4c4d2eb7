"""Draft → submitted → approved by a second legal officer → published with an effective date; rollback; audit."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from rest_framework.test import APIClient

from bpmn.models import AuditAction, DraftStatus, ProcessAuditEntry, ProcessDraft
from deadlines import calendar
from tests.bpmn.conftest import REFLECTION, with_rule
from workflows.models import ProcessVersion

CHANGED = with_rule(REFLECTION, "reflection.transfer", "complaint.accept")


def edit(client: APIClient, draft: ProcessDraft, xml: str = CHANGED) -> None:
    response = client.put(
        f"/api/v1/bpmn/drafts/{draft.pk}/xml", {"xml": xml, "base_sha256": draft.sha256}, format="json"
    )
    assert response.status_code == 200, response.json()
    draft.refresh_from_db()


def post(client: APIClient, draft: ProcessDraft, action: str, **data: str) -> Any:
    return client.post(f"/api/v1/bpmn/drafts/{draft.pk}/{action}", data, format="json")


def test_a_draft_is_reviewed_by_someone_else_then_published(
    draft: ProcessDraft, login: Callable[[str], APIClient]
) -> None:
    lan, minh = login("lan"), login("minh")
    edit(lan, draft)
    assert post(lan, draft, "submit").status_code == 200

    by_author = post(lan, draft, "approve", note="Tự duyệt")
    assert by_author.status_code == 403
    assert "không được tự duyệt" in by_author.json()["detail"]
    assert post(minh, draft, "approve").status_code == 400  # a note is required
    assert post(minh, draft, "approve", note="Đúng Luật Khiếu nại 2011").status_code == 200

    effective = calendar.today() + datetime.timedelta(days=7)
    published = post(lan, draft, "publish", effective_from=effective.isoformat())
    assert published.status_code == 201, published.json()
    version = ProcessVersion.objects.get(process_key="reflection", number=2)
    assert version.bpmn_xml == CHANGED and version.effective_from == effective
    assert version.published_by is not None and version.published_by.username == "lan"
    assert "minh" in version.note
    draft.refresh_from_db()
    assert draft.status == DraftStatus.PUBLISHED and draft.published_version == version
    # Cases started before the effective date still get version 1.
    assert ProcessVersion.objects.in_force("reflection").number == 1  # type: ignore[union-attr]

    actions = list(
        ProcessAuditEntry.objects.filter(draft=draft).order_by("pk").values_list("action", "actor__username")
    )
    assert actions == [
        (AuditAction.CREATED, "lan"),
        (AuditAction.SAVED, "lan"),
        (AuditAction.SUBMITTED, "lan"),
        (AuditAction.APPROVED, "minh"),
        (AuditAction.PUBLISHED, "lan"),
    ]


def test_someone_who_edited_the_draft_cannot_approve_it(draft: ProcessDraft, login: Callable[[str], APIClient]) -> None:
    edit(login("minh"), draft)
    post(login("lan"), draft, "submit")
    assert post(login("minh"), draft, "approve", note="ok").status_code == 403


def test_a_version_is_published_once(draft: ProcessDraft, login: Callable[[str], APIClient]) -> None:
    lan, minh = login("lan"), login("minh")
    edit(lan, draft)
    post(lan, draft, "submit")
    post(minh, draft, "approve", note="ok")
    today = calendar.today().isoformat()
    assert post(lan, draft, "publish", effective_from=today).status_code == 201
    again = post(lan, draft, "publish", effective_from=today)
    assert again.status_code == 409
    assert "Bản dự thảo đã được ban hành" in again.json()["detail"]
    assert ProcessVersion.objects.filter(process_key="reflection").count() == 2


def test_unchanged_content_is_not_published_as_a_new_version(
    draft: ProcessDraft, login: Callable[[str], APIClient]
) -> None:
    lan, minh = login("lan"), login("minh")
    post(lan, draft, "submit")
    post(minh, draft, "approve", note="ok")
    response = post(lan, draft, "publish", effective_from=calendar.today().isoformat())
    assert response.status_code == 409
    assert "đã được ban hành là phiên bản 1" in response.json()["detail"]
    draft.refresh_from_db()
    assert draft.status == DraftStatus.APPROVED


def test_publication_needs_approval_and_a_date_not_in_the_past(
    draft: ProcessDraft, login: Callable[[str], APIClient]
) -> None:
    lan = login("lan")
    edit(lan, draft)
    assert post(lan, draft, "publish", effective_from=calendar.today().isoformat()).status_code == 409
    post(lan, draft, "submit")
    post(login("minh"), draft, "approve", note="ok")
    yesterday = calendar.today() - datetime.timedelta(days=1)
    assert post(lan, draft, "publish", effective_from=yesterday.isoformat()).status_code == 400


def test_a_submitted_draft_is_locked_until_returned(draft: ProcessDraft, login: Callable[[str], APIClient]) -> None:
    lan, minh = login("lan"), login("minh")
    post(lan, draft, "submit")
    locked = lan.put(
        f"/api/v1/bpmn/drafts/{draft.pk}/xml", {"xml": CHANGED, "base_sha256": draft.sha256}, format="json"
    )
    assert locked.status_code == 409
    assert post(minh, draft, "return").status_code == 400  # the reviewer says why
    assert post(minh, draft, "return", note="Thiếu căn cứ").status_code == 200
    edit(lan, draft)
    assert draft.status == DraftStatus.DRAFT


def test_rollback_publishes_the_old_xml_as_a_new_version(
    draft: ProcessDraft, login: Callable[[str], APIClient]
) -> None:
    lan, minh = login("lan"), login("minh")
    edit(lan, draft)
    post(lan, draft, "submit")
    post(minh, draft, "approve", note="ok")
    post(lan, draft, "publish", effective_from=calendar.today().isoformat())

    url = "/api/v1/bpmn/processes/reflection/versions/1/rollback"
    response = minh.post(url, {"note": "Quay lại quy tắc cũ"}, format="json")
    assert response.status_code == 201, response.json()
    v3 = ProcessVersion.objects.get(process_key="reflection", number=3)
    v1 = ProcessVersion.objects.get(process_key="reflection", number=1)
    assert v3.bpmn_xml == v1.bpmn_xml and "phiên bản 1" in v3.note
    assert minh.post(url, {"note": "lần nữa"}, format="json").status_code == 409  # already the newest content
    assert login("tam").post(url, {"note": "x"}, format="json").status_code == 403
    audit = login("tam").get("/api/v1/bpmn/processes/reflection/audit").json()
    assert audit[0]["action"] == "rolled_back" and audit[0]["data"]["from_version"] == 1


def test_published_versions_stay_immutable(reflection_v1: ProcessVersion) -> None:
    reflection_v1.note = "sửa"
    try:
        reflection_v1.save()
    except ValueError as error:
        assert "immutable" in str(error)
    else:  # pragma: no cover
        raise AssertionError("a published version was changed")
