"""Public intake: clear 400s that store nothing, checked attachments, codes, rate limits, and no private field in public."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Attachment, Petition
from tests.conftest import petition_payload
from workflows.models import CaseEvent, HumanTask, WorkflowInstance

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def nothing_stored() -> bool:
    return not (Petition.objects.exists() or WorkflowInstance.objects.exists() or HumanTask.objects.exists())


def test_it_returns_a_short_readable_tracking_code_and_a_private_access_key(submit):
    receipt = submit()
    assert re.fullmatch(r"QT-\d{4}-[2-9A-HJKMNP-TW-Z]{4}-[2-9A-HJKMNP-TW-Z]{4}", receipt["tracking_code"])
    assert len(receipt["access_key"]) >= 20
    petition = Petition.objects.get(tracking_code=receipt["tracking_code"])
    assert receipt["access_key"] not in petition.access_key_hash
    assert receipt["status_url"].endswith(f"/track/{receipt['tracking_code']}/")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"content": "ngắn"}, "content"),
        ({"petition_type": "gossip"}, "petition_type"),
        ({"petition_type": "complaint_second"}, "petition_type"),  # only by appeal from a decided complaint
        ({"commune": "so-xay-dung"}, "commune"),  # a department is not a location
        ({"commune": "nowhere"}, "commune"),
        ({"petitioner_name": ""}, "petitioner_name"),
        ({"petitioner_phone": "call me", "petitioner_email": ""}, "petitioner_phone"),
        ({"petitioner_phone": "", "petitioner_email": ""}, "petitioner_phone"),
        ({"petitioner_email": "not-an-email"}, "petitioner_email"),
        ({"latitude": "123.5"}, "latitude"),
        ({"title": "x" * 201}, "title"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(public, org, processes, overrides, field):
    response = public.post("/api/v1/petitions", petition_payload(**overrides), format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["errors"], body
    assert nothing_stored()


def test_attachments_are_checked_by_content_and_stored_under_random_names(public, org, processes):
    payload = petition_payload(
        attachments=[
            SimpleUploadedFile("anh.png", PNG, "image/png"),
            SimpleUploadedFile("don.pdf", PDF, "application/pdf"),
        ]
    )
    response = public.post("/api/v1/petitions", payload, format="multipart")

    assert response.status_code == 201, response.json()
    stored = list(Attachment.objects.order_by("original_name"))
    assert [(a.original_name, a.content_type) for a in stored] == [
        ("anh.png", "image/png"),
        ("don.pdf", "application/pdf"),
    ]
    assert all("anh" not in a.file.name and "don" not in a.file.name for a in stored)


def test_a_disguised_executable_is_refused(public, org, processes):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 100, "image/jpeg")
    response = public.post("/api/v1/petitions", petition_payload(attachments=[fake]), format="multipart")

    assert response.status_code == 400
    assert "attachments" in response.json()["errors"]
    assert nothing_stored() and not Attachment.objects.exists()


def test_an_oversized_attachment_is_refused(public, org, processes, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048, "application/pdf")
    response = public.post("/api/v1/petitions", petition_payload(attachments=[big]), format="multipart")

    assert response.status_code == 400
    assert "big.pdf" in response.json()["errors"]["attachments"]
    assert nothing_stored()


def test_the_public_form_is_rate_limited(public, org, processes, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public_submit": "2/hour"}}
    codes = [public.post("/api/v1/petitions", petition_payload(), format="json").status_code for _ in range(3)]

    assert codes == [201, 201, 429]
    assert Petition.objects.count() == 2


PRIVATE_VALUES = ["Nguyễn Văn An", "0912 345 678", "an.nguyen@example.vn", "120 Lê Duẩn"]


def test_the_public_status_never_shows_a_private_field(submit, public):
    code = submit()["tracking_code"]
    response = public.get(f"/api/v1/petitions/{code.lower()}")

    assert response.status_code == 200
    text = response.content.decode()
    for value in PRIVATE_VALUES:
        assert value not in text
    assert "private" not in response.json()


def test_the_access_key_shows_the_petitioner_their_own_details(submit, public):
    receipt = submit()
    wrong = public.get(f"/api/v1/petitions/{receipt['tracking_code']}", HTTP_X_ACCESS_KEY="guess")
    right = public.get(f"/api/v1/petitions/{receipt['tracking_code']}", HTTP_X_ACCESS_KEY=receipt["access_key"])

    assert "private" not in wrong.json()
    assert right.json()["private"]["petitioner_phone"] == "0912 345 678"


def test_an_unknown_code_is_a_404_json_error(public, db):
    response = public.get("/api/v1/petitions/QT-2026-AAAA-BBBB")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_every_intake_is_the_first_entry_of_the_audit_trail(submit):
    code = submit()["tracking_code"]
    first = CaseEvent.objects.filter(instance__reference=code).first()
    assert first is not None and first.kind == "started" and first.public_text == "Đã tiếp nhận phản ánh"


def test_the_portal_page_submits_a_petition_and_shows_the_code(client, org, processes):
    data = petition_payload()
    data["attachments"] = io.BytesIO(PDF)
    data["attachments"].name = "don.pdf"
    response = client.post("/submit/", data)

    assert response.status_code == 200
    petition = Petition.objects.get()
    assert petition.tracking_code in response.content.decode()
    assert petition.attachments.count() == 1


def test_the_portal_page_shows_errors_and_keeps_what_was_typed(client, org, processes):
    response = client.post("/submit/", petition_payload(commune=""))

    assert response.status_code == 400
    page = response.content.decode()
    assert "Đèn đường hỏng trên đường Lê Duẩn" in page
    assert nothing_stored()


def test_user_text_is_escaped_on_the_status_page(submit, client):
    code = submit(title="<script>alert('x')</script> đèn hỏng")["tracking_code"]
    page = client.get(f"/track/{code}/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page


def test_a_400_speaks_the_requests_language_and_names_the_field(public, org, processes):
    payload = petition_payload(petitioner_phone="", petitioner_email="")

    vietnamese = public.post("/api/v1/petitions", payload, format="json").json()
    english = public.post("/api/v1/petitions", payload, format="json", HTTP_ACCEPT_LANGUAGE="en").json()

    assert vietnamese["detail"] == "Dữ liệu không hợp lệ"
    assert vietnamese["errors"]["petitioner_phone"] == "Cần số điện thoại hoặc thư điện tử để nhận trả lời"
    assert english["code"] == "invalid" and english["detail"] == "Invalid input"
    assert english["errors"]["petitioner_phone"] == "A phone number or email is needed to receive the answer"
    assert nothing_stored()
