"""Writes for petitions: intake from every channel. Handling steps go through `workflows.services`."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from cases.models import Attachment, Channel, Petition, PetitionType, hash_access_key, new_tracking_code
from organisation.models import Unit
from workflows import services as workflow_services

logger = logging.getLogger(__name__)


class IntakeError(ValueError):
    """Input a citizen must correct: {field: reason}."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Receipt:
    petition: Petition
    access_key: str


def check_attachments(files: Sequence[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    """Type by content (not by name or the browser's claim) and size; returns (file, content type) pairs."""
    if len(files) > settings.UPLOAD_MAX_FILES:
        raise IntakeError(
            {"attachments": f"Tối đa {settings.UPLOAD_MAX_FILES} tệp / at most {settings.UPLOAD_MAX_FILES} files"}
        )
    checked = []
    for upload in files:
        name = upload.name or "?"
        if upload.size is None or upload.size > settings.UPLOAD_MAX_BYTES:
            limit = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
            raise IntakeError({"attachments": f"«{name}» lớn hơn {limit} MB / larger than {limit} MB"})
        head = upload.read(8192)
        upload.seek(0)
        kind = filetype.guess(head)
        if kind is None or kind.mime not in settings.UPLOAD_ALLOWED_TYPES:
            allowed = ", ".join(sorted(settings.UPLOAD_ALLOWED_TYPES.values()))
            raise IntakeError({"attachments": f"«{name}» không phải tệp được phép ({allowed}) / file type not allowed"})
        checked.append((upload, kind.mime))
    return checked


def _unique_tracking_code() -> str:
    while True:
        code = new_tracking_code()
        if not Petition.objects.filter(tracking_code=code).exists():
            return code


@transaction.atomic
def submit_petition(
    *,
    petition_type: str,
    title: str,
    content: str,
    commune: Unit,
    petitioner_name: str,
    petitioner_phone: str = "",
    petitioner_email: str = "",
    address: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    publish_consent: bool = False,
    channel: str = Channel.PORTAL,
    files: Sequence[UploadedFile] = (),
) -> Receipt:
    """Record a petition and start its process; the commune's reception officers see it in their inbox.

    Returns the petition and its access key (shown once to the citizen; only its hash is stored).
    """
    if not commune.is_commune:
        raise IntakeError({"commune": "Hãy chọn một xã/phường / choose a commune or ward"})
    attachments = check_attachments(files)
    access_key = Petition.new_access_key()
    code = _unique_tracking_code()
    instance = workflow_services.create_instance(subject_type=petition_type, unit=commune, reference=code, title=title)
    petition = Petition.objects.create(
        tracking_code=code,
        access_key_hash=hash_access_key(access_key),
        petition_type=petition_type,
        channel=channel,
        title=title,
        content=content,
        commune=commune,
        address=address,
        latitude=latitude,
        longitude=longitude,
        petitioner_name=petitioner_name,
        petitioner_phone=petitioner_phone,
        petitioner_email=petitioner_email,
        publish_consent=publish_consent,
        workflow=instance,
    )
    for upload, mime in attachments:
        Attachment.objects.create(
            petition=petition,
            file=upload,
            original_name=(upload.name or "")[:255],
            content_type=mime,
            size=upload.size or 0,
        )
    label = PetitionType(petition_type).label
    workflow_services.run_instance(
        instance,
        data={"petition_type": petition_type, "publish_consent": publish_consent, "channel": channel},
        summary=f"Tiếp nhận {label.lower()} qua {Channel(channel).label.lower()}",
        public_text=f"Đã tiếp nhận {label.lower()}",
    )
    return Receipt(petition, access_key)
