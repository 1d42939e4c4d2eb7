"""The engine's records: process versions, running instances and the side tables rebuilt on every save.

A `WorkflowInstance` holds the engine state of one case (a petition, a consultation) and is written only
by `workflows.services`, in one load → act → save transaction guarded by `lock_version`. `HumanTask`
(the inbox) and `CaseEvent` (the audit trail) are written in that same transaction.
"""

from __future__ import annotations

import datetime
import json
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisation.models import Role, Unit

if TYPE_CHECKING:
    _TextField = models.TextField[Any, Any]
else:
    _TextField = models.TextField


class JSONTextField(_TextField):
    """JSON kept as text: the engine state is opaque to the database.

    jsonb would parse and re-encode ~10 KB on every save and load, and reorder keys; text is stored as given.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        return None if value is None else json.loads(value)

    def to_python(self, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    def get_prep_value(self, value: Any) -> Any:
        return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class ProcessVersionQuerySet(models.QuerySet["ProcessVersion"]):
    def in_force(self, process_key: str, on: datetime.date | None = None) -> ProcessVersion | None:
        """The version new cases start on: the newest published one already in effect."""
        on = on or timezone.localdate()
        return (
            self.filter(process_key=process_key, effective_from__lte=on).order_by("-effective_from", "-number").first()
        )


class ProcessVersion(models.Model):
    """One published BPMN process. Immutable: a change is a new version; cases pin the version they started on."""

    process_key = models.CharField(_("mã quy trình"), max_length=100, db_index=True)
    number = models.PositiveIntegerField(_("phiên bản"))
    name = models.CharField(_("tên"), max_length=255)
    bpmn_xml = models.TextField(_("BPMN XML"))
    sha256 = models.CharField(max_length=64, db_index=True)
    spec = models.JSONField(_("đặc tả đã biên dịch"), help_text=_("Serialized SpiffWorkflow spec, parsed once."))
    effective_from = models.DateField(_("có hiệu lực từ"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ban hành"), null=True, blank=True, on_delete=models.PROTECT
    )
    published_at = models.DateTimeField(_("ban hành lúc"), default=timezone.now)
    note = models.TextField(_("ghi chú"), blank=True)

    objects = ProcessVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("phiên bản quy trình")
        verbose_name_plural = _("phiên bản quy trình")
        constraints = [models.UniqueConstraint(fields=["process_key", "number"], name="process_version_unique_number")]
        ordering = ["process_key", "-number"]

    def __str__(self) -> str:
        return f"{self.process_key} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise ValueError("A published process version is immutable; publish a new version instead.")
        super().save(*args, **kwargs)


class ProcessBinding(models.Model):
    """Which process runs which kind of case (petition type, consultation)."""

    subject_type = models.CharField(_("loại hồ sơ"), max_length=64, unique=True)
    process_key = models.CharField(_("mã quy trình"), max_length=100)

    class Meta:
        verbose_name = _("quy trình áp dụng")
        verbose_name_plural = _("quy trình áp dụng")

    def __str__(self) -> str:
        return f"{self.subject_type} → {self.process_key}"


class InstanceStatus(models.TextChoices):
    RUNNING = "running", _("Đang xử lý")
    COMPLETED = "completed", _("Đã kết thúc")


class WorkflowInstance(models.Model):
    """The engine state of one case, pinned to the process version it started on."""

    process_version = models.ForeignKey(
        ProcessVersion, verbose_name=_("phiên bản quy trình"), on_delete=models.PROTECT, related_name="instances"
    )
    subject_type = models.CharField(_("loại hồ sơ"), max_length=64)
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị xử lý"), on_delete=models.PROTECT, related_name="workflow_instances"
    )
    reference = models.CharField(_("số hiệu"), max_length=64, db_index=True)
    title = models.CharField(_("tiêu đề"), max_length=300)
    state = JSONTextField(_("trạng thái máy quy trình"))
    lock_version = models.PositiveIntegerField(default=0)
    status = models.CharField(
        _("tình trạng"), max_length=16, choices=InstanceStatus.choices, default=InstanceStatus.RUNNING
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật lúc"), default=timezone.now)
    completed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("hồ sơ quy trình")
        verbose_name_plural = _("hồ sơ quy trình")
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} · {self.title}"


class HumanTaskQuerySet(models.QuerySet["HumanTask"]):
    def open(self) -> HumanTaskQuerySet:
        return self.filter(completed_at__isnull=True)


def legal_clock() -> Least:
    """A task's legal clock: the nearer of its own step deadline and its case's legal period (`case_due_at`);
    either when the other is missing (SQLite's MIN is NULL when one side is)."""
    return Least(Coalesce("due_at", "case_due_at"), Coalesce("case_due_at", "due_at"))


def case_clock_q(stay_due_types: list[str]) -> models.Q:
    """The Deadline rows that are a case's legal period: a running timer (not suspended), or, for the subject
    types whose fired timers stay due (`SubjectAdapter.fired_timers_stay_due`), one that ran out."""
    running = models.Q(closed_at__isnull=True, suspended_since__isnull=True)
    run_out = models.Q(closed_at__gt=models.F("due_at"), instance__subject_type__in=stay_due_types)
    return models.Q(running | run_out, kind="timer")


class HumanTask(models.Model):
    """A step waiting for an official: the inbox. Rebuilt from the engine state on every save."""

    instance = models.ForeignKey(WorkflowInstance, on_delete=models.CASCADE, related_name="tasks")
    task_id = models.UUIDField(unique=True, help_text=_("SpiffWorkflow task id"))
    element_id = models.CharField(_("mã bước"), max_length=100)
    title = models.CharField(_("bước"), max_length=255)
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="tasks")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người được giao"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tasks",
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận xử lý"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claimed_tasks",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    public_status = models.CharField(_("trạng thái cho người dân"), max_length=255, blank=True)
    due_at = models.DateTimeField(_("hạn xử lý"), null=True, blank=True)
    # The case's legal period this step runs under (its running timer's due moment, or for subjects whose fired
    # timers stay due, the run-out one's): copied from the Deadline rows by `services.refresh_legal_clock` whenever
    # the engine writes a case, so the inbox sorts by the legal clock (`legal_clock`) without a subquery per row.
    case_due_at = models.DateTimeField(_("hạn giải quyết vụ việc"), null=True, blank=True)
    created_at = models.DateTimeField(_("bắt đầu lúc"), default=timezone.now)
    # Kept after the step is done, so a late second click is told "already done" (409), not "not found".
    completed_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người hoàn thành"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="completed_tasks",
    )

    objects = HumanTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("việc cần làm")
        verbose_name_plural = _("việc cần làm")
        indexes = [
            models.Index(
                fields=["unit", "role"], condition=models.Q(completed_at__isnull=True), name="open_task_unit_role"
            ),
            models.Index(fields=["due_at"], condition=models.Q(completed_at__isnull=True), name="open_task_due"),
            # The inbox's order (`selectors.inbox`): the nearest legal clock first, among open steps.
            models.Index(
                legal_clock(),
                "created_at",
                "id",
                condition=models.Q(completed_at__isnull=True),
                name="open_task_legal_clock",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.instance.reference}"


class AppendOnlyError(ValueError):
    """An attempt to change or remove an audit record."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Refuses the bulk writes that would bypass `AppendOnlyModel.save` and `delete`.

    On PostgreSQL a trigger refuses UPDATE and DELETE of the audit tables too (migrations `workflows.0005`,
    `bpmn.0002`), whatever code runs them.
    """

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model.__name__} is append-only: its rows are never updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model.__name__} is append-only: its rows are never deleted.")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        # Refused before Django opens its own atomic block, so the caller's transaction stays usable.
        raise AppendOnlyError(f"{self.model.__name__} is append-only: its rows are never updated.")


AppendOnlyManager = models.Manager.from_queryset(AppendOnlyQuerySet)


class AppendOnlyModel(models.Model):
    """An audit record: written once, never updated, never deleted (the database rows stay the evidence)."""

    objects = AppendOnlyManager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError(f"{type(self).__name__} is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} is append-only.")


class CaseEvent(AppendOnlyModel):
    """The append-only audit trail: who did what, when, with which data. Never updated, never deleted."""

    instance = models.ForeignKey(WorkflowInstance, on_delete=models.PROTECT, related_name="events")
    created_at = models.DateTimeField(_("lúc"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), null=True, blank=True, on_delete=models.PROTECT
    )
    kind = models.CharField(_("loại sự kiện"), max_length=64)
    element_id = models.CharField(_("mã bước"), max_length=100, blank=True)
    summary = models.TextField(_("nội dung"))
    public_text = models.TextField(
        _("nội dung công khai"), blank=True, help_text=_("Để trống nếu sự kiện chỉ dùng nội bộ.")
    )
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)

    class Meta:
        verbose_name = _("nhật ký xử lý")
        verbose_name_plural = _("nhật ký xử lý")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.summary}"


class DeadlineKind(models.TextChoices):
    TASK = "task", _("Hạn của bước xử lý")
    TIMER = "timer", _("Hẹn giờ trong quy trình")


class DeadlinePhase(models.TextChoices):
    """What the deadline worker does next with a row."""

    REMIND = "remind", _("Chờ nhắc hạn")
    DUE = "due", _("Chờ đến hạn")
    OVERDUE = "overdue", _("Quá hạn, đã báo lãnh đạo đơn vị")
    VERY_OVERDUE = "very_overdue", _("Quá hạn nhiều, đã báo cấp trên")
    CLOSED = "closed", _("Đã xong")


class EscalationTarget(models.TextChoices):
    """Who is told first when a step is overdue (BPMN extension property `escalate_to`)."""

    UNIT_LEADER = "unit_leader", _("Lãnh đạo đơn vị")
    PARENT_LEADER = "parent_leader", _("Lãnh đạo cấp trên")


class Deadline(models.Model):
    """A legal deadline running on a case: of a user task (reminders, escalation) or of a BPMN timer (fires it).

    The worker (`manage.py run_deadlines`) only ever reads rows whose `next_action_at` has passed, through an
    index: a sweep costs what is due, not how many cases are open.
    """

    instance = models.ForeignKey(WorkflowInstance, on_delete=models.CASCADE, related_name="deadlines")
    spiff_task_id = models.UUIDField(
        unique=True, help_text=_("The user task (HumanTask.task_id) or timer event it times.")
    )
    element_id = models.CharField(_("mã bước"), max_length=100)
    title = models.CharField(_("bước"), max_length=255)
    kind = models.CharField(_("loại"), max_length=8, choices=DeadlineKind.choices)
    rule_code = models.CharField(_("quy tắc thời hạn"), max_length=100)
    start_date = models.DateField(_("bắt đầu tính từ"))
    extensions = models.PositiveSmallIntegerField(_("số lần gia hạn"), default=0)
    suspensions = models.JSONField(_("các lần tạm dừng"), default=list, blank=True)
    suspended_since = models.DateField(_("tạm dừng từ"), null=True, blank=True)
    due_at = models.DateTimeField(_("hạn"), db_index=True)
    remind_at = models.DateTimeField(_("nhắc lúc"), null=True, blank=True)
    remind_before_days = models.PositiveSmallIntegerField(
        _("nhắc trước (ngày làm việc)"),
        null=True,
        blank=True,
        help_text=_("From the step's `remind_before` property; empty: the rule's remind_before_days."),
    )
    escalate_to = models.CharField(
        _("khi quá hạn báo"), max_length=16, choices=EscalationTarget.choices, default=EscalationTarget.UNIT_LEADER
    )
    explanation = models.TextField(_("cách tính hạn"))
    explanation_en = models.TextField(_("cách tính hạn (tiếng Anh)"))
    phase = models.CharField(_("giai đoạn"), max_length=16, choices=DeadlinePhase.choices, default=DeadlinePhase.DUE)
    next_action_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("thời hạn")
        verbose_name_plural = _("thời hạn")
        indexes = [
            models.Index(
                fields=["next_action_at"], condition=models.Q(next_action_at__isnull=False), name="deadline_next_action"
            ),
            models.Index(fields=["instance", "closed_at"], name="deadline_instance_open"),
            # What makes a case late, read by the leaders' figures without scanning every clock: running clocks by
            # due date, and the clocks that ended after their deadline.
            models.Index(
                fields=["due_at"],
                include=["instance"],
                condition=models.Q(closed_at__isnull=True, suspended_since__isnull=True),
                name="deadline_running_due",
            ),
            models.Index(
                fields=["instance"],
                include=["due_at", "kind"],
                condition=models.Q(closed_at__gt=models.F("due_at")),
                name="deadline_missed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.rule_code} · {self.due_at:%Y-%m-%d}"

    @property
    def on_time(self) -> bool | None:
        return None if self.closed_at is None else self.closed_at <= self.due_at


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")
    REFUSED = "refused", _("Không duyệt")


class ExtensionRequest(models.Model):
    """An official asks for more time on a deadline (gia hạn); a leader of the unit decides."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="extension_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(_("lý do"))
    status = models.CharField(max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        verbose_name = _("đề nghị gia hạn")
        verbose_name_plural = _("đề nghị gia hạn")
        constraints = [
            models.UniqueConstraint(
                fields=["deadline"], condition=models.Q(status="pending"), name="one_pending_extension_per_deadline"
            )
        ]

    def __str__(self) -> str:
        return f"{self.deadline} · {self.get_status_display()}"
