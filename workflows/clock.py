"""Legal deadlines inside the engine: which steps have a clock, when it is due, and what the worker does next.

A user task or a timer event names its rule with the extension property `deadline_rule` (never a raw ISO
duration). The due date comes from `deadlines.services.compute_due` — the same function as the
`manage.py deadline` command — from the day the step started (`deadline_start=task`, the default) or the day
the case was received (`deadline_start=case`).

Each running clock is one `Deadline` row; the worker acts on it in phases:
remind (N working days before, to the assignee) → due (a task: escalate to the unit's leaders; a timer: fire
it) → very overdue (N more working days: escalate to the level above).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from deadlines import calendar
from deadlines.errors import DeadlineError
from deadlines.selectors import rule_versions
from deadlines.services import DueDate, compute_due
from workflows import engine
from workflows.models import Deadline, DeadlineKind, DeadlinePhase

RULE_PROPERTY = engine.CLOCK_PROPERTY
START_PROPERTY = "deadline_start"
REMINDER_HOUR = datetime.time(8, 0)


def check_rule_code(code: str) -> None:
    """Validation of `deadline_rule` when a process is loaded: the code must name a rule."""
    if not rule_versions(code):
        raise ValueError(f"không có quy tắc thời hạn «{code}» / no deadline rule {code!r}")


def check_start(value: str) -> None:
    if value not in ("task", "case"):
        raise ValueError("phải là «task» hoặc «case» / must be task or case")


def very_overdue_working_days() -> int:
    return int(getattr(settings, "DEADLINE_VERY_OVERDUE_WORKING_DAYS", 5))


def suspension_periods(row: Deadline) -> list[tuple[datetime.date, datetime.date]]:
    return [(datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)) for first, last in row.suspensions]


def compute(row: Deadline, *, extensions: int | None = None) -> DueDate:
    """The due date of a row as it stands (its suspensions, its extensions). Raises DeadlineError."""
    return compute_due(
        rule_code=row.rule_code,
        start=row.start_date,
        suspended_days=suspension_periods(row),
        extensions=row.extensions if extensions is None else extensions,
    )


def start_date_for(properties: dict[str, str], *, case_received: datetime.datetime) -> datetime.date:
    if properties.get(START_PROPERTY) == "case":
        return calendar.local_date(case_received)
    return calendar.today()


def new_row(
    *, instance: Any, spiff_task_id: Any, element_id: str, title: str, kind: str, properties: dict[str, str]
) -> Deadline:
    row = Deadline(
        instance=instance,
        spiff_task_id=spiff_task_id,
        element_id=element_id,
        title=title,
        kind=kind,
        rule_code=properties[RULE_PROPERTY],
        start_date=start_date_for(properties, case_received=instance.created_at),
    )
    schedule(row, compute(row))
    return row


def schedule(row: Deadline, due: DueDate, *, now: datetime.datetime | None = None) -> None:
    """Set the computed fields and the worker's next step from a (re)computed due date."""
    now = now or timezone.now()
    row.due_at = due.due_at
    row.explanation = due.explanation
    row.explanation_en = due.explanation_en
    row.remind_at = datetime.datetime.combine(due.remind_date, REMINDER_HOUR, tzinfo=calendar.LEGAL_TZ)
    if row.closed_at is not None:
        row.phase, row.next_action_at = DeadlinePhase.CLOSED, None
    elif row.suspended_since is not None:
        row.next_action_at = None
    elif row.kind == DeadlineKind.TIMER:
        row.phase, row.next_action_at = DeadlinePhase.DUE, row.due_at
    elif row.due_at < now:
        row.phase, row.next_action_at = DeadlinePhase.DUE, now
    elif row.remind_at > now:
        row.phase, row.next_action_at = DeadlinePhase.REMIND, row.remind_at
    else:
        row.phase, row.next_action_at = DeadlinePhase.DUE, row.due_at


def very_overdue_at(row: Deadline) -> datetime.datetime:
    due_date = calendar.local_date(row.due_at)
    return calendar.end_of_day(calendar.add_working_days(due_date, very_overdue_working_days()))


def timer_due_iso(properties: dict[str, str], *, case_received: datetime.datetime) -> str:
    """What a timer with a `deadline_rule` evaluates to: its due moment as an ISO datetime with an offset."""
    start = start_date_for(properties, case_received=case_received)
    return compute_due(rule_code=properties[RULE_PROPERTY], start=start).due_at.isoformat()


__all__ = ["DeadlineError", "check_rule_code", "compute", "new_row", "schedule", "timer_due_iso", "very_overdue_at"]
