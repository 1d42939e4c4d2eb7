"""How the API describes itself (OpenAPI, `/api/schema/`): component names, tags and the error responses.

Every operation documents the errors it can answer, all in the one shape of `core/errors.py`
(`ApiError`: `code`, `detail`, `errors`). Most are found from the view itself (`AutoSchema.error_statuses`):

- 400 always: a body or a query parameter may be invalid, and any URL may carry a character no input may have (NUL);
- 403 when the view needs a signed-in official, or checks CSRF on a write (session authentication);
- 404 when the path names something, or the list is paginated (a page past the end);
- 429 when the view is rate limited.

The rest are named where they happen, with `error_responses()`: `responses={200: TaskSerializer, **error_responses(409)}`.
There is no 401: the API authenticates by session only, and DRF answers an anonymous request 403 then.

An output field declared with `default=None` (`CharField(source="assignee.username", default=None)`) answers null
when its source is missing, so it is documented nullable.

Nested `InputSerializer` / `OutputSerializer` classes (house style) are named after their view
(`PetitionSubmitApi.InputSerializer` → `PetitionSubmitInput`), so no two share a component.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

ERROR_DESCRIPTIONS = {
    400: "Invalid input: `errors` names each field (or, for a diagram, each element) and what is wrong.",
    403: "Not signed in, the CSRF token is missing, or your roles do not allow this.",
    404: "No such object, or not one you may see (also a page number past the last page).",
    409: "Conflict: someone else changed it first, or it is not at a stage where this can be done.",
    429: "Too many requests from this address: wait and try again.",
    503: "A service this needs (the search engine) is unavailable: try again later.",
}

DIAGRAM_PROBLEM = {
    "type": "object",
    "properties": {
        "element_id": {"type": "string", "description": "The BPMN element (empty for the whole document)."},
        "reason": {"type": "string"},
        "line": {"type": "integer", "nullable": True, "description": "Line of the XML, when known."},
    },
    "required": ["element_id", "reason", "line"],
}


@extend_schema_field(
    {
        "description": "What is wrong where: {field: reason} (a reason may be nested like the input), or for a "
        "diagram a list of {element_id, reason, line}.",
        "oneOf": [
            {"type": "object", "additionalProperties": {}},
            {"type": "array", "items": DIAGRAM_PROBLEM},
        ],
    }
)
class ErrorDetailsField(serializers.JSONField):
    pass


class ApiErrorSerializer(serializers.Serializer):
    """Every error of the API (core/errors.py)."""

    code = serializers.CharField(help_text="Stable machine-readable code, e.g. invalid, not_found, conflict.")
    detail = serializers.CharField(
        help_text="What went wrong, in the request's language (Accept-Language or the language cookie)."
    )
    errors = ErrorDetailsField(required=False)  # type: ignore[assignment]  # named like Serializer.errors
    line = serializers.IntegerField(required=False, allow_null=True, help_text="A draft that cannot be read: its line.")

    class Meta:
        ref_name = "ApiError"


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """Error responses to add to an operation's `responses`, besides those AutoSchema finds by itself."""
    return {code: OpenApiResponse(ApiErrorSerializer, description=ERROR_DESCRIPTIONS[code]) for code in statuses}


class AutoSchema(openapi.AutoSchema):
    def get_tags(self) -> list[str]:
        segment = self.path.removeprefix("/api/v1/").split("/")[0]
        tag_by_path = settings.API_TAG_BY_PATH
        return [tag_by_path[segment]] if segment in tag_by_path else super().get_tags()

    def get_serializer_name(self, serializer: serializers.Serializer, direction: Any) -> str:
        outer, _, inner = type(serializer).__qualname__.rpartition(".")
        if outer and "<locals>" not in outer:
            return outer.rpartition(".")[2].removesuffix("Api") + inner.removesuffix("Serializer")
        return super().get_serializer_name(serializer, direction)

    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False) -> dict[str, Any]:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "response" and field.default is None and "$ref" not in schema:
            schema["nullable"] = True
        return dict(schema)

    def _get_parameters(self) -> list[dict[str, Any]]:
        parameters = super()._get_parameters()
        for parameter in parameters:  # `<int:pk>` matches digits only: a negative number is no URL of ours
            if parameter["in"] == "path" and parameter["schema"].get("type") == "integer":
                parameter["schema"].setdefault("minimum", 0)
        return parameters

    def error_statuses(self) -> set[int]:
        statuses = {400}
        view = self.view
        if any(not isinstance(permission, AllowAny) for permission in view.get_permissions()):
            statuses.add(403)
        if self.method in UNSAFE_METHODS and any(
            isinstance(a, SessionAuthentication) for a in view.get_authenticators()
        ):
            statuses.add(403)
        if "{" in self.path or (self._is_list_view() and self._get_paginator() is not None):
            statuses.add(404)
        if view.get_throttles():
            statuses.add(429)
        return statuses

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for status, response in error_responses(*self.error_statuses()).items():
            if str(status) not in responses:
                responses[str(status)] = self._get_response_for_code(response, str(status), direction=direction)
        return dict(sorted(responses.items()))


def describe_tags(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Postprocessing hook: the tags with their descriptions, in the documentation's order."""
    result["tags"] = settings.API_TAGS
    return result
