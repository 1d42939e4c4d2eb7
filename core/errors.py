"""One error base and one JSON shape for every API error: {"code": stable machine code, "detail": human text,
"errors": {field: reason}}, with `status` as the HTTP status.

Every app's own errors (a petition's intake, the engine's workflow and form errors, a consultation's, a deadline's,
the modeler's) subclass `AppError`, so the one DRF exception handler below renders them all without knowing any
app: this module imports none.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy
from django.views import defaults
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

INVALID_DETAIL = gettext_lazy("Dữ liệu không hợp lệ")


class AppError(Exception):
    """Base of every error an API answers with the project's JSON shape.

    `code` is stable for machines, `status` the HTTP status, `detail` the human text (the message by default),
    `errors` {field: reason} when the input must be corrected field by field (None otherwise).
    """

    code: str = "error"
    status: int = 400
    errors: Any = None

    @property
    def detail(self) -> str:
        return str(self)

    def errors_json(self) -> Any:
        """`errors` as the JSON body shows them."""
        return self.errors


def _flatten(detail: Any) -> Any:
    if isinstance(detail, list):
        return " ".join(str(item) for item in detail) if all(not isinstance(i, dict | list) for i in detail) else detail
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    return str(detail)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, AppError):
        body: dict[str, Any] = {"code": exc.code, "detail": exc.detail}
        if exc.errors is not None:
            body["errors"] = exc.errors_json()
        return Response(body, status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "code": "invalid",
            "detail": INVALID_DETAIL,
            "errors": _flatten(exc.detail)
            if isinstance(exc.detail, dict)
            else {"non_field_errors": _flatten(exc.detail)},
        }
    else:
        codes = exc.get_codes()
        response.data = {"code": codes if isinstance(codes, str) else exc.default_code, "detail": str(exc.detail)}
    return response


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A URL that matches no view (`handler404`): under /api/ the API's JSON error, elsewhere the site's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "detail": str(exceptions.NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)
