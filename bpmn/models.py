"""Drafts of process versions edited by legal staff, and the audit trail of their lifecycle.

Published versions are `workflows.ProcessVersion` (immutable). A draft is the editable copy: legal staff save it
from the browser modeler (diagram interchange included), submit it, a second legal officer approves it with a
note, and it is published with an effective date as the next `ProcessVersion`.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.models import AppendOnlyModel, ProcessVersion


def sha256_of(xml: str) -> str:
    return hashlib.sha256(xml.encode("utf-8")).hexdigest()


class DraftStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi duyệt")
    APPROVED = "approved", _("Đã duyệt")
    PUBLISHED = "published", _("Đã ban hành")


class ProcessDraft(models.Model):
    """An editable copy of a process (bản dự thảo quy trình), based on a published version or new."""

    process_key = models.CharField(_("mã quy trình"), max_length=100, db_index=True)
    name = models.CharField(_("tên"), max_length=255, blank=True)
    xml = models.TextField(_("BPMN XML"))
    sha256 = models.CharField(max_length=64, help_text=_("Hash of `xml`: a save names the hash it was based on."))
    based_on = models.ForeignKey(
        ProcessVersion,
        verbose_name=_("dựa trên phiên bản"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drafts",
    )
    status = models.CharField(_("tình trạng"), max_length=16, choices=DraftStatus.choices, default=DraftStatus.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người soạn"), on_delete=models.PROTECT, related_name="+"
    )
    last_saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người lưu gần nhất"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người duyệt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_note = models.TextField(_("ý kiến duyệt"), blank=True)
    error_count = models.PositiveIntegerField(_("số lỗi kiểm tra"), default=0)
    published_version = models.OneToOneField(
        ProcessVersion,
        verbose_name=_("phiên bản đã ban hành"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="source_draft",
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    updated_at = models.DateTimeField(_("lưu lúc"), default=timezone.now)
    submitted_at = models.DateTimeField(_("gửi duyệt lúc"), null=True, blank=True)
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    published_at = models.DateTimeField(_("ban hành lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("dự thảo quy trình")
        verbose_name_plural = _("dự thảo quy trình")
        ordering = ["process_key", "-updated_at"]

    def __str__(self) -> str:
        return f"{self.process_key} · dự thảo #{self.pk} ({self.get_status_display()})"

    @property
    def is_editable(self) -> bool:
        return self.status == DraftStatus.DRAFT


class AuditAction(models.TextChoices):
    CREATED = "created", _("Tạo dự thảo")
    SAVED = "saved", _("Lưu dự thảo")
    SUBMITTED = "submitted", _("Gửi duyệt")
    RETURNED = "returned", _("Trả lại để sửa")
    APPROVED = "approved", _("Duyệt")
    PUBLISHED = "published", _("Ban hành")
    ROLLED_BACK = "rolled_back", _("Ban hành lại phiên bản cũ")
    MIGRATED = "migrated", _("Chuyển hồ sơ sang phiên bản mới")


class ProcessAuditEntry(AppendOnlyModel):
    """Who did what to a process model, when, with which note. Append-only."""

    process_key = models.CharField(_("mã quy trình"), max_length=100, db_index=True)
    draft = models.ForeignKey(
        ProcessDraft, verbose_name=_("dự thảo"), null=True, blank=True, on_delete=models.PROTECT, related_name="audit"
    )
    version = models.ForeignKey(
        ProcessVersion, verbose_name=_("phiên bản"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("việc"), max_length=16, choices=AuditAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("lúc"), default=timezone.now, db_index=True)
    note = models.TextField(_("ghi chú"), blank=True)
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)

    class Meta:
        verbose_name = _("nhật ký quy trình")
        verbose_name_plural = _("nhật ký quy trình")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.process_key} {self.get_action_display()}"
