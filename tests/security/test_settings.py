"""Production settings: `manage.py check --deploy` is clean under the README's production environment, and a
production process refuses to start with settings that would leak or misbehave."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import Error

from config.settings import conn_max_age
from core.checks import check_shared_cache

ROOT = Path(__file__).resolve().parents[2]
# The README's production environment ("Configuration"), with a TLS proxy (nginx) on the same host.
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k8Q2vT6pYz0mLr4Xw9sBn1cHd7fJg3aUe5iOq8tRyZ2xVbNm0-production-only",
    "DATABASE_URL": "postgres://langnghe:secret@127.0.0.1:5432/langnghe",
    "ALLOWED_HOSTS": "langnghe.quangtri.gov.vn",
    "CSRF_TRUSTED_ORIGINS": "https://langnghe.quangtri.gov.vn",
    "SITE_URL": "https://langnghe.quangtri.gov.vn",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_HOST": "smtp.quangtri.gov.vn",
    "TRUSTED_PROXIES": "127.0.0.1",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if key not in PRODUCTION and not key.startswith("EMAIL_")}
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_under_the_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_production_redirects_to_https_and_sends_hsts_behind_the_tls_proxy():
    script = (
        "from django.conf import settings as s; import json; print(json.dumps([s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, list(s.SECURE_PROXY_SSL_HEADER), s.SESSION_COOKIE_SECURE, s.EMAIL_BACKEND, "
        "s.DATABASES['default']['CONN_MAX_AGE'], s.DATABASES['default']['CONN_HEALTH_CHECKS']]))"
    )
    result = manage("shell", "--no-imports", "-c", script, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    redirect, hsts, proxy_header, secure_cookie, email, max_age, health_checks = json.loads(result.stdout)
    assert redirect is True and hsts >= 365 * 24 * 3600 and secure_cookie is True
    assert proxy_header == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert email == "django.core.mail.backends.smtp.EmailBackend"
    assert max_age == 60 and health_checks is True


@pytest.mark.parametrize(
    ("env", "refusal"),
    [
        ({"EMAIL_HOST": ""}, "EMAIL_HOST must be set"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "does not deliver mail"),
        ({"SITE_URL": "http://langnghe.quangtri.gov.vn"}, "SITE_URL must be the site's https:// address"),
        ({"NOTIFY_SMS_BACKEND": "console"}, "NOTIFY_SMS_BACKEND=console does not deliver messages"),
    ],
    ids=["no-smtp-server", "console-backend", "http-site-url", "console-notifications"],
)
def test_production_refuses_to_start_without_a_real_mail_server_or_public_address(env, refusal):
    """With DEBUG=0 the console backend would print petitioners' mails (addresses, answers) to the logs."""
    result = manage("check", **{**PRODUCTION, **env})
    assert result.returncode != 0 and refusal in result.stderr


def test_production_refuses_a_cache_that_each_web_process_keeps_alone(settings):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    [error] = check_shared_cache()
    assert isinstance(error, Error) and "REDIS_URL" in (error.hint or "")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x"}}
    assert check_shared_cache() == []
    settings.DEBUG = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert check_shared_cache() == []


def test_manage_check_fails_in_production_without_redis():
    result = manage("check", **{**PRODUCTION, "REDIS_URL": ""})
    assert result.returncode != 0 and "langnghe.E001" in result.stderr


def test_the_development_server_keeps_no_database_connection_per_thread():
    """runserver serves each request on a new thread: a kept connection per thread exhausts PostgreSQL."""
    assert conn_max_age(debug=True, argv=["manage.py", "runserver"], configured="") == 0
    assert conn_max_age(debug=True, argv=["manage.py", "run_deadlines"], configured="60") == 0
    assert conn_max_age(debug=False, argv=["manage.py", "runserver"], configured="60") == 0
    assert conn_max_age(debug=False, argv=["gunicorn", "config.wsgi"], configured="") == 60
    assert conn_max_age(debug=False, argv=["gunicorn", "config.wsgi"], configured="300") == 300


def test_a_development_runserver_process_is_configured_without_persistent_connections():
    script = "from django.conf import settings as s; print(s.DATABASES['default']['CONN_MAX_AGE'])"
    result = manage(
        "shell", "--no-imports", "-c", script, DATABASE_URL="postgres://postgres@127.0.0.1:5432/x", DEBUG="1"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0"
