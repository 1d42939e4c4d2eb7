"""System checks of the deployment: `manage.py check` (and so `migrate` and `runserver`) refuses what would
quietly misbehave in production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(checks.Tags.caches)
def check_shared_cache(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Rate limits and login lockouts count in the default cache: in production, several web processes
    (gunicorn workers) must count together, so a cache private to each process is an error."""
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or backend not in PROCESS_LOCAL_CACHES:
        return []
    return [
        checks.Error(
            f"The default cache ({backend}) is private to each process: with several web processes each counts "
            "rate limits alone.",
            hint="Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) so that every process shares one cache.",
            id="langnghe.E001",
        )
    ]
