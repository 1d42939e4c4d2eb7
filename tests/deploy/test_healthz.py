"""GET /healthz for load balancers: no login, no rate limit, no personal data; 200 when the site serves (search
down or workers silent: "degraded"), 503 when the database or the cache is down."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from core.models import WorkerHeartbeat
from core.workers import beat, forget
from notifications.services import Address, enqueue
from search.backends import reset_backend

pytestmark = pytest.mark.django_db


def healthz(client: Client | None = None) -> tuple[int, dict]:
    response = (client or Client()).get("/healthz")
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    return response.status_code, response.json()


def test_it_answers_ok_to_anyone_with_every_check():
    status, body = healthz()
    assert status == 200
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "search", "outbox", "workers"}
    assert all(check["status"] == "ok" for check in body["checks"].values())


def test_it_is_not_rate_limited_and_answers_probes_over_plain_http_to_any_host(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["lang-nghe.example"]
    client = Client(HTTP_HOST="10.1.2.3:8000")  # a load balancer's probe of the node's own address
    assert [client.get("/healthz").status_code for _ in range(60)] == [200] * 60
    assert client.get("/").status_code == 400  # every other page still checks the host


def test_the_database_down_is_503_and_names_no_host_or_account():
    error = OperationalError(
        'connection to server at "10.0.0.5", port 5432 failed: password authentication failed for user "lang_nghe"'
    )
    with mock.patch("core.health.check_database", side_effect=error):
        status, body = healthz()
    assert status == 503
    assert body["status"] == "failed"
    assert body["checks"]["database"] == {"status": "failed", "error": "OperationalError", "latency_ms": mock.ANY}
    assert "10.0.0.5" not in str(body) and "lang_nghe" not in str(body)


def test_the_cache_down_is_503(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    status, body = healthz()
    assert status == 503
    assert body["checks"]["cache"]["status"] == "failed"
    assert body["checks"]["database"]["status"] == "ok"


def test_search_down_is_degraded_and_the_site_still_serves(settings):
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:1"  # nothing listens
    settings.ELASTICSEARCH_TIMEOUT = 1
    reset_backend()
    try:
        status, body = healthz()
    finally:
        reset_backend()
    assert status == 200
    assert body["status"] == "degraded"
    assert body["checks"]["search"]["status"] == "degraded"
    assert body["checks"]["search"]["backend"] == "elasticsearch"
    assert body["checks"]["database"]["status"] == "ok"
    assert Client().get("/").status_code == 200  # pages work


def test_a_notification_waiting_too_long_makes_it_degraded_without_saying_to_whom(settings):
    settings.NOTIFICATIONS_SEND_ON_COMMIT = False
    settings.HEALTHZ_OUTBOX_MAX_LAG_SECONDS = 600
    enqueue(
        key="late",
        kind="answer",
        about=None,
        addresses=[Address("email", "nguyen.van.a@example.org")],
        subject="Trả lời",
        body="Nội dung riêng",
    )
    status, body = healthz()
    assert (status, body["checks"]["outbox"]) == (200, {"status": "ok", "lag_seconds": 0, "latency_ms": mock.ANY})
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + datetime.timedelta(minutes=20)):
        status, body = healthz()
    assert status == 200
    assert body["status"] == "degraded"
    assert body["checks"]["outbox"]["status"] == "degraded"
    assert 1190 <= body["checks"]["outbox"]["lag_seconds"] <= 1210
    assert "nguyen.van.a" not in str(body) and "Nội dung" not in str(body)


def test_workers_are_reported_by_their_last_heartbeat(settings):
    settings.HEALTHZ_WORKERS = ["deadlines", "outbox"]
    settings.HEALTHZ_WORKER_MAX_SILENCE_SECONDS = 300
    beat("deadlines", force=True)
    status, body = healthz()
    workers = body["checks"]["workers"]
    assert status == 200
    assert workers["workers"]["deadlines"]["status"] == "ok"
    assert workers["workers"]["outbox"] == {"status": "degraded", "seconds_since_heartbeat": None}  # never seen
    assert workers["status"] == body["status"] == "degraded"

    beat("outbox", force=True)
    WorkerHeartbeat.objects.filter(worker="deadlines").update(last_seen=timezone.now() - datetime.timedelta(minutes=10))
    body = healthz()[1]
    assert body["checks"]["workers"]["workers"]["deadlines"]["status"] == "degraded"
    assert body["checks"]["workers"]["workers"]["deadlines"]["seconds_since_heartbeat"] >= 600
    assert body["checks"]["workers"]["workers"]["outbox"]["status"] == "ok"

    beat("deadlines", force=True)  # alive again
    assert healthz()[1]["status"] == "ok"
    forget("outbox")  # stopped on purpose, but expected: reported
    assert healthz()[1]["checks"]["workers"]["workers"]["outbox"]["status"] == "degraded"


def test_a_worker_not_expected_is_reported_once_it_has_beaten(settings):
    settings.HEALTHZ_WORKERS = []
    beat("report_renders", force=True)
    assert healthz()[1]["checks"]["workers"]["workers"]["report_renders"]["status"] == "ok"


def test_a_heartbeat_is_written_at_most_every_few_seconds():
    beat("search_worker", force=True)
    first = WorkerHeartbeat.objects.get(worker="search_worker").last_seen
    beat("search_worker")  # the loop's next iteration, a moment later
    assert WorkerHeartbeat.objects.get(worker="search_worker").last_seen == first


def test_administrators_see_the_heartbeats_in_the_admin(admin_client):
    beat("outbox", force=True)
    page = admin_client.get("/admin/core/workerheartbeat/")
    assert page.status_code == 200
    assert "outbox" in page.content.decode()
