"""Signing in with the e-ID: the authorization code flow with PKCE, state and nonce, against a local provider
over real HTTP (tests/citizens/provider.py)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client

from citizens.auth import SESSION_KEY
from citizens.models import AuditEntry, Citizen
from tests.citizens.provider import Provider

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PERSON = {
    "sub": "vneid-001-pairwise",
    "name": "Trần Thị Bình",
    "email": "binh.tran@example.vn",
    "phone_number": "+84 987 654 321",
}


def approve(client: Client, provider: Provider, person: dict[str, Any] | None = None) -> str:
    """The citizen presses the e-ID button and approves at the provider: the callback path the browser comes back
    to (not followed yet)."""
    provider.person = dict(person or PERSON)
    start = client.get("/me/oidc/start/")
    assert start.status_code == 302
    assert start["Location"].startswith(f"{provider.issuer}/authorize?")
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == "/me/oidc/callback/"
    return f"{back.path}?{back.query}"


def signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def test_it_signs_a_citizen_in_with_the_e_id(provider: Provider) -> None:
    client = Client()
    session_before = client.get("/me/sign-in/").wsgi_request.session.session_key
    callback = approve(client, provider)
    response = client.get(callback)
    assert response.status_code == 302 and response["Location"] == "/me/"
    page = client.get("/me/")
    assert page.status_code == 200
    assert "Trần Thị Bình" in page.content.decode()

    citizen = Citizen.objects.get()
    assert (citizen.oidc_issuer, citizen.oidc_subject) == (provider.issuer, PERSON["sub"])
    assert (citizen.email, citizen.phone) == ("binh.tran@example.vn", "0987654321")
    assert client.session.session_key != session_before  # rotated on sign-in
    assert AuditEntry.objects.filter(citizen_number=citizen.pk, action="sign_in", detail="oidc").exists()
    # PKCE: the site sent its verifier; the provider checked it against the challenge.
    (token_request,) = provider.token_requests
    assert len(token_request["code_verifier"]) >= 43


def test_signing_in_again_finds_the_same_account(provider: Provider) -> None:
    for _ in range(2):
        client = Client()
        assert client.get(approve(client, provider)).status_code == 302
    assert Citizen.objects.count() == 1


def test_the_button_is_hidden_and_the_flow_closed_when_no_provider_is_configured(settings: Any) -> None:
    settings.CITIZEN_OIDC_ISSUER = settings.CITIZEN_OIDC_DISCOVERY_URL = settings.CITIZEN_OIDC_CLIENT_ID = ""
    page = Client().get("/me/sign-in/")
    assert page.status_code == 200
    assert 'data-test="oidc"' not in page.content.decode()
    assert Client().get("/me/oidc/start/").status_code == 404
    assert Client().get("/me/oidc/callback/?code=x&state=y").status_code == 404


def test_the_button_shows_when_a_provider_is_configured(provider: Provider) -> None:
    page = Client().get("/me/sign-in/").content.decode()
    assert 'data-test="oidc"' in page and "VNeID" in page


def test_a_wrong_state_is_refused(provider: Provider) -> None:
    client = Client()
    callback = approve(client, provider)
    query = parse_qs(urlsplit(callback).query)
    response = client.get("/me/oidc/callback/", {"code": query["code"][0], "state": "forged-state"})
    assert response.status_code == 400
    assert "không khớp mã phiên" in response.content.decode()
    assert not signed_in(client) and not Citizen.objects.exists()
    assert provider.token_requests == []  # the code was never even exchanged


def test_an_expired_code_is_refused_by_the_provider(provider: Provider) -> None:
    client = Client()
    callback = approve(client, provider)
    provider.code_lifetime = -1  # the citizen took too long to come back
    response = client.get(callback)
    assert response.status_code == 400
    assert "đã dùng hoặc hết hạn" in response.content.decode()
    assert not signed_in(client) and not Citizen.objects.exists()


def test_a_replayed_callback_is_refused(provider: Provider) -> None:
    client = Client()
    callback = approve(client, provider)
    assert client.get(callback).status_code == 302
    client.post("/me/sign-out/")
    again = client.get(callback)  # the same URL again (browser history, a leaked log line)
    assert again.status_code == 400
    assert "hết hạn hoặc không hợp lệ" in again.content.decode()
    assert not signed_in(client)


def test_a_replayed_code_is_refused_by_the_provider(provider: Provider) -> None:
    client = Client()
    first = parse_qs(urlsplit(approve(client, provider)).query)
    assert client.get("/me/oidc/callback/", {"code": first["code"][0], "state": first["state"][0]}).status_code == 302
    client.post("/me/sign-out/")
    # A new sign-in, whose callback carries the first (used) code with the new state.
    second = parse_qs(urlsplit(approve(client, provider)).query)
    response = client.get("/me/oidc/callback/", {"code": first["code"][0], "state": second["state"][0]})
    assert response.status_code == 400
    assert "đã dùng hoặc hết hạn" in response.content.decode()
    assert not signed_in(client)


def test_a_forged_callback_without_a_sign_in_is_refused(provider: Provider) -> None:
    attacker = Client()
    callback = approve(attacker, provider, {**PERSON, "sub": "attacker"})
    victim = Client()
    response = victim.get(callback)  # the attacker's link, opened by someone who never pressed the button
    assert response.status_code == 400
    assert not signed_in(victim) and not Citizen.objects.exists()


def test_an_injected_code_from_another_browser_fails_pkce(provider: Provider) -> None:
    attacker = Client()
    attackers_code = parse_qs(urlsplit(approve(attacker, provider, {**PERSON, "sub": "attacker"})).query)["code"][0]
    victim = Client()
    victims_state = parse_qs(urlsplit(approve(victim, provider)).query)["state"][0]
    response = victim.get("/me/oidc/callback/", {"code": attackers_code, "state": victims_state})
    assert response.status_code == 400
    assert not signed_in(victim) and not Citizen.objects.exists()


def test_an_id_token_with_a_bad_signature_is_refused(provider: Provider) -> None:
    client = Client()
    callback = approve(client, provider)
    provider.sign_with_foreign_key = True
    response = client.get(callback)
    assert response.status_code == 400
    assert "không hợp lệ" in response.content.decode()
    assert not signed_in(client) and not Citizen.objects.exists()


def test_errors_speak_english_to_an_english_reader(provider: Provider) -> None:
    client = Client(headers={"accept-language": "en"})
    client.cookies["django_language"] = "en"
    approve(client, provider)
    response = client.get("/me/oidc/callback/", {"code": "x", "state": "forged"})
    assert response.status_code == 400
    assert "Invalid sign-in request (the session code does not match)" in response.content.decode()
