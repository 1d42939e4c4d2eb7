"""The image's pieces without Docker: the entrypoint refuses to start without its settings, and `entrypoint.sh web`
serves pages and static files through gunicorn and WhiteNoise with production settings (DEBUG=0, Redis, a TLS
proxy's header), answers /healthz for the container's health check, logs JSON lines and stops on SIGTERM."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.deploy.conftest import PYTHON, ROOT, ProductDatabase, free_port, manage, production_env

ENTRYPOINT = str(ROOT / "deploy" / "entrypoint.sh")


def entrypoint(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own script
        ["/bin/sh", ENTRYPOINT, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "REDIS_URL", "SITE_URL", "EMAIL_HOST"])
@pytest.mark.parametrize("command", [["web"], ["worker", "outbox"], ["manage", "migrate"]])
def test_the_entrypoint_refuses_to_start_without_a_setting_and_names_it(tmp_path, missing, command):
    env = production_env(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    env.pop(missing)
    result = entrypoint(*command, env=env)
    assert result.returncode == 64
    assert f"missing settings: {missing}." in result.stderr
    assert not (tmp_path / "db.sqlite3").exists()  # nothing was started


def test_debug_off_is_the_default_of_the_entrypoint(tmp_path):
    env = production_env(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    del env["DEBUG"], env["SECRET_KEY"]
    result = entrypoint("web", env=env)
    assert result.returncode == 64
    assert "SECRET_KEY" in result.stderr


def test_the_entrypoint_refuses_an_unknown_worker_and_a_wrong_database_url(tmp_path):
    env = production_env(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    unknown = entrypoint("worker", "run_everything", env=env)
    assert unknown.returncode == 64
    assert "no worker named 'everything'" in unknown.stderr
    assert "deadlines search_worker outbox mailboxes channel_events report_renders" in unknown.stderr
    env["DATABASE_URL"] = "mysql://root@db/lang_nghe"
    wrong = entrypoint("worker", "outbox", env=env)
    assert wrong.returncode == 64
    assert "DATABASE_URL must be postgres://" in wrong.stderr


def test_the_entrypoint_refuses_what_django_refuses(tmp_path):
    env = production_env(f"sqlite:///{tmp_path / 'db.sqlite3'}", SITE_URL="http://lang-nghe.test")  # not https
    result = entrypoint("worker", "outbox", "--once", env=env)
    assert result.returncode == 64
    assert "SITE_URL must be the site's https:// address" in result.stderr
    assert "the configuration check failed" in result.stderr


def test_without_the_entrypoint_the_settings_refuse_a_missing_database_url(tmp_path):
    env = production_env(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    del env["DATABASE_URL"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DATABASE_URL must be set when DEBUG is off" in result.stderr


def test_a_worker_runs_through_the_entrypoint(database):
    result = entrypoint("worker", "run_outbox", "--once", env=production_env(database.url))
    assert result.returncode == 0, result.stderr
    assert "notifications: 0 sent" in result.stdout


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect is the answer under test, not something to follow


OPENER = urllib.request.build_opener(NoRedirect)


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """GET through the TLS proxy's eyes (Host and X-Forwarded-Proto as the proxy sets them)."""
    request = urllib.request.Request(url, headers={"Host": "lang-nghe.test", "X-Forwarded-Proto": "https", **headers})  # noqa: S310
    try:
        with OPENER.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_gunicorn_serves_pages_static_files_and_the_health_check_with_production_settings(
    database: ProductDatabase, tmp_path: Path, redis_server: str
) -> None:
    port = free_port()
    env = production_env(
        database.url,
        REDIS_URL=redis_server,
        STATIC_ROOT=str(tmp_path / "static"),
        STATIC_COMPRESS="0",  # hashed names as in the image; the gzip/Brotli copies would take a minute
        PORT=str(port),
        BIND_ADDRESS="127.0.0.1",
        WEB_CONCURRENCY="2",
        TRUSTED_PROXIES="127.0.0.1",
    )
    collected = manage("collectstatic", "--no-input", "-v0", env=env, timeout=300)
    assert collected.returncode == 0, collected.stderr
    log = (tmp_path / "web.log").open("w+")
    out = (tmp_path / "web.out").open("w")  # the migrations' report; the logs are on the error stream
    web = subprocess.Popen(["/bin/sh", ENTRYPOINT, "web", "--migrate"], cwd=ROOT, env=env, stdout=out, stderr=log)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status, _headers, body = get(f"{base}/healthz")
                break
            except OSError:
                assert web.poll() is None, (tmp_path / "web.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not answer"
                time.sleep(0.2)
        assert status == 200
        health = json.loads(body)
        assert health["checks"]["database"]["status"] == "ok"
        assert health["checks"]["cache"]["status"] == "ok"
        assert health["status"] in ("ok", "degraded")

        # A plain-HTTP probe of the container's own address (no TLS proxy, any Host) is answered, not redirected.
        probe = urllib.request.Request(f"{base}/healthz", headers={"Host": "10.0.0.7:8000"})  # noqa: S310
        with urllib.request.urlopen(probe, timeout=10) as response:  # noqa: S310
            assert response.status == 200
        checked = subprocess.run(  # noqa: S603 - the image's HEALTHCHECK command
            [PYTHON, "deploy/healthcheck.py"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert checked.returncode == 0, checked.stdout

        status, headers, page = get(f"{base}/", **{"X-Request-ID": "proxy-id-123"})
        assert status == 200
        assert headers["X-Request-ID"] == "proxy-id-123"  # from the trusted proxy, echoed
        assert "Lắng Nghe".encode() in page
        script = re.search(rb'src="(/static/dist/app\.[0-9a-f]{12}\.js)"', page)
        assert script, "the page links the hashed bundle"
        status, headers, bundle = get(f"{base}{script.group(1).decode()}")
        assert status == 200
        assert "max-age=315360000" in headers["Cache-Control"]  # WhiteNoise: hashed names are cached for good
        assert headers["Content-Type"].startswith("text/javascript")
        assert len(bundle) > 1000

        # Plain HTTP from the outside is sent to HTTPS (the TLS proxy's header missing).
        assert get(f"{base}/", **{"X-Forwarded-Proto": "http"})[0] == 301
    finally:
        web.send_signal(signal.SIGTERM)
        code = web.wait(timeout=40)
        log.seek(0)
        lines = log.read().splitlines()
        log.close()
        out.close()
    assert "No migrations to apply" in (tmp_path / "web.out").read_text()
    assert code == 0
    records = [json.loads(line) for line in lines]  # every line one JSON object
    assert {"time", "level", "logger", "message"} <= records[0].keys()
    page_lines = [r for r in records if r["logger"] == "langnghe.request" and r.get("route") == ""]
    assert any(r.get("request_id") == "proxy-id-123" and r["status"] == 200 for r in page_lines)
    assert any(r["logger"].startswith("gunicorn") and "Shutting down" in r["message"] for r in records)


def test_the_health_check_script_fails_when_nothing_answers(tmp_path):
    env = production_env(f"sqlite:///{tmp_path / 'db.sqlite3'}", PORT=str(free_port()))
    checked = subprocess.run(  # noqa: S603
        [PYTHON, "deploy/healthcheck.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30, check=False
    )
    assert checked.returncode == 1
    assert checked.stdout.startswith("unhealthy")
