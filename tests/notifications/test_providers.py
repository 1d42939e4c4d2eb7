"""Zalo OA, Facebook, an SMS gateway and ZNS, each against a fake HTTP provider on a loopback port: what the
provider receives, retries with backoff, fallbacks along the address chain, and nothing lost or sent twice."""

from __future__ import annotations

import datetime
import logging

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import Petition
from cases.services import _create_petition
from notifications import services
from notifications.models import Message, MessageKind, MessageState
from tests.notifications.conftest import FACEBOOK_OK, SMS_OK, ZALO_OK, ZNS_OK

ZALO_USER = "3216904426693862293"
PSID = "6654321098765432"


def petition_from(org, *, channel="portal", origin="", last_at=None, email="", phone="0912 345 678", kind="reflection"):
    with transaction.atomic():
        return _create_petition(
            petition_type=kind,
            channel=channel,
            title="Đèn đường hỏng trên đường Lê Duẩn",
            content="Ba cột đèn trước số 120 Lê Duẩn không sáng đã hai tuần.",
            commune=org.dong_ha,
            unit=org.dong_ha,
            petitioner_name="Nguyễn Văn An",
            petitioner_phone=phone,
            petitioner_email=email,
            origin_address=origin,
            origin_last_message_at=last_at,
        ).petition


def requests_to(provider, path):
    return [request for request in provider.requests if request.path == path]


@pytest.fixture
def worker_only(settings):
    settings.NOTIFICATIONS_SEND_ON_COMMIT = False


def test_a_petition_from_zalo_is_acknowledged_in_zalo_and_the_case_page_shows_the_delivery(
    org, processes, real_adapters, worker_only, client_for
):
    # given a petition that came from a Zalo user
    real_adapters.script["/zalo/v3.0/oa/message/cs"] = [ZALO_OK]
    petition = petition_from(org, channel="zalo", origin=ZALO_USER, email="an.nguyen@example.vn")

    # when the worker runs
    assert services.deliver_all().sent == 1

    # then the OA's customer-care message went to that user, with the tracking code and the status link
    [request] = requests_to(real_adapters, "/zalo/v3.0/oa/message/cs")
    assert request.headers["access_token"] == "oa-token"
    assert request.body["recipient"] == {"user_id": ZALO_USER}
    text = request.body["message"]["text"]
    assert text.startswith(f"[{petition.tracking_code}] Đã nhận đơn của ông/bà")
    assert text.endswith(f"/track/{petition.tracking_code}/") and "tiêu đề" not in text  # no mail signature
    assert mail.outbox == []  # the first address took it
    message = Message.objects.get()
    assert (message.state, message.adapter, message.provider_message_id) == (MessageState.SENT, "zalo", "zmsg-1")

    # and an official sees on the case page what went out, how, and the provider's id — not the address
    page = client_for("alice").get(reverse("cases:case", args=[petition.pk])).content.decode()
    section = page[page.index('id="outgoing-messages"') :]
    assert "Xác nhận đã nhận đơn" in section and "zalo" in section and "zmsg-1" in section and "Đã gửi" in section
    assert ZALO_USER not in page


def test_an_sms_gateway_that_fails_three_times_then_succeeds_delivers_exactly_once(
    org, processes, real_adapters, worker_only, settings
):
    # given a petitioner with a phone only, and an SMS gateway that is down for its first three calls
    real_adapters.script["/sms"] = [(503, {"error": "down"})] * 3 + [SMS_OK]
    real_adapters.script["/zns/message/template"] = [ZNS_OK]
    with time_machine.travel(timezone.now(), tick=False) as clock:
        petition = petition_from(org)
        message = Message.objects.get()
        Message.objects.filter(pk=message.pk).update(kind=MessageKind.ACCEPTANCE)  # no ZNS template for this kind

        # when the worker retries after each backoff (30 s, 1 min, 2 min)
        waits = []
        for _ in range(4):
            services.deliver_all()
            message.refresh_from_db()
            if message.state == MessageState.SENT:
                break
            waits.append((message.next_attempt_at - timezone.now()).total_seconds())
            assert services.deliver_all().claimed == 0  # nothing is retried before its time
            clock.shift(message.next_attempt_at - timezone.now())

    # then the gateway was called four times with the same RequestId, and delivered the SMS once
    assert waits == [30, 60, 120]
    calls = requests_to(real_adapters, "/sms")
    assert len(calls) == 4 and {call.body["RequestId"] for call in calls} == {message.idempotency_key}
    assert len(real_adapters.delivered) == 1
    sms = calls[-1].body
    assert sms["Phone"] == "84912345678" and sms["SmsType"] == "2" and sms["IsUnicode"] == "0"
    code = petition.tracking_code
    assert sms["Content"] == f"[{code}] Da nhan don cua ong/ba {settings.SITE_URL}/track/{code}/"  # no diacritics
    assert (message.state, message.adapter, message.provider_message_id) == (MessageState.SENT, "sms", "sms-1")
    assert message.attempts == 4 and message.given_up == ["zns: no approved ZNS template for acceptance"]


def test_a_provider_answering_garbage_is_retried_with_the_reason_logged(
    org, processes, real_adapters, worker_only, caplog
):
    # given a ZNS endpoint behind a proxy that first answers an HTML error page with status 200
    caplog.set_level(logging.INFO)
    real_adapters.script["/zns/message/template"] = [(200, b"<html><body>Bad gateway</body></html>"), ZNS_OK]
    with time_machine.travel(timezone.now(), tick=False) as clock:
        petition = petition_from(org)

        # when the worker sends the acknowledgement
        services.deliver_all()
        message = Message.objects.get()

        # then it is kept for a retry with the reason, logged without the phone number
        assert message.state == MessageState.PENDING
        assert (
            message.last_error
            == "zns: garbage response: HTTP 200, 37 bytes, not JSON: <html><body>Bad gateway</body></html>"
        )
        assert "garbage response" in caplog.text and "0912" not in caplog.text and "84912" not in caplog.text

        # and the next attempt delivers it, once, with its idempotency key as ZNS's tracking id
        clock.shift(datetime.timedelta(seconds=31))
        services.deliver_all()
    message.refresh_from_db()
    assert (message.state, message.adapter, message.provider_message_id) == (MessageState.SENT, "zns", "zns-1")
    last = requests_to(real_adapters, "/zns/message/template")[-1]
    assert last.headers["access_token"] == "oa-token"
    assert last.body["template_id"] == "2301" and last.body["phone"] == "84912345678"
    assert last.body["tracking_id"] == message.idempotency_key
    assert last.body["template_data"] == {
        "ma_ho_so": petition.tracking_code,
        "duong_dan": message.link,
    }
    assert len(real_adapters.delivered) == 1


def test_facebook_within_24_hours_of_the_citizens_message_answers_in_messenger(
    org, processes, real_adapters, worker_only
):
    real_adapters.script["/graph/1122/messages"] = [FACEBOOK_OK]
    petition = petition_from(
        org, channel="facebook", origin=PSID, last_at=timezone.now() - datetime.timedelta(hours=23), email="an@x.vn"
    )

    services.deliver_all()

    [request] = requests_to(real_adapters, "/graph/1122/messages")
    assert request.body["recipient"] == {"id": PSID} and request.body["messaging_type"] == "RESPONSE"
    assert request.body["access_token"] == "page-token"
    assert request.body["message"]["text"].startswith(f"[{petition.tracking_code}]")
    assert Message.objects.get().adapter == "facebook" and mail.outbox == []


def test_facebook_outside_24_hours_falls_back_to_email(org, processes, real_adapters, worker_only):
    # given a petition from Messenger whose author last wrote 25 hours ago
    real_adapters.script["/graph/1122/messages"] = [FACEBOOK_OK]
    petition = petition_from(
        org,
        channel="facebook",
        origin=PSID,
        last_at=timezone.now() - datetime.timedelta(hours=25),
        email="an.nguyen@example.vn",
    )

    # when the acknowledgement is sent
    services.deliver_all()

    # then Messenger is not called (a free-form message outside the window would be refused) and e-mail takes it
    assert requests_to(real_adapters, "/graph/1122/messages") == []
    [sent] = mail.outbox
    assert sent.to == ["an.nguyen@example.vn"] and sent.subject.startswith(f"[{petition.tracking_code}]")
    message = Message.objects.get()
    assert (message.state, message.adapter) == (MessageState.SENT, "email")
    assert message.given_up == ["facebook: outside Facebook's 24-hour window"]


def test_a_worker_that_dies_between_the_send_and_its_record_loses_nothing_and_the_gateway_dedups(
    org, processes, real_adapters, worker_only, monkeypatch
):
    class Crash(BaseException):
        pass

    # given a worker that dies right after the gateway accepted the SMS, before writing it down
    real_adapters.script["/sms"] = [SMS_OK]
    real_record = services._record

    def record_or_die(message, **fields):
        if fields.get("state") == MessageState.SENT:
            raise Crash
        real_record(message, **fields)

    with time_machine.travel(timezone.now(), tick=False) as clock:
        petition_from(org, phone="0912 345 678")
        Message.objects.update(kind=MessageKind.ACCEPTANCE)  # no ZNS template: straight to SMS
        monkeypatch.setattr(services, "_record", record_or_die)
        with pytest.raises(Crash):
            services.deliver_all()
        monkeypatch.setattr(services, "_record", real_record)
        message = Message.objects.get()
        assert message.state == MessageState.SENDING

        # when another worker runs before, then after the dead worker's lease
        assert services.deliver_all().claimed == 0
        clock.shift(services.LEASE + datetime.timedelta(seconds=1))
        assert services.deliver_all().sent == 1

    # then the row is sent, retried with the same RequestId, and the gateway delivered one SMS
    message.refresh_from_db()
    assert message.state == MessageState.SENT and message.attempts == 2
    calls = requests_to(real_adapters, "/sms")
    assert len(calls) == 2 and calls[0].body["RequestId"] == calls[1].body["RequestId"]
    assert len(real_adapters.delivered) == 1


def test_a_providers_error_never_keeps_a_denouncers_phone_and_scrubs_anyone_elses(
    org, processes, real_adapters, worker_only, caplog
):
    # given a gateway whose error quotes the phone number, for a denouncer and for another petitioner
    caplog.set_level(logging.DEBUG)
    real_adapters.script["/sms"] = [(200, {"CodeResult": "99", "ErrorMessage": "Phone 84909888777 is blocked"})]
    denouncer = petition_from(org, kind="denunciation", phone="0909 888 777")
    other = petition_from(org, phone="0909 888 777")
    Message.objects.update(kind=MessageKind.ACCEPTANCE)

    services.deliver_all()

    # then the denouncer's row keeps only our reason, the other's has the provider's words without the number
    sealed = Message.objects.get(object_id=str(denouncer.pk))
    assert sealed.sealed and sealed.last_error == "sms: SMS gateway error 99"
    plain = Message.objects.get(object_id=str(other.pk))
    assert plain.last_error == "sms: SMS gateway error 99: Phone … is blocked"
    assert "909888777" not in caplog.text
    assert Petition.objects.count() == 2


def test_a_citizen_writing_again_on_messenger_reopens_the_window_for_what_still_waits(
    org, processes, real_adapters, worker_only
):
    # given an acknowledgement waiting for a provider, from a citizen who last wrote 25 hours ago
    real_adapters.script["/graph/1122/messages"] = [FACEBOOK_OK]
    old = timezone.now() - datetime.timedelta(hours=25)
    petition = petition_from(org, channel="facebook", origin=PSID, last_at=old, email="an.nguyen@example.vn")

    # when they write again on Messenger before it is sent
    assert services.note_inbound(about=petition, adapter="facebook", at=timezone.now()) == 1
    services.deliver_all()

    # then it goes to Messenger, not to e-mail
    assert len(requests_to(real_adapters, "/graph/1122/messages")) == 1 and mail.outbox == []
    assert Message.objects.get().adapter == "facebook"
