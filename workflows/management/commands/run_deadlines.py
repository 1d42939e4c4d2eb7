"""The deadline worker: `manage.py run_deadlines` (a loop) or `--once` (one sweep, e.g. from cron).

Several workers may run at once; each due step is done exactly once (see `workflows.sweep`). SIGTERM: the batch in
hand commits, the rest stays due, and the worker exits 0.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from core.workers import StopFlag, beat, forget
from workflows.sweep import sweep


class Command(BaseCommand):
    help = "Send deadline reminders, escalate overdue steps and fire BPMN timers that are due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one sweep, then exit")
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between sweeps (default 30)")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, once: bool, interval: float, batch_size: int, **options: Any) -> None:
        stop = StopFlag() if once else StopFlag().install()
        while not stop:
            result = sweep(batch_size=batch_size, should_stop=stop.is_set)
            if result.acted or result.failed or once:
                phases = ", ".join(f"{phase} {count}" for phase, count in sorted(result.by_phase.items())) or "-"
                self.stdout.write(f"deadlines: {result.acted} done ({phases}), {result.failed} failed")
            if once:
                return
            beat("deadlines")
            stop.wait(interval)
            close_old_connections()  # a long-lived worker must not keep a broken or expired connection
        forget("deadlines")
