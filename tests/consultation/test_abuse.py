"""Rate limits count clients, not forged headers nor proxies, and count together across web processes; a form's
`next` never leaves the site."""

from __future__ import annotations

import socket
import uuid

import pytest
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory

from consultation.api import PublicCommentThrottle
from tests.conftest import PASSWORD
from tests.consultation.conftest import comment_payload
from tests.tools import requires_tool

PROXY = "10.0.0.5"
REDIS_URL = "redis://127.0.0.1:6379/15"  # the test database of Redis


def post(public, docket_id, n, **extra):
    payload = comment_payload(docket_id, email=f"nguoi{n}@example.vn", phone=f"09123{n:05d}")
    return public.post("/api/v1/comments", payload, format="json", **extra).status_code


@pytest.fixture
def ten_an_hour(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public_comment": "10/hour"}}


def test_a_forged_x_forwarded_for_does_not_escape_the_limit(public, open_docket, clock, ten_an_hour):
    docket_id = open_docket()
    answers = [post(public, docket_id, n, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}") for n in range(40)]
    assert answers.count(201) == 10 and answers[10:] == [429] * 30


def test_behind_a_trusted_proxy_each_client_is_counted_by_its_own_address(
    public, open_docket, clock, ten_an_hour, settings
):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/24"]
    docket_id = open_docket()
    # nginx appends the address it got the request from: distinct citizens are distinct,
    citizens = [post(public, docket_id, n, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}") for n in range(12)]
    assert citizens == [201] * 12
    # and one client forging the left part of the header is still one client.
    forged = [
        post(public, docket_id, 100 + n, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 192.0.2.7")
        for n in range(12)
    ]
    assert forged == [201] * 10 + [429] * 2


def test_a_client_that_is_not_a_trusted_proxy_is_counted_by_its_own_address(
    public, open_docket, clock, ten_an_hour, settings
):
    settings.TRUSTED_PROXIES = [PROXY]
    docket_id = open_docket()
    answers = [
        post(public, docket_id, n, REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}") for n in range(12)
    ]
    assert answers == [201] * 10 + [429] * 2


def redis_cache(prefix: str) -> RedisCache:
    """A client of the test Redis (database 15, a prefix of its own), as a separate web process would have."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=2).close()
    except OSError:
        requires_tool("Redis is not running at 127.0.0.1:6379 (apt-get install -y redis-server)")
    return RedisCache(REDIS_URL, {"KEY_PREFIX": prefix})


def test_two_web_processes_count_one_limit_together_in_redis(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public_comment": "10/hour"}}
    prefix = f"lang-nghe-test-{uuid.uuid4().hex}"
    worker_one, worker_two = redis_cache(prefix), redis_cache(prefix)
    request = RequestFactory().post("/api/v1/comments", REMOTE_ADDR="203.0.113.9")

    def allowed(cache: RedisCache) -> bool:
        throttle = PublicCommentThrottle()
        throttle.cache = cache
        return throttle.allow_request(request, None)

    try:
        assert [allowed(worker_one if n % 2 else worker_two) for n in range(12)] == [True] * 10 + [False] * 2
    finally:
        worker_one.delete(PublicCommentThrottle().get_cache_key(request, None))


def test_a_consultation_action_never_redirects_to_another_site(client, open_docket, clock):
    docket_id = open_docket()
    assert client.login(username="erin", password=PASSWORD)
    for target in ["https://evil.example/", "//evil.example/x"]:
        response = client.post(f"/consultations/manage/{docket_id}/extend/", {"next": target})
        assert response.status_code == 302 and response["Location"] == f"/consultations/manage/{docket_id}/"
