"""Reads of the generic work every subject shares: the inbox, a task, its legal clock (`with_legal_clock`), and
where a task is done (`work_urls`, by the subject's adapter, `workflows.subjects`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast
from uuid import UUID

from django.contrib.auth.models import AnonymousUser, User
from django.core.paginator import Paginator
from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from deadlines import calendar
from organisation.models import Membership, Role, Unit
from organisation.selectors import memberships_of, work_visibility_q
from workflows import engine, subjects
from workflows.clock import very_overdue_working_days
from workflows.models import HumanTask, WorkflowInstance, legal_clock
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


def _inbox_visibility_q(user: User | AnonymousUser) -> Q:
    """`work_visibility_q` for the inbox, with each leader's units below resolved to their ids: the database then
    knows how many tasks a leader sees, and walks the inbox's index (`open_task_legal_clock`) for a page of a big
    list instead of sorting every task of the province. Read once per request (kept on the user object)."""
    cached: Q | None = getattr(user, "_inbox_visibility_q", None)
    if cached is not None:
        return cached
    q = Q(pk__in=[])
    for membership in memberships_of(user):
        q |= Q(unit=membership.unit_id, role=membership.role)
        if membership.role == Role.UNIT_LEADER:
            below = Unit.objects.filter(path__startswith=membership.unit.path).values_list("pk", flat=True)
            q |= Q(unit__in=list(below))
    user._inbox_visibility_q = q  # type: ignore[union-attr]
    return q


def inbox(user: User | AnonymousUser) -> QuerySet[HumanTask]:
    """Open tasks of my roles in my units (and, for leaders, of the units below), the nearest legal deadline
    (the step's or the case's, `with_legal_clock`) first. A page picks its ids from it first (`values_list`, which
    drops the joins), then loads them (`inbox_tasks`)."""
    return with_legal_clock(
        HumanTask.objects.open()
        .filter(_inbox_visibility_q(user))
        .select_related("instance", "unit", "assignee", "claimed_by", *subjects.related_paths())
    ).order_by(F("legal_due_at").asc(nulls_last=True), "created_at", "pk")


def inbox_tasks(ids: Iterable[int]) -> list[HumanTask]:
    """A page of the inbox (`inbox`), by the ids picked, loaded with what a row shows; never the engine state."""
    order = list(ids)
    tasks = (
        with_legal_clock(HumanTask.objects.filter(pk__in=order))
        .select_related("instance", "unit", "assignee", "claimed_by", *subjects.related_paths())
        .defer("instance__state")
        .in_bulk()
    )
    return [tasks[pk] for pk in order if pk in tasks]


INBOX_COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """Counts up to `INBOX_COUNT_CAP` tasks (`capped` beyond): an exact count of a provincial leader's 100,000
    steps costs more than the page; beyond the cap the pages go as far as the cap, and filters narrow the rest."""

    @cached_property
    def counted(self) -> int:
        return capped_count(cast(QuerySet[HumanTask], self.object_list))

    @cached_property
    def count(self) -> int:
        return min(self.counted, INBOX_COUNT_CAP)

    @cached_property
    def capped(self) -> bool:
        return self.counted > INBOX_COUNT_CAP


def capped_count(tasks: QuerySet[HumanTask]) -> int:
    """How many tasks, counting no further than one past `INBOX_COUNT_CAP`."""
    counted: int = tasks.order_by().values("pk")[: INBOX_COUNT_CAP + 1].count()
    return counted


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
    """`tasks` narrowed by every filter but `but` (a facet's counts are over the other facets' choice; "*": by the
    search `q` only)."""
    if filters.q:
        q = filters.q
        tasks = tasks.filter(Q(instance__reference__icontains=q) | Q(instance__title__icontains=q))
    if filters.kind and but not in ("kind", "*"):
        tasks = tasks.filter(instance__subject_type=filters.kind)
    if filters.unit and but not in ("unit", "*"):
        tasks = tasks.filter(unit__code=filters.unit)
    if filters.step and but not in ("step", "*"):
        tasks = tasks.filter(element_id=filters.step)
    if filters.assignee and but not in ("assignee", "*"):
        tasks = tasks.filter(_assignee_q(filters.assignee, user))
    if filters.deadline and but not in ("deadline", "*"):
        tasks = tasks.filter(deadline_state_q(filters.deadline))
    return tasks


def filter_inbox(tasks: QuerySet[HumanTask], filters: InboxFilters, user: User | AnonymousUser) -> QuerySet[HumanTask]:
    """The inbox (`inbox`) narrowed by `filters`."""
    return _facet_qs(tasks, filters, user)


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int | None  # None: more than `INBOX_COUNT_CAP` tasks to count (`InboxFacets.capped`)
    selected: bool


@dataclass(frozen=True)
class InboxFacets:
    kind: list[FacetOption] = field(default_factory=list)
    unit: list[FacetOption] = field(default_factory=list)
    step: list[FacetOption] = field(default_factory=list)
    deadline: list[FacetOption] = field(default_factory=list)
    assignee: list[FacetOption] = field(default_factory=list)
    capped: bool = False  # some facet's options are shown without counts
    cap: int = 0  # `INBOX_COUNT_CAP`, for saying so


def inbox_facets(user: User | AnonymousUser, filters: InboxFilters, *, counted: int | None = None) -> InboxFacets:
    """Each filter's options with how many tasks each would show (given the other filters): one grouped query per
    facet over the tasks the official may see, never one per option. A facet over more than `INBOX_COUNT_CAP`
    tasks (a provincial leader's whole province) lists its options without counts: counting them would cost a
    scan of every task per facet, and a partial count would mislead. `counted`: the list's `capped_count`, if the
    caller has it."""
    base = inbox(user).order_by()
    facet_filters = (filters.kind, filters.unit, filters.step, filters.deadline, filters.assignee)
    if counted is None or any(facet_filters):  # a facet's list is the filtered list without its own filter
        counted = capped_count(_facet_qs(base, filters, user, but="*"))
    small = counted <= INBOX_COUNT_CAP  # then so is every facet's list, which is narrower

    def over_cap(facet: str) -> bool:
        return not small and capped_count(_facet_qs(base, filters, user, but=facet)) > INBOX_COUNT_CAP

    def grouped(facet: str, key: str, label: str, *, count: bool = True) -> list[tuple[str, str, int | None]]:
        rows = _facet_qs(base, filters, user, but=facet).values(key)
        if not count:
            return [(str(row[key]), str(row["label"]), None) for row in rows.annotate(label=Min(label))]
        rows = rows.annotate(n=Count("pk"), label=Min(label))
        return [(str(row[key]), str(row["label"]), row["n"]) for row in rows]

    def options(facet: str, rows: list[tuple[str, str, int | None]], chosen: str) -> list[FacetOption]:
        return sorted(
            (FacetOption(value, label, n, value == chosen) for value, label, n in rows), key=lambda o: o.label
        )

    capped = {facet: over_cap(facet) for facet in ("kind", "unit", "step", "deadline", "assignee")}
    if capped["kind"]:
        kinds: list[tuple[str, str, int | None]] = [(kind, "", None) for kind in subjects.registered()]
    else:
        kinds = grouped("kind", "instance__subject_type", "instance__subject_type")
    kinds = [(kind, str(subjects.kind_label(kind)), n) for kind, _label, n in kinds]
    if capped["unit"]:
        units: list[tuple[str, str, int | None]] = [(unit.code, unit.name, None) for unit in _visible_units(user)]
    else:
        units = grouped("unit", "unit__code", "unit__name")
    empty: dict[str, int | None] = dict.fromkeys((*DEADLINE_STATES, "anyone", *ASSIGNEE_CHOICES))
    deadline_counts = (
        empty
        if capped["deadline"]
        else _facet_qs(base, filters, user, but="deadline").aggregate(
            **{state: Count("pk", filter=deadline_state_q(state)) for state in DEADLINE_STATES}
        )
    )
    assignee_counts = (
        empty
        if capped["assignee"]
        else _facet_qs(base, filters, user, but="assignee").aggregate(
            anyone=Count("pk"),
            me=Count("pk", filter=_assignee_q("me", user)),
            unassigned=Count("pk", filter=_assignee_q("unassigned", user)),
        )
    )
    return InboxFacets(
        kind=options("kind", kinds, filters.kind),
        unit=options("unit", units, filters.unit),
        step=options("step", grouped("step", "element_id", "title", count=not capped["step"]), filters.step),
        deadline=[
            FacetOption(state, str(label), deadline_counts[state], state == filters.deadline)
            for state, label in DEADLINE_STATES.items()
        ],
        assignee=[
            FacetOption(choice, str(label), assignee_counts[choice or "anyone"], choice == filters.assignee)
            for choice, label in ASSIGNEE_CHOICES.items()
        ],
        capped=any(capped.values()),
        cap=INBOX_COUNT_CAP,
    )


def _visible_units(user: User | AnonymousUser) -> list[Unit]:
    """The units whose steps the official may see (`_inbox_visibility_q`): theirs and, for leaders, those below."""
    q = Q(pk__in=[])
    for membership in memberships_of(user):
        q |= Q(pk=membership.unit_id)
        if membership.role == Role.UNIT_LEADER:
            q |= Q(path__startswith=membership.unit.path)
    return list(Unit.objects.filter(q))


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


def visible_instances(user: User | AnonymousUser) -> QuerySet[WorkflowInstance]:
    """Cases handled by my units (any role), and, for leaders, by the units below."""
    return WorkflowInstance.objects.filter(work_visibility_q(user, unit_field="unit", role_field=None))
