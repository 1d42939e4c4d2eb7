"""The notification worker: `manage.py run_outbox` (a loop; on SIGTERM it finishes the message in hand,
gives the rest of its batch back and exits 0) or `--once` (cron).

Several workers may run at once: each claims its rows with a conditional UPDATE, so no row is sent by two
(`notifications.services`).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from core.workers import StopFlag, beat, forget
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
        stop = StopFlag().install()
        while not stop:
            result = services.deliver(limit=batch, should_stop=stop.is_set)
            beat("outbox")
            if result.claimed:
                self._report(result)
                continue  # there may be more due
            close_old_connections()  # a long-lived worker must not keep a broken or expired connection
            stop.wait(poll)
        forget("outbox")

    def _report(self, result: services.DeliveryResult) -> None:
        self.stdout.write(
            f"notifications: {result.sent} sent, {result.retried} to retry, {result.failed} failed "
            f"(of {result.claimed} claimed)"
        )
