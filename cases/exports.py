"""CSV and XLSX downloads of the leaders' figures and of the petitions behind a figure.

No personal data leaves this way: the rows are built from figures, codes, titles, units, types, dates and
statuses only, never from the petitioner's name, phone, e-mail or address."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.functional import Promise
from openpyxl import Workbook

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cells(row: Sequence[Any]) -> list[Any]:
    """Lazy translations (choice labels) as text: a spreadsheet cell takes plain values only."""
    return [str(value) if isinstance(value, Promise) else value for value in row]


def download(*, filename: str, fmt: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    """`filename` without extension; `fmt` one of FORMATS."""
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(_cells(header))
        for row in rows:
            sheet.append(_cells(row))
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(header)
        writer.writerows(rows)
        # The byte-order mark makes spreadsheet programs read the Vietnamese text as UTF-8.
        response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
