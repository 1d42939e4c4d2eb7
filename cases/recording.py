"""Recording petitions received outside the portal — at the counter, by phone, by post, at a citizen reception
session, from a mailbox — by a unit's reception officers, and the printed receipt (A5 and 80 mm roll).

The page calls the same service as `POST /api/v1/cases/record` (`services.record_petition`). The access key is
stored only as its hash, so the receipt PDFs, which carry it, are rendered once at recording time and kept in
the officer's session until the next recording or the end of the session: they cannot be printed again later.
"""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from rest_framework import serializers

from cases import services
from cases.api import RecordPetitionApi, bound_petition_types
from cases.models import Channel, Petition
from consultation import pdf
from consultation.report import FONT_STACK
from core.site import absolute_url
from deadlines import calendar
from organisation.models import Membership, Role, Unit

SESSION_KEY = "recorded_receipt"
# What the page's channel list offers: the ways a petition reaches a reception desk (email and social networks
# are recorded through the API until the channels issue connects them).
PAGE_CHANNELS = (Channel.COUNTER, Channel.PHONE, Channel.POST, Channel.RECEPTION, Channel.MAILBOX)
# Paper sizes of the receipt: A5 for the counter's printer, an 80 mm thermal roll (its length follows the text).
FORMATS = {"a5": "A5", "80mm": "80mm 200mm"}
PERSONAL = ("petitioner_name", "petitioner_phone", "petitioner_email", "address")


class RecordInput(RecordPetitionApi.InputSerializer):
    channel = serializers.ChoiceField(choices=[(c.value, c.label) for c in PAGE_CHANNELS])
    received_at = serializers.DateTimeField(
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "iso-8601"], default_timezone=calendar.LEGAL_TZ
    )


def reception_units(user: User) -> list[Unit]:
    """The units in which `user` holds the reception role."""
    ids = Membership.objects.filter(user=user, role=Role.RECEPTION_OFFICER).values("unit")
    return list(Unit.objects.filter(pk__in=ids).order_by("name"))


def _officer(request: HttpRequest) -> tuple[User, list[Unit]]:
    user = request.user
    units = reception_units(user) if isinstance(user, User) else []
    if not units:
        raise PermissionDenied(_("Chỉ cán bộ tiếp nhận của một đơn vị được ghi nhận đơn."))
    assert isinstance(user, User)
    return user, units


def _context(units: list[Unit], values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    return {
        "channels": [(c.value, c.label) for c in PAGE_CHANNELS],
        "petition_types": bound_petition_types(),
        "communes": Unit.objects.filter(is_commune=True).order_by("name"),
        "units": units,
        "values": values,
        "errors": errors,
    }


def _values(post: QueryDict) -> dict[str, Any]:
    """What the officer typed, personal fields included (the officials' own page), to fill the form again."""
    values: dict[str, Any] = {key: post.get(key, "") for key in post if key != "csrfmiddlewaretoken"}
    values["publish_consent"] = post.get("publish_consent") in ("true", "on", "1")
    return values


@login_required
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest) -> HttpResponse:
    user, units = _officer(request)
    if request.method == "GET":
        now = timezone.localtime(timezone.now(), calendar.LEGAL_TZ)
        values = {"received_at": f"{now:%Y-%m-%dT%H:%M}", "unit": units[0].code}
        return render(request, "cases/record.html", _context(units, values, {}))
    data: Any = request.POST.copy()
    data.setlist("attachments", request.FILES.getlist("attachments"))
    serializer = RecordInput(data=data)
    errors: dict[str, str] = {}
    if serializer.is_valid():
        validated = dict(serializer.validated_data)
        files = validated.pop("attachments", [])
        validated.pop("latitude", None)
        validated.pop("longitude", None)
        unit = validated.pop("unit", None) or units[0]
        if unit not in units:
            errors["unit"] = _("Bạn không phải cán bộ tiếp nhận của đơn vị này.")
        else:
            try:
                receipt = services.record_petition(recorded_by=user, unit=unit, files=files, **validated)
            except services.IntakeError as error:
                errors = error.errors
            else:
                return _receipt_page(request, receipt)
    else:
        errors = {field: " ".join(str(e) for e in messages) for field, messages in serializer.errors.items()}
    return render(request, "cases/record.html", _context(units, _values(request.POST), errors), status=400)


def status_url(petition: Petition) -> str:
    return absolute_url(reverse("cases:track", args=[petition.tracking_code]))


def receipt_pdf(petition: Petition, access_key: str, paper: str) -> bytes:
    """The receipt as a PDF on `paper` (a key of FORMATS), with the key and a QR code of the status page."""
    url = status_url(petition)
    html = render_to_string(
        "cases/record_receipt_pdf.html",
        {
            "petition": petition,
            "access_key": access_key,
            "status_url": url,
            "qr": segno.make(url, error="m").svg_data_uri(scale=4, border=2),
            "page_size": FORMATS[paper],
            "roll": paper == "80mm",
            "font_stack": FONT_STACK,
            "received_at": timezone.localtime(petition.received_at, calendar.LEGAL_TZ),
        },
    )
    return pdf.html_to_pdf(html)


def _receipt_page(request: HttpRequest, receipt: services.Receipt) -> HttpResponse:
    petition = receipt.petition
    request.session[SESSION_KEY] = {
        "code": petition.tracking_code,
        **{
            paper: base64.b64encode(receipt_pdf(petition, receipt.access_key, paper)).decode("ascii")
            for paper in FORMATS
        },
    }
    url = status_url(petition)
    response = render(
        request,
        "cases/record_receipt.html",
        {
            "petition": petition,
            "access_key": receipt.access_key,
            "status_url": url,
            "qr": segno.make(url, error="m").svg_data_uri(scale=4),
            "received_at": timezone.localtime(petition.received_at, calendar.LEGAL_TZ),
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def receipt_download(request: HttpRequest, code: str, paper: str) -> HttpResponse:
    """The receipt PDF rendered when the petition was recorded, from this officer's session."""
    _officer(request)
    stored = request.session.get(SESSION_KEY) or {}
    if paper not in FORMATS or stored.get("code") != code:
        raise Http404(_("Biên nhận này không còn: mã bí mật chỉ in được ngay khi ghi nhận đơn."))
    response = HttpResponse(base64.b64decode(stored[paper]), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-nhan-{code}-{paper}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
