"""Writes for Open311: API keys issued and revoked by administrators, and a third-party app's petition, which goes
through the one public intake (`cases.services.submit_petition`, channel OPEN311) so its process and legal clock
start like any other."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from cases import services as case_services
from cases.models import Channel
from open311.models import KEY_PREFIX_LENGTH, ApiKey, Open311Request, hash_api_key, new_raw_key
from organisation.models import Unit
from workflows.models import CaseEvent


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    raw: str  # shown once to the administrator who issued it; only its hash is stored


@transaction.atomic
def issue_api_key(*, name: str, owner_contact: str, issued_by: User | None = None) -> IssuedKey:
    raw = new_raw_key()
    api_key = ApiKey.objects.create(
        name=name,
        owner_contact=owner_contact,
        key_prefix=raw[:KEY_PREFIX_LENGTH],
        key_hash=hash_api_key(raw),
        created_by=issued_by,
    )
    return IssuedKey(api_key, raw)


@transaction.atomic
def revoke_api_key(*, api_key: ApiKey, revoked_by: User | None = None) -> ApiKey:
    """The key stops working at once, for good (a new key is issued instead). Revoking twice changes nothing."""
    api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if api_key.revoked_at is None:
        api_key.active = False
        api_key.revoked_at = timezone.now()
        api_key.revoked_by = revoked_by
        api_key.save(update_fields=["active", "revoked_at", "revoked_by"])
    return api_key


@transaction.atomic
def submit_request(
    *,
    api_key: ApiKey,
    petition_type: str,
    commune: Unit,
    title: str,
    description: str,
    petitioner_name: str,
    petitioner_phone: str = "",
    petitioner_email: str = "",
    address: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    publish_consent: bool = False,
    device_id: str = "",
    account_id: str = "",
    media_url: str = "",
) -> Open311Request:
    """Record the petition a third-party app sent and start its process. The case's audit trail names the app
    and, unless the petitioner's identity is sealed, the link to its photo (never fetched nor published; it stays
    on the `Open311Request` either way). The petitioner's access key is not given to the app. Raises
    `cases.services.IntakeError` for input to correct."""
    receipt = case_services.submit_petition(
        petition_type=petition_type,
        title=title,
        content=description,
        commune=commune,
        petitioner_name=petitioner_name,
        petitioner_phone=petitioner_phone,
        petitioner_email=petitioner_email,
        address=address,
        latitude=latitude,
        longitude=longitude,
        publish_consent=publish_consent,
        channel=Channel.OPEN311,
    )
    request = Open311Request.objects.create(
        petition=receipt.petition,
        api_key=api_key,
        device_id=device_id,
        account_id=account_id,
        media_url=media_url,
    )
    summary = f"Gửi qua ứng dụng {api_key.name} (Open311)"
    if media_url and not receipt.petition.identity_sealed:  # a link may name its sender: kept out of a sealed trail
        summary += f"; ảnh do ứng dụng gửi kèm: {media_url}"
    CaseEvent.objects.create(
        instance=receipt.petition.workflow,
        kind="open311_received",
        summary=summary,
        data={"api_key": api_key.pk, "token": str(request.token)},
    )
    return request
