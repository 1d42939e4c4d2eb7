"""Rebuild the search index from the database and switch to it with no downtime."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from search import services
from search.backends import backend_name


class Command(BaseCommand):
    help = "Build a fresh search index from every public document and swap it in; searches never stop."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        count = services.reindex()
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {count} documents into a new {backend_name()} index in {time.monotonic() - started:.1f} s."
            )
        )
