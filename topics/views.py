"""Pages: a petition's topic confirmed or corrected from the task page, and the leaders' insight page."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from rest_framework import serializers

from cases import selectors as case_selectors
from core.site import safe_next
from topics import insight as insight_selectors
from topics import services
from topics.models import Topic


@login_required
@require_POST
def set_topic(request: HttpRequest, pk: int) -> HttpResponse:
    """The task page's topic form: confirm the suggestion or choose another topic. A refused choice shows the
    form again with the reason next to it (400), or the refusal (403); nothing is changed then."""
    petition = get_object_or_404(case_selectors.visible_petitions(request.user), pk=pk)
    user = request.user
    assert isinstance(user, User)
    code = request.POST.get("topic", "")
    try:
        updated: Any = services.set_topic(petition_id=petition.pk, user=user, code=code)
    except services.TopicError as error:
        context = {"petition": petition, "errors": error.errors, "topics": Topic.objects.filter(active=True)}
        context["next"] = safe_next(request, reverse("cases:case", args=[petition.pk]))
        return render(request, "topics/topic_form.html", context, status=400)
    except PermissionDenied as error:
        context = {"petition": petition, "errors": {"topic": str(error)}, "topics": [], "refused": True}
        return render(request, "topics/topic_form.html", context, status=403)
    messages.success(request, _("Đã ghi lĩnh vực: %(topic)s") % {"topic": updated.topic.label})
    return redirect(safe_next(request, reverse("cases:case", args=[petition.pk])))


class InsightQuerySerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    unit = serializers.SlugField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        today = timezone.localdate()
        attrs.setdefault("date_to", today)
        # Twelve months by default, whole months: the month of date_to and the eleven before it.
        attrs.setdefault(
            "date_from", insight_selectors.add_months(insight_selectors.month_start(attrs["date_to"]), -11)
        )
        if attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_from": _("Phải trước date_to")})
        if (attrs["date_to"] - attrs["date_from"]).days > 3 * 366:
            raise serializers.ValidationError({"date_from": _("Chọn khoảng thời gian không quá ba năm.")})
        return attrs


def _drill(filters: dict[str, Any], **narrowed: Any) -> str:
    params = {
        "date_from": filters["date_from"].isoformat(),
        "date_to": filters["date_to"].isoformat(),
        "unit": filters.get("unit") or "",
        **narrowed,
    }
    return reverse("cases:leaders-cases") + "?" + urlencode({k: v for k, v in params.items() if v})


def _cells(base: str, counts: list[int], topics: list[Topic], commune: str | None) -> SafeString:
    """`<td>` cells of counts, each non-zero one a link to its petitions (`base` narrowed to the topic and
    commune). Counts are integers and codes are escaped, so the HTML is safe."""
    place = f"&commune={quote(commune)}" if commune else ""
    parts = []
    for topic, count in zip(topics, counts, strict=True):
        if count:
            url = escape(f"{base}&topic={quote(topic.code)}{place}")
            parts.append(f'<td><a href="{url}">{int(count)}</a></td>')
        else:
            parts.append("<td>0</td>")
    return mark_safe("".join(parts))  # noqa: S308 - integers and escaped URLs only


@login_required
@require_GET
def insight(request: HttpRequest) -> HttpResponse:
    """Leaders: what people ask about, by topic, commune and month; the rising topics; the units with the most
    overdue cases; ratings where collected. Every figure links to the petitions behind it."""
    units = case_selectors.led_units(request.user)
    if not units.exists():
        raise PermissionDenied(_("Chỉ lãnh đạo đơn vị xem được số liệu"))
    query = InsightQuerySerializer(data=request.GET)
    if not query.is_valid():
        invalid: dict[str, Any] = {"errors": query.errors, "filters": request.GET, "units": units, "result": None}
        return render(request, "topics/insight.html", invalid, status=400)
    filters = dict(query.validated_data)
    if filters.get("unit"):
        unit = units.filter(code=filters["unit"]).first()
        if unit is None:
            context: dict[str, Any] = {
                "errors": {"unit": [_("Không phải đơn vị bạn lãnh đạo")]},
                "filters": request.GET,
                "units": units,
                "result": None,
            }
            return render(request, "topics/insight.html", context, status=400)
        scoped = units.filter(path__startswith=unit.path)
    else:
        scoped = units
    result = insight_selectors.insight(units=scoped, date_from=filters["date_from"], date_to=filters["date_to"])
    current = result.current_month
    month_first = max(current, filters["date_from"])
    month_last = min(insight_selectors.add_months(current, 1) - datetime.timedelta(days=1), filters["date_to"])
    topic_links = [
        (topic, total, _drill(filters, topic=topic.code))
        for topic, total in zip(result.topics, result.topic_totals, strict=True)
    ]
    # A cell per commune and topic (about 2,000 for a province): each cell's HTML is made here, not by the
    # template engine, which would take most of the page's time for them.
    base = _drill(filters)
    commune_rows = [
        (row, f"{base}&commune={quote(row.commune.code)}", _cells(base, row.counts, result.topics, row.commune.code))
        for row in result.communes
    ]
    month_rows = [
        (
            insight_selectors.month_label(month),
            _cells(
                f"{base}&month={insight_selectors.month_label(month)}",
                [result.by_topic_month.get((topic.pk, month), 0) for topic in result.topics],
                result.topics,
                None,
            ),
        )
        for month in result.months
    ]
    rising = [
        (
            item,
            None if item.change is None else round(item.change * 100),
            _drill(
                {**filters, "date_from": month_first, "date_to": month_last},
                topic=item.topic.code,
            ),
        )
        for item in result.rising
    ]

    def unit_drill(code: str, bucket: str) -> str:
        params = {
            "date_from": filters["date_from"].isoformat(),
            "date_to": filters["date_to"].isoformat(),
            "unit": code,
            "exact_unit": "1",
            "bucket": bucket,
        }
        return reverse("cases:leaders-cases") + "?" + urlencode(params)

    overdue = [
        (item, unit_drill(item.code, "overdue"), unit_drill(item.code, "very_overdue")) for item in result.overdue_units
    ]
    return render(
        request,
        "topics/insight.html",
        {
            "result": result,
            "filters": filters,
            "units": units,
            "topic_links": topic_links,
            "commune_rows": commune_rows,
            "month_rows": month_rows,
            "rising": rising,
            "overdue": overdue,
            "current_month": insight_selectors.month_label(current),
            "chart": insight_selectors.chart_data(result),
            "leaders_url": reverse("cases:leaders"),
        },
    )
