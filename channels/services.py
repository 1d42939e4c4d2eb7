"""Intake: a channel's message becomes (part of) a draft in the reception queue.

Workers (the mailbox poller, the webhook event worker) parse what they stored as an `InboundEvent`, then call
`add_message` in the transaction that marks the event handled, so an event is never half-applied.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from cases.models import Channel
from channels.models import Draft, DraftAttachment, DraftStatus
from core.uploads import UploadRefused, check_upload

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
        upload = SimpleUploadedFile(incoming.name, incoming.content)
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
