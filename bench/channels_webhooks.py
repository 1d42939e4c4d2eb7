"""Webhook benchmark: how fast the Zalo and Facebook webhooks answer while the event worker runs behind them.

    .venv/bin/python bench/channels_webhooks.py                 # 600 events on a temporary SQLite file
    .venv/bin/python bench/channels_webhooks.py --events 2000 --postgres

`measure()` (used by bench/channels.py) runs one child process of this script (`--worker`) on a fresh database —
a temporary SQLite file, or with `--postgres` a temporary PostgreSQL database created and dropped — with DEBUG
off and one Zalo OA and one Facebook page configured through the environment, as in production.

In the child, `run_channel_events`'s loop (`channels.social.run_events`, 50 ms between passes) runs in a
thread while the main thread posts signed deliveries one after another through Django's test client (the whole
middleware stack, URL routing, throttle, signature check and the INSERT; no network): half Facebook, half Zalo,
from 60 senders, some with an image on the local fake file server, so the worker parses, fetches and records
while the webhook is timed. The first 20 posts warm up and are not counted.

Figures: webhook latency p50/p95/max (target p95 ≤ 50 ms), the worker's lag per event (stored → recorded) and
the time to drain the queue after the last post, and checks: every event handled, one draft per sender, no
failure. The LAST line of the output is one JSON object with every figure and `targets_met`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"webhook_p95_ms_max": 50.0}
WARMUP = 20
SENDERS = 60
PAGE_ID = "104857600000001"
OA_ID = "4318492746190800001"
APP_ID = "3482178216594085616"
SECRETS = {"fb": "bench-fb-app-secret", "zalo": "bench-zalo-oa-secret"}
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def say(line: str = "") -> None:
    print(line, flush=True)


def log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# ------------------------------------------------------------------------------------------------- worker


def _file_server() -> tuple[Any, str]:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(PNG)))
            self.end_headers()
            self.wfile.write(PNG)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def worker(events: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from channels import samples
    from channels.models import Draft, InboundEvent
    from channels.social import run_events

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    log(f"migrate: {time.perf_counter() - t0:.1f} s on {connection.vendor}")
    server, base = _file_server()
    settings.CHANNEL_ATTACHMENT_HOSTS = ["127.0.0.1"]

    # The deliveries, built and signed before the clock starts.
    deliveries: list[tuple[str, bytes, dict[str, str]]] = []
    for n in range(events + WARMUP):
        sender = n % SENDERS
        at = timezone.now()
        attachments = [{"type": "image", "payload": {"url": f"{base}/img/{n}.png"}}] if n % 10 == 0 else None
        text = f"Phản ánh số {n}: đèn đường hỏng, rác chưa thu gom, cống tắc trước nhà số {n % 97}."
        if sender % 2 == 0:
            event = samples.facebook_event(
                page_id=PAGE_ID, sender_id=f"60{sender:014d}", mid=f"m_{n}", at=at, text=text, attachments=attachments
            )
            raw = samples.body(event)
            deliveries.append(("/webhooks/facebook/", raw, samples.facebook_headers(raw, app_secret=SECRETS["fb"])))
        else:
            event = samples.zalo_event(
                app_id=APP_ID,
                oa_id=OA_ID,
                sender_id=f"32{sender:017d}",
                msg_id=f"z{n}",
                at=at,
                text=text,
                attachments=attachments,
            )
            raw = samples.body(event)
            deliveries.append(("/webhooks/zalo/", raw, samples.zalo_headers(raw, secret_key=SECRETS["zalo"])))

    stop = threading.Event()
    failures: list[int] = []

    def run_worker() -> None:
        while not stop.is_set():
            result = run_events(batch_size=50)
            failures.append(result.failed)
            time.sleep(0.05)
        connection.close()

    thread = threading.Thread(target=run_worker, daemon=True)
    thread.start()
    client = Client()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    for n, (url, raw, headers) in enumerate(deliveries):
        start = time.perf_counter()
        response = client.post(url, raw, content_type="application/json", headers=headers)
        elapsed = time.perf_counter() - start
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if n >= WARMUP:
            latencies.append(elapsed)
    posted = time.perf_counter()
    while InboundEvent.objects.filter(handled_at__isnull=True).exists() and time.perf_counter() - posted < 300:
        time.sleep(0.05)
    drain = time.perf_counter() - posted
    stop.set()
    thread.join(timeout=30)
    server.shutdown()

    lags = [
        (handled - received).total_seconds()
        for received, handled in InboundEvent.objects.filter(handled_at__isnull=False).values_list(
            "received_at", "handled_at"
        )
        if handled is not None
    ]
    ms = [s * 1000 for s in latencies]
    unhandled = InboundEvent.objects.filter(handled_at__isnull=True).count()
    drafts = Draft.objects.count()
    figures: dict[str, Any] = {
        "database": connection.vendor,
        "events": len(latencies),
        "webhook_p50_ms": round(statistics.median(ms), 2),
        "webhook_p95_ms": round(percentile(ms, 95), 2),
        "webhook_max_ms": round(max(ms), 2),
        "statuses": {str(code): count for code, count in sorted(statuses.items())},
        "worker_lag_p50_s": round(statistics.median(lags), 3) if lags else None,
        "worker_lag_p95_s": round(percentile(lags, 95), 3) if lags else None,
        "drain_after_last_post_s": round(drain, 3),
        "checks": {
            "all_accepted": statuses == {200: len(deliveries)},
            "all_handled": unhandled == 0,
            "one_draft_per_sender": drafts == SENDERS,
            "no_worker_failure": sum(failures) == 0,
        },
    }
    figures["targets_met"] = {"webhook_p95_ms<=50": figures["webhook_p95_ms"] <= TARGETS["webhook_p95_ms_max"]}
    return figures


# ------------------------------------------------------------------------------------------------- parent


def _run_child(database_url: str, events: int) -> dict[str, Any]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",  # no per-query logging in the timed loop, as in production
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-not-secret",
        "SITE_URL": "https://bench.invalid",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",  # the test client speaks plain HTTP
        "CHANNEL_WEBHOOK_RATE": "1000000/minute",
        "FACEBOOK_PAGE_IDS": PAGE_ID,
        f"FACEBOOK_PAGE_{PAGE_ID}_APP_SECRET": SECRETS["fb"],
        f"FACEBOOK_PAGE_{PAGE_ID}_VERIFY_TOKEN": "bench",
        "ZALO_OA_IDS": OA_ID,
        f"ZALO_OA_{OA_ID}_SECRET_KEY": SECRETS["zalo"],
        f"ZALO_OA_{OA_ID}_APP_ID": APP_ID,
    }
    proc = subprocess.run(  # noqa: S603 - our own interpreter and script, fixed arguments
        [sys.executable, str(Path(__file__).resolve()), "--worker", "--events", str(events)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    for line in proc.stderr.splitlines():
        log(f"  {line}")
    if proc.returncode != 0:
        raise RuntimeError(f"webhook benchmark worker failed (exit {proc.returncode})")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def measure(*, events: int = 600, postgres: bool = False) -> dict[str, Any]:
    """Webhook p95 with the worker behind it, on a fresh temporary database (see the module's docstring)."""
    if postgres:
        name = f"lang_nghe_bench_webhooks_{os.getpid()}"
        sys.path.insert(0, str(ROOT))
        from bench.figures import drop_database, recreate_database

        url = f"postgres://postgres@127.0.0.1:5432/{name}"
        recreate_database(url)
        try:
            return _run_child(url, events)
        finally:
            drop_database(url)
    with tempfile.TemporaryDirectory() as folder:
        return _run_child(f"sqlite:///{folder}/bench.sqlite3", events)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=600)
    parser.add_argument("--postgres", action="store_true", help="a temporary PostgreSQL database instead of SQLite")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.events)), flush=True)
        return
    figures = measure(events=args.events, postgres=args.postgres)
    say(
        f"webhook ({figures['database']}, {figures['events']} signed deliveries, worker running): "
        f"p50 {figures['webhook_p50_ms']} ms, p95 {figures['webhook_p95_ms']} ms, max {figures['webhook_max_ms']} ms"
    )
    say(
        f"worker: lag p50 {figures['worker_lag_p50_s']} s, p95 {figures['worker_lag_p95_s']} s; "
        f"queue drained {figures['drain_after_last_post_s']} s after the last post"
    )
    say(f"checks: {figures['checks']}; targets met: {figures['targets_met']}")
    say(json.dumps(figures))


if __name__ == "__main__":
    main()
