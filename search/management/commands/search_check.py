"""Compare the search index with the database: missing, stale and extra documents. Exits 1 on drift."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from search import services

SHOWN = 20


class Command(BaseCommand):
    help = "Report drift between the database's public documents and the search index (exit code 1 on drift)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="List every drifting document, not the first 20.")

    def handle(self, *args: Any, **options: Any) -> None:
        drift = services.check_drift()
        self.stdout.write(
            f"expected {drift.expected}, stored {drift.stored}: missing {len(drift.missing)}, "
            f"stale {len(drift.stale)}, extra {len(drift.extra)}; outbox pending {drift.pending}"
        )
        for label, doc_ids in (("missing", drift.missing), ("stale", drift.stale), ("extra", drift.extra)):
            shown = doc_ids if options["all"] else doc_ids[:SHOWN]
            for doc_id in shown:
                self.stdout.write(f"  {label}: {doc_id}")
            if len(shown) < len(doc_ids):
                self.stdout.write(f"  … and {len(doc_ids) - len(shown)} more {label}")
        if drift.total:
            hint = (
                "the worker has not drained the outbox yet (run_search_worker)"
                if drift.pending
                else "run search_reindex to rebuild"
            )
            raise CommandError(f"The search index drifts from the database by {drift.total} documents; {hint}.")
        self.stdout.write(self.style.SUCCESS("No drift."))
