"""The outbox itself: a row per message written with the event (or not at all), claimed by one worker only,
retried, given up along its chain, and what petitioners and commenters are told at each event."""

from __future__ import annotations

import datetime
import threading
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from cases.models import Petition
from cases.services import submit_petition
from notifications import adapters, services
from notifications.models import Message, MessageKind, MessageState
from notifications.services import Address, enqueue
from tests.processes.steps import do
from workflows.services import resume_case, suspend_case

LOCMEM = (Address("locmem", "an@example.vn"),)


def queue(key: str = "test:1", addresses=LOCMEM, **extra) -> Message | None:
    return enqueue(
        key=key,
        kind=extra.pop("kind", MessageKind.ACKNOWLEDGEMENT),
        about=None,
        addresses=list(addresses),
        subject="Đã nhận đơn",
        body="Nội dung.",
        **extra,
    )


@pytest.fixture
def locmem(settings):
    settings.NOTIFICATION_ADAPTERS = {
        "locmem": {"BACKEND": "locmem"},
        "email": {"BACKEND": "email"},
        "broken": {"BACKEND": "tests.notifications.test_outbox.DownAdapter"},
    }
    settings.NOTIFICATIONS_SEND_ON_COMMIT = False


class DownAdapter(adapters.Adapter):
    def send(self, message):
        raise adapters.Temporary("HTTP 503")


def test_a_rolled_back_submission_leaves_no_message_and_sends_nothing(
    org, processes, django_capture_on_commit_callbacks
):
    # given a submission whose transaction fails after the petition (and its acknowledgement) were written
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        submit_petition(
            petition_type="reflection",
            title="Đèn đường hỏng",
            content="Ba cột đèn không sáng.",
            commune=org.dong_ha,
            petitioner_name="Nguyễn Văn An",
            petitioner_email="an.nguyen@example.vn",
        )
        assert Message.objects.count() == 1
        raise RuntimeError("the request failed")

    # then nothing is left to send, and nothing was sent
    assert Petition.objects.count() == 0 and Message.objects.count() == 0
    assert mail.outbox == []


def test_the_same_event_queued_twice_is_one_message(db, locmem):
    first = queue("petition:1:answer:7")
    again = queue("petition:1:answer:7")
    assert first is not None and again is not None and first.pk == again.pk
    assert Message.objects.count() == 1
    assert queue("petition:1:answer:8", addresses=()) is None  # nobody to tell: no row


def test_a_worker_never_takes_a_row_another_worker_has_claimed(db, locmem):
    # given two workers that both saw the same due rows
    for number in range(3):
        queue(f"test:{number}")
    now = timezone.now()
    seen_by_a = services.due_ids(now=now)
    seen_by_b = services.due_ids(now=now)
    assert seen_by_a == seen_by_b and len(seen_by_a) == 3

    # when the first claims them, then the second tries with what it saw
    taken_by_a = services.take(seen_by_a, now=now)
    taken_by_b = services.take(seen_by_b, now=now)

    # then the second gets none of them
    assert len(taken_by_a) == 3 and taken_by_b == []
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.SENDING}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps what other tests' rollbacks restore
def test_two_workers_racing_send_each_message_exactly_once(settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent workers need PostgreSQL (SQLite runs one writer at a time)")
    settings.NOTIFICATION_ADAPTERS = {"locmem": {"BACKEND": "locmem"}}
    settings.NOTIFICATIONS_SEND_ON_COMMIT = False
    for number in range(200):
        queue(f"race:{number}")
    barrier = threading.Barrier(4)
    results: list[services.DeliveryResult] = []

    def work() -> None:
        try:
            barrier.wait()
            results.append(services.deliver_all(limit=7))
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    sent = [message.idempotency_key for _name, message in adapters.outbox]
    assert len(sent) == 200 and len(set(sent)) == 200
    assert sum(result.sent for result in results) == 200
    assert all(result.sent for result in results) or len(results) == 4
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.SENT}


def test_a_message_whose_every_address_fails_is_kept_as_failed_with_the_reasons(db, locmem, settings):
    # given a message to a provider that stays down, then to a channel that is not configured
    settings.NOTIFICATIONS_MAX_ATTEMPTS_PER_ADDRESS = 2
    message = queue(addresses=[Address("broken", "0912345678"), Address("zalo", "123456789")])
    assert message is not None
    with time_machine.travel(timezone.now(), tick=False) as clock:
        services.deliver_all()
        clock.shift(datetime.timedelta(seconds=31))
        result = services.deliver_all()

    # then it is failed, never lost, with why each address was given up
    assert result.failed == 1
    message.refresh_from_db()
    assert message.state == MessageState.FAILED and message.attempts == 2
    assert message.given_up == ["broken: HTTP 503 (×2)", "zalo: zalo is not configured"]
    assert "0912345678" not in message.last_error


def test_run_outbox_once_sends_what_is_due(db, locmem):
    queue("a:1")
    queue("a:2", not_before=timezone.now() + datetime.timedelta(hours=1))
    out = StringIO()
    call_command("run_outbox", "--once", stdout=out)
    assert out.getvalue() == "notifications: 1 sent, 0 to retry, 0 failed (of 1 claimed)\n"
    assert [message.idempotency_key for _name, message in adapters.outbox] == ["a:1"]


def test_a_petitioner_hears_when_the_due_date_is_suspended_then_moved(submit, org, client_for):
    # given a petition in its first step
    code = submit()["tracking_code"]
    petition = Petition.objects.get(tracking_code=code)

    # when its leader stops the clock, then resumes it
    suspend_case(instance=petition.workflow, user=org.carol, reason="Chờ kết quả giám định")
    resume_case(instance=petition.workflow, user=org.carol, reason="Đã có kết quả giám định")

    # then the petitioner is told of each change, with the public explanation
    changes = Message.objects.filter(kind=MessageKind.DUE_DATE_CHANGE).order_by("pk")
    assert [m.subject for m in changes] == [
        "Tạm dừng tính thời hạn giải quyết",
        "Tiếp tục giải quyết, thời hạn mới",
    ]
    assert "Lý do: Chờ kết quả giám định" in changes[0].text
    assert "hạn mới" in changes[1].text and all(m.reference == code for m in changes)
    assert [m.adapters for m in changes] == [["email", "zns", "sms"]] * 2


def test_after_the_answer_the_petitioner_is_asked_to_rate_a_day_later(
    submit, client_for, settings, django_capture_on_commit_callbacks
):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        # given a petition answered
        with django_capture_on_commit_callbacks(execute=True):
            code = submit()["tracking_code"]
            do(client_for("alice"), "classify", {"decision": "accept"})
            do(client_for("carol"), "assign", {"handler": "bob"})
            do(client_for("bob"), "draft_answer", {"answer": "Đã thay bóng đèn ngày 20/11."})
            do(client_for("carol"), "approve", {"approval": "approve"})

        # then the answer is sent at once, with the official's words
        subjects = [m.subject for m in mail.outbox]
        assert subjects == [
            f"[{code}] Đã nhận đơn của ông/bà",
            f"[{code}] Thông báo thụ lý đơn",
            f"[{code}] Trả lời đơn",
            f"[{code}] Văn bản trả lời số 01/UBND",  # the signed answer, as a document (documents/)
        ]
        assert "Đã thay bóng đèn ngày 20/11." in mail.outbox[2].body
        rating = Message.objects.get(kind=MessageKind.RATING_REQUEST)
        assert rating.state == MessageState.PENDING
        assert rating.next_attempt_at == timezone.now() + settings.NOTIFICATIONS_RATING_DELAY

        # and the request to rate a day later
        clock.shift(settings.NOTIFICATIONS_RATING_DELAY)
        services.deliver_all()
    assert mail.outbox[-1].subject == f"[{code}] Mời ông/bà đánh giá việc giải quyết đơn"
    rating_mail = mail.outbox[-1]
    assert isinstance(rating_mail, EmailMultiAlternatives)
    assert "Đánh giá việc giải quyết" in str(rating_mail.alternatives[0][0])


def test_the_admin_lists_messages_without_their_addresses_and_queues_a_failed_one_again(admin_client, db, locmem):
    # given a message that could not be delivered
    message = queue(addresses=[Address("zalo", "3216904426693862293")])
    assert message is not None
    services.deliver_all()
    message.refresh_from_db()
    assert message.state == MessageState.FAILED

    # then the admin shows it, its chain of channels and its reasons, never the address
    listing = admin_client.get("/admin/notifications/message/")
    page = admin_client.get(f"/admin/notifications/message/{message.pk}/change/")
    assert listing.status_code == page.status_code == 200
    assert "zalo: zalo is not configured" in page.content.decode()
    assert "3216904426693862293" not in page.content.decode()

    # and "send again" puts it back at the start of its chain
    response = admin_client.post(
        "/admin/notifications/message/", {"action": "send_again", "_selected_action": [message.pk]}
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.state, message.address_index, message.given_up) == (MessageState.PENDING, 0, [])


def test_a_worker_slowed_by_its_providers_gives_back_what_it_cannot_send_within_its_lease(db, locmem, monkeypatch):
    # given a batch of three messages and a provider so slow that the first send uses half the lease
    for number in range(3):
        queue(f"slow:{number}")
    clock = iter([0.0, 0.0, services.LEASE.total_seconds(), services.LEASE.total_seconds()])
    monkeypatch.setattr(services, "monotonic", lambda: next(clock))

    # when the worker runs one batch
    result = services.deliver(limit=10)

    # then it sent the first and gave the others back, unclaimed and due, for any worker
    assert (result.claimed, result.sent) == (1, 1)
    states = dict(Message.objects.values_list("idempotency_key", "state"))
    assert states == {"slow:0": MessageState.SENT, "slow:1": MessageState.PENDING, "slow:2": MessageState.PENDING}
    assert set(Message.objects.filter(state=MessageState.PENDING).values_list("attempts", "claim")) == {(0, "")}
