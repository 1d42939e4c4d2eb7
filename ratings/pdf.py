"""The printed QR code of a desk: an A6 card that opens the desk's rating form."""

from __future__ import annotations

import segno
from django.template.loader import render_to_string
from django.urls import reverse

from consultation import pdf
from consultation.report import FONT_STACK
from core.site import absolute_url
from ratings.models import Desk


def desk_rating_url(desk: Desk) -> str:
    return absolute_url(reverse("ratings:desk-rate", args=[desk.pk]))


def desk_qr(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def desk_card_pdf(desk: Desk) -> bytes:
    url = desk_rating_url(desk)
    html = render_to_string(
        "ratings/desk_card_pdf.html", {"desk": desk, "url": url, "qr": desk_qr(url), "font_stack": FONT_STACK}
    )
    return pdf.html_to_pdf(html)
