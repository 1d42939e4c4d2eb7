"""The official day swaps of 2026 (../shared/legal-deadlines.md, "Day swaps 2026"), which the `holidays` package
0.109 does not have: Friday 2 January 2026 off, worked back on Saturday 10 January 2026."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import migrations

BASIS = "Chính phủ đồng ý ngày 25/12/2025 (hoán đổi ngày làm việc dịp Tết Dương lịch 2026)"
SWAPS = [
    (datetime.date(2026, 1, 2), "day_off", "Nghỉ thứ Sáu 02/01/2026 dịp Tết Dương lịch, làm bù thứ Bảy 10/01/2026"),
    (datetime.date(2026, 1, 10), "working_day", "Làm bù cho ngày nghỉ thứ Sáu 02/01/2026"),
]


def forwards(apps: Any, schema_editor: Any) -> None:
    DaySwap = apps.get_model("deadlines", "DaySwap")
    for date, kind, reason in SWAPS:
        DaySwap.objects.get_or_create(date=date, defaults={"kind": kind, "reason": reason, "legal_basis": BASIS})


def backwards(apps: Any, schema_editor: Any) -> None:
    DaySwap = apps.get_model("deadlines", "DaySwap")
    DaySwap.objects.filter(date__in=[date for date, *_ in SWAPS], legal_basis=BASIS).delete()


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0004_rules_july_2026")]

    operations = [migrations.RunPython(forwards, backwards)]
