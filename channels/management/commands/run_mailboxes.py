"""The official mailbox worker: `manage.py run_mailboxes` (one thread per mailbox, IMAP IDLE where offered) or
`--once` (read each mailbox once, e.g. from cron). Stops cleanly on SIGTERM or Ctrl-C."""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from channels.mailbox import NETWORK_ERRORS, configured_mailboxes, sync_once, watch
from core.workers import StopFlag, beat, forget
from organisation.models import Unit


class Command(BaseCommand):
    help = "Take in the mail of the official mailboxes (CHANNEL_MAILBOXES) as drafts of the reception queue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="read each mailbox once, then exit")
        parser.add_argument("--mailbox", action="append", default=[], help="only this mailbox (repeatable)")
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="seconds between reads (default CHANNEL_MAILBOX_POLL_SECONDS); with IDLE, new mail comes at once",
        )

    def handle(self, *args: Any, once: bool, mailbox: list[str], interval: float | None, **options: Any) -> None:
        mailboxes = [config for config in configured_mailboxes() if not mailbox or config.name in mailbox]
        if not mailboxes:
            raise CommandError("No mailbox configured: set CHANNEL_MAILBOXES and MAILBOX_<NAME>_* (see the README).")
        for config in mailboxes:
            if config.unit and not Unit.objects.filter(code=config.unit).exists():
                raise CommandError(f"mailbox {config.name!r}: no unit with the code {config.unit!r} (MAILBOX_…_UNIT)")
        if once:
            failed = False
            for config in mailboxes:
                try:
                    self.stdout.write(str(sync_once(config)))
                except NETWORK_ERRORS as error:
                    failed = True
                    self.stderr.write(f"{config.name}: {error}")
            if failed:
                raise CommandError("a mailbox could not be read")
            return
        stop = StopFlag().install().event
        poll = interval if interval is not None else float(settings.CHANNEL_MAILBOX_POLL_SECONDS)
        threads = [
            threading.Thread(target=watch, args=(config, stop), kwargs={"poll_seconds": poll}, name=config.name)
            for config in mailboxes
        ]
        for thread in threads:
            thread.start()
        self.stdout.write(f"reading {', '.join(c.name for c in mailboxes)}; stop with SIGTERM")
        while any(thread.is_alive() for thread in threads):
            if not stop.is_set():
                beat("mailboxes")
            for thread in threads:
                thread.join(timeout=1)
        forget("mailboxes")
