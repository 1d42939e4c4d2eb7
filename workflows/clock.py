"""Legal deadlines inside the engine: which steps have a clock, when it is due, and what the worker does next.

A user task or a timer event names its rule with the extension property `deadline_rule` (never a raw ISO
duration). The due date comes from `deadlines.services.compute_due` — the same function as the
`manage.py deadline` command — from the day the step started (`deadline_start=task`, the default) or the day
the case was received (`deadline_start=case`).

Each running clock is one `Deadline` row; the worker acts on it in phases:
remind (N working days before, to the assignee) → due (a task: escalate to the unit's leaders; a timer: fire
it) → very overdue (N more working days: escalate to the level above).

Two optional properties of a step with a rule tune this, and are kept on its row: `remind_before` (working
days before the due date to remind; default the rule's `remind_before_days`) and `escalate_to`
(`unit_leader`, the default, or `parent_leader`: the leaders of the level above from the first escalation).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from deadlines import calendar
from deadlines.errors import DeadlineError
from deadlines.selectors import rule_versions
from deadlines.services import DueDate, compute_due
from workflows import engine
from workflows.models import Deadline, DeadlineKind, DeadlinePhase, EscalationTarget

RULE_PROPERTY = engine.CLOCK_PROPERTY
START_PROPERTY = "deadline_start"
REMIND_PROPERTY = "remind_before"
ESCALATE_PROPERTY = "escalate_to"
MAX_REMIND_BEFORE = 30
REMINDER_HOUR = datetime.time(8, 0)


def check_rule_code(code: str) -> None:
    """Validation of `deadline_rule` when a process is loaded: the code must name a rule counted after an event.

    A minimum notice before a scheduled event (e.g. complaint.dialogue_notice) counts back from the event's date,
    which a step's clock does not know: its due date would be in the past as soon as the step starts.
    """
    versions = rule_versions(code)
    if not versions:
        raise ValueError(gettext("không có quy tắc thời hạn «%(code)s»") % {"code": code})
    if any(version.counts_before for version in versions):
        raise ValueError(
            gettext(
                "quy tắc «%(code)s» là thời hạn báo trước một sự việc đã lên lịch, tính lùi từ ngày của sự việc, "
                "nên không dùng làm thời hạn của một bước hay hẹn giờ"
            )
            % {"code": code}
        )


def check_start(value: str) -> None:
    if value not in ("task", "case"):
        raise ValueError(gettext("phải là «task» hoặc «case»"))


def check_remind_before(value: str) -> None:
    if not (value.isascii() and value.isdigit() and int(value) <= MAX_REMIND_BEFORE):
        raise ValueError(
            gettext("phải là số ngày làm việc từ 0 đến %(max_remind_before)s")
            % {"max_remind_before": MAX_REMIND_BEFORE}
        )


def check_escalate_to(value: str) -> None:
    if value not in EscalationTarget.values:
        choices = ", ".join(EscalationTarget.values)
        raise ValueError(gettext("phải là một trong %(choices)s") % {"choices": choices})


def remind_before_of(properties: dict[str, str]) -> int | None:
    """The step's `remind_before` override in working days, or None for the rule's default."""
    value = properties.get(REMIND_PROPERTY, "")
    return int(value) if value else None


def remind_date(due: DueDate, remind_before_days: int | None) -> datetime.date:
    """When to remind: the rule's reminder day, or `remind_before_days` working days before the due date;
    never before the day after the clock started."""
    if remind_before_days is None:
        return due.remind_date
    return max(calendar.add_working_days(due.due_date, -remind_before_days), due.start_date + calendar.ONE_DAY)


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


def start_date_for(
    properties: dict[str, str], *, case_received: datetime.datetime, step_started: datetime.datetime | None = None
) -> datetime.date:
    if properties.get(START_PROPERTY) == "case":
        return calendar.local_date(case_received)
    return calendar.local_date(step_started) if step_started else calendar.today()


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
        # The steps a case opens with start when the case was received (a petition recorded days after it came in
        # at the counter or by post), not when it was typed in; later steps start when they start.
        start_date=start_date_for(
            properties,
            case_received=instance.created_at,
            step_started=instance.created_at if instance.lock_version == 0 else None,
        ),
        remind_before_days=remind_before_of(properties),
        escalate_to=properties.get(ESCALATE_PROPERTY) or EscalationTarget.UNIT_LEADER,
    )
    schedule(row, compute(row))
    return row


def schedule(row: Deadline, due: DueDate, *, now: datetime.datetime | None = None) -> None:
    """Set the computed fields and the worker's next step from a (re)computed due date."""
    now = now or timezone.now()
    row.due_at = due.due_at
    row.explanation = due.explanation
    row.explanation_en = due.explanation_en
    row.remind_at = datetime.datetime.combine(
        remind_date(due, row.remind_before_days), REMINDER_HOUR, tzinfo=calendar.LEGAL_TZ
    )
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


__all__ = [
    "DeadlineError",
    "check_escalate_to",
    "check_remind_before",
    "check_rule_code",
    "compute",
    "new_row",
    "remind_date",
    "schedule",
    "timer_due_iso",
    "very_overdue_at",
]
