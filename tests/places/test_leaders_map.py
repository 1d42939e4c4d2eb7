"""The leaders' map: every case of the units they lead, counted per commune, linking to the drill-down."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD


def login(client, username: str) -> None:
    assert client.login(username=username, password=PASSWORD)


@pytest.fixture
def cases(make_public, placed):
    make_public(published=False)  # open cases count too: this map is not public
    make_public(published=False)
    make_public(published=False, commune=placed.gio_linh)


def test_a_leader_sees_counts_per_commune_linking_to_the_drill_down(client, cases, org):
    login(client, "carol")  # leader of Đông Hà

    response = client.get(reverse("places:leaders-map"))

    assert response.status_code == 200
    communes = {c["code"]: c for c in response.context["communes"]}
    assert communes["dong-ha"]["count"] == 2
    drill = communes["dong-ha"]["url"]
    assert drill.startswith("/leaders/cases/?") and "commune=dong-ha" in drill
    listed = client.get(drill)
    assert listed.status_code == 200 and listed.context["page"].paginator.count == 2


def test_the_provinces_leader_sees_every_commune_and_a_communes_leader_only_theirs(client, cases):
    login(client, "henry")  # leader of the province
    counts = {c["code"]: c["count"] for c in client.get(reverse("places:leaders-map")).context["communes"]}
    assert counts == {"dong-ha": 2, "gio-linh": 1}
    assert client.get("/leaders/cases/", {"commune": "gio-linh"}).context["page"].paginator.count == 1

    login(client, "carol")
    counts = {c["code"]: c["count"] for c in client.get(reverse("places:leaders-map")).context["communes"]}
    assert counts == {"dong-ha": 2}
    assert client.get("/leaders/cases/", {"commune": "gio-linh"}).context["page"].paginator.count == 0


def test_an_official_who_leads_nothing_is_refused(client, cases):
    login(client, "alice")  # reception officer

    assert client.get(reverse("places:leaders-map")).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, placed):
    response = client.get(reverse("places:leaders-map"))

    assert response.status_code == 302 and "/login/" in response["Location"]
