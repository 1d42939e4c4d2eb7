"""A document's official form (thể thức, Decree 30/2020/NĐ-CP, Appendix I) as HTML and an A4 PDF (WeasyPrint).

The heading: the issuing body (and its superior) on the left, the national emblem line on the right; the number
and symbol under the body, the place and date under the motto; the title, the body, then «Nơi nhận:» and the
signer's title. A draft shows an empty number («Số:      /TB-UBND») and «DỰ THẢO».
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string

from consultation import pdf
from consultation.report import FONT_STACK
from deadlines import calendar
from organisation.models import Unit

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True)
class IssuerInfo:
    name: str
    superior: str
    abbreviation: str
    place: str
    signer_title: str
    email: str = ""


def issuer_of(unit: Unit) -> IssuerInfo:
    """The unit's `Issuer`, or defaults (Decree 30/2020/NĐ-CP, Appendix I): a commune or ward signs as its
    People's Committee («ỦY BAN NHÂN DÂN» over «PHƯỜNG ĐÔNG HÀ», symbol UBND, its chairman); another body under
    its superior's name («UBND TỈNH» over «SỞ XÂY DỰNG»), with the initials of its name as symbol («SXD»)."""
    from documents.models import Issuer

    issuer = Issuer.objects.filter(unit=unit).first()
    if issuer is not None:
        return IssuerInfo(
            issuer.name, issuer.superior, issuer.abbreviation, issuer.place, issuer.signer_title, issuer.email
        )
    if unit.is_commune:
        return IssuerInfo(
            name=f"ỦY BAN NHÂN DÂN\n{unit.name.upper()}",
            superior="",
            abbreviation=settings.DOCUMENTS_DEFAULT_ABBREVIATION,
            place=settings.DOCUMENTS_DEFAULT_PLACE,
            signer_title=settings.DOCUMENTS_DEFAULT_SIGNER_TITLE,
        )
    parent = unit.parent
    return IssuerInfo(
        name=unit.name.upper(),
        superior=parent.name.upper() if parent is not None else "",
        abbreviation=initials(unit.name) or settings.DOCUMENTS_DEFAULT_ABBREVIATION,
        place=settings.DOCUMENTS_DEFAULT_PLACE,
        signer_title="GIÁM ĐỐC" if unit.kind.strip().casefold() == "sở" else settings.DOCUMENTS_DEFAULT_SIGNER_TITLE,
    )


def initials(name: str) -> str:
    """«Sở Xây dựng» → «SXD» (letters without their marks, Đ as D)."""
    folded = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    plain = "".join(char for char in folded if not unicodedata.combining(char))
    return "".join(word[0] for word in plain.split() if word[:1].isalpha()).upper()


def date_line(place: str, day: datetime.date | None) -> str:
    """«Đông Hà, ngày 05 tháng 12 năm 2026»: days below 10 and the months 1 and 2 with a leading zero (Decree
    30/2020/NĐ-CP, Appendix I); a draft leaves the day and month blank."""
    if day is None:
        return f"{place}, ngày     tháng     năm {calendar.today().year}"
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def paragraphs(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


def document_html(
    *,
    issuer: IssuerInfo,
    number_and_symbol: str,
    symbol: str,
    place: str,
    issued_on: datetime.date | None,
    title: str,
    body: str,
    recipients: list[str],
    signer_title: str,
    signer_name: str = "",
    draft: bool = False,
) -> str:
    """An official letter (công văn: no type symbol) has no centred title: its summary («V/v …») stands under its
    number (Decree 30/2020/NĐ-CP, Appendix I)."""
    title_lines = [line.strip() for line in title.split("\n") if line.strip()]
    letter = bool(title_lines) and title_lines[0].startswith("V/v")
    return render_to_string(
        "documents/document_pdf.html",
        {
            "issuer": issuer,
            "national_name": NATIONAL_NAME,
            "motto": MOTTO,
            "number_line": f"Số: {number_and_symbol}"
            if number_and_symbol
            else f"Số:      /{symbol}"
            if symbol
            else "Số:",
            "date_line": date_line(place, issued_on),
            "title_lines": [] if letter else title_lines,
            "summary": " ".join(title_lines) if letter else "",
            "paragraphs": paragraphs(body),
            "recipients": recipients,
            "signer_title": signer_title,
            "signer_name": signer_name,
            "draft": draft,
            "font_stack": FONT_STACK,
        },
    )


def to_pdf(html: str) -> bytes:
    return pdf.html_to_pdf(html)
