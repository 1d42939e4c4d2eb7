"""Messages to petitioners, through the notification outbox (`notifications.services.enqueue`).

Each is queued in the transaction of the event that causes it (a handler's step, a clock change, the intake), so
a step that rolls back sends nothing. The address chain starts with the channel the petition came from (its Zalo
user, its Facebook page-scoped id: `Petition.channel` + `origin_address`), then the petitioner's e-mail, then
their phone (ZNS, then SMS). Every message carries the tracking code and the status link; none names the
petitioner, and a denouncer's messages are sealed (no provider error text is kept about them).

A petitioner reads every message in the language of their first one (their acknowledgement, in the language of
the portal page they sent it from), unless a signed-in citizen who follows the case on My page chose a language
and a channel (`citizens.links`).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases.models import Channel, Petition
from citizens.links import preferred_addresses, preferred_language
from core.site import absolute_url
from notifications.models import MessageKind
from notifications.selectors import language_of
from notifications.services import Address, enqueue
from workflows import subjects

# Engine events that move a petition's due date (`workflows.services`), and what the petitioner is told.
CLOCK_EVENTS = {
    "suspended": _("Tạm dừng tính thời hạn giải quyết"),
    "resumed": _("Tiếp tục giải quyết, thời hạn mới"),
    "extended": _("Gia hạn thời hạn giải quyết"),
}


def petition_addresses(petition: Petition) -> list[Address]:
    """The channel it came from first, then e-mail, then the phone (ZNS, then SMS)."""
    chain: list[Address] = []
    origin = petition.origin_address.strip()
    if origin and petition.channel == Channel.ZALO:
        chain.append(Address("zalo", origin))
    elif origin and petition.channel == Channel.FACEBOOK:
        chain.append(Address("facebook", origin, last_inbound_at=petition.origin_last_message_at))
    if petition.petitioner_email.strip():
        chain.append(Address("email", petition.petitioner_email.strip()))
    if petition.petitioner_phone.strip():
        chain += [Address("zns", petition.petitioner_phone.strip()), Address("sms", petition.petitioner_phone.strip())]
    return preferred_addresses(petition, chain)  # a signed-in citizen's chosen channel first


def status_link(petition: Petition) -> str:
    return absolute_url(reverse("cases:track", args=[petition.tracking_code]))


def notify(
    petition: Petition,
    *,
    kind: str,
    occasion: object,
    subject: str | Promise,
    intro: str | Promise,
    text: str = "",
    language: str | None = None,
    not_before: datetime.datetime | None = None,
    link_label: str | Promise = "",
    **params: Any,
) -> None:
    """Queue one message of `kind` to the petitioner. `occasion` makes its key unique per event (the case's
    `lock_version` for a step); `intro` (a translatable text with `%(name)s` params) opens it, `text` (an
    official's words: the answer, the reason) follows as written."""
    language = language or preferred_language(petition) or language_of(petition)
    with translation.override(language):
        body = str(intro) % params if params else str(intro)
        enqueue(
            key=f"petition:{petition.pk}:{kind}:{occasion}",
            kind=kind,
            about=petition,
            addresses=petition_addresses(petition),
            subject=str(subject),
            body=f"{body}\n\n{text}".strip(),
            reference=petition.tracking_code,
            link=status_link(petition),
            link_label=str(link_label),
            language=language,
            thread=f"case-{petition.tracking_code}",
            reply_to=petition.origin_address.strip() if petition.channel == Channel.EMAIL else "",
            sealed=petition.identity_sealed,
            not_before=not_before,
        )


def acknowledge(petition: Petition, *, language: str | None = None) -> None:
    """The acknowledgement of a new petition: its tracking code and where to follow it."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        label = str(petition.get_petition_type_display()).lower()
    notify(
        petition,
        kind=MessageKind.ACKNOWLEDGEMENT,
        occasion="received",
        language=language,
        subject=_("Đã nhận đơn của ông/bà"),
        intro=_(
            "%(unit)s đã nhận %(label)s «%(title)s» của ông/bà ngày %(date)s.\n\nMã tra cứu: %(code)s. Ông/bà có thể theo dõi tình trạng giải quyết bằng mã này và mã bí mật được cấp khi gửi đơn."
        ),
        unit=petition.unit.name,
        label=label,
        title=petition.title,
        date=timezone.localtime(petition.received_at).strftime("%d/%m/%Y"),
        code=petition.tracking_code,
    )


def ask_for_rating(petition: Petition, *, occasion: object) -> None:
    """Some time after the answer (NOTIFICATIONS_RATING_DELAY): how was the petition handled?"""
    notify(
        petition,
        kind=MessageKind.RATING_REQUEST,
        occasion=occasion,
        not_before=timezone.now() + settings.NOTIFICATIONS_RATING_DELAY,
        subject=_("Mời ông/bà đánh giá việc giải quyết đơn"),
        intro=_(
            "Đơn %(code)s đã được trả lời. Xin ông/bà cho biết mức độ hài lòng với việc giải quyết: ý kiến của ông/bà giúp cơ quan phục vụ tốt hơn."
        ),
        link_label=_("Đánh giá việc giải quyết"),
        code=petition.tracking_code,
    )


def notify_clock_change(step: subjects.Step) -> None:
    """Step hook of petitions: tell the petitioner when their due date moves (suspended, resumed, extended), with
    the public text of the case's history (the new date and how it was computed)."""
    events = [event for event in step.context.events if event.kind in CLOCK_EVENTS]
    if not events:
        return
    petition = Petition.objects.filter(workflow=step.instance).first()
    if petition is None:
        return
    for event in events:
        notify(
            petition,
            kind=MessageKind.DUE_DATE_CHANGE,
            occasion=f"{event.kind}:{step.instance.lock_version}",
            subject=CLOCK_EVENTS[event.kind],
            intro=_("Thời hạn giải quyết đơn %(code)s đã thay đổi."),
            text=petition.public_text(event.public_text) if petition.identity_sealed else event.public_text,
            code=petition.tracking_code,
        )
