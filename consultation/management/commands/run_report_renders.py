"""The report worker: `manage.py run_report_renders` (a loop) or `--once` (one pass, e.g. from cron).

Renders the PDF of each published synthesis report (`consultation.report_renders`). Several workers may run at
once; each report is rendered by one of them.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from consultation.report_renders import run_pending


class Command(BaseCommand):
    help = "Render the PDF of every newly published consultation report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--interval", type=float, default=10.0, help="seconds between passes (default 10)")

    def handle(self, *args: Any, once: bool, interval: float, **options: Any) -> None:
        while True:
            stored = run_pending()
            if stored or once:
                self.stdout.write(f"report PDFs: {stored} rendered")
            if once:
                return
            time.sleep(interval)
            close_old_connections()  # a long-lived worker must not keep a broken or expired connection
