from typing import Any

from django.core.management.base import BaseCommand

from topics import tally


class Command(BaseCommand):
    help = "Recount the petitions per month, handling unit, commune and topic (the leaders' insight page)."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = tally.rebuild()
        self.stdout.write(f"topic tally: {rows} rows")
