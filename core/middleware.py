"""Refuse input no page or API can use before it reaches a view: a NUL character in the path, the query string or
a page's form field (the API's parsers refuse it in bodies: core/parsers.py). Databases refuse NUL in text
(PostgreSQL with an error), so left alone it would be a server error."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext

FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def nul_message() -> str:
    return gettext("Địa chỉ hoặc dữ liệu gửi lên có ký tự NUL (\\0), là ký tự không được phép.")


def bad_request(request: HttpRequest, detail: str) -> HttpResponse:
    """A 400: the API's error envelope under /api/, a short text elsewhere."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"code": "invalid", "detail": detail, "errors": {}}, status=400)
    return HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")


def has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path_info or b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
        return True
    # The pages' forms (the API's bodies are left to its parsers, which answer in its error format).
    if (
        request.method == "POST"
        and request.content_type in FORM_CONTENT_TYPES
        and not request.path_info.startswith("/api/")
    ):
        return any("\x00" in key or any("\x00" in value for value in values) for key, values in request.POST.lists())
    return False


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_nul(request):
            return bad_request(request, nul_message())
        return self.get_response(request)
