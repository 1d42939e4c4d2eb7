"""Intake: a channel's message becomes (part of) a draft in the reception queue.

Workers (the mailbox poller, the webhook event worker) parse what they stored as an `InboundEvent`, then call
`add_message` in the transaction that marks the event handled, so an event is never half-applied.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from cases import services as case_services
from cases.models import Attachment, Channel, Petition
from channels.mail import ParsedMail, case_codes_in
from channels.models import Draft, DraftAttachment, DraftStatus, EventOutcome, InboundEvent
from core.errors import AppError
from core.uploads import UploadRefused, check_attachment
from organisation.models import Membership, Role, Unit
from workflows.models import CaseEvent

# Chat channels: the messages a person sends while their draft is open make up one draft. A mail is one draft.
CHAT_CHANNELS = frozenset({Channel.ZALO, Channel.FACEBOOK})


@dataclass(frozen=True)
class IncomingFile:
    name: str
    content: bytes


@transaction.atomic
def add_message(
    *,
    channel: str,
    sender_address: str,
    message_id: str,
    text: str,
    received_at: datetime,
    sender_name: str = "",
    subject: str = "",
    files: Iterable[IncomingFile] = (),
) -> tuple[Draft, list[str]]:
    """Add one message to the reception queue: a new draft, or the sender's open draft on a chat channel.
    The same `message_id` twice in an open chat draft changes nothing; callers store each event once
    (`InboundEvent` is unique per channel and external id) and call this only for an event not yet handled. Returns the draft and why any file was refused (the file is
    left out, the message kept)."""
    draft = None
    if channel in CHAT_CHANNELS:
        draft = (
            Draft.objects.select_for_update()
            .filter(channel=channel, sender_address=sender_address, status=DraftStatus.OPEN)
            .order_by("-received_at")
            .first()
        )
    if draft is not None and message_id in draft.message_ids:
        return draft, []
    if draft is None:
        draft = Draft(channel=channel, sender_address=sender_address, received_at=received_at)
    draft.sender_name = draft.sender_name or sender_name
    draft.subject = draft.subject or subject[:200]
    draft.text = f"{draft.text}\n\n{text}".strip() if draft.text else text
    draft.message_ids = [*draft.message_ids, message_id]
    draft.last_message_at = max(received_at, draft.last_message_at) if draft.pk else received_at
    draft.save()
    return draft, attach_files(draft, files)


def attach_files(draft: Draft, files: Iterable[IncomingFile]) -> list[str]:
    """Store each file with the draft, checked like a portal upload; returns why any file was refused (left out)."""
    refused = []
    for incoming in files:
        upload = SimpleUploadedFile(incoming.name, incoming.content)
        try:
            content_type = check_attachment(upload)
        except UploadRefused as refusal:
            refused.append(str(refusal))
            continue
        DraftAttachment.objects.create(
            draft=draft, file=upload, name=incoming.name, content_type=content_type, size=len(incoming.content)
        )
    return refused


# The reception queue: an officer confirms a draft into a petition, or discards it with a reason.


class DraftConflict(AppError):
    """Another officer confirmed or discarded the draft first."""

    code = "conflict"
    status = 409


class DraftNotAllowed(AppError):
    code = "permission_denied"
    status = 403


def may_decide(user: User, draft: Draft) -> bool:
    """Reception officers decide drafts: those received by one of their units, or by no unit in particular."""
    officers = Membership.objects.filter(user=user, role=Role.RECEPTION_OFFICER)
    if draft.unit_id is not None:
        officers = officers.filter(unit_id=draft.unit_id)
    return officers.exists()


def _claim(*, draft: Draft, by: User, status: str, discard_reason: str = "") -> None:
    """Take the open draft for this decision with one conditional UPDATE: of two officers deciding at once, the
    second finds it no longer open (DraftConflict, 409). Rolled back with the caller's transaction."""
    if not may_decide(by, draft):
        raise DraftNotAllowed(gettext("Chỉ cán bộ tiếp nhận của đơn vị nhận đơn này được xác nhận hoặc loại đơn."))
    claimed = Draft.objects.filter(pk=draft.pk, status=DraftStatus.OPEN).update(
        status=status, decided_by=by, decided_at=timezone.now(), discard_reason=discard_reason
    )
    if not claimed:
        raise DraftConflict(gettext("Đơn này vừa được cán bộ khác xác nhận hoặc loại khỏi hàng chờ."))


@transaction.atomic
def confirm_draft(
    *,
    draft: Draft,
    by: User,
    petition_type: str,
    title: str,
    content: str,
    commune: Unit,
    petitioner_name: str,
    unit: Unit | None = None,
    petitioner_phone: str = "",
    petitioner_email: str = "",
    address: str = "",
    publish_consent: bool = False,
    attachment_ids: Collection[int] | None = None,
) -> case_services.Receipt:
    """A reception officer confirms a draft into a petition of `petition_type` handled by `unit` (one of theirs),
    through the same recording service as the /record/ page: the channel is the draft's, the petition counts as
    received when the first message arrived (`received_at`), and answers go back the way it came
    (`origin_address`, set when the petition is created so its acknowledgement already uses it): for a mail, the
    citizen's Message-ID (answers reply in their thread) and their address as `petitioner_email` unless the
    officer typed another; for a chat, the sender's address on the page or OA.

    The files kept are `attachment_ids` (default: all) and move to the petition. `publish_consent` is the
    citizen's, stated by the officer; it defaults to no (writing to a mailbox is not consent to publish).
    Raises DraftConflict (409) when another officer decided first, DraftNotAllowed (403), and the recording
    service's IntakeError and NotAllowed; every one of them leaves the draft open and unchanged.
    """
    _claim(draft=draft, by=by, status=DraftStatus.CONFIRMED)
    draft.refresh_from_db()  # as claimed: a message may have joined it since the caller read it
    kept = list(draft.attachments.order_by("pk"))
    if attachment_ids is not None:
        kept = [item for item in kept if item.pk in set(attachment_ids)]
    files = []
    for item in kept:
        with item.file.open("rb") as stored:
            files.append(SimpleUploadedFile(item.name, stored.read(), content_type=item.content_type))
    if draft.channel == Channel.EMAIL:
        origin = draft.message_ids[0] if draft.message_ids else ""
        petitioner_email = petitioner_email or draft.sender_address
    else:
        origin = draft.sender_address
    receipt = case_services.record_petition(
        recorded_by=by,
        channel=draft.channel,
        petition_type=petition_type,
        title=title,
        content=content,
        commune=commune,
        unit=unit,
        petitioner_name=petitioner_name,
        petitioner_phone=petitioner_phone,
        petitioner_email=petitioner_email,
        address=address,
        publish_consent=publish_consent,
        files=files,
        received_at=draft.received_at,
        origin_address=origin,
        origin_last_message_at=draft.last_message_at,
    )
    petition = receipt.petition
    Draft.objects.filter(pk=draft.pk).update(petition=petition)
    draft.refresh_from_db()
    moved = [item.file.name for item in kept]
    DraftAttachment.objects.filter(pk__in=[item.pk for item in kept]).delete()
    storage = DraftAttachment._meta.get_field("file").storage

    def delete_moved() -> None:
        for name in moved:
            storage.delete(name)

    transaction.on_commit(delete_moved)
    return receipt


@transaction.atomic
def discard_draft(*, draft: Draft, by: User, reason: str) -> Draft:
    """Take a draft out of the queue without a petition (spam, a message that is not a petition, a duplicate of a
    petition already recorded), saying why. Raises DraftConflict, DraftNotAllowed, or IntakeError for no reason."""
    reason = reason.strip()
    if len(reason) < 5:
        raise case_services.IntakeError({"discard_reason": gettext("Hãy ghi lý do loại đơn")})
    _claim(draft=draft, by=by, status=DraftStatus.DISCARDED, discard_reason=reason)
    draft.refresh_from_db()
    return draft


# The official mailbox: one stored mail (an InboundEvent with its raw bytes) becomes a draft, a message on its case,
# or is recorded as ignored, a duplicate or refused, with the reason. `channels.mailbox` fetches and parses.


@dataclass(frozen=True)
class MailOutcome:
    outcome: str
    note: str
    draft: Draft | None = None
    petition: Petition | None = None


@transaction.atomic
def finish_event(*, event: InboundEvent, outcome: str, note: str) -> MailOutcome:
    """Record that an event was handled without a draft or a case message (ignored, refused), with why."""
    InboundEvent.objects.filter(pk=event.pk, handled_at__isnull=True).update(
        handled_at=timezone.now(), outcome=outcome, note=note[:2000], last_error=""
    )
    return MailOutcome(outcome, note)


def _petitioner_case(parsed: ParsedMail) -> tuple[Petition | None, str]:
    """The case this mail answers, and how it was found: a case Message-ID in its thread, "[CODE]" in its subject,
    or the citizen's own first mail (the case's `origin_address`) in its thread; in every way only from the
    petitioner's own address (an id or a code alone can be copied)."""
    by_thread, by_subject = case_codes_in(parsed, settings.TRACKING_CODE_PREFIX)
    candidates: list[tuple[Petition, str]] = []
    for codes, how in ((by_thread, "thread"), (by_subject, "subject")):
        for code in codes:
            petition = Petition.objects.filter(tracking_code=code).select_related("workflow").first()
            if petition is not None:
                candidates.append((petition, f"{how}: {code}"))
    if parsed.references:  # a reply to the citizen's own first mail, which became the case
        own_thread = Petition.objects.filter(channel=Channel.EMAIL, origin_address__in=parsed.references)
        candidates += [(petition, f"their first mail: {petition.tracking_code}") for petition in own_thread[:5]]
    for petition, how in candidates:
        if parsed.sender_address == petition.petitioner_email.strip().lower():
            return petition, how
    return None, ""


def add_case_message(
    *, petition: Petition, parsed: ParsedMail, received_at: datetime, files: Iterable[IncomingFile]
) -> list[str]:
    """The petitioner wrote again about their case: an entry in its history (public: that they wrote; internal:
    what), their files added to the case after the upload check. Returns why any file was refused. Call inside a
    transaction."""
    refused: list[str] = []
    kept: list[str] = []
    for incoming in files:
        upload = SimpleUploadedFile(incoming.name, incoming.content)
        try:
            content_type = check_attachment(upload)
        except UploadRefused as refusal:
            refused.append(str(refusal))
            continue
        Attachment.objects.create(
            petition=petition,
            file=upload,
            original_name=incoming.name[:255],
            content_type=content_type,
            size=len(incoming.content),
        )
        kept.append(incoming.name)
    # A denouncer's identity is sealed: their own words go into the trail without names, phones or addresses.
    text = petition.public_text(parsed.text) if petition.identity_sealed else parsed.text
    subject = petition.public_text(parsed.subject) if petition.identity_sealed else parsed.subject
    summary = f"Người gửi đơn gửi thêm thư điện tử: «{subject}»\n\n{text}".strip()
    if kept:
        summary += f"\n\nTệp đính kèm: {', '.join(kept)}"
    CaseEvent.objects.create(
        instance=petition.workflow,
        kind="citizen_message",
        created_at=received_at,
        summary=summary[:20_000],
        public_text="Người gửi đơn đã gửi thêm thông tin qua thư điện tử",
        data={"channel": Channel.EMAIL, "message_id": parsed.message_id, "files": kept, "refused_files": refused},
    )
    if petition.origin_last_message_at is None or received_at > petition.origin_last_message_at:
        Petition.objects.filter(pk=petition.pk).update(origin_last_message_at=received_at)
    return refused


@transaction.atomic
def take_in_mail(
    *,
    event: InboundEvent,
    parsed: ParsedMail,
    received_at: datetime,
    unit: Unit | None = None,
    own_addresses: Collection[str] = (),
) -> MailOutcome:
    """Handle one stored, parsed mail in one transaction that also marks its event handled, so a crash leaves the
    event to be handled again and never half-applied:

    - sent by a machine (auto-reply, bounce, list), or by this mailbox itself: ignored, never a draft;
    - the same Message-ID already taken in (another mailbox, a UIDVALIDITY change): a duplicate;
    - the petitioner's reply about their case: a message on that case;
    - anything else: a new draft in the reception queue of `unit`.

    Expects no lock; takes the event's row lock, and does nothing if another worker handled it meanwhile.
    """
    locked = InboundEvent.objects.select_for_update().get(pk=event.pk)
    if locked.handled_at is not None:
        return MailOutcome(locked.outcome, locked.note, locked.draft, locked.petition)
    locked.message_id = parsed.message_id
    result = _mail_outcome(event=locked, parsed=parsed, received_at=received_at, unit=unit, own=own_addresses)
    locked.outcome, locked.note = result.outcome, result.note[:2000]
    locked.draft, locked.petition = result.draft, result.petition
    locked.handled_at, locked.last_error = timezone.now(), ""
    locked.save()
    return result


def _mail_outcome(
    *, event: InboundEvent, parsed: ParsedMail, received_at: datetime, unit: Unit | None, own: Collection[str]
) -> MailOutcome:
    if parsed.automated:
        return MailOutcome(EventOutcome.IGNORED, f"automated mail ({parsed.automated})")
    if parsed.sender_address in {address.lower() for address in own}:
        return MailOutcome(EventOutcome.IGNORED, "sent by this mailbox itself (loop guard)")
    earlier = (
        InboundEvent.objects.filter(
            channel=Channel.EMAIL,
            message_id=parsed.message_id,
            outcome__in=(EventOutcome.DRAFT, EventOutcome.CASE_MESSAGE),
        )
        .exclude(pk=event.pk)
        .first()
    )
    if earlier is not None:
        return MailOutcome(EventOutcome.DUPLICATE, f"same Message-ID as {earlier.external_id}", earlier.draft)
    too_large = [
        gettext("«%(name)s» lớn hơn %(limit)s MB") % {"name": f.name, "limit": settings.UPLOAD_MAX_BYTES // 2**20}
        for f in parsed.files
        if f.content is None
    ]
    skipped = [gettext("«%(name)s»: quá nhiều tệp trong một thư") % {"name": name} for name in parsed.skipped_files]
    files = [IncomingFile(f.name, f.content) for f in parsed.files if f.content is not None]
    petition, how = _petitioner_case(parsed)
    if petition is not None:
        refused = add_case_message(petition=petition, parsed=parsed, received_at=received_at, files=files)
        note = "; ".join([f"reply to {petition.tracking_code} ({how})", *too_large, *skipped, *refused])
        return MailOutcome(EventOutcome.CASE_MESSAGE, note, petition=petition)
    draft = _open_draft_replied_to(parsed)
    if draft is not None:
        refused = _join_draft(draft=draft, parsed=parsed, received_at=received_at, files=files)
        how = "joined the sender's open draft it replies to"
    else:
        draft, refused = add_message(
            channel=Channel.EMAIL,
            sender_address=parsed.sender_address,
            sender_name=parsed.sender_name,
            message_id=parsed.message_id,
            subject=parsed.subject,
            text=parsed.text,
            received_at=received_at,
            files=files,
        )
        how = "new draft"
    refused_all = [*too_large, *skipped, *refused]
    if unit is not None or refused_all:
        draft.unit = draft.unit or unit
        draft.refused_files = [*draft.refused_files, *refused_all]
        draft.save(update_fields=["unit", "refused_files"])
    return MailOutcome(EventOutcome.DRAFT, "; ".join([how, *refused_all]), draft=draft)


def _open_draft_replied_to(parsed: ParsedMail) -> Draft | None:
    """The sender's open mail draft that this mail answers (its Message-ID in In-Reply-To/References): a citizen
    who writes again before the officer confirmed adds to the same draft instead of opening a second one."""
    if not parsed.references:
        return None
    referenced = set(parsed.references)
    candidates = Draft.objects.select_for_update().filter(
        channel=Channel.EMAIL, sender_address=parsed.sender_address, status=DraftStatus.OPEN
    )
    return next((draft for draft in candidates if referenced & set(draft.message_ids)), None)


def _join_draft(*, draft: Draft, parsed: ParsedMail, received_at: datetime, files: Iterable[IncomingFile]) -> list[str]:
    """Add a further mail to an open draft: its text below the earlier ones, its files checked. Returns why any
    file was refused."""
    draft.text = f"{draft.text}\n\n— {parsed.subject}\n{parsed.text}".strip()
    draft.message_ids = [*draft.message_ids, parsed.message_id]
    draft.last_message_at = max(draft.last_message_at, received_at)
    draft.save(update_fields=["text", "message_ids", "last_message_at"])
    return attach_files(draft, files)
