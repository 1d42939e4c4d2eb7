"""The task page: everything an official needs to decide, and every action on it, with the typed values kept on
a refusal (issue 13, item 3)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Attachment, Petition, PetitionStatus
from deadlines.models import DeadlineRule
from tests.conftest import PASSWORD
from workflows.models import CaseEvent, ExtensionRequest, ExtensionStatus

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def login(client: Any, username: str) -> None:
    assert client.login(username=username, password=PASSWORD)


def open_task(petition: Petition) -> Any:
    return petition.workflow.tasks.open().get()


def advance(client: Any, petition: Petition, username: str, data: dict[str, str]) -> None:
    login(client, username)
    response = client.post(f"/tasks/{open_task(petition).task_id}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]


def to_draft(client: Any, petition: Petition) -> None:
    advance(client, petition, "alice", {"decision": "accept"})
    advance(client, petition, "carol", {"handler": "bob"})


@pytest.fixture
def petition(submit: Any) -> Petition:
    submit()
    return Petition.objects.get()


def test_the_page_shows_the_petition_its_attachments_deadlines_and_linked_cases(client, petition, submit):
    Attachment.objects.create(
        petition=petition,
        file=SimpleUploadedFile("anh.png", PNG),
        original_name="anh-hien-truong.png",
        content_type="image/png",
        size=len(PNG),
    )
    Attachment.objects.create(
        petition=petition,
        file=SimpleUploadedFile("cv.pdf", b"%PDF-1.4\n"),
        original_name="cong-van.pdf",
        content_type="application/pdf",
        size=9,
    )
    second = Petition.objects.get(pk=Petition.objects.get(tracking_code=submit()["tracking_code"]).pk)
    Petition.objects.filter(pk=second.pk).update(appeal_of=petition)
    to_draft(client, petition)

    login(client, "bob")
    page = client.get(f"/tasks/{open_task(petition).task_id}/").content.decode()
    image = petition.attachments.get(content_type="image/png")
    assert f'<img src="/cases/{petition.pk}/attachments/{image.pk}/?inline=1"' in page
    assert "cong-van.pdf" in page and "Cổng thông tin" in page and "120 Lê Duẩn" in page
    inline = client.get(f"/cases/{petition.pk}/attachments/{image.pk}/?inline=1")
    assert inline["Content-Disposition"].startswith("inline")
    deadline = petition.workflow.deadlines.filter(closed_at__isnull=True).first()
    assert deadline is not None and deadline.explanation in page
    assert second.tracking_code in page  # the second-instance case linked to this one
    assert "Nguyễn Văn An" in page and "0912 345 678" in page  # the handling officer sees the contact
    assert "Kết quả phân loại" not in page or "accept" in page  # earlier decisions with their values
    assert "Hoàn thành: Phân loại đơn" in page


def test_a_denouncers_identity_stays_sealed_from_a_leader_but_not_from_the_handling_officer(client, submit):
    submit(petition_type="denunciation", petitioner_name="Trần Thị Bình")
    petition = Petition.objects.get()
    task_id = open_task(petition).task_id
    login(client, "bob")
    assert "Trần Thị Bình" in client.get(f"/tasks/{task_id}/").content.decode()
    login(client, "carol")
    page = client.get(f"/tasks/{task_id}/").content.decode()
    assert "Trần Thị Bình" not in page and "giữ bí mật" in page and "0912 345 678" not in page


def test_a_returned_answer_shows_the_leader_what_changed_and_a_return_needs_a_comment(client, petition):
    to_draft(client, petition)
    advance(client, petition, "bob", {"answer": "Đèn sẽ được sửa trong tuần tới."})

    login(client, "carol")
    task_id = open_task(petition).task_id
    refused = client.post(f"/tasks/{task_id}/", {"approval": "return", "comments": ""})
    body = refused.content.decode()
    assert refused.status_code == 400 and "bắt buộc" in body
    assert '<option value="return" selected>' in body  # the choice stays as typed
    advance(client, petition, "carol", {"approval": "return", "comments": "Ghi rõ ngày sửa."})
    advance(client, petition, "bob", {"answer": "Đèn sẽ được sửa ngày 10/12."})

    login(client, "carol")
    page = client.get(f"/tasks/{open_task(petition).task_id}/").content.decode()
    assert 'id="draft-diff"' in page and "là chữ mới thêm" in page
    assert "<ins>" in page and "ngày" in page.split('id="draft-diff"')[1].split("</ins>")[0]
    assert "<del>" in page and "trong" in page.split('id="draft-diff"')[1].split("</del>")[0]
    assert "Ghi rõ ngày sửa." in page  # the leader's earlier comment, in the history
    advance(client, petition, "carol", {"approval": "approve"})
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.ANSWERED


def test_a_stale_form_answers_409_and_keeps_what_was_typed(client, petition):
    to_draft(client, petition)
    task_id = open_task(petition).task_id
    login(client, "bob")
    client.post(f"/tasks/{task_id}/", {"answer": "Bản của Bob."})
    login(client, "bella")  # the same handling lane: a form opened before bob completed it
    response = client.post(f"/tasks/{task_id}/", {"answer": "Bản tôi đã gõ rất lâu.", "lock_version": 2})
    body = response.content.decode()
    assert response.status_code == 409
    assert "Bản tôi đã gõ rất lâu." in body and "cán bộ khác xử lý xong" in body


def test_a_stale_lock_version_keeps_the_typed_values(client, petition):
    login(client, "alice")
    response = client.post(f"/tasks/{open_task(petition).task_id}/", {"decision": "accept", "lock_version": 0})
    assert response.status_code == 409 and "tải lại" in response.content.decode()
    assert '<option value="accept" selected>' in response.content.decode()


def test_suspend_and_resume_from_the_page_are_for_leaders_with_a_reason(client, petition):
    to_draft(client, petition)
    task_id = open_task(petition).task_id
    login(client, "bob")
    refused = client.post(f"/tasks/{task_id}/", {"action": "suspend", "clock_reason": "Chờ kết quả giám định"})
    assert refused.status_code == 403 and 'id="form-error"' in refused.content.decode()
    assert 'id="clock-form"' not in client.get(f"/tasks/{task_id}/").content.decode()

    login(client, "carol")
    short = client.post(f"/tasks/{task_id}/", {"action": "suspend", "clock_reason": "x"})
    assert short.status_code == 400 and 'value="x"' in short.content.decode()
    assert (
        client.post(f"/tasks/{task_id}/", {"action": "suspend", "clock_reason": "Chờ kết quả giám định"}).status_code
        == 302
    )
    assert petition.workflow.deadlines.filter(suspended_since__isnull=False).exists()
    again = client.post(f"/tasks/{task_id}/", {"action": "suspend", "clock_reason": "Lần nữa cho chắc"})
    assert again.status_code == 409
    assert client.post(f"/tasks/{task_id}/", {"action": "resume", "clock_reason": "Đã có kết quả"}).status_code == 302
    assert not petition.workflow.deadlines.filter(suspended_since__isnull=False).exists()


def test_an_extension_the_rule_does_not_allow_is_refused_next_to_the_field(client, petition):
    to_draft(client, petition)  # a reflection's resolution period allows no extension
    deadline = petition.workflow.deadlines.get(closed_at__isnull=True, element_id="draft_answer")
    login(client, "bob")
    asked = client.post(
        f"/tasks/{open_task(petition).task_id}/",
        {"action": "request_extension", "deadline": deadline.pk, "extension_reason": "Cần khảo sát thêm"},
    )
    body = asked.content.decode()
    assert asked.status_code == 400 and 'id="extension-error"' in body and "Cần khảo sát thêm" in body
    assert not ExtensionRequest.objects.exists()


def test_extensions_from_the_page_within_the_rule_and_refused_past_it(client, petition):
    DeadlineRule.objects.filter(code="reflection.resolve").update(max_extensions=1, extension_days=10)
    to_draft(client, petition)
    task_id = open_task(petition).task_id
    deadline = petition.workflow.deadlines.get(closed_at__isnull=True, element_id="draft_answer")
    due_before = deadline.due_at
    login(client, "bob")
    asked = client.post(
        f"/tasks/{task_id}/",
        {"action": "request_extension", "deadline": deadline.pk, "extension_reason": "Cần khảo sát thêm"},
    )
    assert asked.status_code == 302
    extension = ExtensionRequest.objects.get(deadline=deadline)
    login(client, "bella")  # not a leader
    assert (
        client.post(
            f"/tasks/{task_id}/", {"action": "decide_extension", "extension": extension.pk, "approve": "true"}
        ).status_code
        == 403
    )
    login(client, "carol")
    assert 'value="decide_extension"' in client.get(f"/tasks/{task_id}/").content.decode()
    assert (
        client.post(
            f"/tasks/{task_id}/", {"action": "decide_extension", "extension": extension.pk, "approve": "true"}
        ).status_code
        == 302
    )
    extension.refresh_from_db()
    deadline.refresh_from_db()
    assert extension.status == ExtensionStatus.APPROVED and deadline.due_at > due_before

    login(client, "bob")
    past = client.post(
        f"/tasks/{task_id}/",
        {"action": "request_extension", "deadline": deadline.pk, "extension_reason": "Xin thêm lần nữa"},
    )
    body = past.content.decode()
    assert past.status_code == 400 and 'id="extension-error"' in body and "Xin thêm lần nữa" in body
    assert ExtensionRequest.objects.filter(deadline=deadline).count() == 1


def test_a_transfer_moves_the_case_and_its_tasks_to_a_competent_unit(client, petition, client_for):
    to_draft(client, petition)
    task = open_task(petition)
    login(client, "carol")
    page = client.get(f"/tasks/{task.task_id}/").content.decode()
    assert '<option value="so-xay-dung">' in page and '<option value="gio-linh">' not in page

    refused = client.post(
        f"/tasks/{task.task_id}/", {"action": "transfer", "transfer_unit": "gio-linh", "transfer_reason": "Sai địa bàn"}
    )
    assert refused.status_code == 400 and "không có thẩm quyền" in refused.content.decode()
    assert "Sai địa bàn" in refused.content.decode()
    petition.workflow.refresh_from_db()
    assert petition.workflow.unit.code == "dong-ha"

    login(client, "bob")  # not a leader
    assert (
        client.post(
            f"/tasks/{task.task_id}/",
            {"action": "transfer", "transfer_unit": "so-xay-dung", "transfer_reason": "Thuộc ngành xây dựng"},
        ).status_code
        == 403
    )

    login(client, "carol")
    moved = client.post(
        f"/tasks/{task.task_id}/",
        {"action": "transfer", "transfer_unit": "so-xay-dung", "transfer_reason": "Thuộc ngành xây dựng"},
    )
    assert moved.status_code == 302
    petition.workflow.refresh_from_db()
    assert petition.workflow.unit.code == "so-xay-dung"
    assert open_task(petition).unit.code == "so-xay-dung"
    erin = client_for("erin").get("/api/v1/inbox").json()
    bob = client_for("bob").get("/api/v1/inbox").json()
    ids = lambda body: {row["task_id"] for row in body.get("results", body)}  # noqa: E731
    assert str(task.task_id) in ids(erin) and str(task.task_id) not in ids(bob)
    status = client.get(f"/track/{petition.tracking_code}/").content.decode()
    assert "Sở Xây dựng" in status
    assert CaseEvent.objects.filter(instance=petition.workflow, kind="transferred").exists()


def test_the_transfer_api_checks_competence_and_role(client, petition, client_for):
    to_draft(client, petition)
    task = open_task(petition)
    url = f"/api/v1/tasks/{task.task_id}/transfer"
    body = {"unit": "gio-linh", "reason": "Sai địa bàn"}
    assert client_for("bob").post(url, body, format="json").status_code == 403
    refused = client_for("carol").post(url, body, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "not_competent"
    moved = client_for("carol").post(url, {"unit": "so-xay-dung", "reason": "Thuộc ngành xây dựng"}, format="json")
    assert moved.status_code == 200 and moved.json()["unit"] == "so-xay-dung"
    stale = client_for("frank").post(
        url, {"unit": "dong-ha", "reason": "Trả lại phường", "lock_version": 0}, format="json"
    )
    assert stale.status_code == 409
