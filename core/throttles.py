"""Rate limits in the shared cache: a counter per client and scope in a window that opens with its first request.

DRF's SimpleRateThrottle keeps a list of every request's time, read and written back whole by each request: two
web processes can both read the same list and one request is lost, and a rate of N costs a list of N times per
request. Here a request is one atomic increment (on Redis, one round trip: SET NX EX and INCR in a pipeline).
"""

from __future__ import annotations

from typing import Any

from django.core.cache import DEFAULT_CACHE_ALIAS, BaseCache, caches
from django.core.cache import cache as default_cache
from django.core.cache.backends.redis import RedisCache
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# Not DRF's "throttle_%(scope)s_%(ident)s": its lists of times, left in the cache by a release before this one, are
# not counters.
KEY = "throttle:%(scope)s:%(ident)s"


def parse_rate(rate: str) -> tuple[int, int]:
    """ "5/hour" -> (5, 3600)."""
    count, period = rate.split("/")
    return int(count), PERIODS[period.strip()[0]]


def hit(key: str, seconds: int, store: BaseCache | None = None) -> int:
    """Count one request under `key`; the number counted in its window (which closes `seconds` after its first).
    `store`: a cache backend (not django.core.cache.cache, a proxy); the default cache when None."""
    store = caches[DEFAULT_CACHE_ALIAS] if store is None else store
    if isinstance(store, RedisCache):
        name = store.make_and_validate_key(key)
        # RedisCache keeps integers as integers: INCR applies. Its client is the cache's own (private) connection pool.
        with store._cache.get_client(key, write=True).pipeline() as pipe:  # type: ignore[attr-defined]
            pipe.set(name, 0, ex=seconds, nx=True)
            pipe.incr(name)
            return int(pipe.execute()[1])
    store.add(key, 0, timeout=seconds)
    try:
        return int(store.incr(key))
    except ValueError:  # expired between add and incr
        store.add(key, 1, timeout=seconds)
        return 1


def allow(scope: str, ident: str, rate: str) -> bool:
    """Count one request of `ident` in `scope`; False when it is over `rate` (then it is refused)."""
    limit, seconds = parse_rate(rate)
    return hit(KEY % {"scope": scope, "ident": ident}, seconds) <= limit


class CountingThrottle(SimpleRateThrottle):
    """A DRF throttle on `hit`: requests per client address (or `ident`) at the rate of `DEFAULT_THROTTLE_RATES`
    [scope], read at each request so that settings overrides apply; a subclass may override `get_rate` or `ident`.
    Also used by plain Django views: `CountingThrottle().allow_request(request, None)` reads only `request.META`."""

    cache_format = KEY

    def get_rate(self) -> str | None:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope or "")
        return str(rate) if rate else None

    def ident(self, request: Any) -> str | None:
        """Who is counted; None: this throttle does not apply to the request."""
        return str(self.get_ident(request))

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        ident = self.ident(request)
        return None if ident is None else self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request: Any, view: Any) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        limit, self.seconds = parse_rate(self.rate)
        store = None if self.cache is default_cache else self.cache  # DRF's default is a proxy of the default cache
        return hit(self.key, self.seconds, store) <= limit

    def wait(self) -> float:
        """Seconds to wait before retrying (the Retry-After header): at most the window's length."""
        return float(self.seconds)
