"""A commenter's personal data on public surfaces: a canary name, phone, email and ID number in a comment (and in
the explanation given to it) are flagged for the moderator before publication and redacted on every public
surface — the comments API (list and detail), the comments page, search, the report page, API and PDF — while
the author with the key and the drafting unit's moderators read them. The key is posted, never in a URL; the
manage page and the API follow one rule for commenters' contacts."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from consultation import report
from consultation.models import Comment
from search import outbox
from search.backends import reset_backend
from tests.conftest import PASSWORD
from tests.consultation.conftest import at, comment_payload, complete, consultation
from tests.consultation.test_journey import pdf_text
from workflows.sweep import sweep

NAME, PHONE, EMAIL, ID_NUMBER = "Trần Thị Bình", "0987654321", "binh.tran@example.vn", "044190000123"
CANARY = (NAME, "tran thi binh", "Thị Bình", PHONE, "0987 654 321", EMAIL, ID_NUMBER)
TEXT = (
    f"Tôi là {NAME}, CCCD {ID_NUMBER}, điện thoại {PHONE}, thư {EMAIL}. "
    "Đề nghị nâng mức hỗ trợ sửa mái nhà lên 40 triệu đồng."
)
EXPLANATION = f"Cảm ơn bà {NAME}; tiếp thu, nâng mức hỗ trợ sửa mái."


def leaked(text: str) -> list[str]:
    return [secret for secret in CANARY if secret.casefold() in text.casefold()]


def browser_of(username: str) -> Client:
    browser = Client()
    assert browser.login(username=username, password=PASSWORD)
    return browser


@pytest.fixture
def canary_comment(open_docket: Any, post_comment: Any, clock: Any) -> tuple[str, dict[str, Any]]:
    docket_id = open_docket()
    receipt = post_comment(docket_id, author_name=NAME, phone=PHONE, email=EMAIL, text=TEXT)
    return docket_id, receipt


def test_moderation_holds_a_comment_with_personal_data_and_lists_what_it_found(canary_comment, client_for, public):
    docket_id, receipt = canary_comment
    assert receipt["status"] == "pending"
    assert public.get("/api/v1/comments", {"docket": docket_id}).json()["count"] == 0

    [flag] = Comment.objects.get().flags
    assert flag["code"] == "personal_data" and flag["reason"] == "personal_data"
    for found in ("họ tên người góp ý (1)", "số điện thoại (1)", "thư điện tử (1)", "số CMND/CCCD (1)"):
        assert found in flag["detail"]
    page = browser_of("dave").get(f"/consultations/manage/{docket_id}/").content.decode()
    assert flag["detail"] in page
    assert "Tôi là [***], CCCD [***], điện thoại [***], thư [***]." in page  # what the public will see


def test_a_published_comment_shows_the_commenters_data_on_no_public_surface(canary_comment, client_for, public, clock):
    docket_id, receipt = canary_comment
    comment_id = receipt["comment_id"]
    moderated = client_for("dave").post(
        f"/api/v1/comments/{comment_id}/moderation", {"decision": "publish"}, format="json"
    )
    assert moderated.status_code == 200, moderated.json()
    clock.move_to(at("2026-04-01", 0, 5))
    sweep()
    dave, erin, frank = client_for("dave"), client_for("erin"), client_for("frank")  # signed in after the window
    disposed = erin.post(
        f"/api/v1/comments/{comment_id}/disposition",
        {"disposition": "accepted", "explanation": EXPLANATION},
        format="json",
    )
    assert disposed.status_code == 200, disposed.json()
    complete(erin, docket_id, {"summary": f"Một góp ý, đã tiếp thu; đã gọi lại số {PHONE}."})
    complete(frank, docket_id, {"approval": "approve"})
    reset_backend()
    outbox.drain_all()

    surfaces = {
        "comments API": json.dumps(public.get("/api/v1/comments", {"docket": docket_id}).json(), ensure_ascii=False),
        "comment API": json.dumps(public.get(f"/api/v1/comments/{comment_id}").json(), ensure_ascii=False),
        "comments page": public.get(f"/consultations/{docket_id}/comments/").content.decode(),
        "report page": public.get(f"/consultations/{docket_id}/report/").content.decode(),
        "report API": json.dumps(public.get(f"/api/v1/dockets/{docket_id}/report").json(), ensure_ascii=False),
        "report PDF": pdf_text(report.render_pdf(report.build(consultation(docket_id)))),
        "search API": public.get("/api/v1/search", {"q": "muc ho tro sua mai"}).content.decode(),
        "search page": public.get("/search/", {"q": "sửa mái nhà"}).content.decode(),
    }
    for surface, text in surfaces.items():
        assert leaked(text) == [], surface
    assert comment_id in surfaces["search API"]  # found, redacted
    shown = public.get(f"/api/v1/comments/{comment_id}").json()
    assert shown["text"].startswith("Tôi là [***], CCCD [***], điện thoại [***], thư [***]. Đề nghị nâng")
    assert shown["explanation"] == "Cảm ơn bà [***]; tiếp thu, nâng mức hỗ trợ sửa mái."
    assert "Tôi là [***], CCCD [***]" in surfaces["report PDF"]
    assert "Một góp ý, đã tiếp thu; đã gọi lại số [***]." in surfaces["report PDF"]

    # The author, with the key, and the drafting unit's moderators read it as written.
    own = public.get(f"/api/v1/comments/{comment_id}", HTTP_X_ACCESS_KEY=receipt["access_key"]).json()
    assert own["text"] == TEXT and own["explanation"] == EXPLANATION
    page = Client().post("/consultations/my-comment/", {"access_key": receipt["access_key"]}).content.decode()
    assert PHONE in page and EMAIL in page
    queue = json.dumps(dave.get(f"/api/v1/dockets/{docket_id}/moderation").json(), ensure_ascii=False)
    assert TEXT in queue


def test_the_comments_key_is_posted_never_put_in_a_url(open_docket, post_comment, public, clock):
    docket_id = open_docket()
    receipt = post_comment(docket_id)
    key = receipt["access_key"]
    assert key not in receipt["status_url"] and receipt["status_url"].endswith("/consultations/my-comment/")
    assert public.get(f"/consultations/my-comment/{key}/").status_code == 404

    browser = Client()
    form = browser.get("/consultations/my-comment/").content.decode()
    assert 'name="access_key"' in form and 'method="post"' in form
    mine = browser.post("/consultations/my-comment/", {"access_key": key})
    assert mine.status_code == 200 and "Nguyễn Thị Hoà" in mine.content.decode()
    assert browser.post("/consultations/my-comment/", {"access_key": "not-the-key"}).status_code == 404

    page = browser.post(f"/consultations/{docket_id}/comment/", comment_payload(docket_id, text="Góp ý thứ hai."))
    assert page.status_code == 201
    body = page.content.decode()
    shown_key = body.split("<code>")[1].split("</code>")[0]
    assert Comment.objects.get(number=2).check_access_key(shown_key)  # shown once, as text to keep …
    assert "/consultations/my-comment/" in body and f"my-comment/{shown_key}" not in body  # … in no link


def test_a_refused_comment_does_not_repeat_the_personal_data_it_was_sent(open_docket, public, clock):
    docket_id = open_docket()
    refused = comment_payload(docket_id, author_name=NAME, phone=PHONE, email=EMAIL, text="")
    api = public.post("/api/v1/comments", refused, format="json")
    page = Client().post(f"/consultations/{docket_id}/comment/", refused)
    assert api.status_code == 400 and page.status_code == 400
    for body in (api.content.decode(), page.content.decode()):
        assert leaked(body) == []


def test_commenters_contacts_follow_one_rule_on_the_manage_page_and_in_the_api(
    open_docket, post_comment, client_for, clock
):
    docket_id = open_docket()
    post_comment(docket_id, author_name=NAME, phone=PHONE, email=EMAIL)

    # Legal staff of the drafting unit: refused by the API, and the page does not show them either.
    assert client_for("lan").get(f"/api/v1/dockets/{docket_id}/moderation").status_code == 403
    legal_page = browser_of("lan").get(f"/consultations/manage/{docket_id}/")
    assert legal_page.status_code == 200 and leaked(legal_page.content.decode()) == []

    # A reception officer of the drafting unit moderates: both show them.
    assert EMAIL in client_for("dave").get(f"/api/v1/dockets/{docket_id}/moderation").content.decode()
    assert EMAIL in browser_of("dave").get(f"/consultations/manage/{docket_id}/").content.decode()
