"""Errors of survey services: a stable `code`, an HTTP status and a message in the user's language; they subclass
the engine's `WorkflowError`, so every API renders them as the project's JSON error ({"code","detail","errors"})."""

from __future__ import annotations

from workflows.services import WorkflowError


class SurveyError(WorkflowError):
    code = "survey_error"
    status = 400


class NotAllowed(SurveyError):
    code = "permission_denied"
    status = 403


class WrongState(SurveyError):
    code = "wrong_state"
    status = 409


class NotOpen(SurveyError):
    """An answer before the survey opens or after it closed."""

    code = "survey_closed"
    status = 409


class AlreadyAnswered(SurveyError):
    code = "already_answered"
    status = 409


class InvalidInput(SurveyError):
    """Input to correct: {field: reason}."""

    code = "invalid"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {reason}" for name, reason in errors.items()))
        self.errors = errors
