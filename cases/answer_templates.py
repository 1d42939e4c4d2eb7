"""Answer templates' placeholders: `{name}` in a template's body, replaced by the petition's own values.

Placeholders (single braces, lower-case Vietnamese names without accents):

- `{xung_ho}`       the citizen's form of address, "Ông/Bà Trần Thị Bình" ("Ông/Bà" alone where the petitioner's
                    identity is sealed from the reader, a denunciation)
- `{ho_ten}`        the petitioner's name (empty where sealed)
- `{ma_don}`        the tracking code, e.g. QT-2026-7KX4-M9PA
- `{tieu_de}`       the petition's title
- `{ngay_nhan}`     the date it was received, dd/mm/yyyy
- `{ngay_hom_nay}`  today, dd/mm/yyyy
- `{han_xu_ly}`     the due date of the step being drafted (or of the case), dd/mm/yyyy; empty without one
- `{don_vi}`        the name of the unit handling the petition

Any other `{…}` in a body is refused when the template is saved (`check_placeholders`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

PLACEHOLDERS: Mapping[str, Any] = {  # name -> its description (lazy text)
    "xung_ho": _("Cách xưng hô với công dân, ví dụ «Ông/Bà Trần Thị Bình»"),
    "ho_ten": _("Họ tên người gửi đơn"),
    "ma_don": _("Mã tra cứu của đơn"),
    "tieu_de": _("Tiêu đề đơn"),
    "ngay_nhan": _("Ngày tiếp nhận đơn (dd/mm/yyyy)"),
    "ngay_hom_nay": _("Ngày hôm nay (dd/mm/yyyy)"),
    "han_xu_ly": _("Hạn xử lý (dd/mm/yyyy)"),
    "don_vi": _("Tên đơn vị xử lý"),
}


def unknown_placeholders(body: str) -> list[str]:
    """The `{…}` names in `body` that are not placeholders, in order of appearance, each once."""
    unknown: list[str] = []
    for match in PLACEHOLDER.finditer(body):
        name = match.group(1)
        if name not in PLACEHOLDERS and name not in unknown:
            unknown.append(name)
    return unknown


def format_date(value: datetime.date | datetime.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return value.strftime("%d/%m/%Y")


def fill(body: str, values: Mapping[str, str]) -> str:
    """Replace each known placeholder with its value; anything else stays as written."""
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), body)
