"""Reads of the generic work every subject shares: the inbox, a task, its legal clock (`with_legal_clock`), and
where a task is done (`work_urls`, by the subject's adapter, `workflows.subjects`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import DateTimeField, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from deadlines import calendar
from organisation.selectors import work_visibility_q
from workflows import subjects
from workflows.clock import very_overdue_working_days
from workflows.models import Deadline, DeadlineKind, HumanTask


def with_legal_clock(tasks: QuerySet[HumanTask]) -> QuerySet[HumanTask]:
    """Annotate each task with the legal clock it runs under (`legal_due_at`): the nearer of its own step
    deadline and the case's running legal period (`case_due_at`: a BPMN timer with a deadline rule, such as the
    30 days to resolve a complaint). Steps without a rule of their own — verifying a complaint, assigning a
    denunciation — are due when the case is. Whether a timer that fired (a legal period that ran out) stays the
    case's clock, so its steps show overdue, is the subject's (`SubjectAdapter.fired_timers_stay_due`): some
    timers merely end a stage, and the steps after it are not late for that."""
    running = Q(closed_at__isnull=True, suspended_since__isnull=True)
    run_out = Q(closed_at__gt=F("due_at"), instance__subject_type__in=subjects.stay_due_types())
    timers = (
        Deadline.objects.filter(running | run_out, instance=OuterRef("instance"), kind=DeadlineKind.TIMER)
        .order_by("due_at")
        .values("due_at")[:1]
    )
    case_due = Subquery(timers, output_field=DateTimeField())
    return tasks.annotate(
        case_due_at=case_due,
        legal_due_at=Least(Coalesce("due_at", case_due), Coalesce(case_due, "due_at")),
    )


def legal_due_of(task: HumanTask) -> datetime | None:
    """The task's legal clock (`with_legal_clock`), read again if the task did not come annotated."""
    if hasattr(task, "legal_due_at"):
        due: datetime | None = task.legal_due_at
        return due
    return getattr(with_legal_clock(HumanTask.objects.filter(pk=task.pk)).first(), "legal_due_at", None)


def visible_tasks(user: User | AnonymousUser) -> QuerySet[HumanTask]:
    """Tasks, open or done, of my roles in my units (and, for leaders, of the units below)."""
    return with_legal_clock(
        HumanTask.objects.filter(work_visibility_q(user)).select_related("instance", "unit", "assignee", "claimed_by")
    )


def visible_task(user: User | AnonymousUser, task_id: UUID) -> HumanTask | None:
    """A task of my roles in my units, if its subject lets me see it (`SubjectAdapter.may_see`)."""
    task = visible_tasks(user).filter(task_id=task_id).first()
    if task is None or not subjects.adapter_for(task.instance.subject_type).may_see(user, task):
        return None
    return task


def inbox(user: User | AnonymousUser) -> QuerySet[HumanTask]:
    """Open tasks of my roles in my units (and, for leaders, of the units below), the nearest legal deadline
    (the step's or the case's, `with_legal_clock`) first."""
    return with_legal_clock(
        HumanTask.objects.open()
        .filter(work_visibility_q(user))
        .select_related("instance", "unit", "assignee", "claimed_by", *subjects.related_paths())
    ).order_by(F("legal_due_at").asc(nulls_last=True), "created_at", "pk")


@dataclass(frozen=True)
class Clock:
    """How an official sees a step's deadline: working days left and a badge."""

    working_days_left: int | None
    badge: str  # "", "due_soon", "overdue", "very_overdue"


DUE_SOON_WORKING_DAYS = 2


def clock_of(due_at: datetime | None, *, now: datetime | None = None) -> Clock:
    if due_at is None:
        return Clock(None, "")
    now = now or timezone.now()
    today, due = calendar.local_date(now), calendar.local_date(due_at)
    if due_at >= now:
        left = calendar.working_days_between(today, due)
        return Clock(left, "due_soon" if left <= DUE_SOON_WORKING_DAYS else "")
    late = calendar.working_days_between(due, today)
    very = calendar.end_of_day(calendar.add_working_days(due, very_overdue_working_days())) < now
    return Clock(-late, "very_overdue" if very else "overdue")


def work_urls(task: HumanTask) -> tuple[str, str]:
    """Where an official does a task and sees its case, by its subject's adapter (`workflows.subjects`)."""
    return subjects.work_urls(task)
