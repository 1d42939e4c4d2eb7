"""One JSON shape for every API error: {"code": stable machine code, "detail": human text, "errors": {field: reason}}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from cases.services import IntakeError
from workflows.forms import FormErrors
from workflows.services import WorkflowError


def _flatten(detail: Any) -> Any:
    if isinstance(detail, list):
        return " ".join(str(item) for item in detail) if all(not isinstance(i, dict | list) for i in detail) else detail
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    return str(detail)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, FormErrors | IntakeError):
        return Response(
            {"code": "invalid", "detail": "Dữ liệu không hợp lệ / invalid input", "errors": exc.errors},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, WorkflowError):
        return Response({"code": exc.code, "detail": str(exc)}, status=exc.status)
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
            "detail": "Dữ liệu không hợp lệ / invalid input",
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
