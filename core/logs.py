"""Logs as one JSON object a line (time, level, logger, message, request id), and the request id itself.

The formatter writes only these fields and the exception's traceback: never a record's other attributes, so what
Django attaches to a record (the request, with its body and cookies) is not written. Messages are the code's own
(no request bodies); `RequestIdMiddleware` logs each request by its URL pattern (`status/<str:code>/`), never by its
path, so tracking codes and search words stay out of the logs.
"""

from __future__ import annotations

import contextvars
import datetime
import json
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from core.health import PATH as HEALTH_PATH
from core.proxies import from_trusted_proxy

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

# What a proxy's id may look like (nginx $request_id, AWS X-Amzn-Trace-Id, a UUID): anything else is replaced.
VALID_ID = re.compile(r"[A-Za-z0-9._:=+/-]{1,128}")
HEADER = "X-Request-ID"


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if current := request_id.get():
            entry["request_id"] = current
        for field in ("route", "method", "status", "duration_ms"):  # only RequestIdMiddleware's own line sets them
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def incoming_id(request: HttpRequest) -> str:
    """The proxy's X-Request-ID when the request came from a trusted proxy and the id looks like one; else a new id."""
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    if given and VALID_ID.fullmatch(given) and from_trusted_proxy(request.META.get("REMOTE_ADDR", "")):
        return str(given)
    return uuid.uuid4().hex


access_logger = logging.getLogger("langnghe.request")


class RequestIdMiddleware:
    """Gives each request an id (kept for every log line written while it is served), echoes it in the response's
        X-Request-ID header and logs the request in one line: method, URL pattern, status, duration (a healthy /healthz
    probe is not logged). Placed first:
        it reads REMOTE_ADDR before core.proxies rewrites it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request_id.set(incoming_id(request))
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id.get()
            if response.status_code == 200 and request.path_info.rstrip("/") == HEALTH_PATH:
                return response  # a probe every few seconds: logged only when it is not healthy
            match = getattr(request, "resolver_match", None)
            access_logger.info(
                "%s %s %s",
                request.method,
                match.route if match else "-",
                response.status_code,
                extra={
                    "route": match.route if match else "",
                    "method": request.method,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id.reset(token)
