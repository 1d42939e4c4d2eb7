"""Zalo Official Account and Facebook Page messages: checking a webhook delivery and storing its events (the
webhook views, `channels/webhooks.py`), then the worker (`manage.py run_channel_events`) that turns each stored
event into a message of the reception queue, or of the case its sender's draft already became.

The webhook only checks and stores: no parsing beyond what the check needs, no network. Everything else —
parsing, fetching the files from the platform, the queue — happens in the worker, which may fail and retry
without losing a message: an event is marked handled in the transaction that records its message.

A sender is addressed as `<page or OA id>:<user id>` (`sender_address`, then the petition's `origin_address`):
a Facebook page-scoped id or a Zalo user id means something only together with its page or OA, and a reply
must go out through the same one (`split_address`).

Verified facts and open questions about both platforms: ../shared/channels-notes.md (§2, §3).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from http.client import HTTPMessage
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from rest_framework.exceptions import ParseError, ValidationError

from cases.models import SEALED_TYPES, Attachment, Channel, Petition, PetitionStatus
from channels.models import Draft, DraftStatus, EventOutcome, InboundEvent
from channels.services import CHAT_CHANNELS, IncomingFile, add_message
from core.parsers import check_json
from core.uploads import UploadRefused, check_attachment
from notifications import services as notifications
from organisation.models import Unit
from workflows.models import CaseEvent

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024  # a delivery is a few KB; files come as links, never in the body
FUTURE_SKEW = datetime.timedelta(minutes=5)  # clocks differ; an event from further ahead is forged
LEASE = datetime.timedelta(minutes=5)  # a claimed event another worker may take again if this one died
MAX_BACKOFF = datetime.timedelta(hours=1)
# A file the platform will not give us after this many tries is left out (the message is kept, with a note).
FILE_ATTEMPTS = 5
FETCHED_TYPES = frozenset({"image", "file", "video", "audio", "gif"})
CHANNEL_LABEL: dict[str, str] = {Channel.ZALO: "Zalo OA", Channel.FACEBOOK: "trang Facebook"}
FINISHED = (PetitionStatus.ANSWERED, PetitionStatus.REJECTED)

# Test hook: called after an event's message is recorded, before its commit (a crash there must lose nothing).
before_commit: Callable[[], None] = lambda: None  # noqa: E731


# ------------------------------------------------------------------------------------------------ the webhook


class WebhookRefused(Exception):
    """A delivery not stored: the HTTP status to answer and why (logged, never shown to the sender)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class ReceivedEvent:
    channel: str
    external_id: str
    payload: dict[str, Any]


def address(account_id: str, user_id: str) -> str:
    return f"{account_id}:{user_id}"


def split_address(sender_address: str) -> tuple[str, str]:
    """(page or OA id, user id) of a chat sender's address."""
    account_id, _sep, user_id = sender_address.partition(":")
    return account_id, user_id


def _loads(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8"))
        check_json(data)
    except (UnicodeDecodeError, ValueError, RecursionError, ParseError, ValidationError) as error:
        raise WebhookRefused(400, f"not a JSON event: {error}") from None
    if not isinstance(data, dict):
        raise WebhookRefused(400, "not a JSON object")
    return data


def _stamp(value: Any) -> datetime.datetime:
    """A platform's timestamp (milliseconds since the epoch, as a number or a string)."""
    try:
        millis = int(str(value))
        return datetime.datetime.fromtimestamp(millis / 1000, tz=datetime.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        raise WebhookRefused(400, f"no usable timestamp: {str(value)[:40]!r}") from None


def _check_fresh(at: datetime.datetime, now: datetime.datetime) -> None:
    if at < now - settings.CHANNEL_WEBHOOK_MAX_AGE or at > now + FUTURE_SKEW:
        raise WebhookRefused(403, f"event time {at.isoformat()} outside the accepted window (replayed?)")


def _event_id(account_id: str, native_id: Any, raw: Any) -> str:
    """The platform's message id when there is one; else a digest of the event itself (reads, follows…)."""
    if isinstance(native_id, str | int) and str(native_id) and len(str(native_id)) <= 200:
        return f"{account_id}:{native_id}"
    digest = hashlib.sha256(json.dumps(raw, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
    return f"{account_id}:sha256:{digest}"


def facebook_signature(*, body: bytes, app_secret: str) -> str:
    """The `X-Hub-Signature-256` header Facebook sends with `body`."""
    return "sha256=" + hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def check_facebook(*, body: bytes, signature: str, now: datetime.datetime) -> list[ReceivedEvent]:
    """The events of a Facebook delivery, each alone in the delivery's shape, or WebhookRefused.

    The `X-Hub-Signature-256` header is `sha256=<HMAC-SHA256 of the raw body, keyed with the app secret>`; the
    page of every entry must be one of ours, signed with that page's app secret."""
    pages: dict[str, dict[str, str]] = settings.FACEBOOK_PAGES
    given = signature.strip()
    if not given.startswith("sha256="):
        raise WebhookRefused(403, "no X-Hub-Signature-256 header")
    given = given.removeprefix("sha256=").lower()
    signed_by = {
        secret
        for secret in {page["app_secret"] for page in pages.values() if page.get("app_secret")}
        if hmac.compare_digest(facebook_signature(body=body, app_secret=secret).removeprefix("sha256="), given)
    }
    if not signed_by:
        raise WebhookRefused(403, "signature does not match any page's app secret")
    data = _loads(body)
    entries = data.get("entry")
    if data.get("object") != "page" or not isinstance(entries, list):
        raise WebhookRefused(400, "not a page event")
    events = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise WebhookRefused(400, "an entry is not an object")
        page_id = str(entry.get("id", ""))
        page = pages.get(page_id)
        if page is None:
            raise WebhookRefused(403, f"unknown page {page_id[:40]!r}")
        if page.get("app_secret") not in signed_by:
            raise WebhookRefused(403, f"page {page_id} is not signed with its app secret")
        messaging = entry.get("messaging") or []
        if not isinstance(messaging, list):
            raise WebhookRefused(400, "messaging is not a list")
        for item in messaging:
            if not isinstance(item, dict):
                raise WebhookRefused(400, "a messaging event is not an object")
            _check_fresh(_stamp(item.get("timestamp", entry.get("time"))), now)
            message = item.get("message")
            native_id = message.get("mid") if isinstance(message, dict) else None
            one = {"object": "page", "entry": [{"id": page_id, "time": entry.get("time"), "messaging": [item]}]}
            events.append(ReceivedEvent(Channel.FACEBOOK, _event_id(page_id, native_id, item), one))
    return events


def zalo_signature(*, app_id: str, body: bytes, timestamp: str, secret_key: str) -> str:
    """sha256(app_id + raw body + timestamp + OA secret key), hex: a plain hash of the concatenation, not an HMAC."""
    return hashlib.sha256(app_id.encode() + body + timestamp.encode() + secret_key.encode()).hexdigest()


def _zalo_account(data: dict[str, Any]) -> str | None:
    """Our OA the event is about: `oa_id` (follow events), else the recipient (a user's message), else the sender
    (a message the OA sent)."""
    candidates = [data.get("oa_id")]
    for side in ("recipient", "sender"):
        party = data.get(side)
        if isinstance(party, dict):
            candidates.append(party.get("id"))
    for candidate in candidates:
        if isinstance(candidate, str | int) and str(candidate) in settings.ZALO_OAS:
            return str(candidate)
    return None


def check_zalo(*, body: bytes, signature: str, now: datetime.datetime) -> list[ReceivedEvent]:
    """The event of a Zalo delivery, or WebhookRefused. The `X-ZEvent-Signature` header is `mac=<hex>` (also
    accepted without `mac=`), see `zalo_signature`; `app_id` and `timestamp` are taken from the body, which
    is why it is parsed before the check."""
    data = _loads(body)
    oa_id = _zalo_account(data)
    if oa_id is None:
        raise WebhookRefused(403, "unknown Official Account")
    account = settings.ZALO_OAS[oa_id]
    app_id, timestamp = str(data.get("app_id", "")), str(data.get("timestamp", ""))
    expected = zalo_signature(app_id=app_id, body=body, timestamp=timestamp, secret_key=account.get("secret_key", ""))
    given = signature.strip().removeprefix("mac=").lower()
    if not account.get("secret_key") or not hmac.compare_digest(expected, given):
        raise WebhookRefused(403, f"signature does not match OA {oa_id}'s secret key")
    if account.get("app_id") and app_id != account["app_id"]:
        raise WebhookRefused(403, f"app {app_id[:40]!r} is not OA {oa_id}'s app")
    _check_fresh(_stamp(timestamp), now)
    message = data.get("message")
    native_id = message.get("msg_id") if isinstance(message, dict) else None
    return [ReceivedEvent(Channel.ZALO, _event_id(oa_id, native_id, data), data)]


def store(events: Iterable[ReceivedEvent], *, now: datetime.datetime) -> None:
    """Store the events, each once: an event the platform sends again (it retries what it thinks we missed) is
    already there and is left as it is."""
    InboundEvent.objects.bulk_create(
        [
            InboundEvent(
                channel=event.channel,
                external_id=event.external_id,
                payload=event.payload,
                received_at=now,
                next_attempt_at=now,
            )
            for event in events
        ],
        ignore_conflicts=True,
    )


# ------------------------------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class RemoteFile:
    url: str
    name: str


@dataclass(frozen=True)
class ChatMessage:
    channel: str
    account_id: str
    user_id: str
    message_id: str
    text: str
    sent_at: datetime.datetime
    files: list[RemoteFile] = field(default_factory=list)

    @property
    def sender_address(self) -> str:
        return address(self.account_id, self.user_id)


def _file_name(url: str, given: Any, kind: str, index: int) -> str:
    if isinstance(given, str) and given.strip():
        return given.strip()[:200]
    tail = urllib.parse.unquote(urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1])
    return tail[:200] if "." in tail else f"{kind}-{index}"


def _attachments(items: Any) -> tuple[list[str], list[RemoteFile]]:
    """Lines of text (places, links) and files to fetch from a message's attachments (both platforms agree on
    `{"type", "payload": {"url", …}}`)."""
    lines: list[str] = []
    files: list[RemoteFile] = []
    for index, item in enumerate(items if isinstance(items, list) else [], start=1):
        if not isinstance(item, dict):
            continue
        kind = str(item.get("type", ""))
        payload: dict[str, Any] = item["payload"] if isinstance(item.get("payload"), dict) else {}
        url = payload.get("url")
        coordinates = payload.get("coordinates")
        if isinstance(coordinates, dict):
            latitude = coordinates.get("latitude", coordinates.get("lat"))
            longitude = coordinates.get("longitude", coordinates.get("long"))
            lines.append(f"Vị trí: {latitude}, {longitude}")
        elif kind in FETCHED_TYPES and isinstance(url, str) and url:
            files.append(RemoteFile(url=url, name=_file_name(url, payload.get("name"), kind, index)))
        elif isinstance(url, str) and url:
            lines.append(f"Liên kết: {url}")
        elif kind == "sticker":
            lines.append("(nhãn dán)")
    return lines, files


def parse_event(event: InboundEvent) -> ChatMessage | None:
    """The citizen's message in a stored event; None for an event that is not one (a read receipt, a follow,
    a page's own reply echoed back)."""
    payload = event.payload
    if event.channel == Channel.FACEBOOK:
        entry = payload["entry"][0]
        item = entry["messaging"][0]
        message = item.get("message")
        if not isinstance(message, dict) or message.get("is_echo"):
            return None
        lines, files = _attachments(message.get("attachments"))
        text = "\n".join([str(message.get("text") or ""), *lines]).strip()
        return ChatMessage(
            channel=Channel.FACEBOOK,
            account_id=str(entry["id"]),
            user_id=str(item["sender"]["id"]),
            message_id=str(message.get("mid") or event.external_id),
            text=text,
            sent_at=_stamp(item.get("timestamp", entry.get("time"))),
            files=files,
        )
    if event.channel == Channel.ZALO:
        name = str(payload.get("event_name", ""))
        if not (name.startswith("user_send_") or name.startswith("anonymous_send_")):
            return None
        sent: dict[str, Any] = payload["message"] if isinstance(payload.get("message"), dict) else {}
        lines, files = _attachments(sent.get("attachments"))
        text = "\n".join([str(sent.get("text") or ""), *lines]).strip()
        account_id = _zalo_account(payload) or str(payload["recipient"]["id"])
        return ChatMessage(
            channel=Channel.ZALO,
            account_id=account_id,
            user_id=str(payload["sender"]["id"]),
            message_id=str(sent.get("msg_id") or event.external_id),
            text=text,
            sent_at=_stamp(payload["timestamp"]),
            files=files,
        )
    return None


# -------------------------------------------------------------------------------------------- fetching files


class FetchFailed(Exception):
    """The platform did not give the file now (network, timeout, an error status): worth another try."""


class FileRefused(Exception):
    """A file never to be fetched (too large, from a host that is not the platform's)."""


def _host_allowed(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    listed = any(host == allowed or host.endswith("." + allowed) for allowed in settings.CHANNEL_ATTACHMENT_HOSTS)
    if not listed:
        return False
    if parts.scheme == "https":
        return True
    # Plain HTTP only to this machine: the tests' and the demo's fake platform.
    try:
        return parts.scheme == "http" and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return parts.scheme == "http" and host == "localhost"


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: HTTPMessage, newurl: str
    ) -> urllib.request.Request | None:
        if not _host_allowed(newurl):
            raise FileRefused(f"chuyển hướng đến địa chỉ không thuộc nền tảng ({newurl[:200]})")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _too_large(max_bytes: int) -> str:
    return f"lớn hơn {max_bytes // (1024 * 1024)} MB"  # as the portal's check says it


def fetch_file(url: str, *, max_bytes: int, timeout: float) -> bytes:
    """The file at `url`, at most `max_bytes`, within about `timeout` seconds."""
    if not _host_allowed(url):
        raise FileRefused(f"địa chỉ không thuộc nền tảng ({url[:200]})")
    opener = urllib.request.build_opener(_CheckedRedirects)
    deadline = time.monotonic() + timeout
    try:
        with opener.open(url, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FileRefused(_too_large(max_bytes))
            chunks, size = [], 0
            while chunk := response.read(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise FileRefused(_too_large(max_bytes))
                if time.monotonic() > deadline:
                    raise FetchFailed(f"slower than {timeout} s")
                chunks.append(chunk)
            return b"".join(chunks)
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
        raise FetchFailed(f"{url[:200]}: {error}") from None


def check_file(incoming: IncomingFile) -> str:
    """The file's content type, checked like a portal upload, or UploadRefused."""
    return check_attachment(SimpleUploadedFile(incoming.name, incoming.content))


def _download(message: ChatMessage, *, last_try: bool) -> tuple[list[IncomingFile], list[str]]:
    """The message's files that pass the portal's checks, and a note for each left out. A file the platform
    fails to give raises FetchFailed (the event is retried), unless this is the last try."""
    files, notes = [], []
    for remote in message.files:
        try:
            incoming = IncomingFile(
                name=remote.name,
                content=fetch_file(
                    remote.url, max_bytes=settings.UPLOAD_MAX_BYTES, timeout=settings.CHANNEL_ATTACHMENT_TIMEOUT
                ),
            )
            check_file(incoming)
        except (FileRefused, UploadRefused) as refusal:
            notes.append(f"Tệp «{remote.name}» không được nhận: {refusal}")
            continue
        except FetchFailed as failure:
            if not last_try:
                raise
            notes.append(f"Tệp «{remote.name}» không tải được sau {FILE_ATTEMPTS} lần thử ({failure})")
            continue
        files.append(incoming)
    return files, notes


# ------------------------------------------------------------------------------------------------ recording


@transaction.atomic
def record_on_petition(
    *,
    petition: Petition,
    channel: str,
    message_id: str,
    text: str,
    received_at: datetime.datetime,
    files: Iterable[IncomingFile] = (),
    refused: Sequence[str] = (),
) -> list[str]:
    """A citizen's message about a petition their earlier messages became: an entry of the case's history (the
    text for the officials; that something came, without it, on the public page), its files checked like portal
    uploads and attached (`refused`: why others were left out before), and the time of their latest message (a
    Facebook page may answer only within 24 hours of it). Returns why any file was refused here."""
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    label = CHANNEL_LABEL.get(channel, channel)
    left_out, names = list(refused), []
    for incoming in files:
        try:
            content_type = check_file(incoming)
        except UploadRefused as refusal:
            left_out.append(str(refusal))
            continue
        Attachment.objects.create(
            petition=petition,
            file=SimpleUploadedFile(incoming.name, incoming.content),
            original_name=incoming.name,
            content_type=content_type,
            size=len(incoming.content),
        )
        names.append(incoming.name)
    CaseEvent.objects.create(
        instance_id=petition.workflow_id,
        kind="citizen_message",
        summary="\n".join(
            [f"Người gửi nhắn thêm qua {label}: {text or '(chỉ gửi tệp)'}", *(f"({why})" for why in left_out)]
        )[:10_000],
        # Only that something came: the content is the petitioner's, and a sealed petitioner is not named anywhere.
        public_text="" if petition.petition_type in SEALED_TYPES else f"Người gửi đã bổ sung thông tin qua {label}",
        data={"channel": channel, "message_id": message_id, "files": names, "refused_files": left_out},
    )
    if petition.origin_last_message_at is None or received_at > petition.origin_last_message_at:
        petition.origin_last_message_at = received_at
        petition.save(update_fields=["origin_last_message_at"])
    # Answers still waiting may use the window this message opened (Facebook: 24 hours after it).
    notifications.note_inbound(about=petition, adapter=channel, at=received_at)
    return left_out[len(refused) :]


def _petition_in_progress(message: ChatMessage) -> Petition | None:
    """The petition the sender's latest confirmed draft became, while it is being handled. Once it is answered
    or rejected, their next message starts a new draft: a new matter, or a thank-you the officer discards."""
    draft = (
        Draft.objects.filter(
            channel=message.channel,
            sender_address=message.sender_address,
            status=DraftStatus.CONFIRMED,
            petition__isnull=False,
        )
        .exclude(petition__status__in=FINISHED)
        .select_related("petition")
        .order_by("-received_at", "-pk")
        .first()
    )
    return draft.petition if draft else None


@dataclass(frozen=True)
class Recorded:
    outcome: str
    draft: Draft | None = None
    petition: Petition | None = None
    refused: list[str] = field(default_factory=list)


def _account_unit(message: ChatMessage) -> Unit | None:
    """The unit whose page or OA it is (`<PREFIX>_<id>_UNIT`, a unit code): its reception officers confirm."""
    accounts = settings.FACEBOOK_PAGES if message.channel == Channel.FACEBOOK else settings.ZALO_OAS
    code = accounts.get(message.account_id, {}).get("unit", "")
    return Unit.objects.filter(code=code).first() if code else None


def record_message(message: ChatMessage, files: list[IncomingFile], *, refused: Sequence[str] = ()) -> Recorded:
    """Into the sender's open draft, or the case their draft became, or a new draft; `refused` says why files
    that came with it were left out, shown to the officer with the draft (or on the case)."""
    has_open_draft = Draft.objects.filter(
        channel=message.channel, sender_address=message.sender_address, status=DraftStatus.OPEN
    ).exists()
    petition = None if has_open_draft else _petition_in_progress(message)
    if petition is not None:
        also_refused = record_on_petition(
            petition=petition,
            channel=message.channel,
            message_id=message.message_id,
            text=message.text,
            received_at=message.sent_at,
            files=files,
            refused=refused,
        )
        return Recorded(EventOutcome.CASE_MESSAGE, petition=petition, refused=[*refused, *also_refused])
    draft, also_refused = add_message(
        channel=message.channel,
        sender_address=message.sender_address,
        message_id=message.message_id,
        text=message.text,
        received_at=message.sent_at,
        files=files,
    )
    all_refused = [*refused, *also_refused]
    if all_refused:
        draft.refused_files = [*draft.refused_files, *all_refused]
        draft.save(update_fields=["refused_files"])
    if draft.unit_id is None and (unit := _account_unit(message)):
        draft.unit = unit
        draft.save(update_fields=["unit"])
    return Recorded(EventOutcome.DRAFT, draft=draft, refused=all_refused)


# ---------------------------------------------------------------------------------------------- the worker


@dataclass
class RunResult:
    handled: int = 0
    ignored: int = 0
    failed: int = 0


def _later(now: datetime.datetime) -> datetime.datetime:
    """A lease or backoff counts from the later of the run's moment and the clock, so an event put off is never
    due again within the same run (which takes every event due at its moment)."""
    return max(now, timezone.now())


def _claim(pk: int, now: datetime.datetime) -> InboundEvent | None:
    """Take the event for one lease, if it is still due: a conditional UPDATE, so of two workers one wins."""
    claimed = InboundEvent.objects.filter(pk=pk, handled_at__isnull=True, next_attempt_at__lte=now).update(
        attempts=F("attempts") + 1, next_attempt_at=_later(now) + LEASE
    )
    return InboundEvent.objects.get(pk=pk) if claimed else None


def handle_event(event: InboundEvent, result: RunResult, *, now: datetime.datetime) -> None:
    """Parse, fetch the files (outside any transaction: the network is slow), then record the message and mark
    the event handled in one transaction. A failure leaves the event unhandled, due again after a backoff; an
    event that cannot be read as a message (signed by the platform, but not in a shape we know) is marked rejected
    with the reason, its payload kept, since reading it again would fail again."""
    try:
        message = parse_event(event)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, WebhookRefused) as error:
        logger.warning("Channel event %s (%s) is not a message we can read: %r", event.pk, event, error)
        InboundEvent.objects.filter(pk=event.pk, handled_at__isnull=True).update(
            handled_at=timezone.now(),
            outcome=EventOutcome.REJECTED,
            note=f"Không đọc được sự kiện: {type(error).__name__}: {error}"[:2000],
        )
        result.failed += 1
        return
    try:
        files, notes = _download(message, last_try=event.attempts >= FILE_ATTEMPTS) if message else ([], [])
        with transaction.atomic():
            # First, so a second worker holding the same event (its lease ran out) waits here, then records nothing.
            if not InboundEvent.objects.filter(pk=event.pk, handled_at__isnull=True).update(
                handled_at=timezone.now(), last_error=""
            ):
                return
            if message is None:
                recorded = Recorded(EventOutcome.IGNORED)
                note = "Không phải tin nhắn của người dân (thông báo đã xem, đã nhận, quan tâm, tin của chính trang)."
            else:
                recorded = record_message(message, files, refused=notes)
                note = "\n".join(recorded.refused)
            InboundEvent.objects.filter(pk=event.pk).update(
                outcome=recorded.outcome, note=note, draft=recorded.draft, petition=recorded.petition
            )
            before_commit()
    except Exception as error:
        if not isinstance(error, FetchFailed):
            logger.exception("Channel event %s (%s) failed", event.pk, event)
        else:
            logger.warning("Channel event %s: a file could not be fetched, retrying later: %s", event.pk, error)
        backoff = min(datetime.timedelta(seconds=30 * 2 ** max(event.attempts - 1, 0)), MAX_BACKOFF)
        InboundEvent.objects.filter(pk=event.pk, handled_at__isnull=True).update(
            last_error=f"{type(error).__name__}: {error}"[:2000], next_attempt_at=_later(now) + backoff
        )
        result.failed += 1
        return
    if message is None:
        result.ignored += 1
    else:
        result.handled += 1


def run_events(
    *, now: datetime.datetime | None = None, batch_size: int = 100, should_stop: Callable[[], bool] | None = None
) -> RunResult:
    """Handle every Zalo and Facebook event due at `now`, oldest first, each at most once; none after
    `should_stop()` is true (SIGTERM: the events not reached stay stored and due)."""
    now = now or timezone.now()
    result = RunResult()
    while True:
        due = list(
            InboundEvent.objects.filter(channel__in=CHAT_CHANNELS, handled_at__isnull=True, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        for pk in due:
            if should_stop is not None and should_stop():
                return result
            event = _claim(pk, now)
            if event is not None:
                handle_event(event, result, now=now)
        if not due:  # a claimed or failed event is due later than `now`: the loop ends
            return result
