"""What Open311 shows of a petition is public-safe: never the petitioner's name, phone or e-mail, nor personal data
inside its texts (the status page's redaction), never the address given, only petitions whose petitioner consented
to publication, and never a denunciation."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cases.models import Petition
from tests.cases.test_journey import complete, only_task
from tests.open311.conftest import errors_of, xml
from workflows.models import CaseEvent

NAME, PHONE, EMAIL, ID_NUMBER = "Trần Thị Bình", "0987654321", "binh.tran@example.vn", "044190000123"
HOME = "số 12 ngõ 34 đường Lê Lợi"
CANARY = (NAME, "tran thi binh", "Thị Bình", PHONE, "0987 654 321", EMAIL, ID_NUMBER, HOME, "ngõ 34")
DESCRIPTION = (
    f"Tôi là {NAME}, CCCD {ID_NUMBER}, điện thoại 0987 654 321, thư {EMAIL}. "
    "Cống thoát nước khu phố Lương Khê tắc, nước tràn vào nhà dân."
)
ANSWER = f"Cảm ơn bà {NAME} ({PHONE}). Phường đã thông cống, báo qua {EMAIL}."


def leaked(text: str) -> list[str]:
    return [secret for secret in CANARY if secret.casefold() in text.casefold()]


@pytest.fixture
def canary_request(post_request: Any) -> str:
    response = post_request(
        "xml",
        first_name="Thị Bình",
        last_name="Trần",
        phone=PHONE,
        email=EMAIL,
        address_string=HOME,
        description=DESCRIPTION,
        **{"attribute[publish_consent]": "true", "attribute[title]": "Cống thoát nước khu phố Lương Khê tắc"},
    )
    assert response.status_code == 201
    return xml(response).findtext("request/service_request_id", "")


def every_read(http: Any, code: str) -> dict[str, str]:
    surfaces = {}
    for fmt in ("xml", "json"):
        for path in (f"requests.{fmt}", f"requests/{code}.{fmt}", f"requests.{fmt}?service_request_id={code}"):
            response = http.get(f"/open311/v2/{path}")
            assert response.status_code == 200, (path, response.content)
            surfaces[path] = response.content.decode()
    return surfaces


def test_a_created_request_is_listed_open_without_any_private_field(canary_request, http):
    surfaces = every_read(http, canary_request)

    for path, text in surfaces.items():
        assert canary_request in text, path
        assert leaked(text) == [], path
    request = json.loads(surfaces["requests.json"])[0]
    assert request["status"] == "open"
    assert request["description"] == (
        "Tôi là [***], CCCD [***], điện thoại [***], thư [***]. Cống thoát nước khu phố Lương Khê tắc, nước tràn vào "
        "nhà dân."
    )
    assert request["address"] == "Phường Đông Hà"
    stored = Petition.objects.get(tracking_code=canary_request)  # the officials have it all
    assert (stored.petitioner_name, stored.petitioner_phone, stored.petitioner_email, stored.address) == (
        NAME,
        PHONE,
        EMAIL,
        HOME,
    )


def test_an_answered_request_is_closed_with_its_answer_redacted(canary_request, http, client_for):
    complete(client_for("alice"), only_task(client_for("alice")), {"decision": "accept"})
    complete(client_for("carol"), only_task(client_for("carol")), {"handler": "bob"})
    complete(client_for("bob"), only_task(client_for("bob")), {"answer": ANSWER})
    complete(client_for("carol"), only_task(client_for("carol")), {"approval": "approve"})

    surfaces = every_read(http, canary_request)
    closed = http.get("/open311/v2/requests.json", {"status": "closed"}).json()

    assert [item["service_request_id"] for item in closed] == [canary_request]
    assert closed[0]["status_notes"] == "Cảm ơn bà [***] ([***]). Phường đã thông cống, báo qua [***]."
    assert closed[0]["expected_datetime"] is None
    assert http.get("/open311/v2/requests.json", {"status": "open"}).json() == []
    for path, text in surfaces.items():
        assert leaked(text) == [], path


def test_a_request_without_consent_to_publish_is_never_shown(post_request, http):
    code = post_request("json", **{"attribute[publish_consent]": "false"}).json()[0]["service_request_id"]

    assert http.get("/open311/v2/requests.json").json() == []
    assert http.get("/open311/v2/requests.json", {"service_request_id": code}).json() == []
    single = http.get(f"/open311/v2/requests/{code}.xml")
    assert single.status_code == 404 and errors_of(single)[0][0] == "404"


def test_a_sealed_denunciation_never_appears_even_with_consent(post_request, submit, http):
    portal = submit(petition_type="denunciation", petitioner_name="Trần Văn Tố", publish_consent=True)["tracking_code"]
    by_app = post_request("json", service_code="denunciation", first_name="Văn Tố", last_name="Trần")
    consent_asked = post_request("json", service_code="denunciation", **{"attribute[publish_consent]": "true"})
    visible = submit(publish_consent=True)["tracking_code"]

    assert by_app.status_code == 201
    assert consent_asked.status_code == 400  # a denunciation has no consent to publish
    app_code = by_app.json()[0]["service_request_id"]
    sealed = Petition.objects.get(tracking_code=app_code)
    # The app's link (it may name its sender) stays out of the sealed case's trail.
    assert not CaseEvent.objects.filter(instance=sealed.workflow, summary__contains="http").exists()
    assert sealed.open311_request.media_url == "http://test.com/image.jpg"
    assert Petition.objects.filter(petition_type="denunciation").count() == 2
    for query in ({}, {"service_code": "denunciation"}, {"service_request_id": f"{portal},{app_code}"}):
        for fmt in ("xml", "json"):
            text = http.get(f"/open311/v2/requests.{fmt}", query).content.decode()
            assert portal not in text and app_code not in text and "Trần Văn Tố" not in text, (query, fmt)
    assert visible in http.get("/open311/v2/requests.xml").content.decode()
    for code in (portal, app_code):
        assert http.get(f"/open311/v2/requests/{code}.json").status_code == 404
