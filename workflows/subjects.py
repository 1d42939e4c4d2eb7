"""Subject adapters: what each kind of case (a petition of some type, a consultation…) tells the engine.

The engine owns the generic work — the inbox, a task, its claim and completion, its clocks — and knows no
subject. Each app that owns a subject registers a `SubjectAdapter` for its `subject_type` values in
`AppConfig.ready` (on the pattern of the service-task handlers, `workflows.handlers`, and of the search
projections, `search.projection`); this package never imports it. An adapter says:

- where an official does a task of the subject and sees its case (`work_url`, `case_url`);
- who may see a task beyond the engine's role-and-unit rule (`may_see`, e.g. a sealed identity);
- the context a task page shows (`task_context`, a template's extra context);
- which units may receive one of its cases by a transfer (`may_receive`);
- a hook run on every step of its cases (`step_hook`, below), and one run once a case's rows are written
  (`written_hooks`: a step, a fired timer, a moved clock, a transfer), for what the subject derives from them;
- how its timers show as deadlines (`fired_timers_stay_due`);
- the name of each of its subject types (`kind_label`, the inbox's filter by kind of case);
- whether a change of a case's clock is allowed (`check_clock_change`: e.g. a denunciation's extension only for a
  case found complex, Law on Denunciations Art. 30) and what follows it (`clock_hooks`: the written decision and its
  notices), for suspension, resumption, extension requests and approved extensions.

The step hook: the engine has one save path (`workflows.services._save`): a completed task — from any API, page
or service —, a fired timer, a moved clock and a migration all end there. Before it writes a step, it calls the
hook of the case's subject, in the step's transaction, with the clocks the step has just started (scheduled by
their rule, not yet written). A hook may reschedule those clocks (`clock.schedule`) and record audit events
(`step.context.record`); they are then written with the step, in its one round trip, and a timer's due moment
goes into the engine state from the rescheduled row. A hook that raises rolls the step back.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from organisation.models import Unit
    from workflows.handlers import HandlerContext
    from workflows.models import Deadline, HumanTask, WorkflowInstance


@dataclass(frozen=True)
class Step:
    """A step about to be written."""

    instance: WorkflowInstance
    new_clocks: list[Deadline]
    context: HandlerContext
    # The task data of each new clock's step, by its engine task id (what the case's forms recorded up to it).
    task_data: dict[Any, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class ClockChange:
    """A change of a case's legal clock about to be made (`check_clock_change`) or just made (`clock_hooks`).

    kind: "suspended", "resumed", "extension_requested" or "extended". For an extension: the deadline, the number
    of extensions it would have (`extensions`) and, once granted, its new due date (`due_date`). For a suspension or
    a resumption: the article it rests on, as the caller gave it (`basis`; empty from the generic clock routes)."""

    instance: WorkflowInstance
    kind: str
    actor: User
    reason: str
    deadline: Deadline | None = None
    extensions: int = 0
    due_date: datetime.date | None = None
    basis: str = ""


StepHook = Callable[[Step], None]
ClockHook = Callable[[ClockChange], None]
# Run once a case's rows are written (a step, a timer that fired, a suspension, a resumption, an extension, a
# transfer), in the same transaction: what the subject keeps derived from its case (a petition's outcome).
WrittenHook = Callable[["WorkflowInstance"], None]
TaskUrl = Callable[["HumanTask"], str]


def _no_url(task: HumanTask) -> str:
    return ""


def _everyone(user: User | AnonymousUser, task: HumanTask) -> bool:
    return True


def _no_context(task: HumanTask) -> dict[str, Any]:
    return {}


def _staffed_for_open_steps(instance: WorkflowInstance, unit: Unit) -> bool:
    """A unit may receive a case when it has officials of every role its open steps need."""
    from organisation.models import Membership

    roles = set(instance.tasks.open().values_list("role", flat=True))
    staffed = set(Membership.objects.filter(unit=unit, role__in=roles).values_list("role", flat=True))
    return roles <= staffed


def _any_clock_change(change: ClockChange) -> None:
    return None


def _same_label(subject_type: str) -> str:
    return subject_type


@dataclass(frozen=True)
class SubjectAdapter:
    """What a subject type tells the engine (see the module)."""

    work_url: TaskUrl = _no_url
    case_url: TaskUrl = _no_url
    may_see: Callable[[User | AnonymousUser, HumanTask], bool] = _everyone
    task_context: Callable[[HumanTask], dict[str, Any]] = _no_context
    # Which units are competent to receive a case of the subject by a transfer (`services.transfer_case`).
    may_receive: Callable[[WorkflowInstance, Unit], bool] = _staffed_for_open_steps
    step_hooks: tuple[StepHook, ...] = field(default=())
    written_hooks: tuple[WrittenHook, ...] = field(default=())
    # A timer that fired (its legal period ran out) stays the case's clock until the case is closed, so its
    # steps show overdue (a petition's resolution period); otherwise a fired timer merely ended a stage (a
    # consultation's comment window) and the steps after it are not late for it.
    fired_timers_stay_due: bool = False
    # Relations of a task the subject's URLs read (`select_related` paths from a task, e.g. the subject's row).
    related: tuple[str, ...] = ()
    # The name an official reads for a subject type (the inbox's filter by kind of case, e.g. "Khiếu nại").
    kind_label: Callable[[str], str] = _same_label
    # The subject's page for acting on several tasks at once (assign, answer, approve), linked from the inbox.
    bulk_url: Callable[[], str] | None = None
    # Refuses a change of the clock (raise a `workflows.services.WorkflowError`); and what follows one, in its
    # transaction (`ClockChange`).
    check_clock_change: ClockHook = _any_clock_change
    clock_hooks: tuple[ClockHook, ...] = field(default=())


# What an unregistered subject type gets: no pages, no hook (a test run of a diagram).
DEFAULT = SubjectAdapter()
_ADAPTERS: dict[str, SubjectAdapter] = {}


def register(subject_types: str | Iterable[str], adapter: SubjectAdapter) -> SubjectAdapter:
    """Register `adapter` for one or several subject types (the last registration of a type wins)."""
    for subject_type in [subject_types] if isinstance(subject_types, str) else subject_types:
        _ADAPTERS[subject_type] = adapter
    return adapter


def adapter_for(subject_type: str) -> SubjectAdapter:
    return _ADAPTERS.get(subject_type, DEFAULT)


def registered() -> dict[str, SubjectAdapter]:
    return dict(_ADAPTERS)


def bulk_urls() -> list[str]:
    """The bulk-action pages of the registered subjects, each once."""
    return sorted({adapter.bulk_url() for adapter in _ADAPTERS.values() if adapter.bulk_url})


def stay_due_types() -> list[str]:
    """The subject types whose fired timers stay their cases' clock (`fired_timers_stay_due`)."""
    return sorted(subject_type for subject_type, adapter in _ADAPTERS.items() if adapter.fired_timers_stay_due)


def related_paths() -> list[str]:
    """What the inbox loads with each task so that every subject's URLs cost no query of their own."""
    return sorted({path for adapter in _ADAPTERS.values() for path in adapter.related})


def kind_label(subject_type: str) -> str:
    """The name of a subject type, by its adapter (the type itself if nothing registered it)."""
    return str(adapter_for(subject_type).kind_label(subject_type))


def work_urls(task: HumanTask) -> tuple[str, str]:
    """Where an official does `task` and sees its case, by its subject's adapter."""
    adapter = adapter_for(task.instance.subject_type)
    return adapter.work_url(task), adapter.case_url(task)


def run_step_hooks(step: Step) -> None:
    for hook in adapter_for(step.instance.subject_type).step_hooks:
        hook(step)


def run_written_hooks(instance: WorkflowInstance) -> None:
    for hook in adapter_for(instance.subject_type).written_hooks:
        hook(instance)


def check_clock_change(change: ClockChange) -> None:
    adapter_for(change.instance.subject_type).check_clock_change(change)


def run_clock_hooks(change: ClockChange) -> None:
    for hook in adapter_for(change.instance.subject_type).clock_hooks:
        hook(change)
