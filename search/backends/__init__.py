"""Search backends. Only this package imports a search client; everything else uses `search.backends.get_backend()`."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.utils.module_loading import import_string

from search.backends.base import SearchBackend

BACKENDS = {
    "sqlite": "search.backends.sqlite.SqliteBackend",
    "postgres": "search.backends.postgres.PostgresBackend",
    "elasticsearch": "search.backends.elasticsearch.ElasticsearchBackend",
}
_backend: SearchBackend | None = None


def backend_name() -> str:
    """`SEARCH_BACKEND` if set; otherwise the one that needs nothing installed: the database's own search."""
    configured = getattr(settings, "SEARCH_BACKEND", "") or ""
    if configured:
        return configured
    return "postgres" if connection.vendor == "postgresql" else "sqlite"


def get_backend() -> SearchBackend:
    global _backend
    if _backend is None or _backend.name != backend_name():
        _backend = import_string(BACKENDS[backend_name()])()
    return _backend


def reset_backend() -> None:
    """Forget the configured backend (tests switch settings)."""
    global _backend
    _backend = None
