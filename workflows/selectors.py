"""Reads of the generic work every subject shares: the inbox, a task, its legal clock (`with_legal_clock`), and
where a task is done (`work_urls`, by the subject's adapter, `workflows.subjects`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deadlines import calendar
from organisation.models import Membership, Role
from organisation.selectors import work_visibility_q
from workflows import engine, subjects
from workflows.clock import very_overdue_working_days
from workflows.models import HumanTask, legal_clock
from workflows.services import specs_for


def with_legal_clock(tasks: QuerySet[HumanTask]) -> QuerySet[HumanTask]:
    """Annotate each task with the legal clock it runs under (`legal_due_at`): the nearer of its own step
    deadline and the case's running legal period (`case_due_at`: a BPMN timer with a deadline rule, such as the
    30 days to resolve a complaint). Steps without a rule of their own — verifying a complaint, assigning a
    denunciation — are due when the case is. Whether a timer that fired (a legal period that ran out) stays the
    case's clock, so its steps show overdue, is the subject's (`SubjectAdapter.fired_timers_stay_due`): some
    timers merely end a stage, and the steps after it are not late for that.

    The case's period is kept on each task by the engine (`services.refresh_legal_clock`), so this is an
    expression over the task's own columns, which the inbox's index (`open_task_legal_clock`) holds in order."""
    return tasks.annotate(legal_due_at=legal_clock())


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


# ---- the inbox's filters and their counts ----------------------------------------------------------------

DEADLINE_STATES = {
    "on_time": _("Còn hạn"),
    "due_soon": _("Sắp đến hạn"),
    "overdue": _("Quá hạn"),
    "very_overdue": _("Quá hạn nhiều"),
    "none": _("Không có hạn"),
}
ASSIGNEE_CHOICES = {"": _("Bất kỳ ai"), "me": _("Của tôi"), "unassigned": _("Chưa ai nhận")}


@dataclass(frozen=True)
class InboxFilters:
    """What an official narrows the inbox to (the page's and the API's GET parameters, same names)."""

    kind: str = ""  # a subject type (a petition type, a consultation)
    unit: str = ""  # a unit's code
    step: str = ""  # a BPMN element id
    deadline: str = ""  # a key of DEADLINE_STATES
    assignee: str = ""  # "me", "unassigned" or "" (anyone)
    q: str = ""  # a piece of the case's code or title

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> InboxFilters:
        """Read the filters from GET parameters, ignoring values the inbox does not know."""

        def value(name: str, allowed: Mapping[str, object] | None = None) -> str:
            raw = str(params.get(name) or "").strip()[:200]
            return raw if allowed is None or raw in allowed else ""

        return cls(
            kind=value("kind"),
            unit=value("unit"),
            step=value("step"),
            deadline=value("deadline", DEADLINE_STATES),
            assignee=value("assignee", ASSIGNEE_CHOICES),
            q=value("q"),
        )

    def active(self) -> bool:
        return any((self.kind, self.unit, self.step, self.deadline, self.assignee, self.q))


def deadline_state_q(state: str, *, now: datetime | None = None) -> Q:
    """Tasks (annotated by `with_legal_clock`) in a deadline state, with the bounds `clock_of` draws: due soon
    while at most DUE_SOON_WORKING_DAYS working days are left, very overdue once `very_overdue_working_days`
    working days have passed since the due day."""
    now = now or timezone.now()
    today = calendar.local_date(now)
    soon_until = calendar.start_of_day(calendar.add_working_days(today, DUE_SOON_WORKING_DAYS + 1))
    if state == "none":
        return Q(legal_due_at__isnull=True)
    if state == "on_time":
        return Q(legal_due_at__gte=soon_until)
    if state == "due_soon":
        return Q(legal_due_at__gte=now, legal_due_at__lt=soon_until)
    # The latest due day that is very overdue today: its N-th working day after is already past.
    last_very = today - dt.timedelta(days=1)
    while calendar.add_working_days(last_very, very_overdue_working_days()) >= today:
        last_very -= dt.timedelta(days=1)
    very_until = calendar.start_of_day(last_very + dt.timedelta(days=1))
    if state == "very_overdue":
        return Q(legal_due_at__lt=very_until)
    return Q(legal_due_at__lt=now, legal_due_at__gte=very_until)


def _assignee_q(choice: str, user: User | AnonymousUser) -> Q:
    if choice == "me":
        return Q(claimed_by=user.pk) | Q(assignee=user.pk)
    if choice == "unassigned":
        return Q(claimed_by__isnull=True, assignee__isnull=True)
    return Q()


def _facet_qs(
    tasks: QuerySet[HumanTask], filters: InboxFilters, user: User | AnonymousUser, *, but: str = ""
) -> QuerySet[HumanTask]:
    """`tasks` narrowed by every filter but `but` (a facet's counts are over the other facets' choice)."""
    if filters.q:
        q = filters.q
        tasks = tasks.filter(Q(instance__reference__icontains=q) | Q(instance__title__icontains=q))
    if filters.kind and but != "kind":
        tasks = tasks.filter(instance__subject_type=filters.kind)
    if filters.unit and but != "unit":
        tasks = tasks.filter(unit__code=filters.unit)
    if filters.step and but != "step":
        tasks = tasks.filter(element_id=filters.step)
    if filters.assignee and but != "assignee":
        tasks = tasks.filter(_assignee_q(filters.assignee, user))
    if filters.deadline and but != "deadline":
        tasks = tasks.filter(deadline_state_q(filters.deadline))
    return tasks


def filter_inbox(tasks: QuerySet[HumanTask], filters: InboxFilters, user: User | AnonymousUser) -> QuerySet[HumanTask]:
    """The inbox (`inbox`) narrowed by `filters`."""
    return _facet_qs(tasks, filters, user)


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class InboxFacets:
    kind: list[FacetOption] = field(default_factory=list)
    unit: list[FacetOption] = field(default_factory=list)
    step: list[FacetOption] = field(default_factory=list)
    deadline: list[FacetOption] = field(default_factory=list)
    assignee: list[FacetOption] = field(default_factory=list)


def inbox_facets(user: User | AnonymousUser, filters: InboxFilters) -> InboxFacets:
    """Each filter's options with how many tasks each would show (given the other filters): one grouped query per
    facet over the tasks the official may see, never one per option."""
    base = with_legal_clock(HumanTask.objects.open().filter(work_visibility_q(user))).order_by()

    def grouped(facet: str, key: str, label: str) -> list[tuple[str, str, int]]:
        rows = _facet_qs(base, filters, user, but=facet).values(key).annotate(n=Count("pk"), label=Min(label))
        return [(str(row[key]), str(row["label"]), row["n"]) for row in rows]

    def options(facet: str, rows: list[tuple[str, str, int]], chosen: str) -> list[FacetOption]:
        return sorted(
            (FacetOption(value, label, n, value == chosen) for value, label, n in rows), key=lambda o: o.label
        )

    kinds = [
        (kind, subjects.kind_label(kind), n)
        for kind, _label, n in grouped("kind", "instance__subject_type", "instance__subject_type")
    ]
    deadline_counts = _facet_qs(base, filters, user, but="deadline").aggregate(
        **{state: Count("pk", filter=deadline_state_q(state)) for state in DEADLINE_STATES}
    )
    assignee_counts = _facet_qs(base, filters, user, but="assignee").aggregate(
        anyone=Count("pk"),
        me=Count("pk", filter=_assignee_q("me", user)),
        unassigned=Count("pk", filter=_assignee_q("unassigned", user)),
    )
    return InboxFacets(
        kind=options("kind", kinds, filters.kind),
        unit=options("unit", grouped("unit", "unit__code", "unit__name"), filters.unit),
        step=options("step", grouped("step", "element_id", "title"), filters.step),
        deadline=[
            FacetOption(state, str(label), deadline_counts[state], state == filters.deadline)
            for state, label in DEADLINE_STATES.items()
        ],
        assignee=[
            FacetOption(choice, str(label), assignee_counts[choice or "anyone"], choice == filters.assignee)
            for choice, label in ASSIGNEE_CHOICES.items()
        ],
    )


def assignable_officials(task: HumanTask, field_name: str) -> list[User]:
    """Whom a step's `official` field may name: the officials of the step's unit, and, when the field assigns a
    later step (that step's `assignee` property), only those holding that step's role there."""
    lanes = engine.assignee_lanes(specs_for(task.instance.process_version_id)).get(field_name, set())
    roles = {role for role in (Role.from_lane(lane) for lane in lanes) if role is not None}
    members = Membership.objects.filter(unit_id=task.unit_id, user__is_active=True).select_related("user")
    if roles:
        members = members.filter(role__in=roles)
    return list({m.user.username: m.user for m in members.order_by("user__username")}.values())


def work_urls(task: HumanTask) -> tuple[str, str]:
    """Where an official does a task and sees its case, by its subject's adapter (`workflows.subjects`)."""
    return subjects.work_urls(task)
