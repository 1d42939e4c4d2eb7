"""Per-subject step hooks: what a subject type (a petition, a consultation) adds to every step of its cases.

The engine has one save path (`workflows.services._save`): a completed task — from any API, page or service —,
a fired timer, a moved clock and a migration all end there. Before it writes a step, it calls the hooks
registered for the case's `subject_type`, in the step's transaction, with the clocks the step has just started
(scheduled by their rule, not yet written). A hook may reschedule those clocks (`clock.schedule`) and record audit
events (`step.context.record`); they are then written with the step, in its one round trip, and a timer's due
moment goes into the engine state from the rescheduled row. A hook that raises rolls the step back.

The app that owns a subject registers its hooks in `AppConfig.ready`: this package never imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workflows.handlers import HandlerContext
    from workflows.models import Deadline, WorkflowInstance


@dataclass(frozen=True)
class Step:
    """A step about to be written."""

    instance: WorkflowInstance
    new_clocks: list[Deadline]
    context: HandlerContext


StepHook = Callable[[Step], None]
_STEP_HOOKS: dict[str, list[StepHook]] = {}


def register_step_hook(subject_type: str, hook: StepHook) -> None:
    """Call `hook` before every step of the cases of `subject_type` is written (once, however often registered)."""
    hooks = _STEP_HOOKS.setdefault(subject_type, [])
    if hook not in hooks:
        hooks.append(hook)


def run_step_hooks(step: Step) -> None:
    for hook in _STEP_HOOKS.get(step.instance.subject_type, ()):
        hook(step)
