"""Open311 GeoReport v2 as the specification shows it: its example requests, answered in the shapes of its
example responses, in XML (parsed) and JSON, with times in ISO 8601 with a zone."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.utils import timezone

from cases.models import Channel, Petition
from open311.models import Open311Request
from tests.open311.conftest import SPEC_EXAMPLE_POST, errors_of, xml
from workflows.models import CaseEvent, Deadline, HumanTask

ZONED = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


def test_service_discovery_names_the_v2_endpoint_and_both_formats(http, org):
    root = xml(http.get("/open311/v2/discovery.xml"))

    assert root.tag == "discovery"
    assert [child.tag for child in root] == ["changeset", "contact", "key_service", "endpoints"]
    assert ZONED.match(root.findtext("changeset", ""))
    endpoint = root.find("endpoints/endpoint")
    assert endpoint is not None
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url", "").endswith("/open311/v2")
    assert endpoint.findtext("type") == "production"
    assert [item.text for item in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
    as_json = http.get("/open311/v2/discovery.json").json()
    assert as_json["endpoints"][0]["formats"] == ["text/xml", "application/json"]


def test_services_list_one_service_per_public_petition_type_with_a_definition(http, org, processes):
    root = xml(http.get("/open311/v2/services.xml"))

    assert root.tag == "services"
    services = root.findall("service")
    assert [service.findtext("service_code") for service in services] == [
        "reflection",
        "recommendation",
        "complaint",
        "denunciation",
    ]
    assert [child.tag for child in services[0]] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert services[0].findtext("service_name") == "Phản ánh"
    assert {service.findtext("metadata") for service in services} == {"true"}
    assert {service.findtext("type") for service in services} == {"realtime"}
    as_json = http.get("/open311/v2/services.json").json()
    assert isinstance(as_json, list) and as_json[0]["service_code"] == "reflection"  # a string, not 001
    assert "complaint_second" not in [service["service_code"] for service in as_json]  # only from a decision


def test_a_service_definition_lists_the_petition_forms_attributes(http, org, processes):
    root = xml(http.get("/open311/v2/services/reflection.xml"))

    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "reflection"
    attributes = {attribute.findtext("code"): attribute for attribute in root.findall("attributes/attribute")}
    assert list(attributes) == ["commune", "title", "publish_consent"]
    commune = attributes["commune"]
    assert [child.tag for child in commune] == [
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    ]
    assert (commune.findtext("datatype"), commune.findtext("required"), commune.findtext("order")) == (
        "singlevaluelist",
        "true",
        "1",
    )
    assert [(value.findtext("key"), value.findtext("name")) for value in commune.findall("values/value")] == [
        ("dong-ha", "Phường Đông Hà"),
        ("gio-linh", "Xã Gio Linh"),
    ]
    assert attributes["title"].findtext("required") == "false"
    as_json = http.get("/open311/v2/services/reflection.json").json()
    assert as_json["service_code"] == "reflection" and as_json["attributes"][0]["values"][0]["key"] == "dong-ha"
    # A denunciation is never published: its definition does not ask for consent.
    denunciation = http.get("/open311/v2/services/denunciation.json").json()
    assert [attribute["code"] for attribute in denunciation["attributes"]] == ["commune", "title"]


def test_the_spec_example_post_creates_a_petition_that_starts_its_process(post_request, http, org):
    response = post_request("xml")

    assert response.status_code == 201
    root = xml(response)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert request is not None
    assert [child.tag for child in request] == ["service_request_id", "service_notice", "account_id"]
    code = request.findtext("service_request_id", "")
    assert request.findtext("account_id") == "123456"
    assert code in request.findtext("service_notice", "")
    petition = Petition.objects.get(tracking_code=code)
    assert petition.channel == Channel.OPEN311
    assert petition.petitioner_name == "smith john"
    assert petition.content == SPEC_EXAMPLE_POST["description"]
    assert petition.title == "A large sinkhole is destroying the street"
    assert (str(petition.latitude), str(petition.longitude)) == ("37.765241", "-122.421204")
    assert petition.commune == org.dong_ha and petition.workflow.unit == org.dong_ha
    # The normal intake ran: the commune's reception officers have the first step, its legal clock runs.
    assert HumanTask.objects.open().filter(instance=petition.workflow, unit=org.dong_ha).exists()
    assert Deadline.objects.filter(instance=petition.workflow, closed_at__isnull=True).exists()
    created = Open311Request.objects.get(petition=petition)
    assert created.media_url == "http://test.com/image.jpg" and created.api_key.name == "Ứng dụng Đô thị thông minh"
    trail = CaseEvent.objects.get(instance=petition.workflow, kind="open311_received")
    assert (
        trail.summary
        == "Gửi qua ứng dụng Ứng dụng Đô thị thông minh (Open311); ảnh do ứng dụng gửi kèm: http://test.com/image.jpg"
    )
    assert trail.public_text == ""  # for the officials only

    token = xml(http.get(f"/open311/v2/tokens/{created.token}.xml"))
    assert token.tag == "service_requests"
    assert token.findtext("request/service_request_id") == code
    assert token.findtext("request/token") == str(created.token)
    assert http.get(f"/open311/v2/tokens/{created.token}.json").json() == [
        {"service_request_id": code, "token": str(created.token)}
    ]


def test_a_created_request_is_listed_open_with_every_field_and_zoned_times(post_request, http):
    code = xml(post_request("xml", **{"attribute[publish_consent]": "true"})).findtext("request/service_request_id")

    now = timezone.now()
    window = {"start_date": (now - timedelta(days=1)).isoformat(), "end_date": (now + timedelta(hours=1)).isoformat()}
    root = xml(http.get("/open311/v2/requests.xml", {**window, "status": "open"}))

    assert root.tag == "service_requests"
    (request,) = root.findall("request")
    assert [child.tag for child in request] == REQUEST_FIELDS
    assert request.findtext("service_request_id") == code
    assert request.findtext("status") == "open"
    assert request.findtext("service_code") == "reflection" and request.findtext("service_name") == "Phản ánh"
    assert request.findtext("description") == "A large sinkhole is destroying the street"
    assert request.findtext("agency_responsible") == "Phường Đông Hà"
    assert request.findtext("address") == "Phường Đông Hà"  # the commune, never the address given
    assert (request.findtext("lat"), request.findtext("long")) == ("37.765", "-122.421")  # about 100 m
    for field in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert ZONED.match(request.findtext(field, "")), (field, request.findtext(field))
    assert request.findtext("status_notes")  # the current step, as the status page shows it
    assert request.findtext("service_notice")  # how the legal deadline was computed

    single = xml(http.get(f"/open311/v2/requests/{code}.xml"))
    assert single.tag == "service_requests" and single.findtext("request/service_request_id") == code
    as_json = http.get(f"/open311/v2/requests/{code}.json").json()
    assert isinstance(as_json, list) and list(as_json[0]) == REQUEST_FIELDS
    assert as_json[0]["lat"] == 37.765 and as_json[0]["address_id"] is None
    assert ZONED.match(as_json[0]["requested_datetime"])


def test_the_spec_example_query_filters_by_dates_and_status(post_request, http):
    code = post_request("json", **{"attribute[publish_consent]": "true"}).json()[0]["service_request_id"]

    # The specification's example: a month in 2010, open requests.
    old = http.get("/open311/v2/requests.xml?start_date=2010-05-24T00:00:00Z&end_date=2010-06-24T00:00:00Z&status=open")
    assert old.status_code == 200 and xml(old).findall("request") == []
    default = http.get("/open311/v2/requests.json").json()  # the last 90 days
    assert [item["service_request_id"] for item in default] == [code]
    assert http.get("/open311/v2/requests.json", {"status": "closed"}).json() == []
    assert len(http.get("/open311/v2/requests.json", {"status": "open,closed"}).json()) == 1
    assert len(http.get("/open311/v2/requests.json?status=&service_code=&service_request_id=").json()) == 1
    assert http.get("/open311/v2/requests.json", {"service_code": "complaint,recommendation"}).json() == []
    assert len(http.get("/open311/v2/requests.json", {"service_code": "reflection"}).json()) == 1
    # service_request_id overrides every other parameter.
    by_id = http.get(
        "/open311/v2/requests.json", {"service_request_id": f"{code},QT-0000-XXXX-XXXX", "status": "closed"}
    )
    assert [item["service_request_id"] for item in by_id.json()] == [code]


def test_requests_are_paginated_with_a_link_to_the_next_page(post_request, http):
    codes = [
        post_request(
            "json", description=f"Ổ gà số {n} trên đường Hùng Vương", **{"attribute[publish_consent]": "true"}
        ).json()[0]["service_request_id"]
        for n in range(3)
    ]

    first = http.get("/open311/v2/requests.json", {"page_size": 2})
    second = http.get("/open311/v2/requests.json", {"page_size": 2, "page": 2})

    listed = [item["service_request_id"] for item in first.json() + second.json()]
    assert sorted(listed) == sorted(codes) and len(first.json()) == 2
    assert 'rel="next"' in first["Link"] and "page=2" in first["Link"]
    assert "Link" not in second


def test_bad_query_parameters_are_errors_in_the_spec_format(http, org, processes):
    cases: list[tuple[str, dict[str, Any], int, str]] = [
        ("requests.xml", {"start_date": "2025-01-01T00:00:00Z", "end_date": "2025-06-01T00:00:00Z"}, 400, "90"),
        ("requests.xml", {"start_date": "2025-06-01T00:00:00Z", "end_date": "2025-01-01T00:00:00Z"}, 400, "end_date"),
        ("requests.json", {"start_date": "hôm qua"}, 400, "start_date"),
        ("requests.json", {"status": "pending"}, 400, "status"),
        ("requests.json", {"page_size": "100000"}, 400, "page_size"),
        ("requests.json", {"page": "99999999999999999999"}, 400, "page"),
        ("requests.xml", {"start_date": "9999-12-31T23:59:59Z"}, 400, "start_date"),
        ("requests.xml", {"end_date": "0001-01-01T00:00:00Z"}, 400, "start_date"),
        ("requests.xml", {"service_code": "pothole"}, 404, "pothole"),
        ("requests/QT-2026-NONE-NONE.xml", {}, 404, "QT-2026-NONE-NONE"),
        ("services/pothole.json", {}, 404, "pothole"),
        ("tokens/not-a-token.xml", {}, 404, "not-a-token"),
        ("requests.xml", {"jurisdiction_id": "sfgov.org"}, 404, "jurisdiction_id"),
        ("nowhere.json", {}, 404, ""),
        ("services.html", {}, 404, ""),
    ]
    for path, query, status, mentioned in cases:
        response = http.get(f"/open311/v2/{path}", query)
        assert response.status_code == status, (path, query, response.content)
        errors = errors_of(response)
        assert errors[0][0] == str(status), (path, errors)
        assert mentioned in " ".join(description for _, description in errors), (path, errors)
    assert http.delete("/open311/v2/services.xml").status_code == 405


def test_texts_follow_the_locale_parameter_and_accept_language(http, org, processes):
    english = http.get("/open311/v2/services.json", {"locale": "en_US"})
    by_header = http.get("/open311/v2/services.xml", HTTP_ACCEPT_LANGUAGE="en")
    vietnamese = http.get("/open311/v2/services.json", {"locale": "vi"}, HTTP_ACCEPT_LANGUAGE="en")

    assert english.json()[0]["service_name"] == "Feedback"
    assert "Phản ánh" not in english.json()[0]["description"]
    assert xml(by_header).findtext("service/service_name") == "Feedback"
    assert vietnamese.json()[0]["service_name"] == "Phản ánh"
    missing = http.get("/open311/v2/services/pothole.json", {"locale": "en"})
    assert errors_of(missing) == [("404", "No service (service_code) pothole.")]


def test_a_server_set_to_answer_with_tokens_gives_a_token_and_the_id_from_it(post_request, http, settings):
    settings.OPEN311_ANSWER_WITH_TOKEN = True

    services = http.get("/open311/v2/services.json").json()
    response = post_request("xml")

    assert {service["type"] for service in services} == {"batch"}
    assert response.status_code == 201
    request = xml(response).find("request")
    assert request is not None
    assert [child.tag for child in request] == ["token", "service_notice", "account_id"]  # never both
    petition = Petition.objects.get()
    assert petition.tracking_code not in response.content.decode()
    token = request.findtext("token")
    looked_up = xml(http.get(f"/open311/v2/tokens/{token}.xml"))
    assert looked_up.findtext("request/service_request_id") == petition.tracking_code


def test_a_control_character_typed_elsewhere_does_not_break_the_xml(submit, http, org):
    code = submit(content="Cống tắc\x0b từ tuần trước,\x1f nước tràn ra đường.", publish_consent=True)["tracking_code"]
    org.dong_ha.name = "Phường\x0cĐông Hà"  # typed in the admin
    org.dong_ha.save()

    root = xml(http.get(f"/open311/v2/requests/{code}.xml"))

    assert root.findtext("request/address") == "PhườngĐông Hà"
    assert "Cống tắc" in root.findtext("request/description", "")


def test_listing_costs_the_same_queries_for_one_request_or_many(post_request, http, django_assert_num_queries):
    post_request("json", **{"attribute[publish_consent]": "true"})
    with django_assert_num_queries(2):  # the requests (their step, clock and latest event annotated), the services
        assert len(http.get("/open311/v2/requests.json").json()) == 1
    for n in range(4):
        post_request("json", description=f"Cây đổ số {n} chắn ngang đường", **{"attribute[publish_consent]": "true"})

    with django_assert_num_queries(2):
        assert len(http.get("/open311/v2/requests.json", {"status": "open"}).json()) == 5
