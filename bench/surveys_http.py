"""Survey answers through a real WSGI server: `gunicorn` (sync workers, production settings) on loopback, answered
by signed-in citizens with their session and CSRF cookies, as a browser sends the answer form; on PostgreSQL.

    .venv/bin/python bench/surveys_http.py [--answers 3000] [--web 2] [--clients 8]
                                           [--database-url postgres://postgres@127.0.0.1:5432/bench_surveys_http]

`bench/surveys.py` measures the answer page with Django's test client in the benchmark's own processes; this one
measures what a deployment does per answer: the database (dropped and created again when its name starts with
`bench_`) is built as `bench/surveys.py` builds it (a survey of six questions over 30 communes, opened through its
process); each answerer is a citizen account with a session row (`citizens.auth.SESSION_KEY`, as after a sign-in);
`--web` gunicorn workers (`DEBUG=0`, the Redis cache of production for the throttle, persistent database
connections) serve `--clients` processes in a closed loop, each first GETting the answer page once for its CSRF
cookie and token, then POSTing answers `application/x-www-form-urlencoded` (the form's encoding) with the session
and CSRF cookies: the whole production path (session, citizen, CSRF, throttle, validation, the transaction, the
tallies, the thanks page). Each answer must be answered 201.

Figures: answers/s over the wall clock, p50/p95, and the CPU per answer of the web workers, of PostgreSQL's
backends and of the load generator (CPU seconds from /proc), with the machine's load average: on a small machine
the three share the cores, so answers/s is bounded by their sum. Target (as `bench/surveys.py`): ≥ 300 answers/s.
The tallies are checked against counts of the answer rows. The LAST line is one JSON object.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: the project's packages
from bench.figures import cpu_seconds, database_backends, descendants, production_env, say, summary  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_surveys_http"
TARGET_PER_S = 300.0
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def wsgi() -> Any:
    """gunicorn's application (`bench.surveys_http:wsgi()`): production settings, every answer from one address."""
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    from django.conf import settings

    settings.PUBLIC_SURVEY_RATE = "100000000/hour"  # the load generator is every citizen at once
    return application


def server_env(url: str) -> dict[str, str]:
    return production_env(url, SECURE_SSL_REDIRECT="0", REDIS_URL="redis://127.0.0.1:6379/13")


def start(url: str, web: int, port: int) -> subprocess.Popen[bytes]:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    command = [gunicorn, "bench.surveys_http:wsgi()", "--bind", f"127.0.0.1:{port}", "--workers", str(web)]
    command += ["--backlog", "256", "--timeout", "60", "--log-level", "warning"]
    env = server_env(url) | {"REQUEST_LOG_LEVEL": os.environ.get("REQUEST_LOG_LEVEL", "INFO")}
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stderr=subprocess.DEVNULL)  # noqa: S603
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/surveys/")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("gunicorn did not answer within 30 s")


def sessions(citizens: list[int]) -> list[str]:
    """A session row per citizen, as `citizens.auth.sign_in` leaves it (the citizen's number under SESSION_KEY)."""
    import datetime

    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from citizens.auth import SESSION_KEY

    store = SessionStore()
    expires = timezone.now() + datetime.timedelta(days=1)
    rows = [
        Session(session_key=get_random_string(32), session_data=store.encode({SESSION_KEY: pk}), expire_date=expires)
        for pk in citizens
    ]
    Session.objects.bulk_create(rows, batch_size=5000)
    return [row.session_key for row in rows]


def _client(port: int, survey_id: int, forms: list[dict[str, list[str]]], keys: list[str], queue: Any) -> None:
    """One browser after another: the answer page once (CSRF cookie and token), then one answer per session."""
    from django.conf import settings

    from bench.surveys import FORM, form_body

    path = f"/surveys/{survey_id}/"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path)
    page = conn.getresponse()
    body = page.read()
    cookies = dict(
        value.split(";", 1)[0].split("=", 1) for name, value in page.getheaders() if name.lower() == "set-cookie"
    )
    match = TOKEN.search(body)
    assert match and settings.CSRF_COOKIE_NAME in cookies, "no CSRF token on the answer page"
    token, csrf_cookie = match.group(1).decode(), cookies[settings.CSRF_COOKIE_NAME]
    samples: list[float] = []
    statuses: dict[int, int] = {}
    cpu = time.process_time()
    for form, key in zip(forms, keys, strict=True):
        data = form_body({**form, "csrfmiddlewaretoken": [token]}).encode()
        headers = {
            "Content-Type": FORM,
            "Cookie": f"{settings.CSRF_COOKIE_NAME}={csrf_cookie}; {settings.SESSION_COOKIE_NAME}={key}",
        }
        t0 = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)  # sync workers close each connection
        conn.request("POST", path, body=data, headers=headers)
        response = conn.getresponse()
        response.read()
        conn.close()
        samples.append(time.perf_counter() - t0)
        statuses[response.status] = statuses.get(response.status, 0) + 1
    queue.put((samples, statuses, time.process_time() - cpu))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answers", type=int, default=3000)
    parser.add_argument("--web", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--clients", type=int, default=8, help="load generator processes (closed loop)")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_SURVEYS_HTTP_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    import multiprocessing

    from bench import surveys as bench

    bench.fresh_database(args.database_url)
    os.environ.update(server_env(args.database_url))
    bench.setup_django(args.database_url)
    survey, _officer, _leader = bench.build()
    from citizens.models import Citizen

    Citizen.objects.bulk_create([Citizen() for _ in range(args.answers)], batch_size=5000)
    citizens = list(Citizen.objects.order_by("pk").values_list("pk", flat=True))
    keys = sessions(citizens)
    rng = random.Random(7)
    by_commune = bench.commune_questions(survey)
    codes = sorted(by_commune)
    forms = []
    for n in range(args.answers):
        commune, questions = by_commune[codes[n % len(codes)]]
        forms.append(
            {"action": ["answer"], "commune": [commune.code], **bench.raw_answers(survey, commune, rng, questions)}
        )
    from django.db import connections

    connections.close_all()
    server = start(args.database_url, args.web, args.port)
    try:
        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        share = [list(range(i, args.answers, args.clients)) for i in range(args.clients)]
        workers = [
            context.Process(
                target=_client,
                args=(args.port, survey.pk, [forms[n] for n in part], [keys[n] for n in part], queue),
            )
            for part in share
        ]
        web_pids, db_pids = descendants(server.pid), database_backends(args.database_url)
        web_cpu, db_cpu = sum(cpu_seconds(web_pids).values()), sum(cpu_seconds(db_pids).values())
        started = time.perf_counter()
        for worker in workers:
            worker.start()
        samples: list[float] = []
        statuses: dict[int, int] = {}
        client_cpu = 0.0
        for _ in workers:
            got, codes_seen, spent = queue.get()
            samples += got
            client_cpu += spent
            for code, n in codes_seen.items():
                statuses[code] = statuses.get(code, 0) + n
        wall = time.perf_counter() - started
        db_pids = sorted(set(db_pids) | set(database_backends(args.database_url)))
        web_cpu = sum(cpu_seconds(web_pids).values()) - web_cpu
        db_cpu = sum(cpu_seconds(db_pids).values()) - db_cpu
        for worker in workers:
            worker.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    checks = bench.check_tallies(survey)
    figures = {
        "answers": args.answers,
        "web_workers": args.web,
        "clients": args.clients,
        "per_s": round(args.answers / wall, 1),
        "wall_s": round(wall, 2),
        **summary(samples),
        "statuses": statuses,
        "cpu_ms_per_answer": {
            "web": round(web_cpu * 1000 / args.answers, 2),
            "postgresql": round(db_cpu * 1000 / args.answers, 2),
            "load_generator": round(client_cpu * 1000 / args.answers, 2),
        },
        "tallies": checks,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "target_per_s": TARGET_PER_S,
        "target_met": args.answers / wall >= TARGET_PER_S and statuses == {201: args.answers},
    }
    say(
        f"{args.answers} answers through gunicorn ({args.web} workers, {args.clients} clients): {figures['per_s']}/s, "
        f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, statuses {statuses}; CPU per answer "
        f"{figures['cpu_ms_per_answer']}; tallies {checks}"
    )
    print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
