"""Citizens' own accounts (công dân), separate from officials' Django accounts, and what links them to what they sent.

A citizen signs in with the national e-ID (OpenID Connect: `oidc_issuer` + `oidc_subject`) or with a one-time code
sent to their e-mail or phone (`OneTimeCode`, `citizens.codes`). Their petitions and comments stay in `cases` and
`consultation` unchanged: the links live here (`CitizenPetition`, `CitizenComment`), so closing an account removes
the links and leaves the cases as they were.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PreferredChannel(models.TextChoices):
    AUTO = "", _("Như khi gửi đơn")
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")


class Citizen(models.Model):
    """A citizen's account (tài khoản công dân). Personal data: never in a public page, the public API, the search
    index, a log line or an export."""

    display_name = models.CharField(_("tên hiển thị"), max_length=150, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True, db_index=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True, db_index=True)
    oidc_issuer = models.CharField(_("nhà cung cấp định danh"), max_length=255, blank=True)
    oidc_subject = models.CharField(_("mã định danh (sub)"), max_length=255, blank=True)
    preferred_channel = models.CharField(
        _("kênh nhận thông báo"),
        max_length=8,
        choices=PreferredChannel.choices,
        default=PreferredChannel.AUTO,
        blank=True,
    )
    language = models.CharField(_("ngôn ngữ"), max_length=8, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    last_sign_in_at = models.DateTimeField(_("đăng nhập lần cuối"), null=True, blank=True)
    closed_at = models.DateTimeField(_("đóng tài khoản lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("công dân")
        verbose_name_plural = _("công dân")
        constraints = [
            models.UniqueConstraint(
                fields=["oidc_issuer", "oidc_subject"],
                condition=~Q(oidc_subject=""),
                name="citizen_unique_oidc_subject",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"  # never a name or an address: this string reaches admin logs

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CodePurpose(models.TextChoices):
    SIGN_IN = "sign_in", _("Đăng nhập")
    SURVEY = "survey", _("Trả lời khảo sát")


class OneTimeCode(models.Model):
    """A short-lived, single-use code sent to an e-mail or a phone. Neither the address nor the code is stored:
    only salted HMACs (`citizens.codes`)."""

    destination_hash = models.CharField(max_length=64, db_index=True, editable=False)
    purpose = models.CharField(_("mục đích"), max_length=32)
    code_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    attempts = models.PositiveSmallIntegerField(_("số lần nhập sai"), default=0)
    used_at = models.DateTimeField(_("đã dùng lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã dùng một lần")
        verbose_name_plural = _("mã dùng một lần")
        indexes = [models.Index(fields=["destination_hash", "purpose", "-created_at"], name="otc_destination_latest")]

    def __str__(self) -> str:
        return f"{self.purpose} #{self.pk}"


class LinkKind(models.TextChoices):
    NEW = "new", _("Gửi khi đã đăng nhập")
    CLAIMED = "claimed", _("Nhận bằng mã tra cứu và mã bí mật")


class CitizenPetition(models.Model):
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="petition_links")
    petition = models.OneToOneField("cases.Petition", on_delete=models.CASCADE, related_name="citizen_link")
    how = models.CharField(_("cách liên kết"), max_length=8, choices=LinkKind.choices)
    linked_at = models.DateTimeField(_("liên kết lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("đơn của công dân")
        verbose_name_plural = _("đơn của công dân")

    def __str__(self) -> str:
        return f"#{self.citizen_id} → {self.petition_id}"


class CitizenComment(models.Model):
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="comment_links")
    comment = models.OneToOneField("consultation.Comment", on_delete=models.CASCADE, related_name="citizen_link")
    how = models.CharField(_("cách liên kết"), max_length=8, choices=LinkKind.choices)
    linked_at = models.DateTimeField(_("liên kết lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("góp ý của công dân")
        verbose_name_plural = _("góp ý của công dân")

    def __str__(self) -> str:
        return f"#{self.citizen_id} → {self.comment_id}"


class AuditEntry(models.Model):
    """What happened to an account (signed in, claimed a case, closed): no personal data, the citizen's number."""

    citizen_number = models.PositiveBigIntegerField(_("số tài khoản"), db_index=True)
    action = models.CharField(_("việc"), max_length=32)
    detail = models.CharField(_("chi tiết"), max_length=255, blank=True)
    at = models.DateTimeField(_("lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("nhật ký tài khoản công dân")
        verbose_name_plural = _("nhật ký tài khoản công dân")

    def __str__(self) -> str:
        return f"#{self.citizen_number} {self.action}"
