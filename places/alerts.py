"""Subscriptions to new published answers in a commune or a topic, by e-mail, through the notification outbox.

`do_subscribe` queues a confirmation link (double opt-in); nothing else is ever sent to an unconfirmed address.
`do_confirm` and `do_unsubscribe` take the signed tokens of those links. `alert_subscribers` is called when an
answer is published (`cases.handlers._publish`), in the same transaction: one message per confirmed subscriber of
the petition's commune or topic (one even if both match), keyed so that the same publication never alerts twice.
`expire_unconfirmed` deletes unconfirmed subscriptions older than SUBSCRIPTION_CONFIRM_DAYS (`build_open_data` runs
it daily).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.models import Petition
from core.site import absolute_url
from notifications.models import MessageKind
from notifications.services import Address, Outgoing, enqueue, enqueue_many
from organisation.models import Unit
from places.models import Subscription
from places.selectors import public_petitions
from topics.models import Topic

SALT_CONFIRM = "places.subscription.confirm"
SALT_UNSUBSCRIBE = "places.subscription.unsubscribe"


def _signed(subscription: Subscription, salt: str) -> str:
    return signing.dumps(subscription.token, salt=salt)


def confirm_url(subscription: Subscription) -> str:
    return absolute_url(reverse("places:subscription-confirm", args=[_signed(subscription, SALT_CONFIRM)]))


def unsubscribe_url(subscription: Subscription) -> str:
    return absolute_url(reverse("places:unsubscribe", args=[_signed(subscription, SALT_UNSUBSCRIBE)]))


def subject_of(subscription: Subscription) -> str:
    if subscription.commune is not None:
        return subscription.commune.name
    return subscription.topic.label if subscription.topic else ""


@transaction.atomic
def do_subscribe(*, email: str, commune: Unit | None = None, topic: Topic | None = None, language: str) -> Subscription:
    """Record an unconfirmed subscription (or find the existing one) and queue its confirmation link. Subscribing
    again before confirming sends the link again (a new message), never a second subscription."""
    email = email.strip().lower()
    existing = Subscription.objects.filter(email=email, commune=commune, topic=topic).first()
    if existing is None:
        try:
            with transaction.atomic():
                existing = Subscription.objects.create(email=email, commune=commune, topic=topic, language=language)
        except IntegrityError:  # a concurrent request created it
            existing = Subscription.objects.get(email=email, commune=commune, topic=topic)
    if existing.confirmed_at is None:
        with translation.override(existing.language):
            subject = _("Xác nhận đăng ký nhận tin: %(what)s") % {"what": subject_of(existing)}
            body = _(
                "Có người (có thể là bạn) đã đăng ký địa chỉ này để nhận thư khi có trả lời phản ánh, kiến nghị mới được "
                "công khai về %(what)s.\n\nNếu đúng là bạn, hãy bấm vào đường dẫn dưới đây để xác nhận trong vòng "
                "%(days)s ngày. Nếu không, hãy bỏ qua thư này: bạn sẽ không nhận được thư nào khác."
            ) % {"what": subject_of(existing), "days": settings.SUBSCRIPTION_CONFIRM_DAYS}
            link_label = _("Xác nhận đăng ký")
        enqueue(
            key=f"subscription:{existing.pk}:confirm:{timezone.now().timestamp():.0f}",
            kind=MessageKind.SUBSCRIPTION_CONFIRMATION,
            about=None,
            addresses=[Address("email", existing.email)],
            subject=subject,
            body=body,
            link=confirm_url(existing),
            link_label=link_label,
            language=existing.language,
        )
    return existing


def _by_token(signed: str, salt: str, max_age: datetime.timedelta | None = None) -> Subscription | None:
    try:
        token = signing.loads(signed, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    return Subscription.objects.filter(token=token).first()


def do_confirm(signed: str) -> Subscription | None:
    """Confirm the subscription of a confirmation link; None if the link is invalid or expired."""
    max_age = datetime.timedelta(days=settings.SUBSCRIPTION_CONFIRM_DAYS)
    subscription = _by_token(signed, SALT_CONFIRM, max_age)
    if subscription is None:
        return None
    if subscription.confirmed_at is None:
        Subscription.objects.filter(pk=subscription.pk, confirmed_at__isnull=True).update(confirmed_at=timezone.now())
        subscription.refresh_from_db()
    return subscription


def do_unsubscribe(signed: str) -> bool:
    """Delete the subscription of an unsubscribe link (True), or nothing for an invalid or used link (False)."""
    subscription = _by_token(signed, SALT_UNSUBSCRIBE)
    if subscription is None:
        return False
    subscription.delete()
    return True


def expire_unconfirmed(now: datetime.datetime | None = None) -> int:
    before = (now or timezone.now()) - datetime.timedelta(days=settings.SUBSCRIPTION_CONFIRM_DAYS)
    deleted, _rows = Subscription.objects.filter(confirmed_at__isnull=True, created_at__lt=before).delete()
    return deleted


def alert_subscribers(petition: Petition) -> int:
    """Queue one alert per confirmed subscriber of the petition's commune or topic (call it in the transaction that
    publishes the answer). Nothing for a petition that is not public. Returns the number of messages queued."""
    if not public_petitions().filter(pk=petition.pk).exists():
        return 0
    matches = Q(commune_id=petition.commune_id)
    if petition.topic_id:
        matches |= Q(topic_id=petition.topic_id)
    subscribers: dict[str, Subscription] = {}
    for subscription in (
        Subscription.objects.filter(matches, confirmed_at__isnull=False)
        .select_related("commune", "topic")
        .order_by("pk")
    ):
        subscribers.setdefault(subscription.email, subscription)  # one message per address
    messages = []
    title = petition.public_text(petition.title)
    answer = petition.public_text(petition.answer)
    link = absolute_url(reverse("cases:track", args=[petition.tracking_code]))
    for email, subscription in subscribers.items():
        with translation.override(subscription.language):
            subject = _("Trả lời mới: %(title)s") % {"title": title}
            body = _(
                "Một trả lời mới được công khai về %(what)s.\n\n%(title)s\n\n%(answer)s\n\n"
                "Ngừng nhận thư này: %(unsubscribe)s"
            ) % {
                "what": subject_of(subscription),
                "title": title,
                "answer": answer,
                "unsubscribe": unsubscribe_url(subscription),
            }
            link_label = _("Xem đơn và trả lời")
        messages.append(
            Outgoing(
                key=f"subscription:{subscription.pk}:petition:{petition.pk}:{int(petition.published_at.timestamp()) if petition.published_at else 0}",
                kind=MessageKind.SUBSCRIPTION_ALERT,
                about=None,
                addresses=[Address("email", email)],
                subject=subject,
                body=body,
                reference=petition.tracking_code,
                link=link,
                link_label=link_label,
                language=subscription.language,
            )
        )
    return enqueue_many(messages)
