"""Moving running cases to a newer version of their process: a dry-run plan, then an explicit migration.

A case can move when every step it is waiting at (a user task, a timer, a waiting join) still exists in the new
version under the same element id (or one SpiffWorkflow aligns by structure) and with the same type, and when the
case, re-created on the new spec, waits at exactly the same steps. Then its state is re-pointed at the new spec
with SpiffWorkflow's own `diff_workflow` / `migrate_workflow` (the waiting tasks keep their ids, so inbox rows and
deadline rows stay attached), its deadlines are kept — or recomputed from the same start day when the step's
`deadline_rule` changed between the two versions (a clock whose rule a subject's step hook chose, e.g. a remote-area
period, is kept while the diagram's rule stays the same) — and one `CaseEvent` records the move. A case that cannot
move stays on its version, and the plan says why. Nothing is moved implicitly.
"""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext
from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, migrate_workflow
from SpiffWorkflow.util.task import TaskState

from deadlines import calendar
from deadlines.errors import DeadlineError
from organisation.models import Role
from workflows import clock, engine, services
from workflows.handlers import HandlerContext
from workflows.models import Deadline, DeadlineKind, HumanTask, InstanceStatus, ProcessVersion, WorkflowInstance


class MigrationRefused(services.Conflict):
    code = "migration_refused"


@dataclass(frozen=True)
class StepChange:
    """A step the case waits at, and what becomes of it in the new version."""

    task_id: UUID
    element_id: str
    new_element_id: str | None
    title: str
    kind: str  # "task" | "timer" | "other"
    outcome: str  # "kept" | "mapped" | "removed" | "type_changed"
    changed: list[str] = field(default_factory=list)  # spec attributes that differ (SpiffWorkflow's comparison)


@dataclass(frozen=True)
class DeadlineChange:
    element_id: str
    title: str
    outcome: str  # "kept" | "recomputed" | "closed" | "new"
    rule_before: str
    rule_after: str
    due_before: datetime.datetime | None
    due_after: datetime.datetime | None
    explanation: str = ""


@dataclass
class CasePlan:
    instance_id: int
    from_version: int
    to_version: int
    can_move: bool
    reasons: list[str] = field(default_factory=list)
    steps: list[StepChange] = field(default_factory=list)
    deadlines: list[DeadlineChange] = field(default_factory=list)


def _task_kind(task: Any) -> str:
    if engine._is_timer(task.task_spec):
        return "timer"
    return "task" if task.task_spec.manual else "other"


def _waiting(workflow: Any) -> list[Any]:
    return list(workflow.get_tasks(state=TaskState.READY | TaskState.WAITING, skip_subprocesses=True))


def _label(task: Any) -> str:
    spec = task.task_spec
    return str(getattr(spec, "bpmn_name", None) or getattr(spec, "bpmn_id", None) or spec.name)


def _fingerprint(workflow: Any) -> list[tuple[str, str]]:
    """Where a workflow waits: (element id, state) of each waiting step, sorted."""
    return sorted((str(t.task_spec.name), TaskState.get_name(t.state)) for t in _waiting(workflow))


def _load(specs: engine.Specs, state: dict[str, Any], context: HandlerContext | None) -> engine.Runner:
    return engine.Runner.load(specs, copy.deepcopy(state), context)


def _move(runner: engine.Runner, new: engine.Specs) -> list[StepChange]:
    """Re-point a loaded workflow at the new spec (in place) and return what happened to each waiting step."""
    workflow = runner.workflow
    spec_diff = SpecDiff(engine._spec_serializer.registry, workflow.spec, new.spec)
    top_diff = WorkflowDiff(workflow, spec_diff)
    changes: list[StepChange] = []
    for task in _waiting(workflow):
        aligned = top_diff.alignment.get(task)
        spec = task.task_spec
        element_id = str(getattr(spec, "bpmn_id", None) or spec.name)
        if aligned is None:
            outcome, new_id = "removed", None
        elif type(aligned) is not type(spec):
            outcome, new_id = "type_changed", str(getattr(aligned, "bpmn_id", None) or aligned.name)
        else:
            new_id = str(getattr(aligned, "bpmn_id", None) or aligned.name)
            outcome = "kept" if aligned.name == spec.name else "mapped"
        changed = [str(name) for name in spec_diff.comparisons.get(spec, [])]
        changes.append(StepChange(task.id, element_id, new_id, _label(task), _task_kind(task), outcome, changed))
    if all(change.outcome in ("kept", "mapped") for change in changes):
        migrate_workflow(top_diff, workflow, new.spec)
        workflow.subprocess_specs = new.subprocess_specs
    return changes


def plan_instance(instance: WorkflowInstance, target: ProcessVersion) -> CasePlan:
    """Dry run: can this case move to `target`, and what changes for it? Reads only."""
    plan = CasePlan(instance.pk, instance.process_version.number, target.number, can_move=False)
    if instance.status != InstanceStatus.RUNNING:
        plan.reasons.append(gettext("Hồ sơ đã kết thúc"))
        return plan
    if instance.process_version.process_key != target.process_key:
        plan.reasons.append(gettext("Phiên bản đích thuộc quy trình khác"))
        return plan
    if instance.process_version_id == target.pk:
        plan.reasons.append(gettext("Hồ sơ đã ở phiên bản này"))
        return plan
    old_specs = services.specs_for(instance.process_version_id)
    new_specs = services.specs_for(target.pk)
    # A context lets the timers re-evaluate on the new spec; its events are never saved by a dry run.
    runner = _load(old_specs, instance.state, HandlerContext(instance=instance, data={}, actor=None))
    if runner.workflow.subprocesses:
        plan.reasons.append(gettext("Hồ sơ đang chạy quy trình con: chưa hỗ trợ chuyển"))
        return plan
    before = _fingerprint(runner.workflow)
    old_properties = {t.id: engine._properties(t.task_spec) for t in _waiting(runner.workflow)}
    plan.steps = _move(runner, new_specs)
    for step in plan.steps:
        if step.outcome == "removed":
            plan.reasons.append(
                gettext("Bước «%(step_title)s» (%(element_id)s) không còn trong phiên bản %(target_number)s")
                % {"step_title": step.title, "element_id": step.element_id, "target_number": target.number}
            )
        elif step.outcome == "type_changed":
            plan.reasons.append(
                gettext("Bước «%(step_title)s» (%(element_id)s) đổi loại trong phiên bản %(target_number)s")
                % {"step_title": step.title, "element_id": step.element_id, "target_number": target.number}
            )
        elif step.kind == "other" and "inputs" in step.changed:
            # A join that waits for other branches in the new version would wait for ever for a branch the case
            # never ran (e.g. a step added before the join on a branch already past it).
            plan.reasons.append(
                gettext(
                    "Bước «%(step_title)s» (%(element_id)s) chờ các nhánh khác trong phiên bản %(target_number)s: hồ sơ sẽ không đi tiếp được"
                )
                % {"step_title": step.title, "element_id": step.element_id, "target_number": target.number}
            )
    if plan.reasons:
        return plan
    after = _fingerprint(runner.workflow)
    renamed = {s.element_id: s.new_element_id for s in plan.steps}
    if sorted((renamed.get(name) or name, state) for name, state in before) != after:
        where = ", ".join(name for name, _ in after) or "—"
        plan.reasons.append(gettext("Trên phiên bản mới hồ sơ sẽ chờ ở bước khác (%(where)s)") % {"where": where})
        return plan
    try:
        plan.deadlines = _deadline_changes(instance, runner, old_properties)
    except DeadlineError as error:
        plan.reasons.append(gettext("Không tính lại được thời hạn: %(error)s") % {"error": error})
        return plan
    plan.can_move = True
    return plan


def _deadline_changes(
    instance: WorkflowInstance, runner: engine.Runner, old_properties: dict[UUID, dict[str, str]]
) -> list[DeadlineChange]:
    rows = {row.spiff_task_id: row for row in Deadline.objects.filter(instance=instance, closed_at__isnull=True)}
    changes: list[DeadlineChange] = []
    for task in _waiting(runner.workflow):
        new_properties = engine._properties(task.task_spec)
        before = old_properties.get(task.id, {})
        rule_after = new_properties.get(clock.RULE_PROPERTY, "")
        row = rows.get(task.id)
        title = _label(task)
        element_id = str(task.task_spec.name)
        if row is None and not rule_after:
            continue
        if row is None:
            start = clock.start_date_for(new_properties, case_received=instance.created_at)
            due = clock.compute_due(rule_code=rule_after, start=start)
            changes.append(DeadlineChange(element_id, title, "new", "", rule_after, None, due.due_at, due.explanation))
        elif not rule_after:
            changes.append(DeadlineChange(element_id, title, "closed", row.rule_code, "", row.due_at, None))
        elif rule_after == before.get(clock.RULE_PROPERTY, row.rule_code) and before.get(
            clock.START_PROPERTY
        ) == new_properties.get(clock.START_PROPERTY):
            # The step's rule is what it was: the clock stays as it runs, with the rule a subject's step hook may have
            # given it (a complaint's remote-area period, a reflection's provincial rule), not the diagram's again.
            changes.append(
                DeadlineChange(element_id, title, "kept", row.rule_code, row.rule_code, row.due_at, row.due_at)
            )
        else:
            recomputed = _recomputed(row, new_properties, instance)
            changes.append(
                DeadlineChange(
                    element_id,
                    title,
                    "recomputed",
                    row.rule_code,
                    rule_after,
                    row.due_at,
                    recomputed.due_at,
                    recomputed.explanation,
                )
            )
    return changes


def _recomputed(row: Deadline, properties: dict[str, str], instance: WorkflowInstance) -> Deadline:
    """A copy of `row` under the step's new rule, from the same start day (or the case's, if it says so)."""
    moved = copy.copy(row)
    moved.rule_code = properties[clock.RULE_PROPERTY]
    if properties.get(clock.START_PROPERTY) == "case":
        moved.start_date = calendar.local_date(instance.created_at)
    clock.schedule(moved, clock.compute(moved))
    return moved


@transaction.atomic
def migrate_instance(*, instance: WorkflowInstance, target: ProcessVersion, actor: User) -> CasePlan:
    """Move one case to `target` (raises MigrationRefused with the plan's reasons if it cannot move).

    Runs in its own transaction; the save is conditional on the case's `lock_version`, so a case that changed in
    the meantime raises Conflict and is left as it was.
    """
    instance = WorkflowInstance.objects.select_related("process_version", "unit").get(pk=instance.pk)
    plan = plan_instance(instance, target)
    if not plan.can_move:
        raise MigrationRefused("; ".join(plan.reasons))
    context = HandlerContext(instance=instance, data={}, actor=actor)
    runner = engine.Runner.load(services.specs_for(instance.process_version_id), instance.state, context)
    _move(runner, services.specs_for(target.pk))
    rows = {row.spiff_task_id: row for row in Deadline.objects.filter(instance=instance, closed_at__isnull=True)}
    ready = {task.id: task for task in runner.ready_tasks()}
    for task in _waiting(runner.workflow):
        properties = engine._properties(task.task_spec)
        row = rows.get(task.id)
        if row is not None and properties.get(clock.RULE_PROPERTY):
            change = next(c for c in plan.deadlines if c.element_id == task.task_spec.name)
            if change.outcome == "recomputed":
                moved = _recomputed(row, properties, instance)
                moved.save()
                row = moved
            if row.kind == DeadlineKind.TIMER:
                runner.set_timer_due(task.id, services.FAR_FUTURE if row.suspended_since else row.due_at.isoformat())
        if task.id in ready:
            step = ready[task.id]
            role = Role.from_lane(step.lane)
            update: dict[str, Any] = {
                "element_id": step.element_id,
                "title": step.title,
                "public_status": step.properties.get("public_status", ""),
            }
            if role is not None:
                update["role"] = role
            update["due_at"] = row.due_at if row is not None and properties.get(clock.RULE_PROPERTY) else None
            HumanTask.objects.filter(task_id=task.id, completed_at__isnull=True).update(**update)
    old_number = instance.process_version.number
    context.record(
        "migrated",
        f"Chuyển hồ sơ sang phiên bản {target.number} của quy trình «{target.name}» (từ phiên bản {old_number})",
        data={
            "from_version": old_number,
            "to_version": target.number,
            "steps": [[s.element_id, s.new_element_id, s.outcome] for s in plan.steps],
            "deadlines": [[d.element_id, d.outcome, d.rule_before, d.rule_after] for d in plan.deadlines],
        },
    )
    lock_version = instance.lock_version
    services._save(instance, runner, context, expected_lock_version=lock_version)
    WorkflowInstance.objects.filter(pk=instance.pk).update(process_version=target)
    for row in Deadline.objects.filter(instance=instance, closed_at__isnull=True, kind=DeadlineKind.TASK):
        HumanTask.objects.filter(task_id=row.spiff_task_id, completed_at__isnull=True).update(due_at=row.due_at)
    instance.process_version = target
    return plan


__all__ = ["CasePlan", "DeadlineChange", "MigrationRefused", "StepChange", "migrate_instance", "plan_instance"]
