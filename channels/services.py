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
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from cases import services as case_services
from cases.models import Channel
from channels.models import Draft, DraftAttachment, DraftStatus
from core.errors import AppError
from core.uploads import UploadRefused, check_upload
from organisation.models import Membership, Role, Unit

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
    refused = []
    for incoming in files:
        upload = ContentFile(incoming.content, name=incoming.name)
        try:
            content_type = check_upload(
                upload,
                allowed=settings.UPLOAD_ALLOWED_TYPES,
                max_bytes=settings.UPLOAD_MAX_BYTES,
                allowed_label=", ".join(sorted(settings.UPLOAD_ALLOWED_TYPES.values())),
            )
        except UploadRefused as refusal:
            refused.append(str(refusal))
            continue
        DraftAttachment.objects.create(
            draft=draft, file=upload, name=incoming.name, content_type=content_type, size=len(incoming.content)
        )
    return draft, refused


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
        raise DraftConflict(
            gettext("Đơn này vừa được cán bộ khác xác nhận hoặc loại; những gì bạn nhập vẫn còn dưới đây.")
        )


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
    received when the first message arrived (`received_at`), answers go back to the sender (`origin_address`).

    The files kept are `attachment_ids` (default: all) and move to the petition. `publish_consent` is the
    citizen's, stated by the officer; it defaults to no (writing to a mailbox is not consent to publish).
    Raises DraftConflict (409) when another officer decided first, DraftNotAllowed (403), and the recording
    service's IntakeError and NotAllowed; every one of them leaves the draft open and unchanged.
    """
    _claim(draft=draft, by=by, status=DraftStatus.CONFIRMED)
    kept = list(draft.attachments.order_by("pk"))
    if attachment_ids is not None:
        kept = [item for item in kept if item.pk in set(attachment_ids)]
    files = []
    for item in kept:
        with item.file.open("rb") as stored:
            files.append(SimpleUploadedFile(item.name, stored.read(), content_type=item.content_type))
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
    )
    petition = receipt.petition
    petition.origin_address = draft.sender_address
    petition.origin_last_message_at = draft.last_message_at
    petition.save(update_fields=["origin_address", "origin_last_message_at"])
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
