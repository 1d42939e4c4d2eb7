"""The deadline worker: claim the rows whose next step is due, act, and commit — once per row, ever.

Claiming and acting happen in the same transaction: a crash before the commit rolls back both, so the row is
still due and the next sweep does the work exactly once. On PostgreSQL rows are claimed with
`SELECT … FOR UPDATE SKIP LOCKED`, so several workers share the work without waiting on each other; SQLite
runs write transactions one at a time (`transaction_mode=IMMEDIATE`), which gives the same guarantee.
Each row runs in its own savepoint: one failing row is retried later with a backoff and never blocks the rest.
Notices to officials are queued in the notification outbox in the row's savepoint (one message per official),
so they leave only if the row's work commits; `manage.py run_outbox` sends them.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

from deadlines import calendar
from notifications.models import MessageKind
from notifications.services import Address, Outgoing, enqueue_many
from organisation.models import Role
from workflows import clock
from workflows.models import CaseEvent, Deadline, DeadlineKind, DeadlinePhase, EscalationTarget, HumanTask

logger = logging.getLogger(__name__)
MAX_BACKOFF = datetime.timedelta(hours=1)

# Test hook: called after a batch's work, before its commit (a crash there must lose nothing).
before_commit: Callable[[], None] = lambda: None  # noqa: E731


@dataclass
class SweepResult:
    acted: int = 0
    failed: int = 0
    by_phase: dict[str, int] = field(default_factory=dict)


@dataclass
class _Batch:
    """What one batch shares: the officials to notify, the inbox rows of its steps."""

    now: datetime.datetime
    tasks: dict[object, HumanTask]
    officials: dict[tuple[str, tuple[int, ...]], list[User]] = field(default_factory=dict)
    notices: list[Outgoing] = field(default_factory=list)

    def officials_of(self, role: str, unit_ids: list[int]) -> list[User]:
        key = (role, tuple(unit_ids))
        if key not in self.officials:
            self.officials[key] = list(
                User.objects.filter(
                    is_active=True, memberships__unit_id__in=unit_ids, memberships__role=role
                ).distinct()
            )
        return self.officials[key]

    def notify(self, row: Deadline, users: list[User], *, kind: str, phase: str, subject: str, body: str) -> None:
        """One message per official, keyed by the row, its phase and due moment (a sweep that is retried after a
        crash queues nothing twice); queued with the batch, in its transaction (`enqueue_many`)."""
        for user in {user.pk: user for user in users if user.email}.values():
            self.notices.append(
                Outgoing(
                    key=f"deadline:{row.pk}:{phase}:{row.due_at.timestamp():.0f}:{user.pk}",
                    kind=kind,
                    about=row.instance,
                    addresses=[Address("email", user.email)],
                    subject=subject,
                    body=body,
                    reference=row.instance.reference,
                    language=settings.LANGUAGE_CODE,
                )
            )


def sweep(
    *, now: datetime.datetime | None = None, batch_size: int = 500, should_stop: Callable[[], bool] | None = None
) -> SweepResult:
    """Act on every deadline row due at `now`; return what was done. Once `should_stop()` is true (SIGTERM),
    the batch in hand commits and the sweep ends: the rows not reached are still due."""
    now = now or timezone.now()
    result = SweepResult()
    while True:
        with transaction.atomic():
            rows = _claim(now, batch_size)
            tasks = HumanTask.objects.filter(
                task_id__in=[row.spiff_task_id for row in rows if row.kind == DeadlineKind.TASK]
            )
            batch = _Batch(now, {task.task_id: task for task in tasks.select_related("assignee", "claimed_by")})
            for row in rows:
                _act_on(row, batch, result)
            enqueue_many(batch.notices)
            before_commit()
        if not rows:  # a row late by several phases catches up in the same sweep, one phase per pass
            return result
        if should_stop is not None and should_stop():
            return result


def _claim(now: datetime.datetime, batch_size: int) -> list[Deadline]:
    due = Deadline.objects.filter(next_action_at__lte=now).order_by("next_action_at")
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True, of=("self",))
    # The case state is never needed here (a timer reloads its case), so it is not fetched.
    return list(due.select_related("instance__unit").defer("instance__state")[:batch_size])


def _act_on(row: Deadline, batch: _Batch, result: SweepResult) -> None:
    phase = row.phase
    if phase == DeadlinePhase.REMIND and row.due_at <= batch.now:
        phase = DeadlinePhase.DUE  # a reminder after the deadline helps no one: escalate instead
    queued = len(batch.notices)
    try:
        with transaction.atomic():
            if row.kind == DeadlineKind.TIMER:
                _fire_timer(row)
            elif phase == DeadlinePhase.REMIND:
                _remind(row, batch)
            elif phase == DeadlinePhase.DUE:
                _escalate(row, batch, level=1)
            elif phase == DeadlinePhase.OVERDUE:
                _escalate(row, batch, level=2)
            else:
                Deadline.objects.filter(pk=row.pk).update(next_action_at=None)
    except Exception as error:
        del batch.notices[queued:]  # the row's work rolled back: so do its notices
        logger.exception("Deadline %s (%s) failed", row.pk, row.instance.reference)
        row.attempts += 1
        backoff = min(datetime.timedelta(seconds=30 * 2**row.attempts), MAX_BACKOFF)
        Deadline.objects.filter(pk=row.pk).update(
            attempts=row.attempts, last_error=str(error)[:2000], next_action_at=batch.now + backoff
        )
        result.failed += 1
        return
    result.acted += 1
    result.by_phase[phase] = result.by_phase.get(phase, 0) + 1


def _remind(row: Deadline, batch: _Batch) -> None:
    task = batch.tasks.get(row.spiff_task_id)
    people = [user for user in (task.assignee, task.claimed_by) if user] if task else []
    if not people:
        people = batch.officials_of(task.role if task else Role.HANDLING_OFFICER, [row.instance.unit_id])
    due = calendar.local_date(row.due_at)
    summary = f"Nhắc hạn: «{row.title}» đến hạn ngày {due:%d/%m/%Y}"
    CaseEvent.objects.create(
        instance=row.instance,
        kind="deadline_reminder",
        element_id=row.element_id,
        summary=summary,
        data={"due": due.isoformat(), "to": [user.username for user in people]},
    )
    batch.notify(
        row,
        people,
        kind=MessageKind.DEADLINE_REMINDER,
        phase=DeadlinePhase.REMIND,
        subject=summary,
        body=row.explanation,
    )
    Deadline.objects.filter(pk=row.pk).update(phase=DeadlinePhase.DUE, next_action_at=row.due_at, attempts=0)


def _escalate(row: Deadline, batch: _Batch, *, level: int) -> None:
    """Level 1 (due): the unit's leaders, or those of the level above if the step says `escalate_to=parent_leader`;
    level 2 (very overdue): the leaders of the level above. A unit without a parent escalates to its own leaders."""
    unit = row.instance.unit
    parent_ids = unit.ancestors_and_self()[:-1][-1:]
    to_parent = bool(parent_ids) and (level == 2 or row.escalate_to == EscalationTarget.PARENT_LEADER)
    target_units = parent_ids if to_parent else [unit.pk]
    if level == 1:
        phase, next_at, kind = DeadlinePhase.OVERDUE, clock.very_overdue_at(row), "overdue"
        told = f"lãnh đạo cấp trên của {unit.name}" if to_parent else f"lãnh đạo {unit.name}"
        summary = f"Quá hạn: «{row.title}» (hạn {calendar.local_date(row.due_at):%d/%m/%Y}), đã báo {told}"
    else:
        phase, next_at, kind = DeadlinePhase.VERY_OVERDUE, None, "very_overdue"
        summary = f"Quá hạn nhiều: «{row.title}», đã báo cấp trên của {unit.name}"
    leaders = batch.officials_of(Role.UNIT_LEADER, target_units)
    CaseEvent.objects.create(
        instance=row.instance,
        kind=kind,
        element_id=row.element_id,
        summary=summary,
        data={"due": row.due_at.isoformat(), "to": [user.username for user in leaders], "level": level},
    )
    batch.notify(row, leaders, kind=MessageKind.OVERDUE, phase=kind, subject=summary, body=row.explanation)
    Deadline.objects.filter(pk=row.pk).update(phase=phase, next_action_at=next_at, attempts=0)


def _fire_timer(row: Deadline) -> None:
    from workflows.services import fire_timers  # services import this module's models only; no cycle at load

    fire_timers(instance_id=row.instance_id)
    # The engine's save closes the row when its timer has fired; one that did not is retried with a backoff.
    if Deadline.objects.filter(pk=row.pk, closed_at__isnull=True).exists():
        raise RuntimeError(f"timer {row.element_id} of {row.instance.reference} did not fire")
