"""Pages: the public map and its data, the leaders' map, open data downloads, e-mail alerts."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases import selectors as case_selectors
from cases.models import PetitionStatus
from core.throttles import CountingThrottle
from organisation.models import Unit
from places import alerts, open_data
from places.selectors import (
    FilterError,
    commune_counts,
    commune_points,
    map_config,
    map_data,
    parse_filters,
    public_petitions,
    public_type_choices,
)
from topics.models import Topic

LIST_ROWS = 50


def _filter_choices() -> dict[str, Any]:
    return {
        "types": public_type_choices(),
        "statuses": [(value, str(label)) for value, label in PetitionStatus.choices],
        "topics": list(Topic.objects.filter(active=True)),
    }


@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    """The public map of published petitions; below it (and without JavaScript, instead of it) the same as lists."""
    try:
        filters = parse_filters(request.GET)
    except FilterError as error:
        context = {"errors": error.errors, "values": request.GET, "communes": [], "petitions": [], **_filter_choices()}
        return render(request, "places/map.html", context, status=400)
    petitions = filters.apply(public_petitions())
    latest = list(
        petitions.select_related("commune")
        .only(
            "tracking_code",
            "title",
            "petition_type",
            "status",
            "published_at",
            "commune__name",
            "petitioner_name",  # read only to be redacted
            "petitioner_phone",
            "petitioner_email",
        )
        .order_by("-published_at")[:LIST_ROWS]
    )
    query = {
        k: v for k, v in (("type", filters.petition_type), ("status", filters.status), ("topic", filters.topic)) if v
    }
    context = {
        "values": request.GET,
        "errors": {},
        "communes": commune_counts(petitions),
        "all_communes": commune_points(),
        "petitions": [{"petition": p, "title": p.public_text(p.title)} for p in latest],
        "config": map_config(dataUrl=reverse("map-data"), query=query, mode="public"),
        "labels": {
            "petitions": _("đơn"),
            "list": _("Xem các đơn ở đây"),
            "zoomIn": _("phóng to để xem từng đơn"),
            "truncated": _("chỉ hiện các đơn mới nhất, hãy phóng to thêm"),
        },
        **_filter_choices(),
    }
    return render(request, "places/map.html", context)


@require_GET
def map_data_view(request: HttpRequest) -> JsonResponse:
    """`/map/data.json?type=&status=&topic=&bbox=south,west,north,east&zoom=`: counts per commune when zoomed out,
    at most MAP_MAX_POINTS petitions when zoomed in (see `places.selectors.map_data`)."""
    try:
        filters = parse_filters(request.GET)
    except FilterError as error:
        return JsonResponse({"errors": error.errors}, status=400)
    response = JsonResponse(map_data(filters))
    patch_cache_control(response, public=True, max_age=60)
    return response


@login_required
@require_GET
def leaders_map(request: HttpRequest) -> HttpResponse:
    """Leaders: every case their units handle, received in the period, counted per commune; each count links to
    the drill-down of the leaders' page (`/leaders/cases/?commune=…`)."""
    units = case_selectors.led_units(request.user)
    if not units.exists():
        raise PermissionDenied(_("Chỉ lãnh đạo đơn vị xem được số liệu"))
    today = timezone.localdate()
    try:
        date_to = datetime.date.fromisoformat(request.GET["date_to"]) if request.GET.get("date_to") else today
        date_from = (
            datetime.date.fromisoformat(request.GET["date_from"])
            if request.GET.get("date_from")
            else date_to - datetime.timedelta(days=89)
        )
    except ValueError:
        return render(
            request,
            "places/leaders_map.html",
            {"errors": {"date_from": _("Ngày không hợp lệ (YYYY-MM-DD)")}},
            status=400,
        )
    petitions = case_selectors.bucket_petitions(units=units, date_from=date_from, date_to=date_to)
    communes = commune_counts(petitions)
    period = {"date_from": date_from.isoformat(), "date_to": date_to.isoformat()}
    for commune in communes:
        commune["url"] = reverse("cases:leaders-cases") + "?" + urlencode({**period, "commune": commune["code"]})
    context = {
        "communes": communes,
        "total": sum(c["count"] for c in communes),
        "period": period,
        "errors": {},
        "config": map_config(communes=communes, mode="leaders"),
        "all_communes": commune_points(),
        "labels": {"cases": _("hồ sơ"), "open": _("Xem danh sách hồ sơ")},
    }
    return render(request, "places/leaders_map.html", context)


@require_GET
def open_data_page(request: HttpRequest) -> HttpResponse:
    files = []
    for dataset in open_data.DATASETS:
        for fmt in open_data.FORMATS:
            name = open_data.path_of(dataset.slug, fmt)
            built = default_storage.get_modified_time(name) if default_storage.exists(name) else None
            files.append({"dataset": dataset, "fmt": fmt, "built": built})
    context = {
        "datasets": open_data.DATASETS,
        "files": files,
        "licence": settings.OPEN_DATA_LICENCE,
        "licence_url": settings.OPEN_DATA_LICENCE_URL,
        "communes": Unit.objects.filter(is_commune=True).order_by("name"),
        "topics": Topic.objects.filter(active=True),
    }
    return render(request, "places/open_data.html", context)


@require_GET
def open_data_file(request: HttpRequest, slug: str, fmt: str) -> FileResponse:
    if slug not in open_data.BY_SLUG or fmt not in open_data.FORMATS:
        raise Http404
    name = open_data.ensure_built(slug, fmt)
    response = FileResponse(
        default_storage.open(name, "rb"),
        content_type=open_data.FORMATS[fmt],
        as_attachment=True,
        filename=f"{slug}.{fmt}",
    )
    patch_cache_control(response, public=True, max_age=3600)
    return response


class SubscribeThrottle(CountingThrottle):
    scope = "public_subscribe"


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    """A citizen subscribes an e-mail address to new published answers of a commune or a topic (double opt-in)."""
    context: dict[str, Any] = {
        "communes": Unit.objects.filter(is_commune=True).order_by("name"),
        "topics": Topic.objects.filter(active=True),
        "values": {"commune": request.GET.get("commune", ""), "topic": request.GET.get("topic", "")},
        "errors": {},
    }
    if request.method == "GET":
        return render(request, "places/subscribe.html", context)
    context["values"] = {key: request.POST.get(key, "") for key in ("commune", "topic")}  # never the address back
    if not SubscribeThrottle().allow_request(request, None):
        context["errors"] = {"form": _("Bạn gửi quá nhiều yêu cầu, vui lòng thử lại sau.")}
        return render(request, "places/subscribe.html", context, status=429)
    errors: dict[str, str] = {}
    email = request.POST.get("email", "").strip()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Địa chỉ thư điện tử không hợp lệ.")
    commune = topic = None
    commune_code, topic_code = request.POST.get("commune", "").strip(), request.POST.get("topic", "").strip()
    if commune_code and topic_code:
        errors["commune"] = _("Chọn một xã/phường hoặc một lĩnh vực, không chọn cả hai.")
    elif commune_code:
        commune = Unit.objects.filter(code=commune_code, is_commune=True).first()
        if commune is None:
            errors["commune"] = _("Xã/phường không tồn tại.")
    elif topic_code:
        topic = Topic.objects.filter(code=topic_code, active=True).first()
        if topic is None:
            errors["topic"] = _("Lĩnh vực không tồn tại.")
    else:
        errors["commune"] = _("Chọn một xã/phường hoặc một lĩnh vực.")
    if errors:
        context["errors"] = errors
        return render(request, "places/subscribe.html", context, status=400)
    alerts.do_subscribe(email=email, commune=commune, topic=topic, language=translation.get_language() or "vi")
    return render(request, "places/subscribe_sent.html", {})


@require_http_methods(["GET", "POST"])
def subscription_confirm(request: HttpRequest, signed: str) -> HttpResponse:
    """GET shows a button (mail scanners that open links confirm nothing); POST confirms."""
    if request.method == "GET":
        return render(request, "places/subscription_confirm.html", {"signed": signed})
    subscription = alerts.do_confirm(signed)
    if subscription is None:
        return render(request, "places/subscription_invalid.html", {}, status=400)
    return render(request, "places/subscription_confirmed.html", {"what": alerts.subject_of(subscription)})


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, signed: str) -> HttpResponse:
    """One click: the link in every alert deletes the subscription (POST too, for mail clients' unsubscribe)."""
    done = alerts.do_unsubscribe(signed)
    return render(request, "places/unsubscribed.html", {"done": done}, status=200 if done else 400)
