"""The notification outbox: every message to a citizen or an official is a row written in the same transaction as
the event that causes it, delivered later by `manage.py run_outbox` (`notifications.services.deliver`).

The app names no subject: a message points at what it is about through a generic reference (content type + id),
and carries everything it needs to be sent — its address chain, its rendered texts — so the worker reads nothing
else. The addresses and texts are personal data: they are never written to a log line or to `last_error`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MessageKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("Xác nhận đã nhận đơn")
    ACCEPTANCE = "acceptance", _("Thông báo thụ lý")
    REFUSAL = "refusal", _("Thông báo không thụ lý")
    DUE_DATE_CHANGE = "due_date_change", _("Thay đổi thời hạn giải quyết")
    ANSWER = "answer", _("Trả lời, quyết định, kết luận")
    RATING_REQUEST = "rating_request", _("Đề nghị đánh giá")
    MODERATION = "moderation", _("Kết quả kiểm duyệt góp ý")
    DISPOSITION = "disposition", _("Tiếp thu, giải trình góp ý")
    DEADLINE_REMINDER = "deadline_reminder", _("Nhắc hạn cho cán bộ")
    OVERDUE = "overdue", _("Báo quá hạn cho lãnh đạo")
    ONE_TIME_CODE = "one_time_code", _("Mã xác nhận dùng một lần")
    SUBSCRIPTION_CONFIRMATION = "subscription_confirmation", _("Xác nhận đăng ký nhận tin")
    SUBSCRIPTION_ALERT = "subscription_alert", _("Tin mới theo đăng ký")


class MessageState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Không gửi được")


class Message(models.Model):
    """One message to one person, through the first address of its chain that takes it."""

    # The caller's name for this message (e.g. "petition:12:answer:7"): the same event enqueued twice is one row.
    # Also sent to providers that deduplicate (SMS RequestId, ZNS tracking_id), so a retry after a crash between
    # the send and its record is not delivered twice.
    idempotency_key = models.CharField(_("khoá chống gửi trùng"), max_length=200, unique=True)
    kind = models.CharField(_("loại thông báo"), max_length=32, choices=MessageKind.choices)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("về loại đối tượng"), null=True, blank=True, on_delete=models.PROTECT
    )
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    # The public reference the person knows it by (a tracking code, a comment id): in the subject as [CODE], and
    # the one piece of data an SMS or ZNS message carries besides a link.
    reference = models.CharField(_("mã tham chiếu"), max_length=64, blank=True)
    # Private: [{"adapter": "zalo", "to": "…", …}, {"adapter": "email", "to": "…"}, …] tried in order.
    addresses = models.JSONField(_("chuỗi địa chỉ"), default=list)
    address_index = models.PositiveSmallIntegerField(_("đang thử địa chỉ số"), default=0)
    language = models.CharField(_("ngôn ngữ"), max_length=8, default="vi")
    template = models.CharField(_("mẫu"), max_length=100, blank=True)
    subject = models.CharField(_("tiêu đề"), max_length=255)
    text = models.TextField(_("nội dung (văn bản)"))
    html = models.TextField(_("nội dung (HTML)"), blank=True)
    short_text = models.CharField(_("nội dung ngắn (SMS)"), max_length=500, blank=True)
    link = models.URLField(_("đường dẫn"), max_length=500, blank=True)
    # E-mail threading: every message of a thread (a case) gets Message-ID <thread.id@domain>, and refers to
    # `references` (the citizen's own Message-ID first, then the thread's first message).
    thread = models.CharField(_("luồng thư"), max_length=100, blank=True)
    references = models.JSONField(_("tham chiếu thư"), default=list, blank=True)
    # A denouncer's data: errors about this message keep only their type, never the provider's text.
    sealed = models.BooleanField(_("giữ bí mật danh tính"), default=False)

    state = models.CharField(_("tình trạng"), max_length=16, choices=MessageState.choices, default=MessageState.PENDING)
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    address_attempts = models.PositiveIntegerField(_("số lần gửi đến địa chỉ hiện tại"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lần tới lúc"), default=timezone.now)
    # A worker's claim: rows it is sending carry its token until `claimed_until`; a worker that died lets them go.
    claim = models.CharField(max_length=32, blank=True, default="", editable=False)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    adapter = models.CharField(_("đã gửi qua"), max_length=32, blank=True)
    provider_message_id = models.CharField(_("mã tin của nhà cung cấp"), max_length=255, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    # Why each address before the current one was given up ("zalo: …"), without any address.
    given_up = models.JSONField(_("địa chỉ đã bỏ qua"), default=list, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo gửi đi")
        verbose_name_plural = _("thông báo gửi đi")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="notification_due"),
            models.Index(fields=["content_type", "object_id"], name="notification_about"),
            models.Index(fields=["thread", "id"], name="notification_thread"),  # a thread's first message
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.reference or self.pk}"

    @property
    def adapters(self) -> list[str]:
        """The chain's adapters in order, without the addresses (what an official's page may show)."""
        return [str(address.get("adapter", "")) for address in self.addresses]

    def address(self) -> dict[str, Any] | None:
        if self.address_index < len(self.addresses):
            return dict(self.addresses[self.address_index])
        return None
