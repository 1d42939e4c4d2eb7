"""Writes to the engine: publish a process version, start a case, claim and complete tasks.

Every change runs one load → act → save cycle inside one transaction. The save is a conditional UPDATE on
`lock_version`: if someone else saved first, the caller gets `Conflict` (HTTP 409) and nothing is written.
`HumanTask` rows and `CaseEvent` rows are written in the same transaction, so they never disagree with the
engine state. A failing handler or expression rolls everything back: the case stays as it was.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from django.contrib.auth.models import AnonymousUser, User
from django.db import DatabaseError, transaction
from django.db.models import DateTimeField, F, Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext

from core.errors import AppError
from deadlines import calendar
from organisation.models import Membership, Role, Unit
from workflows import clock, engine, forms, store, subjects
from workflows.handlers import HandlerContext, HandlerError
from workflows.models import (
    CaseEvent,
    Deadline,
    DeadlineKind,
    ExtensionRequest,
    ExtensionStatus,
    HumanTask,
    InstanceStatus,
    ProcessBinding,
    ProcessVersion,
    WorkflowInstance,
    case_clock_q,
)
from workflows.validation import ValidatedProcess

logger = logging.getLogger(__name__)
AnyUser = User | AnonymousUser


class WorkflowError(AppError):
    """Base of the engine's errors (and of those of the apps built on it); the API turns them into JSON."""

    code = "workflow_error"
    status = 400


class Conflict(WorkflowError):
    code = "conflict"
    status = 409


class NotAllowed(WorkflowError):
    code = "permission_denied"
    status = 403


class NoProcess(WorkflowError):
    code = "no_process"
    status = 400


class StepFailed(WorkflowError):
    """The diagram itself failed at a step (an expression that cannot be evaluated, a handler that crashed): the
    case stays as it was and cannot pass until the process is fixed and the case moved to the fixed version."""

    code = "step_failed"
    status = 409

    def __init__(self, message: str, *, element_id: str, reason: str) -> None:
        super().__init__(message)
        self.element_id = element_id  # where it failed (a gateway, a flow, a service task)
        self.reason = reason
        self.instance: WorkflowInstance | None = None
        self.task_element_id = ""  # the official's step that led there
        self.task_title = ""


_specs_cache: dict[int, engine.Specs] = {}


def specs_for(version_id: int) -> engine.Specs:
    """Versions are immutable, so a restored spec is kept for the life of the process (read once per version)."""
    specs = _specs_cache.get(version_id)
    if specs is None:
        stored = ProcessVersion.objects.values_list("spec", flat=True).get(pk=version_id)
        specs = _specs_cache[version_id] = engine.Specs.restore(stored)
    return specs


@transaction.atomic
def publish_process(
    *,
    validated: ValidatedProcess,
    effective_from: datetime.date | None = None,
    published_by: User | None = None,
    note: str = "",
) -> ProcessVersion:
    """Publish a validated process as its next version number."""
    last = ProcessVersion.objects.filter(process_key=validated.process_id).aggregate(n=Max("number"))["n"] or 0
    return ProcessVersion.objects.create(
        process_key=validated.process_id,
        number=last + 1,
        name=validated.name,
        bpmn_xml=validated.xml,
        sha256=validated.sha256,
        spec=validated.specs.serialize(),
        effective_from=effective_from or timezone.localdate(),
        published_by=published_by,
        note=note,
    )


def version_for(subject_type: str, on: datetime.date | None = None) -> ProcessVersion:
    binding = ProcessBinding.objects.filter(subject_type=subject_type).first()
    version = ProcessVersion.objects.in_force(binding.process_key, on) if binding else None
    if version is None:
        raise NoProcess(gettext("Chưa có quy trình xử lý cho loại «%(subject_type)s»") % {"subject_type": subject_type})
    return version


def create_instance(*, subject_type: str, unit: Unit, reference: str, title: str) -> WorkflowInstance:
    """Create a case's engine record on the process version in force; `run_instance` then starts it.

    Two steps so that the subject (petition, consultation) can be saved in between, in the same transaction,
    before any handler looks for it.
    """
    version = version_for(subject_type)
    instance = WorkflowInstance(
        process_version=version, subject_type=subject_type, unit=unit, reference=reference, title=title
    )
    instance.state = {}
    instance.save()
    return instance


def run_instance(
    instance: WorkflowInstance,
    *,
    data: dict[str, Any],
    summary: str,
    public_text: str = "",
    actor: User | None = None,
) -> WorkflowInstance:
    """Run a new case to its first waiting step. Call inside the caller's transaction."""
    context = HandlerContext(instance=instance, data=data, actor=actor)
    context.record("started", summary, public_text=public_text)
    runner = _act(lambda: engine.Runner.start(specs_for(instance.process_version_id), data, context))
    _save(instance, runner, context, expected_lock_version=instance.lock_version)
    return instance


def load(instance: WorkflowInstance, *, actor: AnyUser | None = None) -> tuple[engine.Runner, HandlerContext]:
    context = HandlerContext(instance=instance, data={}, actor=actor if isinstance(actor, User) else None)
    return engine.Runner.load(specs_for(instance.process_version_id), instance.state, context), context


def _memberships(user: User) -> list[tuple[int, str, str]]:
    """(unit id, role, unit path) of an official, cached on the user object for the request, as Django caches
    permissions (`_perm_cache`)."""
    cached = getattr(user, "_lang_nghe_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user_id=user.pk).values_list("unit_id", "role", "unit__path"))
        user._lang_nghe_memberships = cached  # type: ignore[attr-defined]
    return cached


def _leads(user: User, unit: Unit) -> bool:
    """A leader of this unit or of a unit above it."""
    return any(role == Role.UNIT_LEADER and unit.path.startswith(path) for _, role, path in _memberships(user))


def leads(user: User, unit: Unit) -> bool:
    """Whether `user` leads `unit` or a unit above it (who may suspend, resume, decide extensions, transfer)."""
    return user.is_authenticated and _leads(user, unit)


def check_can_act(task: HumanTask, user: User) -> None:
    """An official acts on a task of their role in its unit; an assigned task belongs to its assignee (or a leader).

    Reads the official's memberships once (one query) and decides in Python: this is on every completion.
    """
    holds_role = (task.unit_id, task.role) in {(unit_id, role) for unit_id, role, _ in _memberships(user)}
    leads = _leads(user, task.unit)
    if not holds_role and not (task.role == Role.UNIT_LEADER and leads):
        raise NotAllowed(gettext("Bạn không có vai trò xử lý bước này"))
    if task.assignee_id and task.assignee_id != user.pk and not leads:
        raise NotAllowed(gettext("Bước này đã giao cho cán bộ khác"))
    if task.claimed_by_id and task.claimed_by_id != user.pk:
        raise Conflict(gettext("Bước này đã có cán bộ khác nhận xử lý"))


def claim_task(*, task: HumanTask, user: User) -> HumanTask:
    """Claim with a conditional UPDATE, so two officials claiming at once get one winner."""
    check_can_act(task, user)
    with transaction.atomic():
        claimed = (
            HumanTask.objects.open()
            .filter(pk=task.pk, claimed_by__isnull=True)
            .update(claimed_by=user, claimed_at=timezone.now())
        )
        if not claimed:
            task.refresh_from_db()
            if task.claimed_by_id == user.pk:
                return task
            raise Conflict(gettext("Bước này đã có cán bộ khác nhận xử lý"))
        CaseEvent.objects.create(
            instance=task.instance,
            kind="claimed",
            actor=user,
            element_id=task.element_id,
            summary=f"Nhận xử lý: {task.title}",
        )
    task.refresh_from_db()
    return task


def _check_assignee_roles(task: HumanTask, cleaned: dict[str, Any]) -> None:
    """An official named to take a later step (its `assignee` property) holds that step's role in the case's unit:
    the assign step's choices list only them, and the API refuses the others."""
    lanes = engine.assignee_lanes(specs_for(task.instance.process_version_id))
    errors: dict[str, str] = {}
    for name, value in cleaned.items():
        roles = {role for role in (Role.from_lane(lane) for lane in lanes.get(name, ())) if role is not None}
        if not roles or not isinstance(value, str) or not value:
            continue
        members = Membership.objects.filter(user__username=value, unit=task.instance.unit, role__in=roles)
        if not members.exists():
            errors[name] = gettext("không giữ vai trò của bước được giao trong đơn vị")
    if errors:
        raise forms.FormErrors(errors)


def task_fields(task: HumanTask) -> list[forms.FormField]:
    spec = specs_for(task.instance.process_version_id)
    return forms.parse_fields(engine.element_properties(spec).get(task.element_id, {}))


def complete_task(
    *,
    task_id: UUID,
    user: User,
    data: dict[str, Any],
    strict: bool = True,
    expected_lock_version: int | None = None,
) -> WorkflowInstance:
    """Complete a ready task with its form data and advance the case to its next waiting step.

    Takes no row lock while computing: the final conditional UPDATE on `lock_version` decides the winner;
    a loser raises Conflict and its transaction (handlers' writes included) rolls back.

    If the diagram fails on the way (StepFailed), everything rolls back and then the failure alone is written to
    the case's audit trail. (Called inside a caller's transaction, that entry stays only if the caller commits.)
    """
    try:
        return _complete_task(
            task_id=task_id, user=user, data=data, strict=strict, expected_lock_version=expected_lock_version
        )
    except StepFailed as failure:
        _record_step_failure(failure, actor=user)
        raise


def _record_step_failure(failure: StepFailed, *, actor: User) -> None:
    if failure.instance is None:
        return
    try:
        CaseEvent.objects.create(
            instance=failure.instance,
            kind="step_failed",
            actor=actor,
            element_id=failure.task_element_id,
            summary=f"Không hoàn thành được «{failure.task_title}»: {failure}",
            data={"failed_element_id": failure.element_id, "reason": failure.reason},
        )
    except DatabaseError:  # the official still gets the clear error; the log has the rest
        logger.exception("Could not record the failure of %s", failure.instance.reference)


def _complete_task(
    *, task_id: UUID, user: User, data: dict[str, Any], strict: bool, expected_lock_version: int | None
) -> WorkflowInstance:
    with transaction.atomic():
        task = store.task_with_case(task_id)
        if task is None:
            raise Conflict(gettext("Bước này không còn tồn tại"))
        if task.completed_at is not None:
            raise Conflict(gettext("Bước này đã được xử lý"))
        check_can_act(task, user)
        instance = task.instance
        if expected_lock_version is not None and expected_lock_version != instance.lock_version:
            raise Conflict(gettext("Hồ sơ đã thay đổi, hãy tải lại"))
        cleaned = forms.clean(task_fields(task), data, strict=strict, unit=instance.unit)
        _check_assignee_roles(task, cleaned)
        runner, context = load(instance, actor=user)
        ready = runner.ready_task(task_id)
        if ready is None:
            raise Conflict(gettext("Bước này đã được xử lý"))
        context.element_id = ready.element_id
        context.record(
            "task_completed",
            f"Hoàn thành: {ready.title}",
            public_text=ready.properties.get("public_done", ""),
            data=cleaned,
        )
        try:
            _act(lambda: runner.complete(task_id, cleaned))
        except StepFailed as failure:
            failure.instance, failure.task_element_id, failure.task_title = instance, ready.element_id, ready.title
            raise
        _save(instance, runner, context, expected_lock_version=instance.lock_version)
        return instance


T = TypeVar("T")


def _act(step: Callable[[], T]) -> T:
    """Run engine work and let the caller's transaction roll back on failure: a handler's refusal becomes a clear
    400; the diagram failing (an expression, a crashed handler) becomes StepFailed (409), naming the element."""
    try:
        return step()
    except WorkflowError:
        raise
    except engine.StepError as error:
        raise StepFailed(
            gettext(
                "Bước «%(element_id)s» của quy trình không chạy được (%(reason)s); hồ sơ giữ nguyên, cần sửa quy trình"
            )
            % {"element_id": error.element_id, "reason": error.reason},
            element_id=error.element_id,
            reason=error.reason,
        ) from error
    except (engine.EngineError, HandlerError) as error:
        cause = error.__cause__ or error.__context__
        if isinstance(cause, WorkflowError):
            raise cause from None
        raise WorkflowError(str(error)) from None


def _save(
    instance: WorkflowInstance, runner: engine.Runner, context: HandlerContext, *, expected_lock_version: int
) -> None:
    """Write the state (conditionally), then what changed in the inbox, the deadlines and the audit trail.

    Every route that moves a case ends here, so the subject's step hooks (`workflows.subjects`) run here, before the
    writes: a subject cannot be skipped by completing its task through another API. Only differences from `runner.baseline` are written: a save costs what the step changed, in one round trip
    (`workflows.store`).
    """
    now = timezone.now()
    ready = runner.ready_tasks()
    live = runner.live(ready)
    new_deadlines = _new_deadlines(instance, runner, ready, live)
    data = {task.id: task.data for task in ready}
    subjects.run_step_hooks(
        subjects.Step(
            instance=instance,
            new_clocks=new_deadlines,
            context=context,
            task_data={
                row.spiff_task_id: data[row.spiff_task_id] for row in new_deadlines if row.spiff_task_id in data
            },
        )
    )
    for row in new_deadlines:
        if row.kind == DeadlineKind.TIMER:  # the engine's timer fires when its row says, after any hook moved it
            runner.set_timer_due(row.spiff_task_id, row.due_at.isoformat())
    completed = runner.completed
    instance.state = runner.dump()
    instance.status = InstanceStatus.COMPLETED if completed else InstanceStatus.RUNNING
    instance.completed_at = now if completed else None
    instance.updated_at = now
    before = runner.baseline
    due_by_task = {row.spiff_task_id: row.due_at for row in new_deadlines}
    new_tasks = [_inbox_row(instance, task, due_by_task) for task in ready if task.id not in before.ready]
    saved = store.write_step(
        instance,
        expected_lock_version=expected_lock_version,
        now=now,
        closed_tasks=sorted(before.ready - live.ready),
        closed_by=context.actor,
        closed_clocks=sorted(before.timed - live.timed),
        new_rows=[new_tasks, new_deadlines, context.events],
    )
    if not saved:
        raise Conflict(gettext("Hồ sơ vừa được người khác cập nhật"))
    refresh_legal_clock(instance.pk)  # a step, a timer that fired, a suspension, a resumption, an extension
    subjects.run_written_hooks(instance)
    instance.lock_version = expected_lock_version + 1
    context.events.clear()
    runner.baseline = live


def refresh_legal_clock(instance_id: int) -> None:
    """Copy the case's legal period (its running timer, or a run-out one that stays due: `models.case_clock_q`)
    onto every task of the case (`HumanTask.case_due_at`), so the inbox sorts and filters by the legal clock
    (`models.legal_clock`) from an index. Called wherever the engine writes a case (`_save`: steps, timers that
    fire, suspension, resumption, extensions), on a transfer, and when a Deadline row is deleted."""
    timers = (
        Deadline.objects.filter(case_clock_q(subjects.stay_due_types()), instance=OuterRef("instance"))
        .order_by("due_at")
        .values("due_at")[:1]
    )
    HumanTask.objects.filter(instance_id=instance_id).update(case_due_at=Subquery(timers, output_field=DateTimeField()))


def _new_deadlines(
    instance: WorkflowInstance, runner: engine.Runner, ready: list[engine.ReadyTask], live: engine.Live
) -> list[Deadline]:
    """A clock for each new step or timer that names a rule, scheduled by the rule. `_save` then writes each
    timer's due moment into the engine state from its row, before saving, so the engine and the row agree."""
    started = live.timed - runner.baseline.timed
    rows: list[Deadline] = []
    for task in ready:
        if task.id in started:
            rows.append(
                clock.new_row(
                    instance=instance,
                    spiff_task_id=task.id,
                    element_id=task.element_id,
                    title=task.title,
                    kind=DeadlineKind.TASK,
                    properties=task.properties,
                )
            )
    for timer in runner.waiting_timers():
        if timer.id in started:
            rows.append(
                clock.new_row(
                    instance=instance,
                    spiff_task_id=timer.id,
                    element_id=timer.element_id,
                    title=timer.title,
                    kind=DeadlineKind.TIMER,
                    properties=timer.properties,
                )
            )
    return rows


def _inbox_row(
    instance: WorkflowInstance, task: engine.ReadyTask, due_by_task: dict[UUID, datetime.datetime]
) -> HumanTask:
    role = Role.from_lane(task.lane)
    if role is None:  # validation refuses such diagrams; an old version must not crash the inbox
        logger.error("Task %s of %s has no role lane", task.element_id, instance.reference)
        role = Role.UNIT_LEADER
    return HumanTask(
        instance=instance,
        task_id=task.id,
        element_id=task.element_id,
        title=task.title,
        role=role,
        unit=instance.unit,
        assignee=_assignee(task),
        public_status=task.properties.get("public_status", ""),
        due_at=due_by_task.get(task.id),
    )


def _assignee(task: engine.ReadyTask) -> User | None:
    variable = task.properties.get("assignee")
    username = task.data.get(variable) if variable else None
    if not username:
        return None
    return User.objects.filter(username=username).first()


def fire_timers(*, instance_id: int) -> WorkflowInstance:
    """Let the engine fire the timers of a case that are due (called by the deadline worker)."""
    instance = WorkflowInstance.objects.select_related("unit").get(pk=instance_id)
    runner, context = load(instance)
    _act(runner.advance)
    _save(instance, runner, context, expected_lock_version=instance.lock_version)
    return instance


def _open_deadlines(instance: WorkflowInstance) -> list[Deadline]:
    return list(Deadline.objects.select_for_update().filter(instance=instance, closed_at__isnull=True))


def _check_leads(user: User, instance: WorkflowInstance) -> None:
    if not _leads(user, instance.unit):
        raise NotAllowed(gettext("Chỉ lãnh đạo đơn vị xử lý được quyết định việc này"))


def change_clocks(
    instance: WorkflowInstance,
    rows: list[Deadline],
    *,
    actor: User,
    kind: str,
    summary: str,
    public_text: str,
    data: dict[str, Any] | None = None,
) -> None:
    """Save recomputed deadlines and move the engine's timers with them, with one audit entry (suspension,
    extension, a rescheduled window). Caller holds the transaction and has called `clock.schedule` on each row."""
    timers = {row.spiff_task_id: row for row in rows if row.kind == DeadlineKind.TIMER}
    runner, context = load(instance, actor=actor)
    for task_id, row in timers.items():
        runner.set_timer_due(task_id, FAR_FUTURE if row.suspended_since else row.due_at.isoformat())
    context.record(kind, summary, public_text=public_text, data=data)
    for row in rows:
        row.save()
        HumanTask.objects.filter(task_id=row.spiff_task_id).update(due_at=row.due_at)
    _save(instance, runner, context, expected_lock_version=instance.lock_version)


FAR_FUTURE = "9999-12-31T00:00:00+00:00"


def _decision_day(on: datetime.date | None) -> datetime.date:
    """The date of a suspension or continuation decision: today, or an earlier day it was signed on."""
    today = calendar.today()
    if on is None:
        return today
    if on > today:
        raise WorkflowError(
            gettext("Ngày ra quyết định %(day)s ở tương lai; chỉ ghi quyết định đã ban hành")
            % {"day": format(on, "%d/%m/%Y")}
        )
    return on


@transaction.atomic
def suspend_case(
    *, instance: WorkflowInstance, user: User, reason: str, on: datetime.date | None = None, basis: str = ""
) -> WorkflowInstance:
    """Stop the clock (tạm đình chỉ): every open deadline of the case waits until `resume_case`.

    `on`: the day of the suspension decision (default today; never in the future): the clock is stopped from that
    day. `basis`: the article it rests on, written into the audit trail."""
    _check_leads(user, instance)
    rows = _open_deadlines(instance)
    if any(row.suspended_since for row in rows):
        raise Conflict(gettext("Hồ sơ đang tạm dừng tính thời hạn"))
    if not rows:
        raise WorkflowError(gettext("Hồ sơ không có thời hạn nào đang chạy"))
    subjects.check_clock_change(subjects.ClockChange(instance, "suspended", user, reason, basis=basis))
    day = _decision_day(on)
    for row in rows:
        # a step that started after a back-dated decision is suspended from its own first day
        row.suspended_since = max(day, row.start_date)
        clock.schedule(row, clock.compute(row))
    grounds = f" ({basis})" if basis else ""
    change_clocks(
        instance,
        rows,
        actor=user,
        kind="suspended",
        summary=f"Tạm dừng tính thời hạn từ {day:%d/%m/%Y}{grounds}. Lý do: {reason}",
        public_text=f"Tạm dừng tính thời hạn giải quyết từ ngày {day:%d/%m/%Y}. Lý do: {reason}",
    )
    subjects.run_clock_hooks(subjects.ClockChange(instance, "suspended", user, reason))
    return instance


def is_suspended(instance: WorkflowInstance) -> bool:
    return Deadline.objects.filter(instance=instance, closed_at__isnull=True, suspended_since__isnull=False).exists()


@transaction.atomic
def resume_case(
    *, instance: WorkflowInstance, user: User, reason: str, on: datetime.date | None = None, basis: str = ""
) -> WorkflowInstance:
    """Restart the clock; the suspended working (or calendar) days are added to every due date.

    `on`: the day of the decision to continue (default today): the clock runs again from that day, so the
    suspension covers the days from the suspension's first day to the day before."""
    _check_leads(user, instance)
    rows = [row for row in _open_deadlines(instance) if row.suspended_since]
    # The subject may refuse first, in its own words (a denunciation cites the article that requires a suspension).
    subjects.check_clock_change(subjects.ClockChange(instance, "resumed", user, reason, basis=basis))
    if not rows:
        raise WorkflowError(gettext("Hồ sơ không bị tạm dừng nên không thể tiếp tục"))
    day = _decision_day(on)
    since = min(row.suspended_since for row in rows if row.suspended_since is not None)
    if day < since:
        raise WorkflowError(
            gettext("Ngày tiếp tục %(day)s trước ngày tạm dừng %(since)s")
            % {"day": format(day, "%d/%m/%Y"), "since": format(since, "%d/%m/%Y")}
        )
    for row in rows:
        assert row.suspended_since is not None
        if day > row.suspended_since:
            last = day - datetime.timedelta(days=1)
            row.suspensions = [*row.suspensions, [row.suspended_since.isoformat(), last.isoformat()]]
        row.suspended_since = None
        clock.schedule(row, clock.compute(row))
    first = min(rows, key=lambda row: row.due_at)
    grounds = f" ({basis})" if basis else ""
    change_clocks(
        instance,
        rows,
        actor=user,
        kind="resumed",
        summary=f"Tiếp tục tính thời hạn từ {day:%d/%m/%Y}{grounds}. Lý do: {reason}",
        public_text=f"Tiếp tục giải quyết; hạn mới {calendar.local_date(first.due_at):%d/%m/%Y}. {first.explanation}",
    )
    due_date = calendar.local_date(first.due_at)
    subjects.run_clock_hooks(subjects.ClockChange(instance, "resumed", user, reason, first, due_date=due_date))
    return instance


@transaction.atomic
def end_case(
    *, instance: WorkflowInstance, user: User, kind: str, summary: str, public_text: str, data: dict[str, Any]
) -> WorkflowInstance:
    """End a running case by a decision outside its diagram (đình chỉ: a complaint stopped, a denunciation withdrawn
    in full): its open steps and clocks are closed, one audit entry says why. Leaders of the unit; the caller records
    the decision itself."""
    _check_leads(user, instance)
    return cancel_case(instance=instance, user=user, kind=kind, summary=summary, public_text=public_text, data=data)


@transaction.atomic
def cancel_case(
    *, instance: WorkflowInstance, user: User, kind: str, summary: str, public_text: str, data: dict[str, Any]
) -> WorkflowInstance:
    """`end_case` without its leaders-only check: for a subject whose own service has checked who may end the case
    (a petition joined to a group case, by a reception officer of the unit)."""
    if instance.status != InstanceStatus.RUNNING:
        raise Conflict(gettext("Hồ sơ đã kết thúc."))
    runner, context = load(instance, actor=user)
    runner.cancel()
    context.record(kind, summary, public_text=public_text, data=data)
    _save(instance, runner, context, expected_lock_version=instance.lock_version)
    return instance


@transaction.atomic
def request_extension(*, deadline: Deadline, user: User, reason: str) -> ExtensionRequest:
    """An official of the case's unit asks for one more extension, within the rule's limit."""
    if not Membership.objects.filter(user_id=user.pk, unit_id=deadline.instance.unit_id).exists():
        raise NotAllowed(gettext("Chỉ cán bộ của đơn vị xử lý được đề nghị gia hạn"))
    if deadline.closed_at is not None:
        raise Conflict(gettext("Bước này đã xong"))
    try:
        clock.compute(deadline, extensions=deadline.extensions + 1)
    except clock.DeadlineError as error:
        raise WorkflowError(str(error)) from None
    subjects.check_clock_change(
        subjects.ClockChange(
            deadline.instance, "extension_requested", user, reason, deadline, extensions=deadline.extensions + 1
        )
    )
    if deadline.extension_requests.filter(status=ExtensionStatus.PENDING).exists():
        raise Conflict(gettext("Đã có một đề nghị gia hạn đang chờ duyệt"))
    extension = ExtensionRequest.objects.create(deadline=deadline, requested_by=user, reason=reason)
    CaseEvent.objects.create(
        instance=deadline.instance,
        kind="extension_requested",
        actor=user,
        element_id=deadline.element_id,
        summary=f"Đề nghị gia hạn «{deadline.title}». Lý do: {reason}",
    )
    return extension


@transaction.atomic
def decide_extension(*, extension: ExtensionRequest, user: User, approve: bool, note: str = "") -> ExtensionRequest:
    """A leader approves (the due date moves, within the rule's limit) or refuses, with a note."""
    extension = (
        ExtensionRequest.objects.select_for_update().select_related("deadline__instance__unit").get(pk=extension.pk)
    )
    deadline = extension.deadline
    _check_leads(user, deadline.instance)
    if extension.status != ExtensionStatus.PENDING:
        raise Conflict(gettext("Đề nghị này đã được quyết định"))
    if approve and extension.requested_by_id == user.pk:
        raise NotAllowed(gettext("Người đề nghị không tự duyệt gia hạn"))
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    extension.decided_by, extension.decided_at, extension.decision_note = user, timezone.now(), note
    extension.save()
    if not approve:
        CaseEvent.objects.create(
            instance=deadline.instance,
            kind="extension_refused",
            actor=user,
            element_id=deadline.element_id,
            summary=f"Không duyệt gia hạn «{deadline.title}». {note}".strip(),
        )
        return extension
    try:
        due = clock.compute(deadline, extensions=deadline.extensions + 1)
    except clock.DeadlineError as error:
        raise WorkflowError(str(error)) from None
    change = subjects.ClockChange(
        deadline.instance, "extended", user, extension.reason, deadline, extensions=deadline.extensions + 1
    )
    subjects.check_clock_change(change)
    deadline.extensions += 1
    clock.schedule(deadline, due)
    change_clocks(
        deadline.instance,
        [deadline],
        actor=user,
        kind="extended",
        summary=f"Gia hạn «{deadline.title}» đến {due.due_date:%d/%m/%Y}. Lý do: {extension.reason}",
        public_text=f"Thời hạn giải quyết được gia hạn đến ngày {due.due_date:%d/%m/%Y}. {due.explanation}",
    )
    subjects.run_clock_hooks(dataclasses.replace(change, due_date=due.due_date))
    return extension


class NotCompetent(WorkflowError):
    """A transfer to a unit that may not receive the case (`SubjectAdapter.may_receive`)."""

    code = "not_competent"
    status = 400


def competent_units(instance: WorkflowInstance) -> list[Unit]:
    """The units a case may be transferred to: every other unit its subject's adapter says may receive it."""
    may_receive = subjects.adapter_for(instance.subject_type).may_receive
    return [unit for unit in Unit.objects.exclude(pk=instance.unit_id).order_by("path") if may_receive(instance, unit)]


@transaction.atomic
def transfer_case(
    *, instance: WorkflowInstance, user: User, unit: Unit, reason: str, expected_lock_version: int | None = None
) -> WorkflowInstance:
    """Move a case to a competent unit (chuyển đơn): its open steps go with it, unclaimed and unassigned, for the
    new unit's officials; the audit trail and the petitioner-facing history say to whom. Leaders of the unit."""
    _check_leads(user, instance)
    if instance.completed_at is not None:
        raise Conflict(gettext("Hồ sơ đã kết thúc, không thể chuyển."))
    if unit.pk == instance.unit_id or not subjects.adapter_for(instance.subject_type).may_receive(instance, unit):
        raise NotCompetent(gettext("«%(unit)s» không có thẩm quyền tiếp nhận hồ sơ này.") % {"unit": unit.name})
    expected = instance.lock_version if expected_lock_version is None else expected_lock_version
    previous = instance.unit
    moved = WorkflowInstance.objects.filter(pk=instance.pk, lock_version=expected).update(
        unit=unit, lock_version=F("lock_version") + 1
    )
    if not moved:
        raise Conflict(gettext("Hồ sơ vừa được người khác cập nhật; hãy tải lại trang."))
    HumanTask.objects.open().filter(instance=instance).update(
        unit=unit, assignee=None, claimed_by=None, claimed_at=None
    )
    refresh_legal_clock(instance.pk)  # the clock does not move with the case; kept exact all the same
    CaseEvent.objects.create(
        instance=instance,
        kind="transferred",
        actor=user,
        summary=f"Chuyển hồ sơ từ {previous.name} đến {unit.name}. Lý do: {reason}",
        public_text=f"Hồ sơ được chuyển đến {unit.name} để giải quyết theo thẩm quyền.",
        data={"from": previous.code, "to": unit.code, "reason": reason},
    )
    instance.refresh_from_db()
    subjects.run_written_hooks(instance)
    return instance
