"""Rate limits count every request exactly once, also when web processes share one Redis at the same moment."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import redis
from django.core.cache import cache, caches
from django.test import RequestFactory

from cases.api import PublicSubmitThrottle
from tests.consultation.test_abuse import REDIS_URL, redis_cache


def request_from(address: str):
    return RequestFactory().post("/api/v1/petitions", REMOTE_ADDR=address)


def test_a_client_over_the_rate_is_refused_and_another_is_not(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public_submit": "3/hour"}}
    cache.clear()

    first = [PublicSubmitThrottle().allow_request(request_from("203.0.113.1"), None) for _ in range(4)]

    assert first == [True, True, True, False]
    assert PublicSubmitThrottle().allow_request(request_from("203.0.113.2"), None)


def test_simultaneous_requests_through_the_configured_redis_cache_are_each_counted_once(settings):
    redis_cache("probe")  # Redis must run (CI: a failure, not a skip)
    prefix = f"lang-nghe-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public_submit": "10/hour"}}
    request = request_from("203.0.113.9")
    key = PublicSubmitThrottle().get_cache_key(request, None)
    # What DRF's throttle of the release before left under its own key: a pickled list of times, not a counter.
    caches["default"].set(f"throttle_public_submit_{request.META['REMOTE_ADDR']}", [1.0, 2.0])
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda _: PublicSubmitThrottle().allow_request(request, None), range(40)))

        assert answers.count(True) == 10  # a list of times read and written back whole would let more through
        stored = caches["default"].make_and_validate_key(key)
        assert 0 < int(redis.Redis.from_url(REDIS_URL).ttl(stored)) <= 3600  # type: ignore[arg-type]  # it expires
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for name in client.scan_iter(f"{prefix}:*"):
            client.delete(name)
