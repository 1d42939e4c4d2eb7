"""Rebuild the search index from the database and switch to it with no downtime; or switch back (`--rollback`)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from search import services
from search.backends import backend_name, get_backend
from search.backends.base import SearchUnavailable


class Command(BaseCommand):
    help = (
        "Build a fresh search index from every public document and swap it in; searches never stop. "
        "--rollback: searches read the index the last reindex replaced (Elasticsearch)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rollback",
            action="store_true",
            help="Switch the alias back to the index kept by the last reindex (a second rollback undoes it).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rollback"]:
            backend = get_backend()
            rollback = getattr(backend, "rollback", None)
            if rollback is None:
                raise CommandError(f"The {backend_name()} search backend keeps no previous index to roll back to.")
            try:
                restored = rollback()
            except SearchUnavailable as error:
                raise CommandError(str(error)) from error
            self.stdout.write(
                self.style.SUCCESS(
                    f"Searches read {restored} again. Changes indexed since the reindex are not in it: "
                    "run search_check to list them, search_reindex to rebuild."
                )
            )
            return
        started = time.monotonic()
        count = services.reindex()
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {count} documents into a new {backend_name()} index in {time.monotonic() - started:.1f} s."
            )
        )
