"""Drain the search outbox into the search engine: a loop, or one pass with `--once` (cron). SIGTERM: the batch in
hand (one bulk request) is finished or put back, then the worker exits 0."""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.workers import StopFlag, beat, forget
from search import outbox, services
from search.backends.base import MappingOutdated, SearchUnavailable

logger = logging.getLogger("search.worker")


class Command(BaseCommand):
    help = "Index public changes waiting in the search outbox (bulk, versioned; retries while the engine is down)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Drain what is due now, then exit.")
        parser.add_argument("--batch-size", type=int, default=outbox.BATCH_SIZE)
        parser.add_argument("--poll", type=float, default=1.0, help="Seconds between polls when idle.")

    def _mapping_checked(self) -> bool:
        """Whether the index's mapping version is this code's. Raises CommandError when it is not (nothing is
        lost: the changes wait in the outbox until `search_reindex`); False when the engine cannot be asked."""
        try:
            services.check_mapping()
        except MappingOutdated as error:
            logger.error("%s", error)
            raise CommandError(str(error)) from error
        except SearchUnavailable as error:
            logger.warning(
                "Search engine unreachable (%s): the site works without search; this worker retries, "
                "and %s changes wait in the outbox.",
                error,
                outbox.pending(),
            )
            return False
        return True

    def handle(self, *args: Any, **options: Any) -> None:
        batch, poll = max(1, options["batch_size"]), max(0.05, options["poll"])
        if options["once"]:
            self._mapping_checked()
            result = outbox.drain_all(limit=batch)
            self._report(result)
            if result.unavailable:
                raise CommandError(
                    f"Search engine unavailable: {result.unavailable}; {outbox.pending()} changes wait in the outbox."
                )
            return
        stop = StopFlag().install()
        pause = poll
        checked = False
        while not stop:
            checked = checked or self._mapping_checked()  # once per start, when the engine first answers
            result = outbox.drain(limit=batch) if checked else outbox.DrainResult(unavailable="not reachable")
            beat("search_worker")
            if result.claimed:
                self._report(result)
            if result.unavailable:
                pause = min(max(pause * 2, 1.0), outbox.MAX_BACKOFF_SECONDS)  # back off while the engine is down
            elif result.claimed:
                pause = 0.0  # there may be more
            else:
                pause = poll
            if pause:
                stop.wait(pause)
        forget("search_worker")

    def _report(self, result: outbox.DrainResult) -> None:
        self.stdout.write(
            f"indexed {result.indexed}, deleted {result.deleted}, retry later {result.failed}"
            + (f" (search engine unavailable: {result.unavailable})" if result.unavailable else "")
        )
