"""Hostile input is a 400 or 404, never a server error: NUL characters, deeply nested JSON; and a form's `next`
never sends an official to another site."""

from __future__ import annotations

import pytest

from cases.models import Petition
from tests.conftest import PASSWORD, petition_payload


@pytest.mark.parametrize(
    "url",
    [
        "/track/AB%00CD/",
        "/api/v1/dockets/QT%00",
        "/api/v1/petitions/QT-2026-AAAA-%00",
        "/consultations/QT%00/",
        "/search/?q=%00",
        "/api/v1/search?q=ab%00cd",
        "/api/v1/comments?docket=%00",
    ],
)
def test_a_nul_character_in_the_address_is_a_400_not_a_server_error(client, org, processes, url):
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json()["code"] == "invalid" and "NUL" in response.json()["detail"]


def test_a_nul_character_in_a_json_field_is_a_400_naming_it(public, org, processes):
    response = public.post("/api/v1/petitions", petition_payload(commune="dong-ha\x00"), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "NUL" in response.json()["errors"]["commune"]
    assert not Petition.objects.exists()


@pytest.mark.parametrize("field", ["commune", "title", "petitioner_name"])
def test_a_nul_character_in_a_multipart_field_of_the_api_is_a_400(public, org, processes, field):
    payload = petition_payload(**{field: "dong-ha\x00"})
    payload["publish_consent"] = "true"
    response = public.post("/api/v1/petitions", payload, format="multipart")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert "NUL" in response.json()["errors"][field]
    assert not Petition.objects.exists()


def test_a_nul_character_in_a_form_field_is_a_400(client, org, processes):
    response = client.post("/submit/", {**petition_payload(), "commune": "dong-ha\x00"})
    assert response.status_code == 400
    assert not Petition.objects.exists()


@pytest.mark.parametrize("depth", [100_000, 40])
def test_deeply_nested_json_is_a_400_on_every_json_endpoint(public, client_for, org, processes, depth):
    body = "[" * depth + "]" * depth
    for api, path in [
        (public, "/api/v1/petitions"),
        (public, "/api/v1/comments"),
        (client_for("erin"), "/api/v1/dockets"),
    ]:
        response = api.post(path, body, content_type="application/json")
        assert response.status_code == 400, (path, response.status_code)
        assert response.json()["code"] == "parse_error" and "lồng nhau" in response.json()["detail"]


def test_ordinary_nested_json_is_still_accepted(public, org, processes):
    assert public.post("/api/v1/petitions", petition_payload(), format="json").status_code == 201


def test_an_inbox_action_never_redirects_to_another_site(client, submit):
    submit()
    task_id = Petition.objects.get().workflow.tasks.open().get().task_id
    assert client.login(username="alice", password=PASSWORD)
    for target in ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)"]:
        response = client.post(f"/tasks/{task_id}/claim/", {"next": target})
        assert response.status_code == 302 and response["Location"] == "/inbox/", target
    local = client.post(f"/tasks/{task_id}/claim/", {"next": f"/tasks/{task_id}/"})
    assert local["Location"] == f"/tasks/{task_id}/"
