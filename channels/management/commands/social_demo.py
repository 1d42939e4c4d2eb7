"""Demo: a case that came in through Zalo, and a Facebook message waiting in the reception queue.

Recorded platform events (`channels/fixtures/social_demo/*.json`) go through the webhook's own checks
(`channels.social.check_zalo` / `check_facebook`, signed with a demo OA's and page's secret, configured only for
the duration of this command), are stored and handled by the worker (`run_events`), like any delivery. Their
timestamps are moved to the last hours, or the replay window would refuse them. The Zalo draft is then confirmed
by Phường Đông Hà's reception officer (`confirm_draft`), and the citizen's next message joins the case.

Called by `seed_demo`; safe to run twice (the events are stored once, and it stops when they are there).
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.test import override_settings
from django.utils import timezone

from cases.models import Channel, PetitionType
from channels import samples
from channels.models import Draft, InboundEvent
from channels.services import confirm_draft
from channels.social import check_facebook, check_zalo, run_events, store
from organisation.models import Unit

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "social_demo"
OA_ID = "4318492746190800000"
PAGE_ID = "104857600000000"
DEMO_SECRET = "demo-only-secret"  # noqa: S105 - a demo account that exists only while this command runs
UNIT = "phuong-dong-ha"
OFFICER = "tiepnhan.dongha"


def _feed(name: str, at: datetime.datetime) -> None:
    """One recorded event, stamped `at`, signed and checked like a delivery, stored, then handled."""
    event: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    if "entry" in event:
        for entry in event["entry"]:
            entry["time"] = samples.millis(at)
            for item in entry["messaging"]:
                item["timestamp"] = samples.millis(at)
        raw = samples.body(event)
        signature = samples.facebook_headers(raw, app_secret=DEMO_SECRET)["X-Hub-Signature-256"]
        store(check_facebook(body=raw, signature=signature, now=timezone.now()), now=timezone.now())
    else:
        event["timestamp"] = str(samples.millis(at))
        raw = samples.body(event)
        signature = samples.zalo_headers(raw, secret_key=DEMO_SECRET)["X-ZEvent-Signature"]
        store(check_zalo(body=raw, signature=signature, now=timezone.now()), now=timezone.now())
    run_events()


class Command(BaseCommand):
    help = "Load a demo case that arrived through Zalo and a Facebook message in the reception queue (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        if InboundEvent.objects.filter(channel=Channel.ZALO, external_id__startswith=f"{OA_ID}:").exists():
            self.stdout.write("Demo Zalo and Facebook messages already loaded.")
            return
        accounts = {
            "ZALO_OAS": {OA_ID: {"secret_key": DEMO_SECRET, "app_id": "", "access_token": "", "unit": UNIT}},
            "FACEBOOK_PAGES": {
                PAGE_ID: {"app_secret": DEMO_SECRET, "verify_token": "", "access_token": "", "unit": UNIT}
            },
        }
        now = timezone.now()
        with override_settings(**accounts):
            _feed("01_zalo_text.json", now - datetime.timedelta(hours=3))
            _feed("02_zalo_location.json", now - datetime.timedelta(hours=3) + datetime.timedelta(minutes=1))
            draft = Draft.objects.get(channel=Channel.ZALO, sender_address=f"{OA_ID}:3216904426693862293")
            receipt = confirm_draft(
                draft=draft,
                by=get_user_model().objects.get(username=OFFICER),
                petition_type=PetitionType.REFLECTION,
                title="Đường Trần Hưng Đạo trước chợ Đông Hà ngập sâu khi mưa",
                content=draft.text,
                commune=Unit.objects.get(code=UNIT),
                petitioner_name="Trần Văn Hậu",
                address="Đường Trần Hưng Đạo, trước chợ Đông Hà",
            )
            _feed("03_zalo_after_confirmation.json", now - datetime.timedelta(minutes=30))
            _feed("04_facebook_text.json", now - datetime.timedelta(minutes=10))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo Zalo case {receipt.petition.tracking_code} and a Facebook message in the reception queue loaded."
            )
        )
