"""The notification worker: `manage.py run_outbox` (a loop; stops cleanly on SIGTERM) or `--once` (cron).

Several workers may run at once: each claims its rows with a conditional UPDATE, so no row is sent by two
(`notifications.services`).
"""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from notifications import services


class Command(BaseCommand):
    help = "Send the notifications waiting in the outbox (e-mail, Zalo, Facebook, SMS, ZNS), retrying with backoff."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Send what is due now, then exit.")
        parser.add_argument("--batch-size", type=int, default=services.BATCH_SIZE)
        parser.add_argument("--poll", type=float, default=1.0, help="Seconds between polls when idle (default 1).")

    def handle(self, *args: Any, once: bool, batch_size: int, poll: float, **options: Any) -> None:
        batch, poll = max(1, batch_size), max(0.05, poll)
        if once:
            self._report(services.deliver_all(limit=batch))
            return
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not stopping:
            result = services.deliver(limit=batch)
            if result.claimed:
                self._report(result)
                continue  # there may be more due
            close_old_connections()  # a long-lived worker must not keep a broken or expired connection
            time.sleep(poll)

    def _report(self, result: services.DeliveryResult) -> None:
        self.stdout.write(
            f"notifications: {result.sent} sent, {result.retried} to retry, {result.failed} failed "
            f"(of {result.claimed} claimed)"
        )
