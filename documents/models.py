"""Legal documents a petition's steps produce (thông báo, quyết định, kết luận, văn bản trả lời), in the official
form of their decree, numbered in the issuing unit's register.

- `DocumentForm` (mẫu văn bản): one version of the template of a kind of document, with the decree form it
  follows. Versioned like the deadline rules: a change is a new version with its effective date; a version that a
  document used is never edited again (`FormVersionFrozen`).
- `Issuer`: how a unit signs its documents (place name, superior body, symbol, signer's title).
- `RegisterCounter`: the last number given in a unit's register of a year (allocated under `select_for_update`).
- `Document`: one document of a case, draft → approved (by a unit leader) → issued (numbered, PDF stored, sent).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Petition
from documents.placeholders import FormBodyError, check_body
from organisation.models import Unit


class DocumentKind(models.TextChoices):
    ACCEPTANCE = "acceptance", _("Thông báo thụ lý")
    REFUSAL = "refusal", _("Thông báo không thụ lý")
    TRANSFER = "transfer", _("Phiếu chuyển đơn, thông báo chuyển đơn")
    DIALOGUE = "dialogue", _("Giấy mời đối thoại")
    SUSPENSION = "suspension", _("Quyết định tạm đình chỉ")
    CONTINUATION = "continuation", _("Quyết định tiếp tục giải quyết")
    EXTENSION = "extension", _("Quyết định gia hạn")
    DECISION = "decision", _("Quyết định giải quyết khiếu nại")
    CONCLUSION = "conclusion", _("Kết luận nội dung tố cáo")
    ANSWER = "answer", _("Văn bản trả lời")
    STOP = "stop", _("Quyết định đình chỉ việc giải quyết")
    DENOUNCED_NOTICE = "denounced_notice", _("Thông báo nội dung tố cáo cho người bị tố cáo")
    NOTICE = "notice", _("Thông báo khác")


class FormVersionFrozen(ValueError):
    """A form version that a document used is evidence of what was sent: it is never edited."""


class DocumentForm(models.Model):
    """One version of the template of a kind of document (mẫu văn bản)."""

    FROZEN_FIELDS = ("kind", "title", "body", "symbol", "register", "effective_from", "citation")

    kind = models.CharField(_("loại văn bản"), max_length=32, choices=DocumentKind.choices)
    title = models.CharField(
        _("tên văn bản"),
        max_length=255,
        help_text=_("Ví dụ: THÔNG BÁO Về việc thụ lý giải quyết khiếu nại; có thể dùng chỗ điền như nội dung."),
    )
    body = models.TextField(
        _("nội dung mẫu"),
        help_text=_(
            "Cú pháp mẫu Django, chỉ với các chỗ điền trong danh sách, ví dụ {{ don_vi }}, {% if ly_do %}…{% endif %}."
        ),
    )
    symbol = models.CharField(
        _("ký hiệu loại văn bản"),
        max_length=16,
        blank=True,
        help_text=_("Ví dụ: TB, QĐ, GM, KL; để trống cho công văn."),
    )
    register = models.CharField(
        _("sổ đăng ký"),
        max_length=32,
        blank=True,
        help_text=_("Văn bản cùng sổ được đánh số liên tiếp trong năm; để trống: theo ký hiệu loại văn bản."),
    )
    citation = models.TextField(_("căn cứ mẫu"), help_text=_("Mẫu số … ban hành kèm theo Nghị định …"))
    effective_from = models.DateField(_("có hiệu lực từ"))
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("mẫu văn bản")
        verbose_name_plural = _("mẫu văn bản")
        ordering = ["kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "effective_from"], name="documents_form_one_version_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.effective_from:%d/%m/%Y})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            self._check_not_frozen()
        super().save(*args, **kwargs)

    @property
    def register_name(self) -> str:
        return self.register or self.symbol or "CV"

    @property
    def used(self) -> bool:
        return self.pk is not None and self.documents.exists()

    def clean(self) -> None:
        super().clean()
        try:
            check_body(self.body or "")
        except FormBodyError as error:
            raise ValidationError({"body": str(error)}) from error
        try:
            check_body(self.title or "")
        except FormBodyError as error:
            raise ValidationError({"title": str(error)}) from error
        if self.pk is not None:
            try:
                self._check_not_frozen()
            except FormVersionFrozen as error:
                raise ValidationError(str(error)) from error

    def _check_not_frozen(self) -> None:
        original = DocumentForm.objects.filter(pk=self.pk).first()
        if original is None or not original.used:
            return
        changed = [name for name in self.FROZEN_FIELDS if getattr(original, name) != getattr(self, name)]
        if changed:
            raise FormVersionFrozen(
                _(
                    "Mẫu này đã được dùng cho văn bản đã soạn, không sửa được; hãy tạo phiên bản mới với ngày hiệu lực mới."
                )
            )


class Issuer(models.Model):
    """How a unit heads and signs its documents. A unit without one gets defaults from its name and parent."""

    unit = models.OneToOneField(Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="issuer")
    name = models.CharField(
        _("tên cơ quan ban hành"), max_length=255, help_text=_("Ví dụ: ỦY BAN NHÂN DÂN PHƯỜNG ĐÔNG HÀ")
    )
    superior = models.CharField(
        _("cơ quan chủ quản"), max_length=255, blank=True, help_text=_("Ví dụ: UBND TỈNH QUẢNG TRỊ")
    )
    abbreviation = models.CharField(_("chữ viết tắt"), max_length=32, help_text=_("Phần cuối của ký hiệu, ví dụ UBND"))
    place = models.CharField(_("địa danh"), max_length=100, help_text=_("Ví dụ: Đông Hà"))
    signer_title = models.CharField(_("chức vụ người ký"), max_length=100, default="CHỦ TỊCH")
    email = models.EmailField(_("thư điện tử công vụ"), blank=True, help_text=_("Nơi nhận văn bản chuyển đến đơn vị."))

    class Meta:
        verbose_name = _("thông tin ban hành văn bản")
        verbose_name_plural = _("thông tin ban hành văn bản")

    def __str__(self) -> str:
        return self.name


class RegisterCounter(models.Model):
    """The last number given in one register of a unit in one year (Decree 30/2020/NĐ-CP, Art. 15)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    register = models.CharField(max_length=32)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("sổ đăng ký văn bản đi")
        verbose_name_plural = _("sổ đăng ký văn bản đi")
        constraints = [models.UniqueConstraint(fields=["unit", "year", "register"], name="documents_one_counter")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.register}: {self.last_number}"


class DocumentState(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    APPROVED = "approved", _("Đã duyệt")
    ISSUED = "issued", _("Đã ban hành, đã gửi")


class RecipientRole(models.TextChoices):
    PETITIONER = "petitioner", _("Người gửi đơn")
    DENOUNCED = "denounced", _("Người bị tố cáo")
    UNIT = "unit", _("Cơ quan, đơn vị")
    OTHER = "other", _("Nơi nhận khác")


def document_path(instance: Document, filename: str) -> str:
    return f"documents/{timezone.localdate():%Y/%m}/{secrets.token_hex(16)}.pdf"


class Document(models.Model):
    """One document of a case. Its PDF is private: served only to officials who may see the case and to the
    petitioner with the access key (`documents.views`)."""

    petition = models.ForeignKey(
        Petition, verbose_name=_("đơn thư"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("loại văn bản"), max_length=32, choices=DocumentKind.choices)
    form = models.ForeignKey(DocumentForm, verbose_name=_("mẫu"), on_delete=models.PROTECT, related_name="documents")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị ban hành"), on_delete=models.PROTECT, related_name="+")
    # What the step or the official gave the form (placeholders' values), kept so an edit re-renders the same way.
    values = models.JSONField(_("giá trị chỗ điền"), default=dict, blank=True)
    title = models.CharField(_("tên văn bản"), max_length=255)
    body = models.TextField(_("nội dung"))
    recipients = models.JSONField(_("nơi nhận"), default=list, blank=True)
    register = models.CharField(_("sổ đăng ký"), max_length=32)
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    symbol = models.CharField(_("ký hiệu"), max_length=64, blank=True)
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=100, blank=True)
    state = models.CharField(_("tình trạng"), max_length=16, choices=DocumentState.choices, default=DocumentState.DRAFT)
    # The step that drafted it ("step:<case lock version>:<kind>"), so a step drafts its document once.
    source = models.CharField(max_length=100, blank=True)
    # A notice the law wants out by a day (a dialogue invitation at least 5 days ahead): never issued after it.
    send_by = models.DateField(_("gửi chậm nhất ngày"), null=True, blank=True)
    send_by_basis = models.CharField(_("căn cứ thời hạn gửi"), max_length=255, blank=True)
    file = models.FileField(_("tệp PDF"), upload_to=document_path, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("soạn lúc"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người duyệt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    issued_at = models.DateTimeField(_("ban hành lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "register", "number"],
                condition=models.Q(number__isnull=False),
                name="documents_number_once_per_register",
            ),
            models.UniqueConstraint(
                fields=["petition", "source"], condition=~models.Q(source=""), name="documents_one_per_step"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number_and_symbol or self.get_state_display()} · {self.title}"

    @property
    def number_and_symbol(self) -> str:
        """«15/TB-UBND» (numbers below 10 with a leading zero, Decree 30/2020/NĐ-CP, Appendix I)."""
        if self.number is None:
            return ""
        return f"{self.number:02d}/{self.symbol}" if self.symbol else f"{self.number:02d}"
