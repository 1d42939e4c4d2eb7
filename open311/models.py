"""Third-party apps that send petitions through Open311 GeoReport v2 (`open311.api`), and what each one sent.

An app holds an API key issued by an administrator; only the key's SHA-256 is stored (the key has 256 bits of
randomness, so a slow password hash would add nothing), and it is shown once, when it is issued.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Petition

KEY_PREFIX_LENGTH = 8


def hash_api_key(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def new_raw_key() -> str:
    return secrets.token_urlsafe(32)


class ApiKey(models.Model):
    """The key of one third-party app. Revoked, never deleted: the requests it sent keep naming it."""

    name = models.CharField(_("tên ứng dụng"), max_length=150)
    owner_contact = models.CharField(
        _("liên hệ của bên sở hữu"),
        max_length=255,
        help_text=_("Tổ chức, người phụ trách, thư điện tử hoặc điện thoại để liên hệ về ứng dụng."),
    )
    key_prefix = models.CharField(_("đầu khoá"), max_length=KEY_PREFIX_LENGTH, editable=False, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("đang dùng"), default=True)
    created_at = models.DateTimeField(_("cấp lúc"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cấp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thu hồi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("khoá API Open311")
        verbose_name_plural = _("khoá API Open311")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def usable(self) -> bool:
        return self.active and self.revoked_at is None


class Open311Request(models.Model):
    """A petition a third-party app sent (`POST requests`): which app, and the token it may look the petition up
    with. Private: `media_url` (a link the app sent, never fetched nor published) is for the officials."""

    token = models.UUIDField(_("mã token"), default=uuid.uuid4, unique=True, editable=False)
    petition = models.OneToOneField(
        Petition, verbose_name=_("đơn thư"), on_delete=models.PROTECT, related_name="open311_request"
    )
    api_key = models.ForeignKey(ApiKey, verbose_name=_("khoá API"), on_delete=models.PROTECT, related_name="requests")
    device_id = models.CharField(_("mã thiết bị"), max_length=100, blank=True)
    account_id = models.CharField(_("mã tài khoản trên ứng dụng"), max_length=100, blank=True)
    media_url = models.URLField(_("đường dẫn ảnh"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("nhận lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("yêu cầu Open311")
        verbose_name_plural = _("yêu cầu Open311")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.token)
