"""The header takes each role to its own pages, and names the official family name first."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from organisation.models import Membership, Role
from tests.conftest import make_official

LINK = re.compile(r'<a href="([^"]+)" data-nav="([a-z]+)">')


def header_links(client) -> dict[str, str]:
    html = client.get("/").content.decode()
    return {key: url for url, key in LINK.findall(html)}


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("alice", {"inbox", "record", "reception"}),  # reception officer
        ("bob", {"inbox", "consultations", "surveys"}),  # handling officer of a drafting unit
        ("carol", {"inbox", "leaders", "documents", "consultations", "surveys"}),  # unit leader
    ],
)
def test_each_role_sees_exactly_its_links(client_for, username, expected):
    assert set(header_links(client_for(username))) == expected


def test_legal_staff_reach_the_modeler_and_staff_also_the_legal_periods_and_the_document_forms(client_for, org):
    make_official("lan", org.province, Role.LEGAL_STAFF)
    links = header_links(client_for("lan"))
    assert links == {"inbox": "/inbox/", "modeler": "/modeler/"}

    get_user_model().objects.filter(username="lan").update(is_staff=True)
    lan = client_for("lan")
    links = header_links(lan)
    assert set(links) == {"inbox", "modeler", "deadlines", "forms"}
    assert links["deadlines"] == "/admin/deadlines/deadlinerule/"
    assert links["forms"] == "/admin/documents/documentform/"
    html = lan.get("/").content.decode()
    assert '<a href="/admin/documents/documentform/" data-nav="forms">Mẫu văn bản</a>' in html
    english = lan.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<a href="/admin/documents/documentform/" data-nav="forms">Document forms</a>' in english


def test_unit_leaders_reach_the_documents_waiting_for_their_approval(client_for):
    carol = client_for("carol")

    links = header_links(carol)

    assert links["documents"] == "/documents/"
    assert carol.get(links["documents"]).status_code == 200
    assert '<a href="/documents/" data-nav="documents">Văn bản chờ duyệt</a>' in carol.get("/").content.decode()
    english = carol.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<a href="/documents/" data-nav="documents">Documents awaiting approval</a>' in english


def test_citizens_and_users_without_a_unit_get_no_work_links(public, client_for, org):
    assert header_links(public) == {}
    Membership.objects.filter(user__username="bob").delete()
    assert header_links(client_for("bob")) == {}


def test_the_header_names_the_official_family_name_first(client_for, org):
    get_user_model().objects.filter(username="carol").update(first_name="Lan", last_name="Nguyễn Thị")
    html = client_for("carol").get("/").content.decode()
    assert "(Nguyễn Thị Lan)" in html
    assert "(carol)" not in html
