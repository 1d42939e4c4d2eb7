"""The Zalo and Facebook event worker: `manage.py run_channel_events` (a loop) or `--once` (one pass, e.g. cron).

The webhooks only store events; this turns them into messages of the reception queue (`channels.social`).
Several workers may run at once: each event is recorded exactly once. SIGTERM stops it between two events (exit 0).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections

from channels.social import RunResult, run_events
from core.workers import StopFlag, beat, forget

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Turn the stored Zalo and Facebook webhook events into messages of the reception queue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass over what is due, then exit")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between passes (default 1)")
        parser.add_argument("--batch-size", type=int, default=100)

    def handle(self, *args: Any, once: bool, interval: float, batch_size: int, **options: Any) -> None:
        stop = StopFlag() if once else StopFlag().install()
        while not stop:
            try:
                result = run_events(batch_size=batch_size, should_stop=stop.is_set)
            except DatabaseError:
                if once:
                    raise
                # The database went away: the events wait, stored; try again on the next pass.
                logger.exception("channel events: the pass failed")
                result = RunResult()
            if result.handled or result.failed or once:
                self.stdout.write(
                    f"channel events: {result.handled} recorded, {result.ignored} ignored, {result.failed} failed"
                )
            if once:
                return
            beat("channel_events")
            stop.wait(interval)
            close_old_connections()  # a long-lived worker must not keep a broken or expired connection
        forget("channel_events")
