"""Named service-task handlers: a diagram names a handler, never code.

Apps register their handlers at start-up (`AppConfig.ready`). A handler runs inside the load → act →
save transaction of the engine service, so its database writes commit or roll back with the case; any
external effect (email, webhook) must be queued with `transaction.on_commit`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from workflows.models import CaseEvent, WorkflowInstance


class HandlerError(ValueError):
    """A handler refuses to act, with a reason the official can correct (e.g. transfer to the same unit)."""


@dataclass
class HandlerContext:
    """What a handler may see and do: the case, the task data so far, who acted, and the audit trail."""

    instance: WorkflowInstance
    data: dict[str, Any]
    actor: User | None
    element_id: str = ""
    events: list[CaseEvent] = field(default_factory=list)

    def timer_due(self, properties: dict[str, str]) -> str:
        """The due moment of a timer that names a `deadline_rule`, as an ISO datetime with an offset."""
        from workflows.clock import timer_due_iso

        return timer_due_iso(properties, case_received=self.instance.created_at)

    def record(self, kind: str, summary: str, *, public_text: str = "", data: dict[str, Any] | None = None) -> None:
        from workflows.models import CaseEvent

        self.events.append(
            CaseEvent(
                instance=self.instance,
                kind=kind,
                actor=self.actor if self.actor is not None and self.actor.is_authenticated else None,
                element_id=self.element_id,
                summary=summary,
                public_text=public_text,
                data=data or {},
            )
        )


Handler = Callable[..., Any]
HANDLERS: dict[str, Handler] = {}
HANDLER_DESCRIPTIONS: dict[str, str] = {}


def register_handler(name: str, description: str = "") -> Callable[[Handler], Handler]:
    """Decorator: `@register_handler("send_answer", "Gửi trả lời cho người gửi đơn")`."""

    def decorate(function: Handler) -> Handler:
        if name in HANDLERS and HANDLERS[name] is not function:
            raise ValueError(f"Service-task handler {name!r} is registered twice.")
        HANDLERS[name] = function
        HANDLER_DESCRIPTIONS[name] = description
        return function

    return decorate
