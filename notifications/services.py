"""The notification outbox: `enqueue` a message in the transaction of the event that causes it; `deliver` claims
due rows and sends them through their address chain.

Claiming is a conditional UPDATE (`… SET state='sending', claim=<token> WHERE state='pending' AND
next_attempt_at <= now`, or a claim whose lease ran out): the database lets exactly one worker change a row from
pending to sending, so two workers never send the same row. A worker that dies after sending and before recording
leaves its row `sending` until the lease ends; it is then sent again with the same idempotency key (SMS RequestId,
ZNS tracking_id) and the same e-mail Message-ID, so providers that deduplicate deliver it once, and nothing is ever
lost. A provider that is down gets the row back with an exponential backoff; after
NOTIFICATIONS_MAX_ATTEMPTS_PER_ADDRESS failures the next address of the chain is tried; a row whose chain is used
up is `failed`, kept with its reasons.

Nothing here writes an address or a message text into a log line or `last_error`.
"""

from __future__ import annotations

import datetime
import logging
import re
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Min, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from notifications.adapters import Adapters, DeliveryError, Outbound, Temporary, Undeliverable, fold
from notifications.models import Message, MessageState

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
LEASE = datetime.timedelta(minutes=5)  # longer than any send takes (HTTP timeouts are 10 s)
BASE_BACKOFF_SECONDS = 30
MAX_BACKOFF_SECONDS = 3600
monotonic = time.monotonic  # a worker's own clock for its lease (tests replace it)


@dataclass(frozen=True)
class Address:
    """One way to reach a person: an adapter name of `settings.NOTIFICATION_ADAPTERS` and the address it takes
    (an e-mail address, a Zalo user id, a Facebook page-scoped id, a phone number)."""

    adapter: str
    to: str
    # Facebook: the person's latest message to the page (free-form answers only within 24 hours of it).
    last_inbound_at: datetime.datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"adapter": self.adapter, "to": self.to}
        if self.last_inbound_at is not None:
            entry["last_inbound_at"] = self.last_inbound_at.isoformat()
        return entry


def _paragraphs(body: str) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n", body.strip()) if part.strip()]


def render(
    *, subject: str, body: str, link: str, reference: str, language: str, link_label: str = ""
) -> tuple[str, str]:
    """The text and HTML bodies of a message, in `language` (templates `notifications/message.txt|html`)."""
    with translation.override(language):
        context = {
            "subject": subject,
            "paragraphs": _paragraphs(body),
            "link": link,
            "link_label": link_label,
            "reference": reference,
            "language": language,
        }
        text = render_to_string("notifications/message.txt", context).strip() + "\n"
        html = render_to_string("notifications/message.html", context)
    return text, html


def _scheduled_delivery(ids: list[int]) -> None:
    """After the event committed: never raises, whatever the providers do; the worker retries what is left."""
    try:
        deliver(ids=ids)
    except Exception:
        logger.exception("Sending %d notifications after commit failed; the worker will retry them", len(ids))


def _send_on_commit(ids: list[int]) -> None:
    if ids and getattr(settings, "NOTIFICATIONS_SEND_ON_COMMIT", False):
        transaction.on_commit(partial(_scheduled_delivery, ids))


@dataclass(frozen=True)
class Outgoing:
    """One message to queue (see `enqueue` for the fields)."""

    key: str
    kind: str
    about: models.Model | None
    addresses: Sequence[Address]
    subject: str
    body: str
    reference: str = ""
    link: str = ""
    link_label: str = ""
    short_text: str = ""
    language: str | None = None
    thread: str = ""
    reply_to: str = ""
    sealed: bool = False
    not_before: datetime.datetime | None = None


def _row(outgoing: Outgoing, *, first_of_thread: int | None, now: datetime.datetime) -> Message | None:
    """The unsaved outbox row of `outgoing`, rendered in its language; None when it has no address."""
    from notifications.adapters import message_id_for

    chain = [address.as_dict() for address in outgoing.addresses if address.to.strip()]
    if not chain:
        return None
    language = outgoing.language or translation.get_language() or settings.LANGUAGE_CODE
    text, html = render(
        subject=outgoing.subject,
        body=outgoing.body,
        link=outgoing.link,
        reference=outgoing.reference,
        language=language,
        link_label=outgoing.link_label,
    )
    references = [outgoing.reply_to] if outgoing.reply_to else []
    if outgoing.thread and first_of_thread is not None:
        references.append(message_id_for(first_of_thread, outgoing.thread))
    about = outgoing.about
    short_text = outgoing.short_text or default_short_text(
        subject=outgoing.subject, reference=outgoing.reference, link=outgoing.link
    )
    return Message(
        idempotency_key=outgoing.key,
        kind=outgoing.kind,
        content_type=ContentType.objects.get_for_model(about) if about is not None else None,
        object_id=str(about.pk) if about is not None else "",
        reference=outgoing.reference,
        addresses=chain,
        language=language,
        template="notifications/message",
        subject=" ".join(outgoing.subject.split())[:255],
        text=text,
        html=html,
        short_text=short_text[:500],
        link=outgoing.link,
        thread=outgoing.thread,
        references=references,
        sealed=outgoing.sealed,
        next_attempt_at=max(outgoing.not_before, now) if outgoing.not_before else now,
        created_at=now,
    )


def enqueue(
    *,
    key: str,
    kind: str,
    about: models.Model | None,
    addresses: Sequence[Address],
    subject: str,
    body: str,
    reference: str = "",
    link: str = "",
    link_label: str = "",
    short_text: str = "",
    language: str | None = None,
    thread: str = "",
    reply_to: str = "",
    sealed: bool = False,
    not_before: datetime.datetime | None = None,
) -> Message | None:
    """Queue one message to one person, in the caller's transaction (call it inside the transaction of the event:
    the row commits or rolls back with it). Returns the row, the existing row when `key` was queued before, or
    None when there is no address.

    - `key`: unique name of this message ("petition:12:answer:7"); also the providers' idempotency key.
    - `kind`: a `MessageKind`; `about`: the object it is about (shown with it, e.g. on a case page).
    - `addresses`: tried in order, e.g. the channel the person wrote from, then e-mail, then SMS.
    - `subject`, `body` (plain text, paragraphs separated by blank lines), `link`: written in `language`
      (default: the active language). `short_text`: SMS and ZNS text (no personal data: a code and a link).
    - `thread`: e-mail thread of the case (its messages refer to each other); `reply_to`: the person's own
      Message-ID the thread answers.
    - `sealed`: a denouncer's message: errors keep no provider text.
    - `not_before`: send no earlier (e.g. a request to rate, some time after the answer).
    """
    outgoing = Outgoing(
        key=key,
        kind=kind,
        about=about,
        addresses=addresses,
        subject=subject,
        body=body,
        reference=reference,
        link=link,
        link_label=link_label,
        short_text=short_text,
        language=language,
        thread=thread,
        reply_to=reply_to,
        sealed=sealed,
        not_before=not_before,
    )
    first = None
    if thread:
        first = Message.objects.filter(thread=thread).aggregate(first=Min("pk"))["first"]
    message = _row(outgoing, first_of_thread=first, now=timezone.now())
    if message is None:
        return None
    try:
        with transaction.atomic():  # the unique key decides: no read before (a message is almost always new)
            message.save(force_insert=True)
    except IntegrityError:  # queued before, or meanwhile by a concurrent transaction
        return Message.objects.filter(idempotency_key=key).first()
    _send_on_commit([message.pk])
    return message


def enqueue_many(messages: Sequence[Outgoing]) -> int:
    """Queue many messages in one INSERT (a sweep's reminders, a report's dispositions), in the caller's
    transaction; a key queued before is skipped. Returns how many rows were written."""
    now = timezone.now()
    threads = {outgoing.thread for outgoing in messages if outgoing.thread}
    firsts = dict(
        Message.objects.filter(thread__in=threads)
        .values("thread")
        .annotate(first=Min("pk"))
        .values_list("thread", "first")
    )
    keys = [outgoing.key for outgoing in messages]
    known = set(Message.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True))
    rows: dict[str, Message] = {}
    for outgoing in messages:
        if outgoing.key in known or outgoing.key in rows:
            continue
        row = _row(outgoing, first_of_thread=firsts.get(outgoing.thread), now=now)
        if row is not None:
            rows[outgoing.key] = row
    if not rows:
        return 0
    Message.objects.bulk_create(rows.values(), batch_size=500, ignore_conflicts=True)
    if getattr(settings, "NOTIFICATIONS_SEND_ON_COMMIT", False):
        ids = list(Message.objects.filter(idempotency_key__in=list(rows), created_at=now).values_list("pk", flat=True))
        _send_on_commit(ids)
    return len(rows)


def default_short_text(*, subject: str, reference: str, link: str) -> str:
    return fold(" ".join(part for part in (f"[{reference}]" if reference else "", subject, link) if part))


def backoff(attempts: int) -> datetime.timedelta:
    """30 s, 1 min, 2 min, … up to an hour."""
    return datetime.timedelta(seconds=min(BASE_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS))


def max_attempts_per_address() -> int:
    return max(1, int(getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS_PER_ADDRESS", 10)))


@dataclass
class DeliveryResult:
    claimed: int = 0
    sent: int = 0
    retried: int = 0  # put back for a later attempt
    failed: int = 0  # no address left

    def __add__(self, other: DeliveryResult) -> DeliveryResult:
        return DeliveryResult(
            self.claimed + other.claimed,
            self.sent + other.sent,
            self.retried + other.retried,
            self.failed + other.failed,
        )


def _due(now: datetime.datetime) -> Q:
    pending = Q(state=MessageState.PENDING, next_attempt_at__lte=now)
    abandoned = Q(state=MessageState.SENDING, claimed_until__lt=now)  # its worker died between claim and record
    return pending | abandoned


def due_ids(*, limit: int = BATCH_SIZE, ids: Sequence[int] | None = None, now: datetime.datetime) -> list[int]:
    """The ids of up to `limit` messages due at `now`, oldest first (a plain read: another worker may take them)."""
    candidates = Message.objects.filter(_due(now))
    if ids is not None:
        candidates = candidates.filter(pk__in=list(ids))
    return list(candidates.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])


def take(ids: Sequence[int], *, now: datetime.datetime) -> list[Message]:
    """Claim those of `ids` that are still due, for this worker alone: one conditional UPDATE (Healthchecks'
    `sendalerts` pattern). A row another worker took since `due_ids` no longer matches the WHERE (PostgreSQL
    re-checks it on the updated row; SQLite runs one writer at a time) and is left to that worker."""
    if not ids:
        return []
    token = uuid.uuid4().hex
    Message.objects.filter(_due(now), pk__in=list(ids)).update(
        state=MessageState.SENDING,
        claim=token,
        claimed_until=now + LEASE,
        attempts=models.F("attempts") + 1,
        updated_at=now,
    )
    return list(Message.objects.filter(claim=token, state=MessageState.SENDING).order_by("next_attempt_at", "pk"))


def claim(*, limit: int = BATCH_SIZE, ids: Sequence[int] | None = None, now: datetime.datetime) -> list[Message]:
    """Take up to `limit` due messages for this worker."""
    return take(due_ids(limit=limit, ids=ids, now=now), now=now)


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d .-]{7,}\d")


def scrub(message: Message, error: DeliveryError | Exception) -> str:
    """A reason safe to log and store: ours, plus the provider's words without any address of the chain (and
    none at all for a sealed message)."""
    if isinstance(error, DeliveryError):
        reason, detail = error.reason, error.detail
    else:
        reason, detail = type(error).__name__, str(error)
    text = reason if message.sealed or not detail else f"{reason}: {' '.join(detail.split())[:300]}"
    for address in message.addresses:
        to = str(address.get("to", "")).strip()
        if len(to) >= 3:
            text = re.sub(re.escape(to), "…", text, flags=re.IGNORECASE)
    # Any other e-mail address or phone-like number the provider quoted (84912345678, +84 912 345 678, 0912…).
    text = _EMAIL.sub("…", text)
    return _PHONE.sub("…", text)


def _outbound(message: Message, address: dict[str, Any]) -> Outbound:
    return Outbound(
        pk=message.pk,
        idempotency_key=message.idempotency_key,
        kind=message.kind,
        reference=message.reference,
        to=str(address.get("to", "")),
        address=address,
        language=message.language,
        subject=message.subject,
        text=message.text,
        html=message.html,
        short_text=message.short_text,
        link=message.link,
        thread=message.thread,
        references=list(message.references),
    )


def _record(message: Message, **fields: Any) -> None:
    """Write the outcome, only while the row is still this worker's (its claim token)."""
    Message.objects.filter(pk=message.pk, claim=message.claim).update(updated_at=timezone.now(), **fields)


def _deliver_one(message: Message, adapters: Adapters, now: datetime.datetime, result: DeliveryResult) -> None:
    given_up = list(message.given_up)
    while True:
        address = message.address()
        if address is None:
            _record(
                message,
                state=MessageState.FAILED,
                claim="",
                claimed_until=None,
                given_up=given_up,
                last_error="; ".join(given_up)[-2000:],
            )
            logger.error("Notification %s (%s) could not be delivered: no address left", message.pk, message.kind)
            result.failed += 1
            return
        name = str(address.get("adapter", ""))
        adapter = adapters.get(name)
        try:
            if adapter is None:
                raise Undeliverable(f"{name} is not configured")
            provider_id = adapter.send(_outbound(message, address))
        except Undeliverable as error:
            given_up.append(f"{name}: {scrub(message, error)}")
            logger.info("Notification %s (%s): %s; next address", message.pk, message.kind, given_up[-1])
            message.address_index += 1
            message.address_attempts = 0
            _record(message, address_index=message.address_index, address_attempts=0, given_up=given_up)
            continue
        except Exception as error:  # Temporary, or an adapter's bug: the same address later
            reason = f"{name}: {scrub(message, error)}"
            if not isinstance(error, Temporary):
                logger.error("Notification %s (%s): %s raised %s", message.pk, message.kind, name, type(error).__name__)
            message.address_attempts += 1
            if message.address_attempts >= max_attempts_per_address():
                given_up.append(f"{reason} (×{message.address_attempts})")
                logger.warning("Notification %s (%s): %s; next address", message.pk, message.kind, given_up[-1])
                message.address_index += 1
                message.address_attempts = 0
                _record(message, address_index=message.address_index, address_attempts=0, given_up=given_up)
                continue
            delay = backoff(message.address_attempts)
            _record(
                message,
                state=MessageState.PENDING,
                claim="",
                claimed_until=None,
                address_attempts=message.address_attempts,
                next_attempt_at=now + delay,
                last_error=reason[:2000],
            )
            logger.warning(
                "Notification %s (%s): %s; retry in %d s", message.pk, message.kind, reason, delay.total_seconds()
            )
            result.retried += 1
            return
        _record(
            message,
            state=MessageState.SENT,
            claim="",
            claimed_until=None,
            adapter=name,
            provider_message_id=str(provider_id)[:255],
            sent_at=timezone.now(),
        )
        result.sent += 1
        return


def deliver(
    *,
    limit: int = BATCH_SIZE,
    ids: Sequence[int] | None = None,
    adapters: Adapters | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> DeliveryResult:
    """Claim and send one batch of due messages (or only the given ones, if due); returns what happened. Once
    `should_stop()` is true (the worker got SIGTERM), the message in hand is finished and the rest given back."""
    now, started = timezone.now(), monotonic()
    messages = claim(limit=limit, ids=ids, now=now)
    result = DeliveryResult(claimed=len(messages))
    if not messages:
        return result
    own = adapters is None
    adapters = adapters or Adapters()
    try:
        for index, message in enumerate(messages):
            if monotonic() - started > LEASE.total_seconds() / 2:
                # Slow providers: give the rest back before the lease ends, so no other worker takes a row this
                # one still holds (which would send it twice).
                _release(messages[index:])
                result.claimed = index
                break
            if should_stop is not None and should_stop():
                _release(messages[index:])  # pending again, for the next worker
                result.claimed = index
                break
            _deliver_one(message, adapters, now, result)
    finally:
        if own:
            adapters.close()
    return result


def _release(messages: Sequence[Message]) -> None:
    for message in messages:
        Message.objects.filter(pk=message.pk, claim=message.claim).update(
            state=MessageState.PENDING, claim="", claimed_until=None, attempts=models.F("attempts") - 1
        )


def deliver_all(*, limit: int = BATCH_SIZE) -> DeliveryResult:
    """Deliver until no message is due (what remains waits for its backoff)."""
    total = DeliveryResult()
    adapters = Adapters()
    try:
        while True:
            result = deliver(limit=limit, adapters=adapters)
            total += result
            if result.claimed == 0:
                return total
    finally:
        adapters.close()


def pending() -> int:
    return Message.objects.filter(state__in=[MessageState.PENDING, MessageState.SENDING]).count()


@transaction.atomic
def note_inbound(*, about: models.Model, adapter: str, at: datetime.datetime) -> int:
    """The person wrote again on `adapter` (e.g. "facebook") at `at`: messages about `about` still waiting may use
    the window that message opened (Facebook answers only within 24 hours of the person's latest message). Call
    it where a channel's new message joins its case. Returns how many messages were updated."""
    waiting = Message.objects.select_for_update().filter(
        content_type=ContentType.objects.get_for_model(about),
        object_id=str(about.pk),
        state=MessageState.PENDING,
    )
    updated = 0
    for message in waiting:
        changed = False
        for address in message.addresses:
            if address.get("adapter") == adapter:
                previous = address.get("last_inbound_at")
                if previous is None or datetime.datetime.fromisoformat(previous) < at:
                    address["last_inbound_at"] = at.isoformat()
                    changed = True
        if changed:
            Message.objects.filter(pk=message.pk).update(addresses=message.addresses, updated_at=timezone.now())
            updated += 1
    return updated
