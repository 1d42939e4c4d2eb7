"""Fixed-window rate limits in the shared cache (DRF rate syntax: "5/hour"), for the citizens' forms."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "5/hour" -> (5, 3600)."""
    count, period = rate.split("/")
    return int(count), PERIODS[period.strip()[0]]


def hit(scope: str, ident: str, rate: str) -> bool:
    """Count one request of `ident` in `scope`; False when it is over `rate` (then it is refused)."""
    limit, seconds = parse_rate(rate)
    window = int(time.time()) // seconds
    key = f"citizens:limit:{scope}:{ident}:{window}"
    cache.add(key, 0, timeout=seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds + 1)
        count = 1
    return count <= limit


def client_of(request: HttpRequest | None) -> str:
    """The client's address (already resolved from trusted proxies by core.proxies)."""
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))
