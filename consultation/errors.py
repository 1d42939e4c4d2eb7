"""Errors of consultation services. Each has a stable `code`, an HTTP status and a message in Vietnamese and
English; they subclass the engine's `WorkflowError`, so every API turns them into the project's JSON error."""

from __future__ import annotations

from workflows.services import WorkflowError


class ConsultationError(WorkflowError):
    code = "consultation_error"
    status = 400


class NotAllowed(ConsultationError):
    code = "permission_denied"
    status = 403


class WrongStage(ConsultationError):
    """The consultation is not at a stage where this can be done (e.g. a disposition after the report)."""

    code = "wrong_stage"
    status = 409


class WindowClosed(ConsultationError):
    """A comment outside the window."""

    code = "window_closed"


class WindowTooShort(ConsultationError):
    """A window shorter than the legal minimum of rule `draft.consult` in force on its first day."""

    code = "window_too_short"


class InvalidInput(ConsultationError):
    """Input to correct: {field: reason}."""

    code = "invalid"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {reason}" for name, reason in errors.items()))
        self.errors = errors


class DispositionsIncomplete(ConsultationError):
    """The report cannot be approved while a published comment has no disposition (or one waits for moderation)."""

    code = "dispositions_incomplete"
    status = 409
