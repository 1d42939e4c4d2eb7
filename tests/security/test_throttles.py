"""Rate limits count every request exactly once, also when web processes share one Redis at the same moment."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import redis
from django.core.cache import cache
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


def test_simultaneous_requests_from_two_web_processes_are_each_counted_once(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public_submit": "10/hour"}}
    prefix = f"lang-nghe-test-{uuid.uuid4().hex}"
    processes = [redis_cache(prefix), redis_cache(prefix)]
    request = request_from("203.0.113.9")

    def allowed(n: int) -> bool:
        throttle = PublicSubmitThrottle()
        throttle.cache = processes[n % 2]
        return throttle.allow_request(request, None)

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(allowed, range(40)))
        assert answers.count(True) == 10  # a list of times read and written back whole would let more through
        key = processes[0].make_and_validate_key(PublicSubmitThrottle().get_cache_key(request, None))
        assert 0 < int(redis.Redis.from_url(REDIS_URL).ttl(key)) <= 3600  # type: ignore[arg-type]  # the window closes
    finally:
        processes[0].delete(PublicSubmitThrottle().get_cache_key(request, None))
