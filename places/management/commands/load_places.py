"""`manage.py load_places 44` (or «Quảng Trị»): the province and its communes, wards and special zones after
1 July 2025, from the `vietnam-provinces` data package, with their points (`--points file.csv`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from places.loader import PlacesError, load_province


class Command(BaseCommand):
    help = "Create or update a province's administrative units (after the 2025 reorganisation); idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("province", help="official code (44) or name («Quảng Trị»)")
        parser.add_argument(
            "--points",
            type=Path,
            help="CSV admin_code,latitude,longitude of the units' representative points "
            "(default: the file shipped in places/data/ for the province, if any)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = load_province(options["province"], points_file=options["points"])
        except (PlacesError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"{result.province.name}: {len(result.created)} created, {len(result.updated)} updated, "
            f"{result.unchanged} unchanged."
        )
        if result.without_point:
            self.stdout.write(
                f"{len(result.without_point)} unit(s) without a point (the province's is used): "
                + ", ".join(result.without_point[:20])
                + (" …" if len(result.without_point) > 20 else "")
            )
