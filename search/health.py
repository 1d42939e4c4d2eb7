"""The search engine's part of `GET /healthz`: reachable or not, and the changes waiting in the search outbox."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.utils import timezone

from search import outbox
from search.backends import backend_name, get_backend
from search.backends.base import SearchQuery
from search.models import OutboxEntry

logger = logging.getLogger(__name__)


def status() -> dict[str, Any]:
    """{"status": "ok" | "degraded", "backend", "latency_ms", "outbox_pending", "outbox_oldest_seconds"}.
    The search engine down is "degraded": pages and forms work, search says it is unavailable, and the outbox keeps
    every change until the engine is back."""
    result: dict[str, Any] = {"status": "ok", "backend": backend_name()}
    started = time.monotonic()
    try:
        backend = get_backend()
        client = getattr(backend, "client", None)
        if client is not None:  # a search cluster: is it there and serving?
            health = client.cluster.health(timeout="2s")
            result["cluster"] = str(health.get("status", ""))
            if result["cluster"] == "red":
                result["status"] = "degraded"
        else:  # the database's own full-text search: one tiny query
            backend.search(SearchQuery(text="healthz", size=1))
    except Exception as error:  # unreachable, refused, timed out, misconfigured: all mean "search is down"
        logger.warning("health check: search backend %s unavailable: %s", result["backend"], error)
        result["status"] = "degraded"
        result["error"] = type(error).__name__
    result["latency_ms"] = round((time.monotonic() - started) * 1000, 1)
    oldest = OutboxEntry.objects.order_by("created_at").values_list("created_at", flat=True).first()
    result["outbox_pending"] = outbox.pending()
    result["outbox_oldest_seconds"] = round((timezone.now() - oldest).total_seconds()) if oldest else 0
    return result
