"""A petitioner's personal data on public surfaces: a canary name, phone, email and ID number in a published
answer are redacted on the status page, in the status API and in search; the petitioner with the secret key
(posted, never in a URL) and the officials handling the case read the text as written; a refused form does not
repeat them; an admin edit of them leaves a case event without the values."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from cases.models import Petition
from search import outbox
from search.backends import reset_backend
from tests.cases.test_journey import complete, only_task
from tests.conftest import PASSWORD, petition_payload
from workflows.models import CaseEvent

NAME, PHONE, EMAIL, ID_NUMBER = "Trần Thị Bình", "0987654321", "binh.tran@example.vn", "044190000123"
# Every way the canary could leak: the name with and without diacritics, its last two words, the contacts.
CANARY = (NAME, "tran thi binh", "Thị Bình", PHONE, "0987 654 321", EMAIL, ID_NUMBER)
ANSWER = f"Cảm ơn bà {NAME} ({PHONE}). Phường đã gọi lại, gửi thư tới {EMAIL} và xác minh CCCD {ID_NUMBER}."


def leaked(text: str) -> list[str]:
    return [secret for secret in CANARY if secret.casefold() in text.casefold()]


@pytest.fixture
def answered(submit: Any, client_for: Any) -> dict[str, Any]:
    """A reflection whose petitioner consented to publication, answered (and so published) through the API."""
    receipt = submit(
        title="Cống thoát nước tắc ở khu phố Lương Khê",
        content=f"Tôi là {NAME}, số CCCD {ID_NUMBER}, điện thoại {PHONE}. Cống thoát nước khu phố Lương Khê tắc.",
        petitioner_name=NAME,
        petitioner_phone=PHONE,
        petitioner_email=EMAIL,
        publish_consent=True,
    )
    complete(client_for("alice"), only_task(client_for("alice")), {"decision": "accept"})
    complete(client_for("carol"), only_task(client_for("carol")), {"handler": "bob"})
    complete(client_for("bob"), only_task(client_for("bob")), {"answer": ANSWER})
    complete(client_for("carol"), only_task(client_for("carol")), {"approval": "approve"})
    assert Petition.objects.get(tracking_code=receipt["tracking_code"]).published_at is not None
    return receipt


def test_a_published_answer_shows_the_petitioners_data_on_no_public_surface(answered, public):
    code = answered["tracking_code"]
    reset_backend()
    outbox.drain_all()  # what happens after the commit of the publishing step
    surfaces = {
        "track page": public.get(f"/track/{code}/").content.decode(),
        "status API": json.dumps(public.get(f"/api/v1/petitions/{code}").json(), ensure_ascii=False),
        "search API": public.get("/api/v1/search", {"q": "cong thoat nuoc luong khe"}).content.decode(),
        "search page": public.get("/search/", {"q": "luong khe"}).content.decode(),
    }
    assert "Cống thoát nước tắc ở khu phố Lương Khê" in surfaces["search API"]  # it is found, redacted
    for surface, text in surfaces.items():
        assert leaked(text) == [], surface
    status = public.get(f"/api/v1/petitions/{code}").json()
    assert status["answer"].startswith("Cảm ơn bà [***] ([***]). Phường đã gọi lại")
    assert "private" not in status


def test_the_petitioner_posts_the_secret_key_to_read_the_answer_as_written(answered, public):
    code, key = answered["tracking_code"], answered["access_key"]
    browser = Client()
    for url in (f"/track/{code}/", "/track/"):  # the pages where the key is entered, with the code
        page = browser.get(url).content.decode()
        assert 'name="access_key"' in page and 'method="post"' in page and 'name="code"' in page

    mine = browser.post("/track/", {"code": code, "access_key": key})
    assert mine.status_code == 200 and "no-store" in mine["Cache-Control"]
    assert ANSWER in mine.content.decode() and EMAIL in mine.content.decode()
    wrong = browser.post("/track/", {"code": code, "access_key": "not-the-key"})
    assert wrong.status_code == 403 and leaked(wrong.content.decode()) == []

    with_key = public.get(f"/api/v1/petitions/{code}", HTTP_X_ACCESS_KEY=key).json()
    assert with_key["answer"] == ANSWER and with_key["private"]["petitioner_phone"] == PHONE


def test_the_officials_handling_the_case_read_it_as_written(answered, client_for):
    petition = Petition.objects.get(tracking_code=answered["tracking_code"])
    bob = Client()
    bob.login(username="bob", password=PASSWORD)
    assert ANSWER in bob.get(f"/cases/{petition.pk}/").content.decode()
    case = client_for("bob").get(f"/api/v1/cases/{petition.pk}").json()
    assert case["answer"] == ANSWER and case["petitioner_email"] == EMAIL


def test_a_refused_petition_does_not_repeat_the_personal_data_it_was_sent(public, org, processes):
    refused = petition_payload(
        title="Ồn",  # too short
        petitioner_name=NAME,
        petitioner_phone=PHONE,
        petitioner_email=EMAIL,
        address="Số 7 kiệt 12 Lê Lợi",
    )
    api = public.post("/api/v1/petitions", refused, format="json")
    page = Client().post("/submit/", refused)

    assert api.status_code == 400 and "title" in api.json()["errors"]
    assert page.status_code == 400 and 'name="petitioner_name"' in page.content.decode()
    for body in (api.content.decode(), page.content.decode()):
        assert leaked(body) == [] and "kiệt 12 Lê Lợi" not in body
    assert "Ồn" in page.content.decode()  # what is not personal is kept for the citizen to correct


def test_an_admin_edit_of_the_petitioners_data_leaves_a_case_event_without_the_values(submit, org):
    petition = Petition.objects.get(tracking_code=submit()["tracking_code"])
    get_user_model().objects.create_superuser("root", "root@langnghe.test", PASSWORD)
    browser = Client()
    browser.login(username="root", password=PASSWORD)
    form = {
        "title": petition.title,
        "content": petition.content,
        "commune": petition.commune_id,
        "address": petition.address,
        "latitude": "",
        "longitude": "",
        "petitioner_name": NAME,
        "petitioner_phone": PHONE,
        "petitioner_email": petition.petitioner_email,
        "publish_consent": "on",
        "appeal_of": "",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
        "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "1000",
    }

    response = browser.post(f"/admin/cases/petition/{petition.pk}/change/", form)

    assert response.status_code == 302, response.content.decode()[:2000]
    petition.refresh_from_db()
    assert (petition.petitioner_name, petition.petitioner_phone) == (NAME, PHONE)
    event = CaseEvent.objects.filter(instance=petition.workflow).last()
    assert event is not None and event.kind == "admin_edit" and event.actor is not None
    assert event.actor.username == "root" and "điện thoại" in event.summary
    assert event.data["fields"] == ["petitioner_name", "petitioner_phone"]
    assert leaked(json.dumps([event.summary, event.public_text, event.data], ensure_ascii=False)) == []
