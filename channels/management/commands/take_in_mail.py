"""Take in mail files (.eml) through the mailbox's own path: `manage.py take_in_mail mail.eml …`, or `-` for
standard input, so a mail server can pipe each message into the app (Postfix alias `"|…/manage.py take_in_mail -"`)
and a demo can load sample mails. The same file twice is taken in once.

Exit status (for an MTA): 0 taken in (a draft, a case message, ignored, a duplicate, or refused with the reason on
its event), 65 (EX_DATAERR) when a mail cannot be read, 75 (EX_TEMPFAIL, the MTA retries later) when handling
failed."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from channels.mailbox import handle_mail, store_mail
from channels.models import EventOutcome, InboundEvent
from organisation.models import Unit

EX_DATAERR = 65
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Take in mail files (.eml, or - for standard input) as the official mailbox would."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", help=".eml files, or - for standard input")
        parser.add_argument("--unit", default="", help="code of the unit whose reception officers confirm the drafts")

    def handle(self, *args: Any, files: list[str], unit: str, **options: Any) -> None:
        receiving = Unit.objects.filter(code=unit).first() if unit else None
        if unit and receiving is None:
            raise CommandError(f"no unit with the code {unit!r}")
        status = 0
        for name in files:
            raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
            digest = hashlib.sha256(raw).hexdigest()
            event = store_mail(
                external_id=f"file:{digest}", raw=raw, payload={"source": "stdin" if name == "-" else name}
            )
            outcome = handle_mail(
                event=event, raw=raw, unit=receiving, own_addresses=[settings.DEFAULT_FROM_EMAIL.lower()]
            )
            if outcome is None:
                status = max(status, EX_TEMPFAIL)
                self.stderr.write(f"{name}: failed, try again later")
                continue
            event = InboundEvent.objects.get(pk=event.pk)
            self.stdout.write(f"{name}: {outcome} ({event.note})")
            if outcome == EventOutcome.REJECTED and event.note.startswith("malformed"):
                status = max(status, EX_DATAERR)
        if status:
            sys.exit(status)
