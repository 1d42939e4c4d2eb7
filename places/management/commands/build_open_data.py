"""`manage.py build_open_data`: rebuild the open data files (`/open-data/`) and delete the e-mail alert subscriptions
never confirmed in time; run it daily (cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from places.alerts import expire_unconfirmed
from places.open_data import build_all


class Command(BaseCommand):
    help = "Rebuild the open data downloads (published petitions and answers, consultation results) as CSV and JSON."

    def handle(self, *args: Any, **options: Any) -> None:
        for slug, count in build_all().items():
            self.stdout.write(f"{slug}: {count} rows")
        self.stdout.write(f"{expire_unconfirmed()} unconfirmed subscription(s) expired")
