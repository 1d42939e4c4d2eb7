"""`GET /healthz` for load balancers and the container's HEALTHCHECK: no login, no rate limit, no personal data.

Answers JSON: each check with its status ("ok", "degraded", "failed") and figures, and the overall status. 200 when
everything is ok or degraded (the search engine down, mail waiting too long, a worker silent: the site still serves),
503 when a request could not be served (the database or the cache down). Errors are named by their type only: the
full text, which may name hosts and accounts, goes to the log.

Answered by a middleware placed before Django's host check and HTTPS redirect, so a probe over plain HTTP to the
container's own address gets the answer, not a redirect or a 400.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

logger = logging.getLogger(__name__)
PATH = "/healthz"


def _timed(check: Callable[[], dict[str, Any]], name: str, *, failure: str) -> dict[str, Any]:
    started = time.monotonic()
    try:
        result = check()
    except Exception as error:
        logger.error("health check: %s failed: %s", name, error)
        result = {"status": failure, "error": type(error).__name__}
    result.setdefault("status", "ok")
    result["latency_ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def check_cache() -> dict[str, Any]:
    key = "healthz:probe"
    cache.set(key, "1", 30)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not keep a value")
    return {}


def check_search() -> dict[str, Any]:
    from search.health import status

    return status()


def check_outbox() -> dict[str, Any]:
    """How late the oldest notification due is (it should have been sent by now)."""
    from notifications.models import Message, MessageState

    now = timezone.now()
    oldest = (
        Message.objects.filter(state=MessageState.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    lag = round((now - oldest).total_seconds()) if oldest else 0
    return {
        "status": "degraded" if lag > settings.HEALTHZ_OUTBOX_MAX_LAG_SECONDS else "ok",
        "lag_seconds": lag,
    }


def check_workers() -> dict[str, Any]:
    """Each worker's last heartbeat (the newest of its processes); one silent for too long, or expected
    (HEALTHZ_WORKERS) and never seen, is degraded."""
    from core.models import WorkerHeartbeat

    now = timezone.now()
    seen = dict(WorkerHeartbeat.objects.values("worker").annotate(last=Max("last_seen")).values_list("worker", "last"))
    workers: dict[str, Any] = {}
    degraded = False
    for name in sorted(set(seen) | set(settings.HEALTHZ_WORKERS)):
        if name not in seen:
            workers[name] = {"status": "degraded", "seconds_since_heartbeat": None}
            degraded = True
            continue
        age = (now - seen[name]).total_seconds()
        stale = age > settings.HEALTHZ_WORKER_MAX_SILENCE_SECONDS
        degraded |= stale
        workers[name] = {"status": "degraded" if stale else "ok", "seconds_since_heartbeat": round(age)}
    return {"status": "degraded" if degraded else "ok", "workers": workers}


def report() -> tuple[int, dict[str, Any]]:
    checks = {"database": _timed(check_database, "database", failure="failed")}
    checks["cache"] = _timed(check_cache, "cache", failure="failed")
    if checks["database"]["status"] == "ok":  # the rest read the database
        checks["search"] = _timed(check_search, "search", failure="degraded")
        checks["outbox"] = _timed(check_outbox, "outbox", failure="degraded")
        checks["workers"] = _timed(check_workers, "workers", failure="degraded")
    statuses = {check["status"] for check in checks.values()}
    overall = "failed" if "failed" in statuses else "degraded" if "degraded" in statuses else "ok"
    return (503 if overall == "failed" else 200), {"status": overall, "checks": checks}


def healthz(request: HttpRequest) -> HttpResponse:
    code, body = report()
    response = JsonResponse(body, status=code)
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answers GET/HEAD /healthz before any other middleware (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.rstrip("/") == PATH and request.method in ("GET", "HEAD"):
            return healthz(request)
        return self.get_response(request)
