"""Logs: one JSON object a line with time, level, logger, message and request id; each request logged by its URL
pattern, never its values; the request id taken from a trusted proxy or made, and echoed."""

from __future__ import annotations

import datetime
import json
import logging
import re

import pytest
from django.test import Client

from core.logs import JsonFormatter, request_id


def formatted(record: logging.LogRecord) -> dict:
    line = JsonFormatter().format(record)
    assert "\n" not in line
    return json.loads(line)


def test_a_record_is_one_json_line_with_time_level_logger_and_message():
    record = logging.LogRecord(
        "notifications", logging.WARNING, __file__, 1, "Notification %s: retry in %d s", (12, 30), None
    )
    entry = formatted(record)
    assert entry == {
        "time": entry["time"],
        "level": "WARNING",
        "logger": "notifications",
        "message": "Notification 12: retry in 30 s",
    }
    assert datetime.datetime.fromisoformat(entry["time"]).tzinfo is not None


def test_the_request_id_of_the_moment_is_in_each_line_and_nothing_else_the_record_carries():
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/submit/",), None
    )
    record.request = "<WSGIRequest: POST '/submit/' full_name=Nguyễn Văn A>"  # what Django attaches
    token = request_id.set("abc123")
    try:
        entry = formatted(record)
    finally:
        request_id.reset(token)
    assert entry["request_id"] == "abc123"
    assert "Nguyễn" not in json.dumps(entry, ensure_ascii=False)


def test_an_exception_keeps_its_traceback_in_the_same_line():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    entry = formatted(record)
    assert "ValueError: boom" in entry["exception"]


@pytest.mark.django_db
def test_a_request_gets_an_id_echoed_in_its_response_and_its_log_line(caplog, settings):
    settings.TRUSTED_PROXIES = []
    with caplog.at_level(logging.INFO, logger="langnghe.request"):
        response = Client().get("/track/QT-2026-SECRETCODE/", HTTP_X_REQUEST_ID="forged-by-client")
    made = response["X-Request-ID"]
    assert made != "forged-by-client"  # not from a trusted proxy: a new id
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    [line] = [r for r in caplog.records if r.name == "langnghe.request"]
    assert line.route == "track/<str:code>/"
    assert line.status == response.status_code
    assert "SECRETCODE" not in JsonFormatter().format(line)  # the tracking code stays out of the logs


@pytest.mark.django_db
def test_a_trusted_proxys_request_id_is_kept_unless_it_looks_wrong(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert Client(REMOTE_ADDR="127.0.0.1").get("/", HTTP_X_REQUEST_ID="nginx-7f3a")["X-Request-ID"] == "nginx-7f3a"
    odd = Client(REMOTE_ADDR="127.0.0.1").get("/", HTTP_X_REQUEST_ID="a b\tc")["X-Request-ID"]
    assert odd != "a b\tc" and re.fullmatch(r"[0-9a-f]{32}", odd)
    assert Client(REMOTE_ADDR="203.0.113.9").get("/", HTTP_X_REQUEST_ID="nginx-7f3a")["X-Request-ID"] != "nginx-7f3a"


@pytest.mark.django_db
def test_a_healthy_probe_is_not_logged_but_an_unhealthy_one_is(caplog):
    from unittest import mock

    with caplog.at_level(logging.INFO, logger="langnghe.request"):
        assert Client().get("/healthz").status_code == 200
        with mock.patch("core.health.check_database", side_effect=RuntimeError("down")):
            assert Client().get("/healthz").status_code == 503
    assert [r.status for r in caplog.records if r.name == "langnghe.request"] == [503]
