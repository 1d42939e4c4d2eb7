"""Writes to the engine: publish a process version, start a case, claim and complete tasks.

Every change runs one load → act → save cycle inside one transaction. The save is a conditional UPDATE on
`lock_version`: if someone else saved first, the caller gets `Conflict` (HTTP 409) and nothing is written.
`HumanTask` rows and `CaseEvent` rows are written in the same transaction, so they never disagree with the
engine state. A failing handler or expression rolls everything back: the case stays as it was.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from organisation.models import Membership, Role, Unit
from workflows import engine, forms
from workflows.handlers import HandlerContext, HandlerError
from workflows.models import (
    CaseEvent,
    HumanTask,
    InstanceStatus,
    ProcessBinding,
    ProcessVersion,
    WorkflowInstance,
)
from workflows.validation import ValidatedProcess

logger = logging.getLogger(__name__)
AnyUser = User | AnonymousUser


class WorkflowError(Exception):
    """Base of the errors the API turns into JSON with a stable `code`."""

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
        raise NoProcess(
            f"Chưa có quy trình xử lý cho loại «{subject_type}» / no published process for {subject_type!r}"
        )
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


def check_can_act(task: HumanTask, user: User) -> None:
    """An official acts on a task of their role in its unit; an assigned task belongs to its assignee (or a leader).

    Reads the official's memberships once (one query) and decides in Python: this is on every completion.
    """
    memberships = list(Membership.objects.filter(user_id=user.pk).values_list("unit_id", "role", "unit__path"))
    holds_role = (task.unit_id, task.role) in {(unit_id, role) for unit_id, role, _ in memberships}
    leads = any(role == Role.UNIT_LEADER and task.unit.path.startswith(path) for _, role, path in memberships)
    if not holds_role and not (task.role == Role.UNIT_LEADER and leads):
        raise NotAllowed("Bạn không có vai trò xử lý bước này / you do not hold the role for this step")
    if task.assignee_id and task.assignee_id != user.pk and not leads:
        raise NotAllowed("Bước này đã giao cho cán bộ khác / this step is assigned to another official")
    if task.claimed_by_id and task.claimed_by_id != user.pk:
        raise Conflict("Bước này đã có cán bộ khác nhận xử lý / another official has claimed this step")


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
            raise Conflict("Bước này đã có cán bộ khác nhận xử lý / another official has claimed this step")
        CaseEvent.objects.create(
            instance=task.instance,
            kind="claimed",
            actor=user,
            element_id=task.element_id,
            summary=f"Nhận xử lý: {task.title}",
        )
    task.refresh_from_db()
    return task


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
    """
    with transaction.atomic():
        task = HumanTask.objects.select_related("instance__unit", "unit").filter(task_id=task_id).first()
        if task is None:
            raise Conflict("Bước này không còn tồn tại / this step no longer exists")
        if task.completed_at is not None:
            raise Conflict("Bước này đã được xử lý / this step is already done")
        check_can_act(task, user)
        instance = task.instance
        if expected_lock_version is not None and expected_lock_version != instance.lock_version:
            raise Conflict("Hồ sơ đã thay đổi, hãy tải lại / the case changed, reload it")
        cleaned = forms.clean(task_fields(task), data, strict=strict, unit=instance.unit)
        runner, context = load(instance, actor=user)
        ready = runner.ready_task(task_id)
        if ready is None:
            raise Conflict("Bước này đã được xử lý / this step is already done")
        context.element_id = ready.element_id
        context.record(
            "task_completed",
            f"Hoàn thành: {ready.title}",
            public_text=ready.properties.get("public_done", ""),
            data=cleaned,
        )
        _act(lambda: runner.complete(task_id, cleaned))
        _save(instance, runner, context, expected_lock_version=instance.lock_version)
        return instance


T = TypeVar("T")


def _act(step: Callable[[], T]) -> T:
    """Run engine work; a handler's or an expression's failure becomes a clear 400 and the transaction rolls back."""
    try:
        return step()
    except WorkflowError:
        raise
    except (engine.EngineError, HandlerError) as error:
        cause = error.__cause__ or error.__context__
        if isinstance(cause, WorkflowError):
            raise cause from None
        raise WorkflowError(str(error)) from None


def _save(
    instance: WorkflowInstance, runner: engine.Runner, context: HandlerContext, *, expected_lock_version: int | None
) -> None:
    """Write the state (conditionally), then the inbox and the audit trail, in the caller's transaction."""
    now = timezone.now()
    completed = runner.completed
    instance.state = runner.dump()
    instance.status = InstanceStatus.COMPLETED if completed else InstanceStatus.RUNNING
    instance.completed_at = now if completed else None
    instance.updated_at = now
    if expected_lock_version is None:
        instance.save()
    else:
        updated = WorkflowInstance.objects.filter(pk=instance.pk, lock_version=expected_lock_version).update(
            state=instance.state,
            status=instance.status,
            completed_at=instance.completed_at,
            updated_at=now,
            unit=instance.unit,
            lock_version=expected_lock_version + 1,
        )
        if not updated:
            raise Conflict("Hồ sơ vừa được người khác cập nhật / someone else saved this case first")
        instance.lock_version = expected_lock_version + 1
    _sync_tasks(instance, runner.ready_tasks(), context.actor)
    CaseEvent.objects.bulk_create(context.events)
    context.events.clear()


def _sync_tasks(instance: WorkflowInstance, ready: list[engine.ReadyTask], actor: User | None) -> None:
    """Make the open inbox rows of this case match the engine's ready tasks, in two statements.

    Rows of tasks that are no longer ready are closed; rows of tasks still waiting keep their claims (their
    insert is ignored on the unique task id).
    """
    HumanTask.objects.open().filter(instance=instance).exclude(task_id__in=[t.id for t in ready]).update(
        completed_at=timezone.now(), completed_by=actor
    )
    rows = []
    for task in ready:
        role = Role.from_lane(task.lane)
        if role is None:  # validation refuses such diagrams; an old version must not crash the inbox
            logger.error("Task %s of %s has no role lane", task.element_id, instance.reference)
            role = Role.UNIT_LEADER
        rows.append(
            HumanTask(
                instance=instance,
                task_id=task.id,
                element_id=task.element_id,
                title=task.title,
                role=role,
                unit=instance.unit,
                assignee=_assignee(task),
                public_status=task.properties.get("public_status", ""),
            )
        )
    HumanTask.objects.bulk_create(rows, ignore_conflicts=True)


def _assignee(task: engine.ReadyTask) -> User | None:
    variable = task.properties.get("assignee")
    username = task.data.get(variable) if variable else None
    if not username:
        return None
    return User.objects.filter(username=username).first()
