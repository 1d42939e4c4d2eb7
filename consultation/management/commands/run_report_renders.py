"""The report worker: `manage.py run_report_renders` (a loop) or `--once` (one pass, e.g. from cron).

Renders the PDF of each published synthesis report (`consultation.report_renders`). Several workers may run at
once; each report is rendered by one of them. SIGTERM: the report in hand is finished, then the worker exits 0.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from consultation.report_renders import run_pending
from core.workers import StopFlag, beat, forget


class Command(BaseCommand):
    help = "Render the PDF of every newly published consultation report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--interval", type=float, default=10.0, help="seconds between passes (default 10)")

    def handle(self, *args: Any, once: bool, interval: float, **options: Any) -> None:
        stop = StopFlag() if once else StopFlag().install()
        while not stop:
            stored = run_pending(should_stop=stop.is_set)
            if stored or once:
                self.stdout.write(f"report PDFs: {stored} rendered")
            if once:
                return
            beat("report_renders")
            stop.wait(interval)
            close_old_connections()  # a long-lived worker must not keep a broken or expired connection
        forget("report_renders")
