from collections.abc import Iterator

import pytest
from django.core.cache import cache

from deadlines import calendar


@pytest.fixture(autouse=True)
def fresh_calendar() -> Iterator[None]:
    """Each test starts with no cached day swaps: the database rolls back between tests, the cache would not."""
    calendar.clear_caches()
    cache.delete(calendar.SWAP_VERSION_CACHE_KEY)
    yield
    calendar.clear_caches()
