"""Demo: a case that came in by the official mailbox, the citizen's further mail on it, a mail waiting in the
reception queue and an auto-reply that was ignored.

Sample mails (`channels/fixtures/mail_demo/*.eml`) go through the mailbox's own path (`store_mail`, `handle_mail`,
as `take_in_mail` does), delivered over the last hours. The first is confirmed by Phường Đông Hà's reception
officer (`confirm_draft`); the second answers it and joins the case. Meant for `seed_demo` (after the demo units and
officials exist); safe to run twice (the mails are stored once, and it stops when they are there).
"""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone

from cases.models import Channel, PetitionType
from channels.mailbox import handle_mail, store_mail
from channels.models import Draft, InboundEvent
from channels.services import confirm_draft
from organisation.models import Unit

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "mail_demo"
UNIT = "phuong-dong-ha"
OFFICER = "tiepnhan.dongha"
PREFIX = "demo-mailbox:"


def _deliver(name: str, at: datetime.datetime, unit: Unit) -> str | None:
    raw = (FIXTURES / name).read_bytes()
    event = store_mail(
        external_id=f"{PREFIX}{hashlib.sha256(raw).hexdigest()}", raw=raw, payload={"source": f"demo/{name}"}
    )
    return handle_mail(event=event, raw=raw, internal_date=at, unit=unit)


class Command(BaseCommand):
    help = "Load a demo case that arrived by e-mail, with the citizen's further mail, and a mail in the queue."

    def handle(self, *args: Any, **options: Any) -> None:
        if InboundEvent.objects.filter(channel=Channel.EMAIL, external_id__startswith=PREFIX).exists():
            self.stdout.write("Demo mails already loaded.")
            return
        unit = Unit.objects.get(code=UNIT)
        now = timezone.now().replace(microsecond=0)
        _deliver("01_den_duong_hong.eml", now - datetime.timedelta(hours=5), unit)
        draft = Draft.objects.get(channel=Channel.EMAIL, message_ids__0="<CAF=demo-anh-001@mail.example.vn>")
        receipt = confirm_draft(
            draft=draft,
            by=get_user_model().objects.get(username=OFFICER),
            petition_type=PetitionType.REFLECTION,
            title="Đèn đường hỏng trên đường Lê Duẩn, tổ 5",
            content=draft.text,
            commune=unit,
            petitioner_name=draft.sender_name,
            address="Đường Lê Duẩn, tổ 5, phường Đông Hà",
        )
        _deliver("02_tra_loi_bo_sung.eml", now - datetime.timedelta(hours=1), unit)
        _deliver("03_rac_thai_html.eml", now - datetime.timedelta(minutes=40), unit)
        _deliver("04_tu_dong_tra_loi.eml", now - datetime.timedelta(minutes=20), unit)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo e-mail case {receipt.petition.tracking_code} (with the citizen's further mail) and a mail in "
                "the reception queue loaded."
            )
        )
