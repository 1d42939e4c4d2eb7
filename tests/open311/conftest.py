"""Open311 fixtures: an issued API key, and helpers that call the endpoints and parse their XML."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client

from open311 import services
from open311.services import IssuedKey


@pytest.fixture
def app_key(org: Any, processes: None) -> IssuedKey:
    return services.issue_api_key(name="Ứng dụng Đô thị thông minh", owner_contact="dev@smartcity.test")


@pytest.fixture
def http() -> Client:
    return Client()


def xml(response: Any) -> ElementTree.Element:
    """The response's XML document, after checking it is declared UTF-8 XML."""
    assert response["Content-Type"].startswith("text/xml"), response["Content-Type"]
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>"), response.content[:60]
    return ElementTree.fromstring(response.content)  # noqa: S314 - this server's own answer, in a test


def errors_of(response: Any) -> list[tuple[str, str]]:
    """The specification's errors (XML or JSON) as (code, description) pairs."""
    if response["Content-Type"].startswith("application/json"):
        body = response.json()
        assert isinstance(body, list)
        return [(str(item["code"]), item["description"]) for item in body]
    root = xml(response)
    assert root.tag == "errors"
    pairs = [(error.findtext("code", ""), error.findtext("description", "")) for error in root]
    assert all(error.tag == "error" for error in root) and pairs
    return pairs


SPEC_EXAMPLE_POST = {
    # The specification's example POST (https://wiki.open311.org/GeoReport_v2/#post-service-request), with this
    # server's service code and its required attribute (the commune).
    "service_code": "reflection",
    "lat": "37.76524078",
    "long": "-122.4212043",
    "address_string": "1234 5th street",
    "email": "smit333@sfgov.edu",
    "device_id": "tt222111",
    "account_id": "123456",
    "first_name": "john",
    "last_name": "smith",
    "phone": "111111111",
    "description": "A large sinkhole is destroying the street",
    "media_url": "http://test.com/image.jpg",
    "attribute[commune]": "dong-ha",
}


@pytest.fixture
def post_request(http: Client, app_key: IssuedKey) -> Callable[..., Any]:
    def do_post(fmt: str = "xml", *, key: str | None = None, **fields: Any) -> Any:
        data = {"api_key": app_key.raw if key is None else key, **SPEC_EXAMPLE_POST, **fields}
        data = {name: value for name, value in data.items() if value is not None}
        return http.post(f"/open311/v2/requests.{fmt}", data)  # form-encoded

    return do_post
