"""Bad input is a clear 400 naming what is wrong, and changes nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from consultation.models import Comment, Consultation, DraftFile, DraftVersion
from tests.consultation.conftest import DRAFT, articles_of, consultation, docket_payload


@pytest.mark.parametrize(
    ("text", "reason"),
    [("", "trống"), ("   \n ", "trống"), ("x" * 10_001, "dài quá 10000 ký tự")],
    ids=["empty", "blank", "oversized"],
)
def test_an_empty_or_oversized_comment_is_refused(open_docket, post_comment, clock, text, reason):
    docket_id = open_docket()
    body = post_comment(docket_id, expect=400, text=text)
    assert body["code"] == "invalid" and reason in body["errors"]["text"]
    assert not Comment.objects.exists()


def test_a_comment_on_an_article_of_another_draft_is_refused(open_docket, public, post_comment, clock):
    first = open_docket()
    second = open_docket(title="Dự thảo Quyết định về chiếu sáng đô thị")
    other_article = articles_of(public, second)["2"]
    body = post_comment(first, expect=400, article_id=other_article["id"])
    assert "article_id" in body["errors"] and "không thuộc" in body["errors"]["article_id"]

    own = articles_of(public, first)
    wrong_clause = post_comment(first, expect=400, article_id=own["1"]["id"], clause_id=own["3"]["clauses"][0]["id"])
    assert "clause_id" in wrong_clause["errors"]
    missing = post_comment(first, expect=400, article_id=999_999)
    assert "article_id" in missing["errors"]
    assert not Comment.objects.exists()


def test_an_organisation_must_give_its_name_and_everyone_a_private_contact(open_docket, post_comment, clock):
    docket_id = open_docket()
    body = post_comment(docket_id, expect=400, commenter_kind="enterprise", organisation_name="", email="", phone="")
    assert set(body["errors"]) == {"organisation_name", "email"}


def test_html_in_a_comment_is_shown_as_text_never_run(open_docket, client_for, public, post_comment, clock):
    docket_id = open_docket()
    script = '<script>alert("xss")</script><img src=x onerror=alert(1)> Điều 3 cần sửa.'
    post_comment(docket_id, text=script, email="x@example.vn")

    api = public.get("/api/v1/comments", {"docket": docket_id}).json()
    assert api["results"][0]["text"] == script  # JSON carries the text as sent; clients escape it
    page = public.get(f"/consultations/{docket_id}/comments/").content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in page
    manage = client_for("erin").get(f"/consultations/manage/{docket_id}/").content.decode()
    assert "<script>alert" not in manage and "&lt;script&gt;" in manage


def test_a_disposition_on_an_unpublished_comment_is_refused(open_docket, client_for, post_comment, clock):
    docket_id = open_docket(moderation="pre")
    receipt = post_comment(docket_id)
    erin = client_for("erin")
    response = erin.post(
        f"/api/v1/comments/{receipt['comment_id']}/disposition",
        {"disposition": "accepted", "explanation": "Tiếp thu."},
        format="json",
    )
    assert response.status_code == 409 and "chưa được đăng" in response.json()["detail"]
    bulk = erin.post(
        f"/api/v1/dockets/{docket_id}/dispositions",
        {"numbers": [1], "disposition": "accepted", "explanation": "Tiếp thu."},
        format="json",
    )
    assert bulk.status_code == 409
    missing_explanation = erin.post(
        f"/api/v1/comments/{receipt['comment_id']}/disposition",
        {"disposition": "accepted", "explanation": ""},
        format="json",
    )
    assert missing_explanation.status_code == 400
    assert Comment.objects.get().disposition == ""


MALFORMED = """Chương I. QUY ĐỊNH CHUNG

Điều 1. Phạm vi điều chỉnh
1. Khoản một.
3. Khoản ba nhưng thiếu khoản hai.
"""


def test_a_malformed_draft_file_names_the_line_and_the_reason_and_nothing_is_created(
    client_for, processes, lawyer, clock
):
    erin = client_for("erin")
    upload = SimpleUploadedFile("du-thao.md", MALFORMED.encode(), content_type="text/markdown")
    payload = docket_payload(draft_file=upload)
    del payload["draft_text"]

    response = erin.post("/api/v1/dockets", payload, format="multipart")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_draft" and body["line"] == 5
    assert "gặp khoản 3, cần khoản 2" in body["detail"]
    assert not Consultation.objects.exists()


def test_a_binary_file_as_draft_text_is_refused_with_its_line(client_for, processes, lawyer, clock):
    erin = client_for("erin")
    data = "Điều 1. Phạm vi\n".encode() + b"\xff\xfe\x00PK binary"
    payload = docket_payload(draft_file=SimpleUploadedFile("du-thao.docx", data))
    del payload["draft_text"]
    body = erin.post("/api/v1/dockets", payload, format="multipart").json()
    assert body["line"] == 2 and "UTF-8" in body["detail"]


def test_a_malformed_new_version_changes_nothing(open_docket, client_for, clock):
    docket_id = open_docket()
    response = client_for("erin").post(
        f"/api/v1/dockets/{docket_id}/documents", {"draft_text": DRAFT.replace("Điều 3.", "Điều 5.")}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["line"] == 17 and "cần Điều 3" in response.json()["detail"]
    assert response.json()["detail"].startswith("Dòng 17: ")
    english = client_for("erin").post(
        f"/api/v1/dockets/{docket_id}/documents",
        {"draft_text": DRAFT.replace("Điều 3.", "Điều 5.")},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert english.status_code == 400 and english.json()["line"] == 17
    assert english.json()["detail"].startswith("Line 17: articles out of order")
    assert english.json()["errors"]["draft"].startswith("articles out of order")
    assert DraftVersion.objects.filter(consultation=consultation(docket_id)).count() == 1


def test_originals_are_checked_by_content_and_size(open_docket, client_for, settings, clock):
    docket_id = open_docket()
    erin = client_for("erin")
    pdf = SimpleUploadedFile(
        "du-thao.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", content_type="application/pdf"
    )
    assert erin.post(f"/api/v1/dockets/{docket_id}/files", {"file": pdf}, format="multipart").status_code == 201
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    refused = erin.post(f"/api/v1/dockets/{docket_id}/files", {"file": fake}, format="multipart")
    assert refused.status_code == 400 and "(PDF, DOCX)" in refused.json()["errors"]["file"]
    settings.CONSULTATION_FILE_MAX_BYTES = 10
    big = SimpleUploadedFile("lon.pdf", b"%PDF-1.4\n" + b"0" * 100, content_type="application/pdf")
    assert erin.post(f"/api/v1/dockets/{docket_id}/files", {"file": big}, format="multipart").status_code == 400
    assert DraftFile.objects.count() == 1


def test_comments_are_rate_limited(open_docket, post_comment, settings, clock):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public_comment": "2/hour"}}
    docket_id = open_docket()
    post_comment(docket_id, email="a@example.vn")
    post_comment(docket_id, email="b@example.vn")
    assert post_comment(docket_id, expect=429, email="c@example.vn")["code"] == "throttled"
