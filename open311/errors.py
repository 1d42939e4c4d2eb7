"""Errors an Open311 client gets, in the specification's format (`formats.render_errors`): the HTTP status says
what kind (400 input, 403 API key, 404 unknown code, id or jurisdiction, 429 rate limit), each error's code is
that status and its description says what to correct, in the caller's language."""

from __future__ import annotations

from collections.abc import Sequence

from core.errors import AppError


class Open311Error(AppError):
    code = "open311"

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__("; ".join(descriptions))
        self.status = status
        self.descriptions: Sequence[str] = descriptions

    def pairs(self) -> list[tuple[int | str, str]]:
        return [(self.status, description) for description in self.descriptions]


def bad_request(*descriptions: str) -> Open311Error:
    return Open311Error(400, *descriptions)


def forbidden(description: str) -> Open311Error:
    return Open311Error(403, description)


def not_found(description: str) -> Open311Error:
    return Open311Error(404, description)
