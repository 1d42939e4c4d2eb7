"""Notification outbox benchmark: how fast the worker drains the outbox, and how late messages leave under load.

    .venv/bin/python bench/channels_outbox.py [--messages 3000] [--rate 50] [--seconds 30] [--no-postgres]

`measure(database_url=None, …) -> dict` runs the same measurement in a child process with its own DATABASE_URL
(a temporary SQLite file by default) and returns its figures; `bench/channels.py` calls it.

For each database:

1. enqueue    — MESSAGES messages queued with `notifications.services.enqueue`, 100 per transaction (as events
                write them: one row each, rendered in Vietnamese); ms per message.
2. throughput — the worker (`services.deliver`, batches of 100, as `run_outbox` runs it) drains them through the
                `locmem` adapter: messages per second. Then MESSAGES/5 messages through the SMS gateway adapter
                against a local fake HTTP gateway (one HTTP round trip each): messages per second.
3. lag        — a producer queues RATE messages per second, each in its own transaction, for SECONDS seconds,
                while one worker runs the `run_outbox` loop (poll 1 s when idle) in another thread; the lag of a
                message is `sent_at − created_at`. Target: p95 ≤ 5 s at 50 messages/s.

Prints human-readable lines; the LAST line is one JSON object with every figure, including `targets_met`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"lag_p95_s_max": 5.0, "rate_per_s": 50.0}


def say(line: str = "") -> None:
    print(line, file=sys.stderr, flush=True)


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


# ------------------------------------------------------------------------------------------------ child process


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    settings.NOTIFICATION_ADAPTERS = {"email": {"BACKEND": "locmem"}}
    settings.NOTIFICATIONS_SEND_ON_COMMIT = False


def _queue(prefix: str, count: int, *, adapter: str = "email", to: str = "an.nguyen@example.vn") -> float:
    """Queue `count` messages, 100 per transaction; returns the seconds it took."""
    from django.db import transaction

    from notifications.models import MessageKind
    from notifications.services import Address, enqueue

    started = time.perf_counter()
    for start in range(0, count, 100):
        with transaction.atomic():
            for number in range(start, min(start + 100, count)):
                enqueue(
                    key=f"{prefix}:{number}",
                    kind=MessageKind.ANSWER,
                    about=None,
                    addresses=[Address(adapter, to)],
                    subject="Trả lời đơn",
                    body=f"Phường Đông Hà trả lời đơn QT-2026-BENC-{number:04d} của ông/bà như sau:\n\n"
                    "Đã thay bóng đèn ngày 20/11.",
                    reference=f"QT-2026-BENC-{number:04d}",
                    link=f"https://bench.invalid/track/QT-2026-BENC-{number:04d}/",
                    language="vi",
                    thread=f"case-QT-2026-BENC-{number:04d}",
                )
    return time.perf_counter() - started


def _drain() -> tuple[int, float]:
    from notifications import services

    sent, started = 0, time.perf_counter()
    while True:
        result = services.deliver(limit=services.BATCH_SIZE)
        sent += result.sent
        if not result.claimed:
            return sent, time.perf_counter() - started


def _fake_gateway() -> tuple[str, Any]:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = b'{"CodeResult": "100", "SMSID": "bench"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/sms", server


def _lag(rate: float, seconds: float) -> dict[str, Any]:
    from django.db import connection, connections, transaction

    from notifications import services
    from notifications.models import Message, MessageKind, MessageState
    from notifications.services import Address, enqueue

    stop = threading.Event()
    produced: list[int] = []
    worker_errors: list[str] = []

    def worker() -> None:
        # The run_outbox loop: deliver while there is work, else sleep the poll interval.
        try:
            while not stop.is_set() or Message.objects.filter(state=MessageState.PENDING, kind="acceptance").exists():
                if not services.deliver(limit=services.BATCH_SIZE).claimed:
                    time.sleep(1.0)
        except Exception as error:
            worker_errors.append(repr(error))
        finally:
            connections.close_all()

    thread = threading.Thread(target=worker)
    thread.start()
    interval = 1.0 / rate
    started = time.perf_counter()
    number = 0
    while time.perf_counter() - started < seconds:
        target = started + number * interval
        pause = target - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        with transaction.atomic():
            message = enqueue(
                key=f"lag:{number}",
                kind=MessageKind.ACCEPTANCE,
                about=None,
                addresses=[Address("email", "an.nguyen@example.vn")],
                subject="Thông báo thụ lý đơn",
                body="Phường Đông Hà đã thụ lý đơn của ông/bà.",
                reference=f"QT-2026-LAGS-{number:04d}",
                language="vi",
            )
        assert message is not None
        produced.append(message.pk)
        number += 1
    produce_s = time.perf_counter() - started
    stop.set()
    thread.join(timeout=120)
    connection.close()
    rows = list(Message.objects.filter(pk__in=produced).values_list("state", "created_at", "sent_at"))
    lags = [(sent - created).total_seconds() for state, created, sent in rows if state == MessageState.SENT and sent]
    return {
        "rate_target_per_s": rate,
        "rate_achieved_per_s": round(len(produced) / produce_s, 1),
        "messages": len(produced),
        "sent": len(lags),
        "lag_p50_s": round(percentile(lags, 50), 3),
        "lag_p95_s": round(percentile(lags, 95), 3),
        "lag_max_s": round(max(lags), 3) if lags else None,
        "worker_errors": worker_errors,
    }


def worker_main(args: argparse.Namespace) -> None:
    _setup()
    from django.conf import settings
    from django.db import connection

    from notifications import adapters
    from notifications.models import Message, MessageState

    out: dict[str, Any] = {"vendor": connection.vendor}
    # 1. enqueue
    seconds = _queue("tp", args.messages)
    out["enqueue_ms_per_message"] = round(seconds * 1000 / args.messages, 3)
    # 2. throughput (locmem), then through a fake HTTP gateway
    sent, seconds = _drain()
    out["throughput_locmem_per_s"] = round(sent / seconds, 1)
    out["throughput_locmem_sent"] = sent
    url, server = _fake_gateway()
    settings.NOTIFICATION_ADAPTERS = {
        "email": {"BACKEND": "locmem"},
        "sms": {"BACKEND": "sms", "BASE_URL": url, "API_KEY": "k", "SECRET_KEY": "s", "BRANDNAME": "UBND"},
    }
    http_count = max(1, args.messages // 5)
    _queue("http", http_count, adapter="sms", to="0912345678")
    sent_http, seconds = _drain()
    server.shutdown()
    out["throughput_http_sms_per_s"] = round(sent_http / seconds, 1)
    out["throughput_http_sms_sent"] = sent_http
    settings.NOTIFICATION_ADAPTERS = {"email": {"BACKEND": "locmem"}}
    adapters.outbox.clear()
    # 3. lag under a steady load
    out["lag"] = _lag(args.rate, args.seconds)
    out["failed_or_pending"] = Message.objects.exclude(state=MessageState.SENT).count()
    out["targets_met"] = {
        "outbox_lag_p95_le_5s_at_50_per_s": bool(
            out["lag"]["lag_p95_s"] <= TARGETS["lag_p95_s_max"]
            and out["lag"]["rate_achieved_per_s"] >= 0.95 * args.rate
            and out["lag"]["sent"] == out["lag"]["messages"]
        )
    }
    print(json.dumps(out))


# ------------------------------------------------------------------------------------------------ parent


def _child_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-not-secret-" + "x" * 40,
        "SITE_URL": "https://bench.invalid",
        "ALLOWED_HOSTS": "bench.invalid",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",  # never used: the bench sends through the locmem adapter
        "PYTHONHASHSEED": "0",
    }


def measure(
    database_url: str | None = None, *, messages: int = 3000, rate: float = 50.0, seconds: float = 30.0
) -> dict[str, Any]:
    """Run the benchmark on `database_url` (default: a temporary SQLite file) in a child process; its figures."""
    with tempfile.TemporaryDirectory(prefix="outbox-bench-") as tmp:
        url = database_url or f"sqlite:///{tmp}/bench.sqlite3"
        command = [sys.executable, str(Path(__file__).resolve()), "--worker"]
        command += ["--messages", str(messages), "--rate", str(rate), "--seconds", str(seconds)]
        proc = subprocess.run(  # noqa: S603 - our own interpreter and script, fixed arguments
            command, env=_child_env(url), cwd=ROOT, capture_output=True, text=True, timeout=900
        )
    if proc.returncode != 0:
        raise RuntimeError(f"outbox benchmark failed (exit {proc.returncode}): {proc.stderr[-2000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def report(name: str, r: dict[str, Any]) -> None:
    lag = r["lag"]
    say(f"\n== {name} ({r['vendor']})")
    say(f"enqueue                : {r['enqueue_ms_per_message']} ms per message (100 per transaction)")
    say(f"throughput (locmem)    : {r['throughput_locmem_per_s']} messages/s ({r['throughput_locmem_sent']} sent)")
    say(
        f"throughput (HTTP SMS)  : {r['throughput_http_sms_per_s']} messages/s ({r['throughput_http_sms_sent']} sent "
        "to a local fake gateway)"
    )
    say(
        f"lag at {lag['rate_target_per_s']:.0f}/s            : achieved {lag['rate_achieved_per_s']}/s, "
        f"{lag['sent']}/{lag['messages']} sent, p50 {lag['lag_p50_s']} s, p95 {lag['lag_p95_s']} s, "
        f"max {lag['lag_max_s']} s → target p95 ≤ {TARGETS['lag_p95_s_max']} s "
        f"{'met' if r['targets_met']['outbox_lag_p95_le_5s_at_50_per_s'] else 'NOT met'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    if args.worker:
        worker_main(args)
        return
    results: dict[str, Any] = {}
    results["sqlite"] = measure(messages=args.messages, rate=args.rate, seconds=args.seconds)
    report("SQLite", results["sqlite"])
    if not args.no_postgres:
        sys.path.insert(0, str(ROOT))
        from bench.figures import drop_database, recreate_database

        url = f"postgres://postgres@127.0.0.1:5432/lang_nghe_outbox_bench_{os.getpid()}"
        try:
            recreate_database(url)
            results["postgresql"] = measure(
                url,
                messages=args.messages,
                rate=args.rate,
                seconds=args.seconds,
            )
            report("PostgreSQL", results["postgresql"])
        finally:
            drop_database(url)
    results["targets_met"] = {
        f"{db}_{target}": held
        for db, r in results.items()
        if db != "targets_met"
        for target, held in r["targets_met"].items()
    }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
