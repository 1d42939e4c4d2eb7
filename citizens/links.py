"""Links from a citizen to what they sent, and their notification preferences for it.

- ``link_new(request, obj)`` — called by the portal's submit view and the consultation's comment view after a
  petition or a comment was stored: when a citizen is signed in, it is linked to them ("new"). Never required,
  never fails the submission.
- ``claim_petition(citizen, *, code, key) -> Petition`` — links an older case whose tracking code and secret
  key the citizen holds ("claimed"); `ClaimError(field, message)` otherwise, nothing linked.
- ``claim_comment(citizen, *, key) -> Comment`` — the same for a comment and its private key.
- ``preferred_addresses(petition, chain)`` / ``preferred_language(petition)`` — the outbox's address chain and
  language for a linked petition, following the citizen's preferences (`cases.notices`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from citizens.auth import audit, current_citizen
from citizens.models import Citizen, CitizenComment, CitizenPetition, LinkKind, PreferredChannel

if TYPE_CHECKING:
    from cases.models import Petition
    from consultation.models import Comment
    from notifications.services import Address

logger = logging.getLogger(__name__)


class ClaimError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def link_new(request: HttpRequest, obj: object) -> None:
    from cases.models import Petition
    from consultation.models import Comment

    citizen = current_citizen(request)
    if citizen is None:
        return
    try:
        with transaction.atomic():
            if isinstance(obj, Petition):
                CitizenPetition.objects.create(citizen=citizen, petition=obj, how=LinkKind.NEW)
            elif isinstance(obj, Comment):
                CitizenComment.objects.create(citizen=citizen, comment=obj, how=LinkKind.NEW)
    except IntegrityError:  # already linked: nothing to do
        logger.info("A new item was already linked to a citizen")


def claim_petition(citizen: Citizen, *, code: str, key: str) -> Petition:
    from cases import selectors

    petition = selectors.petition_by_code(code.strip()) if code.strip() else None
    if petition is None:
        raise ClaimError("code", _("Không có đơn nào có mã tra cứu này."))
    if not petition.check_access_key(key.strip()):
        raise ClaimError("access_key", _("Mã bí mật không đúng với mã tra cứu này."))
    with transaction.atomic():
        existing = CitizenPetition.objects.select_for_update().filter(petition=petition).first()
        if existing is not None and existing.citizen_id == citizen.pk:
            raise ClaimError("code", _("Đơn này đã có trong trang của bạn."))
        if existing is not None:
            raise ClaimError("code", _("Đơn này đã được liên kết với một tài khoản khác."))
        CitizenPetition.objects.create(citizen=citizen, petition=petition, how=LinkKind.CLAIMED)
        audit(citizen, "claim_petition", f"petition {petition.pk}")
    return petition


def claim_comment(citizen: Citizen, *, key: str) -> Comment:
    from consultation import services

    comment = services.comment_by_key(key.strip())
    if comment is None:
        raise ClaimError("comment_key", _("Không có góp ý nào có mã bí mật này."))
    with transaction.atomic():
        existing = CitizenComment.objects.select_for_update().filter(comment=comment).first()
        if existing is not None and existing.citizen_id == citizen.pk:
            raise ClaimError("comment_key", _("Góp ý này đã có trong trang của bạn."))
        if existing is not None:
            raise ClaimError("comment_key", _("Góp ý này đã được liên kết với một tài khoản khác."))
        CitizenComment.objects.create(citizen=citizen, comment=comment, how=LinkKind.CLAIMED)
        audit(citizen, "claim_comment", f"comment {comment.pk}")
    return comment


def _citizen_of(petition: Petition) -> Citizen | None:
    link = (
        CitizenPetition.objects.select_related("citizen")
        .filter(petition_id=petition.pk, citizen__closed_at__isnull=True)
        .first()
    )
    return link.citizen if link is not None else None


def preferred_addresses(petition: Petition, chain: list[Address]) -> list[Address]:
    """`chain` with the citizen's preferred channel first (their account's e-mail or phone when the petition has
    none); unchanged for a petition no open account follows or without a preference."""
    from notifications.services import Address

    citizen = _citizen_of(petition)
    if citizen is None or not citizen.preferred_channel:
        return chain
    first: list[Address] = []
    if citizen.preferred_channel == PreferredChannel.EMAIL:
        email = petition.petitioner_email.strip() or citizen.email
        first = [Address("email", email)] if email else []
    elif citizen.preferred_channel == PreferredChannel.SMS:
        phone = petition.petitioner_phone.strip() or citizen.phone
        first = [Address("sms", phone)] if phone else []
    rest = [address for address in chain if (address.adapter, address.to) not in {(a.adapter, a.to) for a in first}]
    return first + rest


def preferred_language(petition: Petition) -> str | None:
    citizen = _citizen_of(petition)
    return citizen.language or None if citizen is not None else None
