"""The official mailbox against a real IMAP server (Dovecot on a loopback port): each mail becomes one draft in the
reception queue, a message on its case, or is recorded as ignored or refused with the reason; the server is told
only after the database committed."""

from __future__ import annotations

import datetime
import threading
import time
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from cases import services as case_services
from cases.models import Channel, Petition
from channels import services
from channels.mailbox import PROCESSED_KEYWORD, MailboxConfig, MailboxReader, sync_once, watch
from channels.models import Draft, DraftStatus, EventOutcome, InboundEvent
from tests.channels import mails
from tests.conftest import PASSWORD
from workflows.models import CaseEvent

SEEN = b"\\Seen"


def logged_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def recently(days: int = 2) -> datetime.datetime:
    return (timezone.now() - datetime.timedelta(days=days)).replace(microsecond=0)


def test_a_vietnamese_mail_with_a_pdf_becomes_one_draft_with_its_subject_sender_and_file_decoded(db, mailbox):
    sent = recently()
    mailbox.deliver(mails.vietnamese(when=sent), when=sent)
    result = sync_once(mailbox.config)
    assert result.outcomes == {"draft": 1}
    draft = Draft.objects.get()
    assert draft.channel == Channel.EMAIL and draft.status == DraftStatus.OPEN
    assert draft.subject == mails.SUBJECT
    assert draft.sender_name == mails.SENDER_NAME and draft.sender_address == mails.SENDER
    assert draft.text == mails.TEXT
    assert draft.received_at == sent
    attachment = draft.attachments.get()
    assert attachment.name == mails.FILENAME and attachment.content_type == "application/pdf"
    assert attachment.file.read() == mails.PDF
    event = InboundEvent.objects.get()
    assert event.outcome == EventOutcome.DRAFT and event.draft == draft
    assert event.message_id == "<CAF=ank-001@mail.example.vn>"
    assert event.external_id.startswith("tiepnhan:") and event.external_id.endswith(":1")
    assert event.raw.read() == mails.vietnamese(when=sent)  # byte for byte
    assert mailbox.flags("INBOX") == {}  # moved out of the inbox…
    [flags] = mailbox.flags("Processed").values()  # …into the processed folder, seen and marked
    assert SEEN in flags and PROCESSED_KEYWORD in flags


def test_the_same_mail_twice_makes_one_draft(db, mailbox):
    raw = mails.vietnamese()
    mailbox.deliver(raw)
    mailbox.deliver(raw)  # delivered again: another UID, the same Message-ID
    assert sync_once(mailbox.config).outcomes == {"draft": 1, "duplicate": 1}
    mailbox.deliver(raw)
    assert sync_once(mailbox.config).outcomes == {"duplicate": 1}
    assert sync_once(mailbox.config).outcomes == {}  # nothing left to read
    assert Draft.objects.count() == 1


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (mails.out_of_office(), "Auto-Submitted: auto-replied"),
        (mails.delivery_failure(), "Auto-Submitted: auto-replied"),
        (mails.mailing_list(), "Precedence: list"),
    ],
    ids=["auto-reply", "bounce", "mailing-list"],
)
def test_auto_replies_bounces_and_mailing_lists_never_open_a_draft(db, mailbox, raw, reason):
    mailbox.deliver(raw)
    assert sync_once(mailbox.config).outcomes == {"ignored": 1}
    assert not Draft.objects.exists()
    event = InboundEvent.objects.get()
    assert event.outcome == EventOutcome.IGNORED and reason in event.note and event.handled_at is not None
    assert len(mailbox.flags("Processed")) == 1


@pytest.fixture
def case(org: Any, processes: None) -> Petition:
    return case_services.record_petition(
        recorded_by=org.alice,
        channel=Channel.EMAIL,
        petition_type="reflection",
        title="Đèn đường hỏng tại tổ 5",
        content="Ba cột đèn trên đường Lê Duẩn không sáng.",
        commune=org.dong_ha,
        petitioner_name=mails.SENDER_NAME,
        petitioner_email=mails.SENDER,
    ).petition


def _public_history(petition: Petition) -> str:
    return Client().get(f"/track/{petition.tracking_code}/").content.decode()


def test_a_citizens_reply_in_the_case_thread_joins_the_case_as_a_history_entry(db, mailbox, case):
    reply = mails.simple(
        subject=f"Re: Thông báo tiếp nhận đơn {case.tracking_code}",
        text="Tôi gửi thêm ảnh chụp cột đèn hỏng.",
        message_id="<reply-1@mail.example.vn>",
        headers=f"In-Reply-To: <case-{case.tracking_code}.1@ubnd.test>\r\n"
        f"References: <CAF=ank-001@mail.example.vn> <case-{case.tracking_code}.1@ubnd.test>\r\n",
    )
    mailbox.deliver(reply)
    assert sync_once(mailbox.config).outcomes == {"case_message": 1}
    assert not Draft.objects.exists()
    event = CaseEvent.objects.get(instance=case.workflow, kind="citizen_message")
    assert "Tôi gửi thêm ảnh chụp cột đèn hỏng." in event.summary
    assert "Người gửi đơn đã gửi thêm thông tin qua thư điện tử" in _public_history(case)
    case.refresh_from_db()
    assert case.origin_last_message_at is not None


def test_the_tracking_code_in_the_subject_joins_the_case_only_from_the_petitioners_address(db, mailbox, case):
    own = mails.simple(
        subject=f"[{case.tracking_code}] bổ sung", text="Bổ sung địa chỉ: trước số 120.", message_id="<s-1@e.vn>"
    )
    stranger = mails.simple(
        subject=f"[{case.tracking_code}] bổ sung",
        text="Tôi không phải người gửi đơn.",
        message_id="<s-2@e.vn>",
        sender="ke.la@example.vn",
    )
    mailbox.deliver(own)
    mailbox.deliver(stranger)
    assert sync_once(mailbox.config).outcomes == {"case_message": 1, "draft": 1}
    assert CaseEvent.objects.filter(instance=case.workflow, kind="citizen_message").count() == 1
    assert Draft.objects.get().sender_address == "ke.la@example.vn"


def test_an_html_only_mail_becomes_its_text_without_scripts(db, mailbox):
    mailbox.deliver(mails.html_only_with_script())
    sync_once(mailbox.config)
    draft = Draft.objects.get()
    assert draft.text == "Rác thải & nước bẩn tràn ra đường Hùng Vương.\n\nĐề nghị phường xử lý."
    assert "alert" not in draft.text and "evil" not in draft.text and "cookie" not in draft.text


def test_a_30_mb_attachment_is_refused_and_the_mail_kept_as_a_draft(db, mailbox, org):
    sent = recently()
    mailbox.deliver(mails.vietnamese(attachment=mails.PDF + b"0" * (30 * 1024 * 1024), when=sent), when=sent)
    assert sync_once(mailbox.config).outcomes == {"draft": 1}
    draft = Draft.objects.get()
    assert draft.text == mails.TEXT and not draft.attachments.exists()
    assert draft.refused_files == [f"«{mails.FILENAME}» lớn hơn 10 MB"]
    html = logged_in("alice").get(f"/reception/{draft.pk}/").content.decode()
    assert f"«{mails.FILENAME}» lớn hơn 10 MB" in html


def test_a_zip_bomb_is_refused_by_its_type_and_never_unpacked(db, mailbox):
    mailbox.deliver(mails.vietnamese(attachment=mails.zip_bomb(), filename="ho-so.zip"))
    sync_once(mailbox.config)
    draft = Draft.objects.get()
    assert not draft.attachments.exists()
    assert draft.refused_files == ["«ho-so.zip» không phải tệp được phép (docx, jpg, pdf, png)"]


def test_a_mail_over_the_size_limit_is_not_downloaded_and_stays_flagged(db, mailbox, settings):
    settings.CHANNEL_MAILBOX_MAX_MESSAGE_BYTES = 100_000
    mailbox.deliver(mails.vietnamese(attachment=mails.PDF + b"0" * 200_000))
    assert sync_once(mailbox.config).outcomes == {"rejected": 1}
    assert not Draft.objects.exists()
    event = InboundEvent.objects.get()
    assert event.outcome == EventOutcome.REJECTED and "not downloaded" in event.note
    assert not event.raw
    [flags] = mailbox.flags("INBOX").values()
    assert b"\\Flagged" in flags and SEEN in flags


def test_a_malformed_mail_is_refused_with_a_reason_and_the_next_mail_still_taken_in(db, mailbox):
    mailbox.deliver(mails.malformed())
    mailbox.deliver(mails.vietnamese())
    assert sync_once(mailbox.config).outcomes == {"rejected": 1, "draft": 1}
    rejected = InboundEvent.objects.get(outcome=EventOutcome.REJECTED)
    assert rejected.note == "malformed mail: broken MIME structure: StartBoundaryNotFoundDefect"
    assert rejected.raw  # kept for a person to look at
    assert Draft.objects.count() == 1
    [flags] = mailbox.flags("INBOX").values()  # the broken one stays in the inbox, flagged
    assert b"\\Flagged" in flags


def test_a_crash_before_the_commit_leaves_the_mail_unseen_and_the_next_run_takes_it_in(db, mailbox, monkeypatch):
    mailbox.deliver(mails.vietnamese())

    def crash(**kwargs: Any) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "add_message", crash)
    result = sync_once(mailbox.config)
    assert result.failed == 1 and result.outcomes == {}
    assert not Draft.objects.exists()
    event = InboundEvent.objects.get()
    assert event.handled_at is None and event.attempts == 1 and "database went away" in event.last_error
    [flags] = mailbox.flags("INBOX").values()
    assert SEEN not in flags and PROCESSED_KEYWORD not in flags

    monkeypatch.undo()
    assert sync_once(mailbox.config).outcomes == {"draft": 1}
    assert Draft.objects.count() == 1 and InboundEvent.objects.count() == 1
    assert mailbox.flags("INBOX") == {}


def test_an_officer_confirms_a_mail_into_a_petition_received_when_the_mail_arrived(db, mailbox, org, processes):
    sent = recently(days=3)
    mailbox.deliver(mails.vietnamese(when=sent), when=sent)
    call_command("run_mailboxes", "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115
    alice = logged_in("alice")
    queue = alice.get("/reception/").content.decode()
    assert mails.SUBJECT in queue and mails.SENDER_NAME in queue
    draft = Draft.objects.get()
    page = alice.get(f"/reception/{draft.pk}/").content.decode()
    assert mails.FILENAME in page
    response = alice.post(
        f"/reception/{draft.pk}/",
        {
            "action": "confirm",
            "unit": "dong-ha",
            "petition_type": "reflection",
            "title": "Đèn đường hỏng tại tổ 5",
            "content": mails.TEXT,
            "commune": "dong-ha",
            "petitioner_name": mails.SENDER_NAME,
            "petitioner_email": mails.SENDER,
            "keep": [draft.attachments.get().pk],
        },
    )
    assert response.status_code == 302
    petition = Petition.objects.get()
    assert petition.channel == Channel.EMAIL
    assert petition.received_at == sent
    assert petition.origin_address == "<CAF=ank-001@mail.example.vn>" and petition.petitioner_email == mails.SENDER
    assert petition.publish_consent is False
    assert [a.original_name for a in petition.attachments.all()] == [mails.FILENAME]
    assert petition.tracking_code in alice.get("/reception/").content.decode()

    # The citizen answers their own first mail (not ours): it joins the case it became.
    mailbox.deliver(
        mails.simple(
            subject="Re: Phản ánh: Đèn đường hỏng",
            text="Đèn vẫn chưa được sửa.",
            message_id="<ank-003@mail.example.vn>",
            headers="In-Reply-To: <CAF=ank-001@mail.example.vn>\r\nReferences: <CAF=ank-001@mail.example.vn>\r\n",
        )
    )
    assert sync_once(mailbox.config).outcomes == {"case_message": 1}
    assert "Đèn vẫn chưa được sửa." in CaseEvent.objects.get(instance=petition.workflow, kind="citizen_message").summary


def test_a_mailbox_password_never_goes_over_the_network_in_clear_text():
    values = {"name": "tiepnhan", "host": "mail.ubnd.example", "username": "u", "password": "p", "security": "plain"}
    with pytest.raises(ImproperlyConfigured, match="clear text"):
        MailboxConfig.from_settings(values)
    assert MailboxConfig.from_settings({**values, "security": "tls"}).port == 993


# The worker's thread has its own database connection: it must see committed data. Serialized rollback, as the
# browser tests do, so the database is given back with its initial rows.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_idle_a_new_mail_is_taken_in_within_seconds_not_at_the_next_poll(mailbox):
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(mailbox.config, stop), kwargs={"poll_seconds": 120}, daemon=True)
    thread.start()
    try:
        time.sleep(1)  # connected, first read done, idling
        delivered = time.monotonic()
        mailbox.deliver(mails.vietnamese())
        # Watched on the IMAP server, not in the database: the tests' in-memory SQLite would lock the worker out.
        while not mailbox.flags("Processed") and time.monotonic() - delivered < 20:
            time.sleep(0.2)
        assert mailbox.flags("Processed"), "the mail was not taken in while the worker was idling"
        assert time.monotonic() - delivered < 10  # well before the 120 s poll
    finally:
        stop.set()
        thread.join(timeout=15)
    assert not thread.is_alive()
    assert Draft.objects.count() == 1


def test_a_second_mail_answering_the_first_joins_its_open_draft(db, mailbox):
    mailbox.deliver(mails.vietnamese())
    sync_once(mailbox.config)
    follow_up = mails.simple(
        subject="Re: Phản ánh: Đèn đường hỏng",
        text="Bổ sung: cột đèn thứ tư cũng hỏng.",
        message_id="<ank-002@mail.example.vn>",
        headers="In-Reply-To: <CAF=ank-001@mail.example.vn>\r\nReferences: <CAF=ank-001@mail.example.vn>\r\n",
    )
    mailbox.deliver(follow_up)
    assert sync_once(mailbox.config).outcomes == {"draft": 1}
    draft = Draft.objects.get()
    assert draft.text.startswith(mails.TEXT) and draft.text.endswith("Bổ sung: cột đèn thứ tư cũng hỏng.")
    assert draft.message_ids == ["<CAF=ank-001@mail.example.vn>", "<ank-002@mail.example.vn>"]
    assert "joined" in InboundEvent.objects.get(message_id="<ank-002@mail.example.vn>").note


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_survives_the_database_going_away_and_takes_the_mail_in_afterwards(mailbox, monkeypatch, caplog):
    real_sync = MailboxReader.sync
    calls = []

    def sync_with_outage(self: MailboxReader) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_sync(self)

    monkeypatch.setattr(MailboxReader, "sync", sync_with_outage)
    mailbox.deliver(mails.vietnamese())
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(mailbox.config, stop), kwargs={"poll_seconds": 120}, daemon=True)
    thread.start()
    try:
        started = time.monotonic()
        while not mailbox.flags("Processed") and time.monotonic() - started < 20:
            time.sleep(0.2)
    finally:
        stop.set()
        thread.join(timeout=15)
    assert Draft.objects.count() == 1
    assert len(calls) >= 2 and "reading failed" in caplog.text
