"""The Zalo OA and Facebook Page webhooks: what the platform signed is stored once and answered at once; anything
else — tampered, forged, replayed, for a page that is not ours, garbage — is refused with its status and stores
nothing. Statuses: 200 stored (or already stored), 400 not an event, 403 not the platform's or a replay,
413 too large, 429 throttled."""

from __future__ import annotations

import datetime
import json
import logging
import time
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from channels import samples
from channels.models import Draft, InboundEvent
from tests.channels.conftest import FB_APP_SECRET, FB_VERIFY_TOKEN, OA_ID, PAGE_ID, ZALO_APP_ID, ZALO_SECRET

pytestmark = pytest.mark.django_db

FB_URL = "/webhooks/facebook/"
ZALO_URL = "/webhooks/zalo/"


def fb_raw(*, mid: str = "m_1", text: str = "Cống trước nhà số 5 bị tắc", page_id: str = PAGE_ID, **kw: Any) -> bytes:
    at = kw.pop("at", timezone.now())
    return samples.body(
        samples.facebook_event(page_id=page_id, sender_id="6012345678901234", mid=mid, at=at, text=text)
    )


def zalo_raw(*, msg_id: str = "96d3a1", oa_id: str = OA_ID, app_id: str = ZALO_APP_ID, **kw: Any) -> bytes:
    at = kw.pop("at", timezone.now())
    event = samples.zalo_event(
        app_id=app_id, oa_id=oa_id, sender_id="3216904426693862293", msg_id=msg_id, at=at, text="Đường ngập nước"
    )
    return samples.body(event)


def post_fb(client: Client, raw: bytes, *, secret: str = FB_APP_SECRET, headers: dict[str, str] | None = None) -> Any:
    sent = samples.facebook_headers(raw, app_secret=secret) if headers is None else headers
    return client.post(FB_URL, raw, content_type="application/json", headers=sent)


def post_zalo(client: Client, raw: bytes, *, secret: str = ZALO_SECRET, headers: dict[str, str] | None = None) -> Any:
    sent = samples.zalo_headers(raw, secret_key=secret) if headers is None else headers
    return client.post(ZALO_URL, raw, content_type="application/json", headers=sent)


# ---------------------------------------------------------------------------------------------- Facebook


def test_facebook_handshake_answers_the_challenge_for_our_verify_token(client: Client) -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": FB_VERIFY_TOKEN, "hub.challenge": "1158201444"}

    response = client.get(FB_URL, query)

    assert response.status_code == 200
    assert response.content == b"1158201444"


@pytest.mark.parametrize(
    "query",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "guessed", "hub.challenge": "1158201444"},
        {"hub.mode": "unsubscribe", "hub.verify_token": FB_VERIFY_TOKEN, "hub.challenge": "1158201444"},
        {"hub.mode": "subscribe", "hub.challenge": "1158201444"},
    ],
)
def test_facebook_handshake_with_a_wrong_token_or_mode_is_refused(client: Client, query: dict[str, str]) -> None:
    response = client.get(FB_URL, query)

    assert response.status_code == 403
    assert b"1158201444" not in response.content


def test_a_signed_facebook_message_is_stored_raw_and_answered_without_processing(client: Client) -> None:
    raw = fb_raw(text="Cống trước nhà số 5 bị tắc, nước tràn ra đường")

    started = time.monotonic()
    response = post_fb(client, raw)

    assert response.status_code == 200
    assert time.monotonic() - started < 1.0
    event = InboundEvent.objects.get()
    assert event.channel == "facebook" and event.external_id == f"{PAGE_ID}:m_1"
    assert event.payload == json.loads(raw)
    assert event.handled_at is None  # the worker's job, not the request's
    assert not Draft.objects.exists()


def test_a_tampered_facebook_body_is_refused_and_nothing_stored(client: Client) -> None:
    raw = fb_raw(text="Cống bị tắc")
    tampered = raw.replace(b"\\u1eafc", b"\\u00f4ng")  # "tắc" (blocked) → "tông"

    response = post_fb(client, tampered, headers=samples.facebook_headers(raw, app_secret=FB_APP_SECRET))

    assert tampered != raw
    assert response.status_code == 403
    assert not InboundEvent.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {},  # unsigned
        {"X-Hub-Signature-256": "sha256=" + "0" * 64},
        {"X-Hub-Signature-256": "sha256=not-hex"},
    ],
)
def test_an_unsigned_or_forged_facebook_delivery_is_refused(client: Client, headers: dict[str, str]) -> None:
    assert post_fb(client, fb_raw(), headers=headers).status_code == 403
    assert post_fb(client, fb_raw(), secret="someone-elses-app").status_code == 403
    assert not InboundEvent.objects.exists()


def test_a_delivery_for_a_page_that_is_not_ours_is_refused_and_logged(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    raw = fb_raw(page_id="999999999999999")  # signed with our app's secret, about a page we do not receive

    with caplog.at_level(logging.WARNING, logger="channels.webhooks"):
        response = post_fb(client, raw)

    assert response.status_code == 403
    assert not InboundEvent.objects.exists()
    assert "unknown page '999999999999999'" in caplog.text


def test_the_same_facebook_event_twice_is_stored_once(client: Client) -> None:
    raw = fb_raw(mid="m_again")

    first, second = post_fb(client, raw), post_fb(client, raw)

    assert (first.status_code, second.status_code) == (200, 200)  # a platform's retry must be acknowledged
    assert InboundEvent.objects.count() == 1


@pytest.mark.parametrize("age", [datetime.timedelta(days=2), -datetime.timedelta(hours=1)])
def test_a_replayed_old_or_future_dated_facebook_event_is_refused(client: Client, age: datetime.timedelta) -> None:
    raw = fb_raw(mid="m_old", at=timezone.now() - age)

    response = post_fb(client, raw)

    assert response.status_code == 403
    assert not InboundEvent.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"not json",
        b"\xff\xfe\x00garbage",
        b"[]",
        b'{"object":"page","entry":"x"}',
        b'{"object":"page","entry":[{"id":"104857600123456","messaging":[{"timestamp":"soon"}]}]}',
        b'{"object":"page","entry":[{"id":"104857600123456","messaging":[{"timestamp":1,"message":{"text":"a\\u0000"}}]}]}',
        b"[" * 5000 + b"]" * 5000,
        b'{"object":"user","entry":[]}',
    ],
)
def test_garbage_signed_or_not_is_a_4xx_never_a_5xx(client: Client, raw: bytes) -> None:
    signed = post_fb(client, raw)
    unsigned = post_fb(client, raw, headers={})

    assert signed.status_code == 400
    assert unsigned.status_code == 403
    assert not InboundEvent.objects.exists()


def test_a_form_instead_of_an_event_is_refused_without_a_5xx(client: Client) -> None:
    multipart = client.post(FB_URL, {"entry": "x"}, headers={"X-Hub-Signature-256": "sha256=00"})
    urlencoded = client.post(ZALO_URL, "app_id=1&timestamp=2", content_type="application/x-www-form-urlencoded")

    assert (multipart.status_code, urlencoded.status_code) == (400, 400)
    assert not InboundEvent.objects.exists()


def test_an_oversized_delivery_is_refused(client: Client) -> None:
    raw = fb_raw(text="x" * 300_000)

    assert post_fb(client, raw).status_code == 413
    assert not InboundEvent.objects.exists()


def test_the_webhooks_need_no_csrf_token_and_are_throttled(settings: Any) -> None:
    settings.CHANNEL_WEBHOOK_RATE = "3/minute"
    client = Client(enforce_csrf_checks=True)

    statuses = [post_fb(client, fb_raw(mid=f"m_{n}")).status_code for n in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert InboundEvent.objects.count() == 3


# -------------------------------------------------------------------------------------------------- Zalo


def test_a_signed_zalo_message_is_stored_raw_and_answered_without_processing(client: Client) -> None:
    raw = zalo_raw()

    response = post_zalo(client, raw)

    assert response.status_code == 200
    event = InboundEvent.objects.get()
    assert event.channel == "zalo" and event.external_id == f"{OA_ID}:96d3a1"
    assert event.payload == json.loads(raw) and event.handled_at is None
    assert not Draft.objects.exists()


def test_a_zalo_signature_without_the_mac_prefix_is_accepted(client: Client) -> None:
    raw = zalo_raw()
    mac = samples.zalo_headers(raw, secret_key=ZALO_SECRET)["X-ZEvent-Signature"].removeprefix("mac=")

    assert post_zalo(client, raw, headers={"X-ZEvent-Signature": mac}).status_code == 200


def test_a_zalo_signature_is_a_plain_sha256_keyed_with_the_oa_secret(client: Client) -> None:
    import hashlib

    raw = zalo_raw()
    event = json.loads(raw)
    mac = hashlib.sha256(f"{ZALO_APP_ID}{raw.decode()}{event['timestamp']}{ZALO_SECRET}".encode()).hexdigest()

    assert post_zalo(client, raw, headers={"X-ZEvent-Signature": f"mac={mac}"}).status_code == 200


def test_tampered_forged_and_foreign_zalo_events_are_refused(client: Client) -> None:
    raw = zalo_raw()
    signed = samples.zalo_headers(raw, secret_key=ZALO_SECRET)

    tampered = post_zalo(client, raw.replace(b"96d3a1", b"96d3a2"), headers=signed)
    forged = post_zalo(client, raw, secret="guessed")
    unsigned = post_zalo(client, raw, headers={})
    unknown_oa = post_zalo(client, zalo_raw(oa_id="1111111111111111111"))
    other_app = post_zalo(client, zalo_raw(app_id="1234"))

    assert [r.status_code for r in (tampered, forged, unsigned, unknown_oa, other_app)] == [403] * 5
    assert not InboundEvent.objects.exists()


def test_a_replayed_zalo_event_is_stored_once_and_an_old_one_refused(client: Client) -> None:
    raw = zalo_raw(msg_id="msg-once")

    statuses = [post_zalo(client, raw).status_code for _ in range(2)]
    old = post_zalo(client, zalo_raw(msg_id="msg-old", at=timezone.now() - datetime.timedelta(days=3)))

    assert statuses == [200, 200]
    assert old.status_code == 403
    assert list(InboundEvent.objects.values_list("external_id", flat=True)) == [f"{OA_ID}:msg-once"]


@pytest.mark.parametrize("raw", [b"", b"{", b"[1]", b'{"recipient":{"id":"4318492746190812345"}}'])
def test_zalo_garbage_is_refused_without_a_5xx(client: Client, raw: bytes) -> None:
    response = post_zalo(client, raw, headers={"X-ZEvent-Signature": "mac=00"})

    assert response.status_code in (400, 403)
    assert not InboundEvent.objects.exists()


def test_zalo_webhook_answers_only_post(client: Client) -> None:
    assert client.get(ZALO_URL).status_code == 405


def test_pages_and_oas_are_configured_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from config.settings import env_accounts

    monkeypatch.setenv("FACEBOOK_PAGE_IDS", "111, 222")
    monkeypatch.setenv("FACEBOOK_PAGE_111_APP_SECRET", "s1")
    monkeypatch.setenv("FACEBOOK_PAGE_222_UNIT", "phuong-dong-ha")

    pages = env_accounts("FACEBOOK_PAGE", ("APP_SECRET", "UNIT"))

    assert pages == {"111": {"app_secret": "s1", "unit": ""}, "222": {"app_secret": "", "unit": "phuong-dong-ha"}}
