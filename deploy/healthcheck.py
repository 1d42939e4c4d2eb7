"""The container's health check (Dockerfile HEALTHCHECK, compose.yaml): exit 0 when healthy, 1 when not.

    python deploy/healthcheck.py                 the web process: GET http://127.0.0.1:$PORT/healthz answers 200
    python deploy/healthcheck.py worker <name>   a worker: its heartbeat (core.WorkerHeartbeat) is recent

Standard library only for the web check (it runs every 30 s: no Django start-up).
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request


def check_web() -> int:
    url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=float(os.environ.get("HEALTHCHECK_TIMEOUT", "5"))) as response:
            body = json.load(response)
    except urllib.error.HTTPError as error:  # 503: the database or the cache is down
        print(f"unhealthy: HTTP {error.code}")
        return 1
    except (OSError, ValueError) as error:
        print(f"unhealthy: {error}")
        return 1
    print(body.get("status", "?"))
    return 0


def check_worker(name: str) -> int:
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from core.health import check_workers

    worker = check_workers()["workers"].get(name)
    if worker is None or worker["seconds_since_heartbeat"] is None:
        print(f"unhealthy: {name} has not beaten yet")
        return 1
    age = worker["seconds_since_heartbeat"]
    if worker["status"] != "ok":
        print(f"unhealthy: {name} silent for {age} s")
        return 1
    print(f"{name}: last heartbeat {age} s ago")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "worker":
        return check_worker(argv[1].removeprefix("run_"))
    if argv:
        print("usage: healthcheck.py [worker <name>]")
        return 2
    return check_web()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
