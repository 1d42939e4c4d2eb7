"""Reads for petitions: the public status, the officials' inbox and case lists."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation

from cases import answer_templates
from cases.models import (
    OPEN_STATUSES,
    AnswerTemplate,
    Outcome,
    OutcomeTally,
    Petition,
    PetitionStatus,
    normalize_tracking_code,
)
from deadlines import calendar
from organisation.models import Role, Unit
from organisation.selectors import memberships_of, work_visibility_q
from workflows import textdiff
from workflows.clock import very_overdue_working_days
from workflows.models import CaseEvent, Deadline, DeadlineKind, HumanTask
from workflows.selectors import (
    legal_due_of,
)


def petition_by_code(code: str) -> Petition | None:
    return (
        Petition.objects.select_related("commune", "answered_by", "workflow__unit")
        .filter(tracking_code=normalize_tracking_code(code))
        .first()
    )


@dataclass(frozen=True)
class PublicStatus:
    """What anyone holding the tracking code may see: never a personal field, and its texts (title, answer,
    history) through `Petition.public_text` unless the petitioner proved who they are (`for_petitioner`)."""

    tracking_code: str
    petition_type: str
    petition_type_display: str
    title: str
    commune: str
    received_at: datetime
    status: str
    status_display: str
    current_step: str
    handling_unit: str
    due_at: datetime | None
    due_explanation: str
    suspended: bool
    history: list[dict[str, Any]]
    answer: str
    answered_at: datetime | None
    answered_by: str


def public_status(petition: Petition, *, for_petitioner: bool = False) -> PublicStatus:
    """The status page's content; `for_petitioner` (the access key was checked) shows the texts unredacted."""
    shown = (lambda text: text) if for_petitioner else petition.public_text
    tasks = list(HumanTask.objects.open().filter(instance_id=petition.workflow_id).order_by("created_at"))
    step = (tasks[0].public_status or tasks[0].title) if tasks else petition.get_status_display()
    clocks = list(Deadline.objects.filter(instance_id=petition.workflow_id, closed_at__isnull=True).order_by("due_at"))
    running = [row for row in clocks if row.suspended_since is None]
    first = running[0] if running else None
    english = translation.get_language() == "en"
    explanation = (first.explanation_en if english else first.explanation) if first else ""
    suspended = bool(clocks) and not running
    history = [
        {"at": event.created_at, "text": shown(event.public_text)}
        for event in CaseEvent.objects.filter(instance_id=petition.workflow_id).exclude(public_text="")
    ]
    finished = petition.status in (PetitionStatus.ANSWERED, PetitionStatus.REJECTED)
    return PublicStatus(
        tracking_code=petition.tracking_code,
        petition_type=petition.petition_type,
        petition_type_display=petition.get_petition_type_display(),
        title=shown(petition.title),
        commune=petition.commune.name,
        received_at=petition.received_at,
        status=petition.status,
        status_display=petition.get_status_display(),
        current_step=step,
        handling_unit=petition.workflow.unit.name,
        due_at=first.due_at if first else None,
        due_explanation=explanation,
        suspended=suspended,
        history=history,
        answer=shown(petition.answer) if finished else "",
        answered_at=petition.answered_at if finished else None,
        answered_by=petition.answered_by.name if finished and petition.answered_by else "",
    )


def visible_petitions(user: User | AnonymousUser) -> QuerySet[Petition]:
    """Petitions handled by my units (any role), and, for leaders, by the units below."""
    return (
        Petition.objects.filter(work_visibility_q(user, unit_field="workflow__unit", role_field=None))
        .select_related("commune", "workflow__unit", "workflow__process_version")
        .order_by("-received_at", "-pk")
    )


@dataclass(frozen=True)
class UnitTypeStats:
    """Figures of one handling unit and petition type. Every petition is in exactly one of five buckets:

    - answered_on_time: answered (or not accepted, with a reason), and no step missed its legal deadline;
    - answered_late: answered, and some step or the case's legal period ended after its deadline;
    - open_on_time: still being handled, nothing past its deadline (a suspended clock does not run);
    - overdue: still being handled, and a step missed its deadline or the case's legal period has run out;
    - very_overdue: still being handled, and a running clock or the case's legal period (a fired process timer)
      is past its deadline by more than DEADLINE_VERY_OVERDUE_WORKING_DAYS working days (5; the worker tells the
      level above).

    The on-time rate counts only what is decided: answered on time / (answered + open overdue + open very
    overdue). An open case past its due date is already late; an open case still on time does not count yet.
    """

    unit: str
    unit_name: str
    petition_type: str
    received: int
    open: int
    answered: int
    answered_on_time: int
    answered_late: int
    open_on_time: int
    overdue: int
    very_overdue: int
    on_time_rate: float | None


BUCKETS = ("answered_on_time", "answered_late", "open_on_time", "overdue", "very_overdue")


def on_time_rate(counts: Mapping[str, int]) -> float | None:
    """Answered on time out of everything whose timeliness is known (answered, or open and already late), from
    bucket counts (`BUCKETS`; a row of figures, totals, a chart's sums)."""
    decided = counts["answered_on_time"] + counts["answered_late"] + counts["overdue"] + counts["very_overdue"]
    return round(counts["answered_on_time"] / decided, 3) if decided else None


def led_units(user: User | AnonymousUser) -> QuerySet[Unit]:
    """Units an official leads, and every unit below them."""
    q = Q(pk__in=[])
    for membership in memberships_of(user):
        if membership.role == Role.UNIT_LEADER:
            q |= Q(path__startswith=membership.unit.path)
    return Unit.objects.filter(q)


def very_overdue_before(now: datetime) -> datetime:
    """A clock due before this moment is very overdue at `now`: the same rule as the inbox badge (`clock_of`),
    as one bound a query can compare `due_at` with (more working days after a later due date never come sooner)."""
    day = calendar.local_date(now)
    while calendar.end_of_day(calendar.add_working_days(day, very_overdue_working_days())) >= now:
        day -= calendar.ONE_DAY
    return calendar.start_of_day(day + calendar.ONE_DAY)


def _bucketed(
    *, units: QuerySet[Unit], date_from: date, date_to: date, petition_type: str | None, now: datetime
) -> tuple[QuerySet[Petition], dict[str, Q]]:
    """Petitions handled by `units` and received in [date_from, date_to], with what the buckets test, and the
    condition of each bucket of `UnitTypeStats` at `now`: the drill-down lists them, with the same rules as the
    figures (`leader_figures`), so a figure and the list behind it cannot disagree. An answered petition's bucket
    was decided when it was answered (`Petition.outcome`, kept by `cases.outcomes`)."""
    clocks = Deadline.objects.filter(instance=OuterRef("workflow"))
    running = Q(closed_at__isnull=True, suspended_since__isnull=True)
    # A fired timer is the case's legal period running out: it stays late until the case is answered.
    expired = Q(kind=DeadlineKind.TIMER, closed_at__gt=F("due_at"))
    petitions = Petition.objects.filter(
        tallied_unit__in=units,
        received_at__gte=calendar.start_of_day(date_from),
        received_at__lte=calendar.end_of_day(date_to),
    )
    if petition_type:
        petitions = petitions.filter(petition_type=petition_type)
    petitions = petitions.alias(
        overdue_now=Exists(clocks.filter(running, due_at__lt=now)),
        very=Exists(clocks.filter(running | expired, due_at__lt=very_overdue_before(now))),
    )
    is_open = Q(status__in=OPEN_STATUSES)
    late = Q(missed_deadline=True) | Q(overdue_now=True)
    conditions = {
        "answered_on_time": Q(outcome=Outcome.ON_TIME),
        "answered_late": Q(outcome=Outcome.LATE),
        "open_on_time": is_open & ~late & ~Q(very=True),
        "overdue": is_open & late & ~Q(very=True),
        "very_overdue": is_open & Q(very=True),
    }
    return petitions, conditions


def _figures(row: dict[str, Any]) -> dict[str, Any]:
    """The derived figures of one grouped row of bucket counts."""
    buckets = {key: row[key] for key in BUCKETS}
    return {
        "received": row["received"],
        "open": buckets["open_on_time"] + buckets["overdue"] + buckets["very_overdue"],
        "answered": buckets["answered_on_time"] + buckets["answered_late"],
        **buckets,
        "on_time_rate": on_time_rate(buckets),
    }


def _month_sql(column: str, *, is_date: bool = False) -> str:
    """SQL of the month ("YYYY-MM") of a date column, or of a datetime column in local time (UTC+7 all year)."""
    if connection.vendor == "postgresql":
        local = column if is_date else f"{column} AT TIME ZONE '{calendar.LEGAL_TZ.key}'"
        return f"to_char({local}, 'YYYY-MM')"
    return f"strftime('%%Y-%%m', {column})" if is_date else f"strftime('%%Y-%%m', {column}, '+7 hours')"


def _tally_sql(*, unit_ids: list[int], date_from: date, date_to: date, petition_type: str | None) -> tuple[str, list]:
    """Per month of receipt, unit and type: the petitions open, answered on time and answered late (the tally)."""
    type_sql, type_params = ("AND t.petition_type = %s", [petition_type]) if petition_type else ("", [])
    sql = f"""
        SELECT {_month_sql("t.received_on", is_date=True)} AS month, t.unit_id, t.petition_type,
               SUM(t.in_progress), SUM(t.on_time), SUM(t.late)
        FROM {OutcomeTally._meta.db_table} AS t
        WHERE t.received_on >= %s AND t.received_on <= %s AND t.unit_id IN ({", ".join(["%s"] * len(unit_ids))})
              {type_sql}
        GROUP BY 1, 2, 3
    """  # noqa: S608 - table names and fixed fragments only; every value is a parameter
    return sql, [date_from, date_to, *unit_ids, *type_params]


def _late_open_sql(
    *, unit_ids: list[int], date_from: date, date_to: date, petition_type: str | None, now: datetime
) -> tuple[str, list]:
    """Per month of receipt, unit and type: the open petitions late at `now` (a clock ended after its deadline,
    `Petition.missed_deadline`, or one is running past it) and, of those, the very overdue ones (a running clock or
    a fired timer due before `very_overdue_before(now)`). Reads only late clocks and late petitions, never every
    clock of the period."""
    ops = connection.ops
    clocks, petitions = Deadline._meta.db_table, Petition._meta.db_table
    open_sql = ", ".join(["%s"] * len(OPEN_STATUSES))
    type_sql, type_params = ("AND p.petition_type = %s", [petition_type]) if petition_type else ("", [])
    sql = f"""
        SELECT {_month_sql("p.received_at")} AS month, p.tallied_unit_id, p.petition_type,
               COUNT(*), SUM(CASE WHEN l.due < %s THEN 1 ELSE 0 END)
        FROM (
            SELECT instance_id, MIN(due) AS due FROM (
                SELECT d.instance_id, d.due_at AS due FROM {clocks} AS d
                WHERE d.closed_at IS NULL AND d.suspended_since IS NULL AND d.due_at < %s
                UNION ALL
                SELECT m.workflow_id, NULL FROM {petitions} AS m
                WHERE m.missed_deadline AND m.status IN ({open_sql})
                UNION ALL
                SELECT d.instance_id, d.due_at FROM {petitions} AS m
                JOIN {clocks} AS d ON d.instance_id = m.workflow_id AND d.closed_at > d.due_at AND d.kind = %s
                WHERE m.missed_deadline AND m.status IN ({open_sql})
            ) AS late_clocks GROUP BY instance_id
        ) AS l
        JOIN {petitions} AS p ON p.workflow_id = l.instance_id
        WHERE p.status IN ({open_sql}) AND p.received_at >= %s AND p.received_at <= %s
              AND p.tallied_unit_id IN ({", ".join(["%s"] * len(unit_ids))}) {type_sql}
        GROUP BY 1, 2, 3
    """  # noqa: S608 - table names and fixed fragments only; every value is a parameter
    params = [
        ops.adapt_datetimefield_value(very_overdue_before(now)),
        ops.adapt_datetimefield_value(now),
        *OPEN_STATUSES,
        DeadlineKind.TIMER.value,
        *OPEN_STATUSES,
        *OPEN_STATUSES,
        ops.adapt_datetimefield_value(calendar.start_of_day(date_from)),
        ops.adapt_datetimefield_value(calendar.end_of_day(date_to)),
        *unit_ids,
        *type_params,
    ]
    return sql, params


def _monthly_rows(
    *, units: QuerySet[Unit], date_from: date, date_to: date, petition_type: str | None, now: datetime
) -> list[dict[str, Any]]:
    """Bucket counts per month of receipt, handling unit and petition type: the tally of each petition's outcome
    (`cases.outcomes`), with its open petitions split by what is late at `now` (`_late_open_sql`)."""
    # The units as a list of ids: a sub-query on the path (`led_units`) is estimated at one unit, and the planner
    # then walks every case of every unit instead of the period's.
    names = {pk: (code, name) for pk, code, name in units.order_by().values_list("pk", "code", "name")}
    if not names:
        return []
    scope: dict[str, Any] = {
        "unit_ids": list(names),
        "date_from": date_from,
        "date_to": date_to,
        "petition_type": petition_type,
    }
    counts: dict[tuple[str, int, str], dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(*_tally_sql(**scope))
        for month, unit_id, kind, in_progress, on_time, late in cursor.fetchall():
            counts[(month, unit_id, kind)] = {
                "received": int(in_progress) + int(on_time) + int(late),
                "answered_on_time": int(on_time),
                "answered_late": int(late),
                "open_on_time": int(in_progress),
                "overdue": 0,
                "very_overdue": 0,
            }
        cursor.execute(*_late_open_sql(**scope, now=now))
        for month, unit_id, kind, late, very in cursor.fetchall():
            row = counts.get((month, unit_id, kind))
            if row is None:  # the tally has not counted it (it is recounted by `manage.py rebuild_outcome_tally`)
                continue
            row["open_on_time"] -= int(late)
            row["overdue"] += int(late) - int(very)
            row["very_overdue"] += int(very)
    return [
        {"month": month, "code": names[unit_id][0], "name": names[unit_id][1], "petition_type": kind, **row}
        for (month, unit_id, kind), row in sorted(counts.items(), key=lambda item: (names[item[0][1]][0], item[0][2]))
        if row["received"]
    ]


def late_open_by_unit(
    *, units: QuerySet[Unit], date_from: date, date_to: date, now: datetime
) -> dict[int, tuple[int, int]]:
    """Per handling unit: its open petitions received in the period that are overdue at `now`, and of those the very
    overdue, with the leaders' figures' own rules (`_late_open_sql`), reading only the late clocks and petitions."""
    unit_ids = list(units.order_by().values_list("pk", flat=True))
    if not unit_ids:
        return {}
    late: dict[int, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            *_late_open_sql(unit_ids=unit_ids, date_from=date_from, date_to=date_to, petition_type=None, now=now)
        )
        for _month, unit_id, _kind, count, very in cursor.fetchall():
            total = late.setdefault(unit_id, [0, 0])
            total[0] += int(count)
            total[1] += int(very or 0)
    return {unit_id: (count, very) for unit_id, (count, very) in late.items()}


def _stats_from_months(rows: list[dict[str, Any]]) -> list[UnitTypeStats]:
    """The figures of `unit_stats` summed from the monthly rows (every bucket is a count, so the sum is exact)."""
    totals: dict[tuple[str, str, str], dict[str, int]] = {}
    for row in rows:
        total = totals.setdefault(
            (row["code"], row["name"], row["petition_type"]), dict.fromkeys(("received", *BUCKETS), 0)
        )
        for key in total:
            total[key] += int(row[key] or 0)
    return [
        UnitTypeStats(unit=code, unit_name=name, petition_type=petition_type, **_figures(total))
        for (code, name, petition_type), total in totals.items()
    ]


def _months_from_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The monthly rows by month, then unit and type in the database's order (the query orders by unit first)."""
    return [
        {
            "month": row["month"],
            "unit": row["code"],
            "unit_name": row["name"],
            "petition_type": row["petition_type"],
            **_figures({key: int(row[key] or 0) for key in ("received", *BUCKETS)}),
        }
        for row in sorted(rows, key=lambda row: row["month"])
    ]


def leader_figures(
    *, units: QuerySet[Unit], date_from: date, date_to: date, petition_type: str | None = None
) -> tuple[list[UnitTypeStats], list[dict[str, Any]]]:
    """`unit_stats` and the same figures per month of receipt (the charts), from the same rows."""
    rows = _monthly_rows(
        units=units, date_from=date_from, date_to=date_to, petition_type=petition_type, now=timezone.now()
    )
    return _stats_from_months(rows), _months_from_rows(rows)


def unit_stats(
    *, units: QuerySet[Unit], date_from: date, date_to: date, petition_type: str | None = None
) -> list[UnitTypeStats]:
    """Per handling unit and petition type, for petitions received in [date_from, date_to]: how many are in
    each bucket of `UnitTypeStats` at this moment, and the on-time rate."""
    return leader_figures(units=units, date_from=date_from, date_to=date_to, petition_type=petition_type)[0]


def bucket_petitions(
    *,
    units: QuerySet[Unit],
    date_from: date,
    date_to: date,
    petition_type: str | None = None,
    bucket: str | None = None,
    month: str | None = None,
    topic: str | None = None,
    commune: str | None = None,
) -> QuerySet[Petition]:
    """The petitions behind one figure: those of `units` received in the period (and `month`, "YYYY-MM"),
    of the type, in the bucket (None: every bucket, the "received" figure), about the topic and commune (codes;
    the insight page's figures), oldest received first."""
    petitions, conditions = _bucketed(
        units=units, date_from=date_from, date_to=date_to, petition_type=petition_type, now=timezone.now()
    )
    if topic:
        petitions = petitions.filter(topic__code=topic)
    if commune:
        petitions = petitions.filter(commune__code=commune)
    if bucket:
        petitions = petitions.filter(conditions[bucket])
    if month:
        year, number = (int(part) for part in month.split("-"))
        first = date(year, number, 1)
        after = date(year + number // 12, number % 12 + 1, 1)
        petitions = petitions.filter(
            received_at__gte=calendar.start_of_day(first), received_at__lt=calendar.start_of_day(after)
        )
    return petitions.select_related("workflow__unit", "topic").order_by("received_at", "pk")


APPROVAL_FIELD = "approval"  # a step with this form field approves or returns what the step before drafted
DRAFT_FIELD = "answer"


@dataclass(frozen=True)
class Draft:
    """The answer an approval step is asked to approve: the latest text drafted for the case."""

    text: str
    drafted_by: User | None
    drafted_at: datetime
    step: str


def draft_under_approval(task: HumanTask, field_names: list[str]) -> Draft | None:
    """For an approval step (a form with an `approval` field), the answer drafted last on the case: what the
    send step will mail and publish if the leader approves it. None for any other step."""
    if APPROVAL_FIELD not in field_names:
        return None
    event = (
        CaseEvent.objects.filter(instance_id=task.instance_id, kind="task_completed", data__has_key=DRAFT_FIELD)
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )
    if event is None:
        return None
    return Draft(
        text=str(event.data[DRAFT_FIELD] or ""),
        drafted_by=event.actor,
        drafted_at=event.created_at,
        step=event.summary,
    )


def may_see_identity(user: User | AnonymousUser, petition: Petition) -> bool:
    """A denouncer's identity is sealed (Law on Denunciations 2018, Art. 47–56): only the handling lane of the
    unit handling the case sees it. Other petitioners' details are visible to every official of that unit."""
    if not petition.identity_sealed:
        return True
    return any(
        membership.unit_id == petition.workflow.unit_id and membership.role == Role.HANDLING_OFFICER
        for membership in memberships_of(user)
    )


def may_see_contact(user: User | AnonymousUser, petition: Petition) -> bool:
    """Whether a task page shows the petitioner's name and contact: to those who handle or decide the case (the
    unit's handling officers and leaders; a denouncer's only to its handling lane, `may_see_identity`). The
    reception officer classifies the petition on its content alone."""
    if not may_see_identity(user, petition):
        return False
    return any(
        membership.unit_id == petition.workflow.unit_id and membership.role != Role.RECEPTION_OFFICER
        for membership in memberships_of(user)
    )


# The petition's subject adapter (registered in `apps.py`).


def task_work_url(task: HumanTask) -> str:
    return reverse("cases:task", args=[task.task_id])


def task_case_url(task: HumanTask) -> str:
    return reverse("cases:case", args=[task.instance.petition.pk])


def may_see_task(user: User | AnonymousUser, task: HumanTask) -> bool:
    """Every official whose role and unit the task is for (`work_visibility_q`): the sealed identity of a
    denouncer is hidden inside the pages (`may_see_identity`), not the task."""
    return True


def attachment_preview(content_type: str) -> str:
    """How a task page previews an attachment: an image inline, a PDF embedded, anything else as a link."""
    if content_type.startswith("image/"):
        return "image"
    return "pdf" if content_type == "application/pdf" else ""


def draft_diff(instance_id: int) -> list[textdiff.Segment]:
    """What changed since the draft the approver returned: the last two drafts of the case's answer, word by word
    (empty when the answer was drafted once)."""
    drafts = list(
        CaseEvent.objects.filter(instance_id=instance_id, kind="task_completed", data__has_key=DRAFT_FIELD)
        .order_by("-created_at", "-pk")
        .values_list("data", flat=True)[:2]
    )
    if len(drafts) < 2:
        return []
    new, old = (str(data.get(DRAFT_FIELD) or "") for data in drafts)
    return textdiff.word_diff(old, new)


def history_of(instance_id: int) -> list[CaseEvent]:
    """The case's audit trail, oldest first: completed steps with their form values, transfers, clock changes."""
    return list(CaseEvent.objects.filter(instance_id=instance_id).select_related("actor").order_by("created_at", "pk"))


def task_context(task: HumanTask) -> dict[str, Any]:
    """What a petition's task page shows besides the task and its form: the petition and its attachments, the
    earlier decisions, the linked cases, every deadline with its explanation, what changed in a redrafted answer."""
    petition = task.instance.petition
    attachments = [(item, attachment_preview(item.content_type)) for item in petition.attachments.all()]
    return {
        "petition": petition,
        "attachments": attachments,
        "history": history_of(task.instance_id),
        "deadlines": list(
            task.instance.deadlines.prefetch_related("extension_requests__requested_by").order_by("due_at", "pk")
        ),
        "linked_cases": {
            "appeal_of": petition.appeal_of,
            "appeals": list(petition.appeals.all()),
        },
        "draft_diff": draft_diff(task.instance_id),
    }


# Answer templates (`cases.answer_templates`): which a task may use, and their text for one petition.


def answer_templates_for(task: HumanTask) -> QuerySet[AnswerTemplate]:
    """The active templates for the task's petition type, of the task's unit or of every unit."""
    petition = getattr(task.instance, "petition", None)
    if petition is None:
        return AnswerTemplate.objects.none()
    return AnswerTemplate.objects.filter(
        Q(unit__isnull=True) | Q(unit_id=task.unit_id), active=True, petition_type=petition.petition_type
    )


def render_answer_template(
    template: AnswerTemplate, petition: Petition, *, user: User | AnonymousUser, task: HumanTask | None = None
) -> str:
    """The template's body with the placeholders filled from this petition (and the step's due date). Where the
    reader may not see a denouncer's identity, the form of address is "Ông/Bà" without a name."""
    name = petition.petitioner_name if may_see_identity(user, petition) else ""
    due = legal_due_of(task) if task is not None else None
    if due is None:
        due = (
            Deadline.objects.filter(instance_id=petition.workflow_id, closed_at__isnull=True)
            .order_by("due_at")
            .values_list("due_at", flat=True)
            .first()
        )
    values = {
        "xung_ho": f"Ông/Bà {name}".strip(),
        "ho_ten": name,
        "ma_don": petition.tracking_code,
        "tieu_de": petition.title,
        "ngay_nhan": answer_templates.format_date(petition.received_at),
        "ngay_hom_nay": answer_templates.format_date(timezone.localdate()),
        "han_xu_ly": answer_templates.format_date(due),
        "don_vi": petition.workflow.unit.name,
    }
    return answer_templates.fill(template.body, values)


@dataclass(frozen=True)
class RenderedTemplate:
    template: AnswerTemplate
    text: str


def rendered_answer_templates(task: HumanTask, *, user: User | AnonymousUser) -> list[RenderedTemplate]:
    """Each template the task may use, with its text for the task's petition (the picker's data)."""
    petition = getattr(task.instance, "petition", None)
    if petition is None:
        return []
    return [
        RenderedTemplate(template, render_answer_template(template, petition, user=user, task=task))
        for template in answer_templates_for(task)
    ]


def answer_prefill(task: HumanTask, *, user: User | AnonymousUser, template_id: str | None) -> dict[str, str]:
    """The task form's values pre-filled from `?template=<id>` (the picker without JavaScript): the answer, if the
    task asks for one and the template is one it may use; nothing otherwise."""
    if not template_id or not template_id.isdigit():
        return {}
    template = answer_templates_for(task).filter(pk=int(template_id)).first()
    if template is None:
        return {}
    return {"answer": render_answer_template(template, task.instance.petition, user=user, task=task)}
