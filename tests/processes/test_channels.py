"""Petitions from other channels are recorded by reception officers; a decided complaint is appealed by its
complainant through the API, with the access key of the first complaint."""

from __future__ import annotations

import time_machine

from cases.models import Channel, Petition, PetitionType, hash_access_key
from tests.cases.test_journey import only_task
from tests.conftest import petition_payload
from tests.processes.steps import at
from tests.processes.test_complaint_second import first  # noqa: F401 - the decided complaint fixture


def test_a_reception_officer_records_an_emailed_petition(client_for, processes):
    alice = client_for("alice")
    response = alice.post("/api/v1/cases/record", {**petition_payload(), "channel": "email"}, format="json")

    assert response.status_code == 201, response.json()
    petition = Petition.objects.get(tracking_code=response.json()["tracking_code"])
    assert petition.channel == Channel.EMAIL
    assert only_task(alice)["reference"] == petition.tracking_code


def test_an_official_of_another_unit_cannot_record_for_this_one(client_for, processes):
    grace = client_for("grace")
    response = grace.post("/api/v1/cases/record", {**petition_payload(), "channel": "counter"}, format="json")
    assert response.status_code == 403
    assert not Petition.objects.exists()


def test_the_public_cannot_record_as_an_official(public, org, processes):
    response = public.post("/api/v1/cases/record", {**petition_payload(), "channel": "email"}, format="json")
    assert response.status_code == 403


def test_the_complainant_appeals_with_the_access_key(first, province_staff, public):  # noqa: F811
    first.access_key_hash = hash_access_key("the-first-complaints-key")
    first.save(update_fields=["access_key_hash"])
    body = {"content": "Tôi không đồng ý với quyết định giải quyết lần đầu."}
    with time_machine.travel(at("2026-12-10"), tick=False):
        wrong = public.post(
            f"/api/v1/petitions/{first.tracking_code}/appeal", body, format="json", HTTP_X_ACCESS_KEY="guess"
        )
        right = public.post(
            f"/api/v1/petitions/{first.tracking_code}/appeal",
            body,
            format="json",
            HTTP_X_ACCESS_KEY="the-first-complaints-key",
        )
        again = public.post(
            f"/api/v1/petitions/{first.tracking_code}/appeal",
            body,
            format="json",
            HTTP_X_ACCESS_KEY="the-first-complaints-key",
        )

    assert wrong.status_code == 404
    assert right.status_code == 201, right.json()
    second = Petition.objects.get(tracking_code=right.json()["tracking_code"])
    assert second.petition_type == PetitionType.COMPLAINT_SECOND and second.appeal_of == first
    assert again.status_code == 400 and "first" in again.json()["errors"]
