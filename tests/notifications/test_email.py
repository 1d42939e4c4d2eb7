"""E-mail through a real SMTP server (aiosmtpd on a loopback port): what the citizen's mail client receives."""

from __future__ import annotations

import datetime
from io import StringIO

import time_machine
from django.core.management import call_command
from django.utils import timezone

from cases.models import Petition
from notifications.models import Message, MessageKind, MessageState
from tests.processes.steps import do

DOMAIN = "ubnd.test"


def run_outbox() -> str:
    out = StringIO()
    call_command("run_outbox", "--once", stdout=out)
    return out.getvalue()


def body_of(message, subtype: str) -> str:
    return message.get_body(preferencelist=(subtype,)).get_content()


def test_a_petitioner_gets_an_acknowledgement_then_the_acceptance_threaded_and_marked_automatic(
    smtp_server, submit, client_for, settings
):
    # given a petition sent from the portal, its messages waiting for the worker
    settings.NOTIFICATIONS_SEND_ON_COMMIT = False
    code = submit()["tracking_code"]
    assert smtp_server.received == []

    # when the worker runs, and again after the petition is accepted
    assert run_outbox().startswith("notifications: 1 sent, 0 to retry, 0 failed")
    do(client_for("alice"), "classify", {"decision": "accept"})
    run_outbox()

    # then the petitioner's mail server received both, in Vietnamese, with the tracking code in the subject
    [(to_ack, _), (to_accept, _)] = smtp_server.received
    assert to_ack == to_accept == ["an.nguyen@example.vn"]
    ack, accepted = smtp_server.messages()
    assert ack["Subject"].strip() == f"[{code}] Đã nhận đơn của ông/bà"
    assert accepted["Subject"].strip() == f"[{code}] Thông báo thụ lý đơn"
    status_link = f"{settings.SITE_URL}/track/{code}/"
    for part in ("plain", "html"):
        assert f"Mã tra cứu: {code}" in body_of(ack, part) and status_link in body_of(ack, part)
    assert "Phường Đông Hà đã thụ lý đơn" in body_of(accepted, "plain")
    # marked automatic (RFC 3834), so the citizen's auto-replies do not answer it
    assert (ack["Auto-Submitted"], accepted["Auto-Submitted"]) == ("auto-replied", "auto-generated")
    assert ack["X-Auto-Response-Suppress"] == accepted["X-Auto-Response-Suppress"] == "All"
    # one conversation: stable Message-IDs of the case, the acceptance answering the acknowledgement
    rows = {row.kind: row for row in Message.objects.all()}
    ack_id = f"<case-{code}.{rows[MessageKind.ACKNOWLEDGEMENT].pk}@{DOMAIN}>"
    assert ack["Message-ID"] == ack_id and ack["In-Reply-To"] is None
    assert accepted["Message-ID"] == f"<case-{code}.{rows[MessageKind.ACCEPTANCE].pk}@{DOMAIN}>"
    assert accepted["In-Reply-To"] == ack_id and accepted["References"] == ack_id
    # and the outbox keeps the delivery: state, channel, the Message-ID as the provider's id
    assert rows[MessageKind.ACKNOWLEDGEMENT].state == MessageState.SENT
    assert rows[MessageKind.ACKNOWLEDGEMENT].adapter == "email"
    assert rows[MessageKind.ACKNOWLEDGEMENT].provider_message_id == ack_id.strip("<>")


def test_a_petition_sent_from_the_english_portal_is_answered_in_english_to_the_end(
    smtp_server, public, org, processes, client_for, settings
):
    from tests.conftest import petition_payload

    # given a petition sent from the portal in English
    settings.NOTIFICATIONS_SEND_ON_COMMIT = False
    response = public.post("/api/v1/petitions", petition_payload(), format="json", HTTP_ACCEPT_LANGUAGE="en")
    code = response.json()["tracking_code"]

    # when it is acknowledged, then accepted by an official working in Vietnamese
    run_outbox()
    do(client_for("alice"), "classify", {"decision": "accept"})
    run_outbox()

    # then both messages are in English, text and HTML
    ack, accepted = smtp_server.messages()
    assert ack["Subject"].strip() == f"[{code}] We have received your petition"
    assert "Phường Đông Hà received your feedback «Đèn đường hỏng trên đường Lê Duẩn»" in body_of(ack, "plain")
    assert f"Tracking code: {code}" in body_of(ack, "plain")
    assert "Follow its progress" in body_of(ack, "html") and '<html lang="en">' in body_of(ack, "html")
    assert accepted["Subject"].strip() == f"[{code}] Notice of acceptance of your petition"
    assert "Phường Đông Hà has accepted petition" in body_of(accepted, "plain")
    assert set(Message.objects.values_list("language", flat=True)) == {"en"}


def test_a_reply_to_a_petition_that_came_by_email_joins_the_citizens_own_thread(
    smtp_server, submit, client_for, settings
):
    # given a petition that arrived by e-mail (the citizen's Message-ID kept as its origin)
    settings.NOTIFICATIONS_SEND_ON_COMMIT = False
    code = submit()["tracking_code"]
    Petition.objects.filter(tracking_code=code).update(channel="email", origin_address="<abc.123@mail.example.vn>")

    # when it is accepted
    do(client_for("alice"), "classify", {"decision": "accept"})
    run_outbox()

    # then the acceptance answers the citizen's mail and the case's first message
    accepted = smtp_server.messages()[-1]
    first = Message.objects.get(kind=MessageKind.ACKNOWLEDGEMENT)
    assert accepted["In-Reply-To"] == f"<case-{code}.{first.pk}@{DOMAIN}>"
    assert accepted["References"] == f"<abc.123@mail.example.vn> <case-{code}.{first.pk}@{DOMAIN}>"


def test_a_mail_server_that_refuses_the_address_hands_the_message_to_sms(smtp_server, submit, settings):
    from notifications import adapters

    # given a petitioner whose mailbox the mail server refuses
    settings.NOTIFICATIONS_SEND_ON_COMMIT = False
    smtp_server.refused.add("an.nguyen@example.vn")
    code = submit()["tracking_code"]

    # when the worker sends the acknowledgement
    run_outbox()

    # then it goes to the phone (ZNS has no template in memory either way: the first phone adapter takes it)
    message = Message.objects.get()
    assert (message.state, message.adapter) == (MessageState.SENT, "zns")
    assert message.given_up == ["email: recipient refused (550)"]
    assert "an.nguyen@example.vn" not in message.last_error
    assert [(name, sent.to, sent.reference) for name, sent in adapters.outbox] == [("zns", "0912 345 678", code)]
    assert smtp_server.received == []


def test_a_mail_server_that_is_down_delays_the_message_and_loses_nothing(smtp_server, submit, settings):
    # given a mail server that is down when the petition arrives
    settings.NOTIFICATIONS_SEND_ON_COMMIT = False
    up_port = smtp_server.port
    settings.EMAIL_PORT = 1  # nothing listens there
    with time_machine.travel(timezone.now(), tick=False) as clock:
        code = submit()["tracking_code"]
        run_outbox()
        message = Message.objects.get()
        assert (message.state, message.attempts, message.address_index) == (MessageState.PENDING, 1, 0)
        assert message.last_error.startswith("email: mail server unreachable")
        assert message.next_attempt_at == timezone.now() + datetime.timedelta(seconds=30)

        # when it is back after the backoff
        settings.EMAIL_PORT = up_port
        run_outbox()  # not yet due: nothing is sent early
        assert smtp_server.received == []
        clock.shift(datetime.timedelta(seconds=31))
        run_outbox()

    # then the acknowledgement is delivered, once
    assert [m["Subject"].strip() for m in smtp_server.messages()] == [f"[{code}] Đã nhận đơn của ông/bà"]
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.SENT, 2)


def test_a_citizens_reply_is_traced_back_to_its_case_by_the_message_id_it_answers(smtp_server, submit, settings):
    from notifications.selectors import message_for_email_id

    # given an acknowledgement received by the citizen
    settings.NOTIFICATIONS_SEND_ON_COMMIT = False
    code = submit()["tracking_code"]
    run_outbox()
    [ack] = smtp_server.messages()

    # when their reply refers to it, the outbox finds the petition it was about
    found = message_for_email_id(ack["Message-ID"])
    assert found is not None and found.about == Petition.objects.get(tracking_code=code)
    assert message_for_email_id(ack["Message-ID"].replace(DOMAIN, "elsewhere.test")) is None
    assert message_for_email_id("<CAF=abc@mail.gmail.com>") is None
