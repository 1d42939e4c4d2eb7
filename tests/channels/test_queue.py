"""The reception queue: a reception officer sees what arrived through the channels and confirms it into a petition
(type, handling unit, commune; publication not consented by default) or discards it with a reason."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cases.models import Channel, Petition
from channels import services
from channels.models import Draft, DraftAttachment, DraftStatus
from channels.services import IncomingFile, add_message
from tests.conftest import PASSWORD

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer<<>>\n%%EOF\n"
CONFIRM = {
    "action": "confirm",
    "unit": "dong-ha",
    "petition_type": "reflection",
    "title": "Đèn đường hỏng tại tổ 5",
    "content": "Ba cột đèn trên đường Lê Duẩn, tổ 5, không sáng đã hai tuần nay.",
    "commune": "dong-ha",
    "petitioner_name": "Nguyễn Văn Ánh",
    "petitioner_email": "anh.nguyen@example.vn",
}


def logged_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def mail_draft(*, unit: Any = None, received_at: datetime.datetime | None = None, files: int = 1) -> Draft:
    draft, refused = add_message(
        channel=Channel.EMAIL,
        sender_address="anh.nguyen@example.vn",
        sender_name="Nguyễn Văn Ánh",
        message_id="<abc@mail.example.vn>",
        subject="Phản ánh: Đèn đường hỏng tại tổ 5",
        text="Ba cột đèn trên đường Lê Duẩn, tổ 5, không sáng đã hai tuần nay.",
        received_at=received_at or timezone.now() - datetime.timedelta(days=2),
        files=[IncomingFile(f"Đơn kiến nghị số {n}.pdf", PDF) for n in range(files)],
    )
    assert refused == []
    if unit is not None:
        draft.unit = unit
        draft.save()
    return draft


def test_a_reception_officer_sees_the_open_drafts_with_channel_sender_time_subject_and_file_count(org, processes):
    mail_draft(files=2)
    page = logged_in("alice").get("/reception/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Thư điện tử công vụ" in html and "Nguyễn Văn Ánh" in html and "anh.nguyen@example.vn" in html
    assert "Phản ánh: Đèn đường hỏng tại tổ 5" in html
    assert "<td>2</td>" in html
    assert 'data-nav="reception"' in html


def test_only_reception_officers_see_the_queue(org, processes):
    assert logged_in("bob").get("/reception/").status_code == 403
    assert 'data-nav="reception"' not in logged_in("bob").get("/inbox/").content.decode()


def test_a_draft_received_by_one_unit_is_not_shown_to_the_reception_officers_of_another(org, processes):
    draft = mail_draft(unit=org.dong_ha)
    assert "Đèn đường" not in logged_in("grace").get("/reception/").content.decode()
    assert logged_in("grace").get(f"/reception/{draft.pk}/").status_code == 404
    assert logged_in("alice").get(f"/reception/{draft.pk}/").status_code == 200


def test_the_draft_page_suggests_the_subject_the_sender_and_no_consent_to_publish(org, processes):
    draft = mail_draft()
    html = logged_in("alice").get(f"/reception/{draft.pk}/").content.decode()
    assert 'value="Phản ánh: Đèn đường hỏng tại tổ 5"' in html
    assert 'value="anh.nguyen@example.vn"' in html
    assert 'name="publish_consent" value="true">' in html  # unchecked


def test_confirming_a_mail_makes_a_petition_of_the_email_channel_received_when_the_mail_arrived(org, processes):
    received = timezone.now() - datetime.timedelta(days=3)
    draft = mail_draft(received_at=received)
    alice = logged_in("alice")
    response = alice.post(f"/reception/{draft.pk}/", {**CONFIRM, "keep": [draft.attachments.get().pk]})
    assert response.status_code == 302 and response["Location"] == "/reception/"
    petition = Petition.objects.get()
    assert petition.channel == Channel.EMAIL
    assert petition.received_at == received
    assert petition.origin_address == "anh.nguyen@example.vn"
    assert petition.publish_consent is False
    assert petition.unit == org.dong_ha
    assert [a.original_name for a in petition.attachments.all()] == ["Đơn kiến nghị số 0.pdf"]
    assert petition.attachments.get().file.read() == PDF
    assert not DraftAttachment.objects.exists()
    draft.refresh_from_db()
    assert draft.status == DraftStatus.CONFIRMED and draft.petition == petition and draft.decided_by == org.alice
    queue = alice.get("/reception/").content.decode()
    assert petition.tracking_code in queue and "Không có đơn nào chờ xác nhận" in queue


def test_a_form_error_keeps_what_the_officer_typed_and_the_draft_stays_open(org, processes):
    draft = mail_draft()
    response = logged_in("alice").post(f"/reception/{draft.pk}/", {**CONFIRM, "commune": "", "title": "Đèn hỏng tổ 5"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-commune"' in html and 'value="Đèn hỏng tổ 5"' in html
    assert not Petition.objects.exists()
    draft.refresh_from_db()
    assert draft.status == DraftStatus.OPEN


def test_two_officers_confirming_the_same_draft_make_one_petition_and_the_second_gets_409(org, processes):

    draft = mail_draft()
    assert logged_in("alice").post(f"/reception/{draft.pk}/", CONFIRM).status_code == 302
    second = services.confirm_draft
    with pytest.raises(services.DraftConflict):
        second(
            draft=draft,
            by=org.alice,
            petition_type="reflection",
            title="Lần hai",
            content="Ghi nhận lần thứ hai cùng một thư.",
            commune=org.dong_ha,
            petitioner_name="Nguyễn Văn Ánh",
        )
    response = logged_in("alice").post(f"/reception/{draft.pk}/", {**CONFIRM, "title": "Gõ lại tiêu đề"})
    assert response.status_code == 409
    assert 'value="Gõ lại tiêu đề"' not in response.content.decode()  # the form is gone: the draft is decided
    assert "vừa được cán bộ khác" in response.content.decode()
    assert Petition.objects.count() == 1


def test_a_draft_is_discarded_with_a_reason_and_leaves_the_queue(org, processes):
    draft = mail_draft()
    alice = logged_in("alice")
    refused = alice.post(f"/reception/{draft.pk}/", {"action": "discard", "discard_reason": ""})
    assert refused.status_code == 400 and 'id="error-discard_reason"' in refused.content.decode()
    done = alice.post(f"/reception/{draft.pk}/", {"action": "discard", "discard_reason": "Thư quảng cáo"})
    assert done.status_code == 302
    draft.refresh_from_db()
    assert draft.status == DraftStatus.DISCARDED and draft.discard_reason == "Thư quảng cáo"
    assert not Petition.objects.exists()
    assert "Thư quảng cáo" in alice.get(f"/reception/{draft.pk}/").content.decode()
