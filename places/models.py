"""E-mail alerts of new published answers in a commune or a topic (đăng ký nhận tin).

A subscription is created unconfirmed and receives nothing until its address confirms it through the link mailed to
it (double opt-in); an unconfirmed one is deleted after `SUBSCRIPTION_CONFIRM_DAYS`. Every alert carries a signed
one-click unsubscribe link. The address is personal data: it is never shown on a page, a feed or an export.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from organisation.models import Unit


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Subscription(models.Model):
    email = models.EmailField(_("thư điện tử"))
    commune = models.ForeignKey(
        Unit, verbose_name=_("xã/phường"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    topic = models.ForeignKey(
        "topics.Topic", verbose_name=_("lĩnh vực"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    language = models.CharField(_("ngôn ngữ"), max_length=8, default="vi")
    created_at = models.DateTimeField(_("đăng ký lúc"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("đăng ký nhận tin")
        verbose_name_plural = _("đăng ký nhận tin")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(commune__isnull=False, topic__isnull=True)
                | models.Q(commune__isnull=True, topic__isnull=False),
                name="subscription_commune_or_topic",
            ),
            models.UniqueConstraint(fields=["email", "commune"], name="subscription_once_per_commune"),
            models.UniqueConstraint(fields=["email", "topic"], name="subscription_once_per_topic"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} · {self.commune or self.topic}"
