"""Messages to commenters, through the notification outbox (`notifications.services.enqueue`), queued in the
transaction of the decision: the moderation decision on their comment (with its reason), and, when the synthesis
report is published, the disposition of their comment (tiếp thu, giải trình) with its explanation.

A commenter is reached by e-mail, else by phone (ZNS, then SMS: only the comment's number and a link). Their name
is in no message; the texts are the drafting team's, as published.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from consultation.models import Comment, CommentStatus, Consultation
from core.site import absolute_url
from notifications.models import MessageKind
from notifications.services import Address, Outgoing, enqueue_many


def comment_addresses(comment: Comment) -> list[Address]:
    chain: list[Address] = []
    if comment.email.strip():
        chain.append(Address("email", comment.email.strip()))
    if comment.phone.strip():
        chain += [Address("zns", comment.phone.strip()), Address("sms", comment.phone.strip())]
    return chain


def _outgoing(comment: Comment, *, kind: str, occasion: str, subject: str, body: str, link: str) -> Outgoing:
    return Outgoing(
        key=f"comment:{comment.pk}:{kind}:{occasion}",
        kind=kind,
        about=comment,
        addresses=comment_addresses(comment),
        subject=subject,
        body=body,
        reference=comment.comment_id,
        link=link,
        language=settings.LANGUAGE_CODE,
        thread=f"comment-{comment.comment_id}",
    )


def moderation_decision(comment: Comment) -> None:
    """After `moderate_comment`: published, or not published with the reason (and the moderator's note)."""
    consultation = comment.consultation
    with translation.override(settings.LANGUAGE_CODE):
        if comment.status == CommentStatus.PUBLISHED:
            subject = gettext("Góp ý của ông/bà đã được đăng")
            body = gettext("Góp ý %(comment)s về dự thảo «%(title)s» đã được đăng công khai.") % {
                "comment": comment.comment_id,
                "title": consultation.title,
            }
            link = absolute_url(reverse("consultation:comments", args=[consultation.reference]))
        else:
            subject = gettext("Góp ý của ông/bà không được đăng")
            body = gettext("Góp ý %(comment)s về dự thảo «%(title)s» không được đăng. Lý do: %(reason)s.") % {
                "comment": comment.comment_id,
                "title": consultation.title,
                "reason": comment.get_rejection_reason_display(),
            }
            if comment.moderation_note:
                body += "\n\n" + comment.moderation_note
            link = absolute_url(reverse("consultation:detail", args=[consultation.reference]))
        outgoing = _outgoing(
            comment, kind=MessageKind.MODERATION, occasion=comment.status, subject=subject, body=body, link=link
        )
        enqueue_many([outgoing])


def report_dispositions(consultation: Consultation) -> int:
    """When the report is published: each published comment's disposition to its author. Returns how many."""
    link = absolute_url(reverse("consultation:report", args=[consultation.reference]))
    comments = (
        Comment.objects.filter(consultation=consultation, status=CommentStatus.PUBLISHED)
        .exclude(disposition="")
        .select_related("consultation")
        .order_by("number")
    )
    messages: list[Outgoing] = []
    with translation.override(settings.LANGUAGE_CODE):
        for comment in comments.iterator(chunk_size=500):
            if not comment_addresses(comment):
                continue
            body = gettext(
                "Báo cáo tiếp thu, giải trình ý kiến về dự thảo «%(title)s» đã được công bố. Góp ý %(comment)s của ông/bà: %(disposition)s."
            ) % {
                "title": consultation.title,
                "comment": comment.comment_id,
                "disposition": comment.get_disposition_display(),
            }
            body += "\n\n" + comment.explanation
            subject = gettext("Tiếp thu, giải trình góp ý của ông/bà")
            messages.append(
                _outgoing(
                    comment, kind=MessageKind.DISPOSITION, occasion="report", subject=subject, body=body, link=link
                )
            )
    return enqueue_many(messages)
