"""POST requests: only an app with an active key may send a petition, with a location, for a known service, and
with the service definition's attributes; every refusal is in the specification's error format, nothing is stored
and nothing answers 5xx."""

from __future__ import annotations

from typing import Any

import pytest

from cases.models import Petition
from open311 import services
from open311.models import Open311Request
from tests.open311.conftest import errors_of


def nothing_stored() -> bool:
    return not Petition.objects.exists() and not Open311Request.objects.exists()


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_post_without_a_key_is_403_in_the_spec_format(post_request, fmt):
    response = post_request(fmt, key="")

    assert response.status_code == 403
    assert errors_of(response) == [("403", "Cần khoá API (api_key) để gửi yêu cầu.")]
    assert nothing_stored()


def test_post_with_an_unknown_key_is_403(post_request):
    response = post_request("xml", key="not-a-key-anyone-was-given")

    assert response.status_code == 403
    assert errors_of(response) == [("403", "Khoá API không đúng.")]
    assert nothing_stored()


def test_a_revoked_key_stops_working_at_once_for_posts_and_reads(post_request, app_key, http):
    assert post_request("json").status_code == 201
    services.revoke_api_key(api_key=app_key.api_key)

    response = post_request("json")
    read = http.get("/open311/v2/services.xml", {"api_key": app_key.raw})

    assert response.status_code == 403
    assert errors_of(response) == [("403", "Khoá API đã bị thu hồi.")]
    assert read.status_code == 403 and errors_of(read)[0][0] == "403"
    assert Petition.objects.count() == 1
    assert http.get("/open311/v2/services.xml").status_code == 200  # reading needs no key


def test_a_suspended_key_is_refused_too(post_request, app_key):
    app_key.api_key.active = False
    app_key.api_key.save()

    assert post_request("xml").status_code == 403
    assert nothing_stored()


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_post_without_a_location_is_400_naming_it(post_request, fmt):
    response = post_request(fmt, lat=None, long=None, address_string=None)

    assert response.status_code == 400
    assert errors_of(response) == [("400", "location: Cần vị trí: lat và long, hoặc address_string.")]
    assert nothing_stored()


def test_an_address_alone_is_a_location_and_an_address_id_is_not(post_request):
    only_id = post_request("xml", lat=None, long=None, address_string=None, address_id="545483")
    only_address = post_request("json", lat=None, long=None, address_string="Ngã tư Lê Duẩn – Hùng Vương")

    assert only_id.status_code == 400 and "address_id" in errors_of(only_id)[0][1]
    assert only_address.status_code == 201
    petition = Petition.objects.get()
    assert (petition.address, petition.latitude) == ("Ngã tư Lê Duẩn – Hùng Vương", None)


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_post_with_an_unknown_service_code_is_404(post_request, fmt):
    response = post_request(fmt, service_code="001")

    assert response.status_code == 404
    assert errors_of(response) == [("404", "Không có dịch vụ (service_code) 001.")]
    assert nothing_stored()


def test_a_second_instance_complaint_is_no_service(post_request):
    response = post_request("xml", service_code="complaint_second")

    assert response.status_code == 404 and nothing_stored()


BAD_INPUT: list[tuple[dict[str, Any], str]] = [
    ({"service_code": None}, "service_code"),
    ({"lat": "abc"}, "lat"),
    ({"lat": "91", "long": "10"}, "lat"),
    ({"lat": "nan", "long": "10"}, "lat"),
    ({"lat": "1e400", "long": "10"}, "lat"),
    ({"long": None}, "lat"),
    ({"description": "x" * 4001}, "description"),
    ({"description": ""}, "description"),
    ({"description": "<b>ổ gà</b>"}, "description"),
    ({"first_name": "", "last_name": ""}, "first_name"),
    ({"email": "", "phone": ""}, "email"),
    ({"email": "not an email"}, "email"),
    ({"phone": "call me maybe"}, "phone"),
    ({"media_url": "javascript:alert(1)"}, "media_url"),
    ({"attribute[commune]": None}, "attribute[commune]"),
    ({"attribute[commune]": "so-xay-dung"}, "attribute[commune]"),  # a department, not a commune
    ({"attribute[commune]": "atlantis"}, "attribute[commune]"),
    ({"attribute[title]": "Ổ"}, "attribute[title]"),
    ({"attribute[publish_consent]": "maybe"}, "attribute[publish_consent]"),
    ({"attribute[WHISPAWN]": "123456"}, "attribute[WHISPAWN]"),
    ({"jurisdiction_id": "sfgov.org"}, "jurisdiction_id"),
]


@pytest.mark.parametrize(("fields", "named"), BAD_INPUT)
def test_bad_input_is_a_4xx_naming_the_field_and_stores_nothing(post_request, fields, named):
    response = post_request("xml", **fields)

    assert 400 <= response.status_code < 500, response.content
    assert named in " ".join(description for _, description in errors_of(response))
    assert nothing_stored()


def test_a_json_body_is_refused_in_the_spec_format(http, app_key):
    response = http.post(
        "/open311/v2/requests.json",
        {"api_key": app_key.raw, "service_code": "reflection"},
        content_type="application/json",
    )

    assert response.status_code == 415
    assert "application/x-www-form-urlencoded" in errors_of(response)[0][1]
    assert nothing_stored()


def test_the_key_may_also_come_in_the_query_string_and_attributes_fill_the_form(http, app_key):
    response = http.post(
        f"/open311/v2/requests.json?api_key={app_key.raw}",
        {
            "service_code": "recommendation",
            "address_string": "Công viên Lê Duẩn",
            "first_name": "Văn An",
            "last_name": "Nguyễn",
            "phone": "0912 345 678",
            "description": "Đề nghị lắp thêm ghế đá và đèn chiếu sáng trong công viên.",
            "attribute[commune]": "gio-linh",
            "attribute[title]": "Lắp ghế đá trong công viên",
            "attribute[publish_consent]": "true",
        },
    )

    assert response.status_code == 201, response.content
    petition = Petition.objects.get(tracking_code=response.json()[0]["service_request_id"])
    assert (petition.petition_type, petition.title, petition.publish_consent) == (
        "recommendation",
        "Lắp ghế đá trong công viên",
        True,
    )
    assert (petition.petitioner_name, petition.commune.code, petition.workflow.unit.code) == (
        "Nguyễn Văn An",
        "gio-linh",
        "gio-linh",
    )
    assert response.json()[0]["account_id"] is None


def test_input_errors_are_in_the_callers_language(http, app_key):
    form = {"api_key": app_key.raw, "service_code": "reflection", "lat": "abc", "long": "1", "email": "x"}

    vietnamese = http.post("/open311/v2/requests.json", form)
    english = http.post("/open311/v2/requests.json?locale=en", form)
    by_header = http.post("/open311/v2/requests.xml", {**form, "lat": "100"}, HTTP_ACCEPT_LANGUAGE="en-GB")

    assert errors_of(vietnamese) == [("400", "lat: Cần một số."), ("400", "email: Địa chỉ thư điện tử không hợp lệ.")]
    assert errors_of(english) == [("400", "lat: A number is required."), ("400", "email: Invalid email address.")]
    assert errors_of(by_header) == [
        ("400", "lat: Must not be greater than 90."),
        ("400", "email: Invalid email address."),
    ]
