"""A petition's point: optional; refused (with its field, nothing stored) outside the province or far from the
chosen commune, on the portal form and in the API alike."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cases.models import Petition
from tests.conftest import petition_payload

pytestmark = pytest.mark.usefixtures("placed", "processes")

NEAR_DONG_HA = {"latitude": "16.819512", "longitude": "107.097301"}
HANOI = {"latitude": "21.028511", "longitude": "105.854167"}
DONG_HOI = {"latitude": "17.468000", "longitude": "106.622000"}  # in the province, ~80 km from Đông Hà


def test_the_api_stores_a_point_near_the_chosen_commune(public):
    response = public.post("/api/v1/petitions", petition_payload(**NEAR_DONG_HA), format="json")

    assert response.status_code == 201, response.json()
    petition = Petition.objects.get()
    assert (petition.latitude, petition.longitude) == (Decimal("16.819512"), Decimal("107.097301"))


def test_the_point_is_optional(public):
    assert public.post("/api/v1/petitions", petition_payload(), format="json").status_code == 201
    assert Petition.objects.get().latitude is None


@pytest.mark.parametrize(
    ("point", "field", "words"),
    [
        (HANOI, "latitude", "ngoài địa bàn tỉnh"),
        (DONG_HOI, "latitude", "cách Phường Đông Hà khoảng"),
        ({"latitude": "16.819512"}, "longitude", "cả vĩ độ và kinh độ"),
    ],
)
def test_the_api_refuses_a_point_outside_the_province_or_far_from_the_commune(public, point, field, words):
    response = public.post("/api/v1/petitions", petition_payload(**point), format="json")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == [field]
    assert words in errors[field]
    assert not Petition.objects.exists()


def test_the_portal_form_shows_the_error_next_to_the_point_and_stores_nothing(client):
    response = client.post("/submit/", petition_payload(**DONG_HOI))

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="latitude-error"' in page and "cách Phường Đông Hà khoảng 8" in page
    assert not Petition.objects.exists()


def test_the_portal_form_accepts_empty_point_fields(client):
    response = client.post("/submit/", petition_payload(latitude="", longitude=""))

    assert response.status_code == 200
    assert Petition.objects.get().latitude is None
