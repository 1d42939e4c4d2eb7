"""Count the leaders' tally (`cases.OutcomeTally`) again from the petitions: after loading cases in bulk, or to
repair it. The engine keeps it up to date on every change; this is never needed in normal running."""

from typing import Any

from django.core.management.base import BaseCommand

from cases.outcomes import rebuild_tally


class Command(BaseCommand):
    help = "Đếm lại số liệu đúng hạn theo ngày tiếp nhận từ các đơn thư (Recount the leaders' tally)."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = rebuild_tally()
        self.stdout.write(self.style.SUCCESS(f"{rows} rows"))
