"""What a citizen does with their account: preferences, their data, closing it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citizens import mypage
from citizens.auth import audit
from citizens.models import Citizen, CitizenComment, CitizenPetition, PreferredChannel


class PreferenceError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def set_preferences(citizen: Citizen, *, channel: str, language: str) -> None:
    if channel not in PreferredChannel.values:
        raise PreferenceError("channel", _("Kênh nhận thông báo không hợp lệ."))
    if language and language not in dict(settings.LANGUAGES):
        raise PreferenceError("language", _("Ngôn ngữ không hợp lệ."))
    if channel == PreferredChannel.EMAIL and not citizen.email:
        raise PreferenceError("channel", _("Tài khoản của bạn chưa có địa chỉ thư điện tử."))
    if channel == PreferredChannel.SMS and not citizen.phone:
        raise PreferenceError("channel", _("Tài khoản của bạn chưa có số điện thoại."))
    citizen.preferred_channel = channel
    citizen.language = language
    citizen.save(update_fields=["preferred_channel", "language"])
    audit(citizen, "preferences")


def petition_links(citizen: Citizen) -> list[CitizenPetition]:
    return list(
        CitizenPetition.objects.filter(citizen=citizen)
        .select_related("petition__commune", "petition__workflow__unit")
        .order_by("-petition__received_at", "-pk")
    )


def comment_links(citizen: Citizen) -> list[CitizenComment]:
    return list(
        CitizenComment.objects.filter(citizen=citizen)
        .select_related("comment__consultation", "comment__article")
        .order_by("-comment__created_at", "-pk")
    )


def export_data(citizen: Citizen) -> dict[str, Any]:
    """Everything the site keeps that is the citizen's own: the account, their petitions (with their own details,
    the full history and the answer), their comments, and each registered section's part."""
    from cases.selectors import public_status

    petitions = []
    for link in petition_links(citizen):
        petition = link.petition
        status = public_status(petition, for_petitioner=True)
        petitions.append(
            {
                "tracking_code": petition.tracking_code,
                "linked": link.how,
                "type": petition.petition_type,
                "title": petition.title,
                "content": petition.content,
                "received_at": petition.received_at.isoformat(),
                "status": petition.status,
                "petitioner": {
                    "name": petition.petitioner_name,
                    "phone": petition.petitioner_phone,
                    "email": petition.petitioner_email,
                    "address": petition.address,
                },
                "history": [{"at": item["at"].isoformat(), "text": item["text"]} for item in status.history],
                "answer": status.answer,
                "answered_at": status.answered_at.isoformat() if status.answered_at else None,
            }
        )
    comments = [
        {
            "consultation": link.comment.consultation.reference,
            "number": link.comment.number,
            "linked": link.how,
            "text": link.comment.text,
            "created_at": link.comment.created_at.isoformat(),
            "status": link.comment.status,
            "author_name": link.comment.author_name,
            "email": link.comment.email,
            "phone": link.comment.phone,
        }
        for link in comment_links(citizen)
    ]
    data: dict[str, Any] = {
        "account": {
            "number": citizen.pk,
            "display_name": citizen.display_name,
            "email": citizen.email,
            "phone": citizen.phone,
            "e_id": {"issuer": citizen.oidc_issuer, "subject": citizen.oidc_subject} if citizen.oidc_subject else None,
            "preferred_channel": citizen.preferred_channel,
            "language": citizen.language,
            "created_at": citizen.created_at.isoformat(),
        },
        "petitions": petitions,
        "comments": comments,
    }
    for section in mypage.sections():
        if section.export is not None:
            data[section.key] = section.export(citizen)
    audit(citizen, "download")
    return data


@transaction.atomic
def close_account(citizen: Citizen) -> None:
    """Unlinks everything and anonymises the account; the petitions and comments stay as they are, unlinked."""
    citizen = Citizen.objects.select_for_update().get(pk=citizen.pk)
    if citizen.closed_at is not None:
        return
    for section in mypage.sections():
        if section.forget is not None:
            section.forget(citizen)
    unlinked = CitizenPetition.objects.filter(citizen=citizen).delete()[0]
    unlinked += CitizenComment.objects.filter(citizen=citizen).delete()[0]
    citizen.display_name = citizen.email = citizen.phone = ""
    citizen.oidc_issuer = citizen.oidc_subject = ""
    citizen.preferred_channel = PreferredChannel.AUTO
    citizen.language = ""
    citizen.closed_at = timezone.now()
    citizen.save()
    audit(citizen, "close", f"{unlinked} links removed")
