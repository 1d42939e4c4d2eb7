"""The public map's data and page: only published petitions, coordinates rounded, never personal data."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.places.conftest import CANARY_EMAIL, CANARY_NAME, CANARY_PHONE

BOX = {"bbox": "16.70,106.95,17.00,107.20", "zoom": "13"}


def assert_no_canary(text: str) -> None:
    for secret in (CANARY_NAME, CANARY_PHONE, CANARY_EMAIL, "Canary", "111 333"):
        assert secret not in text


def test_zoomed_out_it_counts_published_petitions_per_commune_in_one_query(client, make_public, placed):
    make_public()
    make_public()
    make_public(commune=placed.gio_linh)
    make_public(published=False)  # answered privately or still open: not public
    make_public(consent=False)  # the petitioner did not consent
    make_public(petition_type="denunciation")  # never public

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("map-data"))

    assert response.status_code == 200
    assert len(queries) == 1
    data = response.json()
    assert data["mode"] == "communes" and data["total"] == 3
    counts = {c["code"]: (c["count"], c["lat"], c["lon"]) for c in data["communes"]}
    assert counts == {"dong-ha": (2, 16.816, 107.1), "gio-linh": (1, 16.92, 107.07)}


def test_zoomed_in_it_lists_petitions_with_rounded_points_linking_to_their_public_page(client, make_public, placed):
    own = make_public(latitude=Decimal("16.819512"), longitude=Decimal("107.097301"))
    located_by_commune = make_public(commune=placed.gio_linh)
    make_public(published=False, latitude=Decimal("16.8195"), longitude=Decimal("107.0973"))

    data = client.get(reverse("map-data"), BOX).json()

    assert data["mode"] == "points" and not data["truncated"]
    points = {p["code"]: p for p in data["points"]}
    assert set(points) == {own.tracking_code, located_by_commune.tracking_code}
    mine = points[own.tracking_code]
    assert (mine["lat"], mine["lon"], mine["approximate"]) == (16.82, 107.097, False)  # 3 decimals ≈ 110 m
    assert mine["url"] == f"/track/{own.tracking_code}/"
    assert mine["title"] == "Ổ gà trên đường Hùng Vương"
    other = points[located_by_commune.tracking_code]
    assert (other["lat"], other["lon"], other["approximate"]) == (16.92, 107.07, True)  # the commune's point
    assert_no_canary(json.dumps(data, ensure_ascii=False))


def test_a_title_naming_the_petitioner_is_redacted_and_nothing_personal_leaves(client, make_public):
    make_public(title=f"{CANARY_NAME} báo ổ gà, gọi {CANARY_PHONE}")

    for params in ({}, BOX):
        response = client.get(reverse("map-data"), params)
        assert_no_canary(response.content.decode())
    page = client.get(reverse("places:map")).content.decode()
    assert_no_canary(page)
    assert "báo ổ gà" in page


def test_it_filters_by_type_status_and_topic_and_refuses_unknown_values(client, make_public, placed):
    from topics.models import Topic

    roads = Topic.objects.create(code="duong-thu-nghiem", name="Đường thử nghiệm")
    make_public(topic=roads)
    make_public(petition_type="recommendation")

    def total(**params: str) -> int:
        return int(client.get(reverse("map-data"), params).json()["total"])

    assert total() == 2
    assert total(type="recommendation") == 1
    assert total(topic="duong-thu-nghiem") == 1
    assert total(status="answered") == 2 and total(status="received") == 0
    for bad in ({"type": "denunciation"}, {"status": "lost"}, {"topic": "nope"}, {"bbox": "1,2,3"}):
        response = client.get(reverse("map-data"), bad)
        assert response.status_code == 400
        assert list(response.json()["errors"]) == list(bad)


def test_it_returns_at_most_the_configured_number_of_points(client, make_public, settings):
    settings.MAP_MAX_POINTS = 2
    for _ in range(3):
        make_public()

    data = client.get(reverse("map-data"), BOX).json()

    assert len(data["points"]) == 2 and data["truncated"]


def test_coordinate_decimals_minus_one_publishes_only_the_communes_point(client, make_public, settings):
    settings.OPEN311_COORDINATE_DECIMALS = -1
    make_public(latitude=Decimal("16.819512"), longitude=Decimal("107.097301"))

    (point,) = client.get(reverse("map-data"), BOX).json()["points"]

    assert (point["lat"], point["lon"], point["approximate"]) == (16.816, 107.1, True)


def test_the_page_works_as_a_list_without_javascript(client, make_public):
    petition = make_public()

    response = client.get(reverse("places:map"))

    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="/track/{petition.tracking_code}/"' in page
    assert "Phường Đông Hà" in page and 'data-map="public"' in page
    assert "<script>" not in page and "style=" not in page  # the CSP allows neither


def test_an_unknown_filter_on_the_page_is_an_error_next_to_the_field(client, placed):
    response = client.get(reverse("places:map"), {"type": "bogus"})

    assert response.status_code == 400
    assert "Loại đơn không hợp lệ: bogus" in response.content.decode()


@pytest.mark.parametrize("language", ["en"])
def test_the_map_page_is_translated(client, placed, language):
    client.cookies["django_language"] = language
    response = client.get(reverse("places:map"), HTTP_ACCEPT_LANGUAGE=language)

    assert "Map of published petitions" in response.content.decode()
