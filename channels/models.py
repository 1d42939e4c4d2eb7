"""What arrives through the channels before it is a petition: the raw event, stored first so nothing is lost if
handling it fails, and the draft a reception officer confirms (type, unit) into a petition.

A mailbox or a chat is not a citizen's consent to publish: a draft never becomes a public petition by itself.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Channel, Petition
from organisation.models import Unit


class EventOutcome(models.TextChoices):
    """What handling an inbound event did: every event ends in one of these, with a note saying why."""

    DRAFT = "draft", _("Vào hàng chờ xác nhận")
    CASE_MESSAGE = "case_message", _("Ghép vào hồ sơ đơn")
    DUPLICATE = "duplicate", _("Trùng, đã nhận trước đó")
    IGNORED = "ignored", _("Bỏ qua (thư tự động, thư báo lỗi, danh sách thư)")
    REJECTED = "rejected", _("Từ chối (thư hỏng hoặc quá lớn)")


def raw_event_path(instance: InboundEvent, filename: str) -> str:
    return f"inbound/{timezone.localdate():%Y/%m}/{secrets.token_hex(16)}.eml"


class InboundEvent(models.Model):
    """One message or webhook event as received, before any parsing: replayed by the worker until handled."""

    channel = models.CharField(_("kênh"), max_length=16, choices=Channel.choices)
    # The provider's id of the event (IMAP: "<mailbox>:<UIDVALIDITY>:<UID>"; a webhook: its message id): the
    # same event twice is stored once.
    external_id = models.CharField(_("mã sự kiện của kênh"), max_length=255)
    payload = models.JSONField(_("dữ liệu gốc"))
    # The message as received, byte for byte, when it is too large for `payload` (an e-mail with its attachments).
    raw = models.FileField(_("thư gốc"), upload_to=raw_event_path, blank=True)
    # E-mail Message-ID: the same mail fetched from two mailboxes (or after a UIDVALIDITY change) is taken in once.
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    outcome = models.CharField(_("kết quả xử lý"), max_length=16, choices=EventOutcome.choices, blank=True)
    note = models.TextField(_("ghi chú xử lý"), blank=True)
    draft = models.ForeignKey(
        "Draft",
        verbose_name=_("đơn chờ xác nhận"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    petition = models.ForeignKey(
        Petition, verbose_name=_("đơn thư"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(_("nhận lúc"), default=timezone.now)
    handled_at = models.DateTimeField(_("xử lý lúc"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("số lần xử lý"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    # When a worker may take the event (again): a claim moves it a lease ahead, a failure a backoff ahead.
    next_attempt_at = models.DateTimeField(_("xử lý lại lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("sự kiện nhận từ kênh")
        verbose_name_plural = _("sự kiện nhận từ kênh")
        constraints = [models.UniqueConstraint(fields=["channel", "external_id"], name="inbound_event_once")]
        indexes = [
            models.Index(fields=["handled_at", "received_at"], name="inbound_event_pending"),
            # The webhook worker's claim: what is due among the unhandled events of its channels.
            models.Index(
                fields=["channel", "next_attempt_at"],
                condition=models.Q(handled_at__isnull=True),
                name="inbound_event_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.external_id}"


class DraftStatus(models.TextChoices):
    OPEN = "open", _("Chờ xác nhận")
    CONFIRMED = "confirmed", _("Đã ghi nhận thành đơn")
    DISCARDED = "discarded", _("Đã loại")


class Draft(models.Model):
    """A petition as it arrived through a channel, waiting in the reception queue for an officer to confirm
    its type and unit. The legal clock starts from `received_at` (the first message), not from confirmation."""

    channel = models.CharField(_("kênh"), max_length=16, choices=Channel.choices)
    # Private, like a petitioner's contact: the sender's e-mail address, Zalo user id or Facebook page-scoped id.
    sender_address = models.CharField(_("người gửi trên kênh"), max_length=255)
    sender_name = models.CharField(_("tên người gửi"), max_length=150, blank=True)
    subject = models.CharField(_("tiêu đề"), max_length=200, blank=True)
    text = models.TextField(_("nội dung"), blank=True)
    # Message ids of the channel (e-mail Message-ID, chat message id) that make up this draft.
    message_ids = models.JSONField(_("mã tin nhắn"), default=list)
    received_at = models.DateTimeField(_("nhận lúc"), default=timezone.now)
    last_message_at = models.DateTimeField(_("tin nhắn gần nhất lúc"), default=timezone.now)
    # The unit whose mailbox or page received it: its reception officers confirm it. Empty: any reception officer.
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị nhận"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Why files that came with the messages were left out (too large, a type not allowed), for the officer to see.
    refused_files = models.JSONField(_("tệp bị từ chối"), default=list, blank=True)
    status = models.CharField(_("tình trạng"), max_length=16, choices=DraftStatus.choices, default=DraftStatus.OPEN)
    petition = models.OneToOneField(
        Petition, verbose_name=_("đơn thư"), null=True, blank=True, on_delete=models.PROTECT, related_name="draft"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ xác nhận hoặc loại"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("xác nhận hoặc loại lúc"), null=True, blank=True)
    discard_reason = models.TextField(_("lý do loại"), blank=True)

    class Meta:
        verbose_name = _("đơn chờ xác nhận")
        verbose_name_plural = _("đơn chờ xác nhận")
        ordering = ["received_at", "pk"]
        indexes = [models.Index(fields=["status", "channel", "sender_address"], name="draft_open_by_sender")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.subject or self.text[:60]}"


class DraftAttachment(models.Model):
    """A file that came with a draft, checked like a portal upload before it is stored."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("tệp"), upload_to="drafts/%Y/%m/")
    name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))

    class Meta:
        verbose_name = _("tệp đính kèm của đơn chờ xác nhận")
        verbose_name_plural = _("tệp đính kèm của đơn chờ xác nhận")

    def __str__(self) -> str:
        return self.name
