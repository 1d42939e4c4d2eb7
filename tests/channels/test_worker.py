"""The worker behind the webhooks (`manage.py run_channel_events`): a stored event becomes one message of the
reception queue — a person's messages join their open draft, their files are fetched from the platform (a local
fake here) and checked like portal uploads, a message about a case in progress is recorded on it — exactly once,
whatever fails on the way."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from cases.models import PetitionStatus
from cases.selectors import public_status
from channels import samples, social
from channels.models import Draft, DraftStatus, InboundEvent
from channels.services import confirm_draft
from channels.social import run_events
from tests.channels.conftest import FB_APP_SECRET, OA_ID, PAGE_ID, ZALO_APP_ID, ZALO_SECRET
from tests.channels.platform_fake import FakePlatform
from tests.conftest import Org
from workflows.models import CaseEvent

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
PSID = "6012345678901234"
ZALO_USER = "3216904426693862293"


def send_facebook(client: Client, *, mid: str, text: str = "", sender: str = PSID, **kw: Any) -> None:
    at = kw.pop("at", timezone.now())
    event = samples.facebook_event(page_id=PAGE_ID, sender_id=sender, mid=mid, at=at, text=text, **kw)
    raw = samples.body(event)
    response = client.post(
        "/webhooks/facebook/",
        raw,
        content_type="application/json",
        headers=samples.facebook_headers(raw, app_secret=FB_APP_SECRET),
    )
    assert response.status_code == 200


def send_zalo(client: Client, *, msg_id: str, text: str = "", **kw: Any) -> None:
    at = kw.pop("at", timezone.now())
    event = samples.zalo_event(
        app_id=ZALO_APP_ID, oa_id=OA_ID, sender_id=ZALO_USER, msg_id=msg_id, at=at, text=text, **kw
    )
    raw = samples.body(event)
    response = client.post(
        "/webhooks/zalo/",
        raw,
        content_type="application/json",
        headers=samples.zalo_headers(raw, secret_key=ZALO_SECRET),
    )
    assert response.status_code == 200


def later(minutes: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=minutes)


def test_an_event_stored_while_the_worker_is_down_becomes_one_draft_when_it_runs(client: Client) -> None:
    sent_at = timezone.now().replace(microsecond=0)
    send_zalo(client, msg_id="z1", text="Đèn đường trước số 12 Lê Lợi không sáng", at=sent_at)
    assert not Draft.objects.exists()  # the worker is down: the event waits, stored

    result = run_events()

    assert (result.handled, result.failed) == (1, 0)
    draft = Draft.objects.get()
    assert draft.channel == "zalo" and draft.status == DraftStatus.OPEN
    assert draft.sender_address == f"{OA_ID}:{ZALO_USER}"
    assert draft.text == "Đèn đường trước số 12 Lê Lợi không sáng"
    assert draft.received_at == sent_at  # the legal clock runs from the citizen's message, not from the worker
    event = InboundEvent.objects.get()
    assert event.handled_at is not None and (event.outcome, event.draft) == ("draft", draft)
    assert run_events().handled == 0  # nothing twice


def test_two_messages_from_the_same_person_make_one_draft_another_person_another(client: Client) -> None:
    send_facebook(client, mid="m_1", text="Rác chất đống ở đầu hẻm 42")
    send_facebook(client, mid="m_2", text="Đã ba ngày chưa ai dọn")
    send_facebook(client, mid="m_3", text="Cây đổ chắn đường", sender="6099999999999999")

    run_events()

    mine = Draft.objects.get(sender_address=f"{PAGE_ID}:{PSID}")
    assert mine.text == "Rác chất đống ở đầu hẻm 42\n\nĐã ba ngày chưa ai dọn"
    assert mine.message_ids == ["m_1", "m_2"]
    assert Draft.objects.count() == 2


def test_a_draft_from_a_units_page_waits_for_that_units_reception_officers(
    client: Client, org: Org, settings: Any
) -> None:
    settings.ZALO_OAS[OA_ID]["unit"] = org.dong_ha.code

    send_zalo(client, msg_id="z-unit", text="Vỉa hè bị lấn chiếm")
    run_events()

    assert Draft.objects.get().unit == org.dong_ha


def test_a_file_is_fetched_by_the_worker_from_the_platform_and_attached(client: Client, platform: FakePlatform) -> None:
    url = platform.serve("/zdn/anh-hien-truong.png", PNG, content_type="image/png")
    send_zalo(client, msg_id="z-img", text="Ảnh hiện trường", attachments=[{"type": "image", "payload": {"url": url}}])
    assert platform.requests == []  # not in the webhook's request

    run_events()

    attachment = Draft.objects.get().attachments.get()
    assert attachment.name == "anh-hien-truong.png" and attachment.content_type == "image/png"
    assert attachment.file.read() == PNG
    assert platform.requests == ["/zdn/anh-hien-truong.png"]


def test_a_failing_file_fetch_is_retried_later_and_the_draft_is_not_duplicated(
    client: Client, platform: FakePlatform
) -> None:
    send_facebook(client, mid="m_1", text="Nắp cống bị vỡ")
    run_events()
    url = platform.serve("/fbcdn/nap-cong.png", PNG, content_type="image/png", fail_times=1)
    send_facebook(client, mid="m_2", text="Ảnh đây", attachments=[{"type": "image", "payload": {"url": url}}])

    failed = run_events()

    assert (failed.handled, failed.failed) == (0, 1)
    event = InboundEvent.objects.get(external_id=f"{PAGE_ID}:m_2")
    assert event.handled_at is None and event.attempts == 1 and "503" in event.last_error
    assert event.next_attempt_at > timezone.now()  # a backoff, not a busy loop
    assert Draft.objects.get().text == "Nắp cống bị vỡ"

    assert run_events().handled == 0  # not due yet
    retried = run_events(now=later(2))

    assert retried.handled == 1
    draft = Draft.objects.get()
    assert draft.text == "Nắp cống bị vỡ\n\nẢnh đây"
    assert [a.file.read() for a in draft.attachments.all()] == [PNG]
    assert platform.requests == ["/fbcdn/nap-cong.png"] * 2


def test_a_file_the_platform_never_gives_is_left_out_after_the_last_try_and_the_message_kept(
    client: Client, platform: FakePlatform
) -> None:
    url = platform.url("/gone.pdf")  # 404 every time
    send_zalo(client, msg_id="z-gone", text="Đơn kèm theo", attachments=[{"type": "file", "payload": {"url": url}}])

    for minutes in range(social.FILE_ATTEMPTS):
        run_events(now=later(120 * minutes))

    draft = Draft.objects.get()
    assert draft.text == "Đơn kèm theo" and not draft.attachments.exists()
    assert draft.refused_files[0].startswith("Tệp «gone.pdf» không tải được sau 5 lần thử")  # the officer sees it
    event = InboundEvent.objects.get()
    assert event.handled_at is not None and event.note == draft.refused_files[0]


@pytest.mark.parametrize(
    ("path", "content", "why"),
    [
        ("/big.pdf", b"%PDF-1.4\n" + b"0" * 1024 * 1024, "Tệp «big.pdf» không được nhận: lớn hơn 1 MB"),
        ("/script.pdf", b"#!/bin/sh\nrm -rf /\n", "Tệp «script.pdf» không được nhận: «script.pdf» không phải tệp"),
    ],
)
def test_a_file_too_large_or_not_allowed_is_refused_and_the_message_kept(
    client: Client, platform: FakePlatform, settings: Any, path: str, content: bytes, why: str
) -> None:
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    url = platform.serve(path, content)
    send_zalo(client, msg_id="z-file", text="Tệp đính kèm", attachments=[{"type": "file", "payload": {"url": url}}])

    result = run_events()

    assert result.handled == 1
    draft = Draft.objects.get()
    assert draft.text == "Tệp đính kèm" and not draft.attachments.exists()
    assert draft.refused_files[0].startswith(why)
    assert InboundEvent.objects.get().note.startswith(why)


def test_files_are_fetched_only_from_the_platforms_hosts(client: Client, platform: FakePlatform, settings: Any) -> None:
    settings.CHANNEL_ATTACHMENT_HOSTS = ["fbcdn.net"]
    url = platform.serve("/internal-secret.pdf", b"%PDF-1.4\n")
    send_facebook(client, mid="m_ssrf", text="Xem tệp", attachments=[{"type": "file", "payload": {"url": url}}])

    run_events()

    assert platform.requests == []
    draft = Draft.objects.get()
    assert draft.text == "Xem tệp"
    assert draft.refused_files[0].startswith("Tệp «internal-secret.pdf» không được nhận: địa chỉ không thuộc nền tảng")


def test_a_crash_before_the_commit_loses_nothing_and_records_once(client: Client, monkeypatch: Any) -> None:
    send_facebook(client, mid="m_crash", text="Ổ gà giữa đường Hùng Vương")
    crashes = [RuntimeError("worker killed")]

    def crash_once() -> None:
        if crashes:
            raise crashes.pop()

    monkeypatch.setattr(social, "before_commit", crash_once)

    assert run_events().failed == 1
    assert not Draft.objects.exists()
    run_events(now=later(5))

    assert Draft.objects.get().message_ids == ["m_crash"]
    assert InboundEvent.objects.get().attempts == 2


def test_two_workers_holding_the_same_event_record_it_once(client: Client) -> None:
    send_facebook(client, mid="m_both", text="Nước sinh hoạt bị đục")
    event = InboundEvent.objects.get()
    slow = social._claim(event.pk, timezone.now())  # worker A claims, then stalls past its lease
    assert slow is not None
    assert social._claim(event.pk, timezone.now()) is None  # meanwhile nobody else may take it

    run_events(now=later(social.LEASE.total_seconds() / 60 + 1))  # worker B, after the lease
    social.handle_event(slow, social.RunResult(), now=timezone.now())  # A wakes up

    assert Draft.objects.get().message_ids == ["m_both"]


def test_echoes_and_receipts_are_stored_and_handled_but_make_no_draft(client: Client) -> None:
    echo = samples.facebook_event(page_id=PAGE_ID, sender_id=PAGE_ID, mid="m_echo", at=timezone.now(), text="Cảm ơn")
    echo["entry"][0]["messaging"][0]["message"]["is_echo"] = True
    follow = {
        "app_id": ZALO_APP_ID,
        "oa_id": OA_ID,
        "event_name": "follow",
        "timestamp": str(samples.millis(timezone.now())),
        "follower": {"id": ZALO_USER},
    }
    raw_echo, raw_follow = samples.body(echo), samples.body(follow)
    client.post(
        "/webhooks/facebook/",
        raw_echo,
        content_type="application/json",
        headers=samples.facebook_headers(raw_echo, app_secret=FB_APP_SECRET),
    )
    client.post(
        "/webhooks/zalo/",
        raw_follow,
        content_type="application/json",
        headers=samples.zalo_headers(raw_follow, secret_key=ZALO_SECRET),
    )

    result = run_events()

    assert (result.handled, result.ignored) == (0, 2)
    assert not Draft.objects.exists()
    assert not InboundEvent.objects.filter(handled_at__isnull=True).exists()


@pytest.fixture
def confirmed(org: Org, processes: None) -> Callable[[str], Any]:
    """A draft of `address` confirmed into a petition (as the reception queue's confirmation leaves it)."""

    def make(sender_address: str) -> Any:
        draft = Draft.objects.create(
            channel="facebook",
            sender_address=sender_address,
            text="Cống trước nhà số 5 bị tắc, nước tràn ra đường.",
            message_ids=["m_first"],
            received_at=timezone.now() - datetime.timedelta(hours=30),
            last_message_at=timezone.now() - datetime.timedelta(hours=30),
        )
        return confirm_draft(
            draft=draft,
            by=User.objects.get(username="alice"),
            petition_type="reflection",
            title="Cống thoát nước bị tắc",
            content=draft.text,
            commune=org.dong_ha,
            petitioner_name="Nguyễn Văn Bình",
        ).petition

    return make


def test_a_message_about_a_case_in_progress_is_recorded_on_it(
    client: Client, platform: FakePlatform, confirmed: Callable[[str], Any], settings: Any
) -> None:
    settings.NOTIFICATIONS_SEND_ON_COMMIT = False  # the acknowledgement waits for the outbox worker
    petition = confirmed(f"{PAGE_ID}:{PSID}")
    sent_at = timezone.now().replace(microsecond=0)
    url = platform.serve("/fbcdn/them-anh.png", PNG, content_type="image/png")
    send_facebook(
        client,
        mid="m_more",
        text="Nước đã tràn vào nhà tôi",
        at=sent_at,
        attachments=[{"type": "image", "payload": {"url": url}}],
    )

    run_events()

    assert Draft.objects.count() == 1  # no new draft
    assert (InboundEvent.objects.get().outcome, InboundEvent.objects.get().petition) == ("case_message", petition)
    note = CaseEvent.objects.get(instance_id=petition.workflow_id, kind="citizen_message")
    assert "Nước đã tràn vào nhà tôi" in note.summary
    petition.refresh_from_db()
    assert petition.origin_last_message_at == sent_at  # Facebook's 24-hour reply window counts from here
    assert [a.original_name for a in petition.attachments.all()] == ["them-anh.png"]
    history = [entry["text"] for entry in public_status(petition).history]
    assert "Người gửi đã bổ sung thông tin qua trang Facebook" in history
    assert not any("tràn vào nhà" in text for text in history)  # the content stays with the officials
    # and what still waits to be sent back on Messenger may use the window this message opened
    from notifications.models import Message

    waiting = [a for m in Message.objects.filter(state="pending") for a in m.addresses if a["adapter"] == "facebook"]
    assert waiting and all(a["last_inbound_at"] == sent_at.isoformat() for a in waiting)


def test_after_the_answer_a_new_message_starts_a_new_draft(client: Client, confirmed: Callable[[str], Any]) -> None:
    petition = confirmed(f"{PAGE_ID}:{PSID}")
    petition.status = PetitionStatus.ANSWERED
    petition.save(update_fields=["status"])

    send_facebook(client, mid="m_new", text="Hẻm 42 lại ngập")
    run_events()

    assert Draft.objects.filter(status=DraftStatus.OPEN).get().text == "Hẻm 42 lại ngập"
    assert not CaseEvent.objects.filter(kind="citizen_message").exists()


def test_the_command_runs_one_pass(client: Client, capsys: pytest.CaptureFixture[str]) -> None:
    send_zalo(client, msg_id="z-cmd", text="Xin hỏi lịch tiếp công dân")

    call_command("run_channel_events", "--once")

    assert "1 recorded, 0 ignored, 0 failed" in capsys.readouterr().out
    assert Draft.objects.get().text == "Xin hỏi lịch tiếp công dân"


def test_a_signed_event_in_a_shape_we_cannot_read_is_rejected_kept_and_not_retried(client: Client) -> None:
    event = samples.facebook_event(page_id=PAGE_ID, sender_id=PSID, mid="m_odd", at=timezone.now(), text="?")
    del event["entry"][0]["messaging"][0]["sender"]
    raw = samples.body(event)
    client.post(
        "/webhooks/facebook/",
        raw,
        content_type="application/json",
        headers=samples.facebook_headers(raw, app_secret=FB_APP_SECRET),
    )

    assert run_events().failed == 1

    stored = InboundEvent.objects.get()
    assert stored.outcome == "rejected" and "KeyError" in stored.note and stored.payload == event
    assert run_events(now=later(120)).failed == 0 and not Draft.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_running_at_once_record_every_message_once(client: Client) -> None:
    import threading

    from django.db import connection

    if connection.vendor == "sqlite":
        # The SQLite test database is in memory with a shared cache, whose table locks no busy timeout covers; the
        # product's SQLite file (WAL, IMMEDIATE transactions) is measured with a worker thread by bench/channels_webhooks.py.
        pytest.skip("concurrent workers: run on PostgreSQL (make test-postgres)")
    for n in range(30):
        send_facebook(client, mid=f"m_{n}", text=f"Tin {n}", sender=f"60{n % 3:014d}")
    results: list[social.RunResult] = []

    def worker() -> None:
        try:
            results.append(run_events(batch_size=5))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sum(result.handled for result in results) == 30 and not any(result.failed for result in results)
    recorded = [mid for draft in Draft.objects.all() for mid in draft.message_ids]
    assert sorted(recorded) == sorted(f"m_{n}" for n in range(30))
    assert Draft.objects.count() == 3
