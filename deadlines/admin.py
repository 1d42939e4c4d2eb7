"""Admin for legal staff: deadline rule versions and the official day swaps."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from deadlines import calendar
from deadlines.models import DaySwap, DeadlineRule

MIN_YEAR, MAX_YEAR = 2000, 2100


class VersionStatusFilter(admin.SimpleListFilter):
    title = _("hiệu lực")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]) -> list[tuple[str, Any]]:
        return [
            ("current", _("đang có hiệu lực")),
            ("upcoming", _("sắp có hiệu lực")),
            ("superseded", _("đã được thay thế")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any] | None:
        today = calendar.today()
        if self.value() == "current":
            return queryset.filter(effective_from__lte=today, pk=Subquery(_current_version_pk()))
        if self.value() == "upcoming":
            return queryset.filter(effective_from__gt=today)
        if self.value() == "superseded":
            return queryset.filter(effective_from__lte=today).exclude(pk=Subquery(_current_version_pk()))
        return None


def _current_version_pk() -> QuerySet[DeadlineRule, Any]:
    """For a row of the outer query: the pk of its rule's version in force today."""
    return (
        DeadlineRule.objects.filter(code=OuterRef("code"), effective_from__lte=calendar.today())
        .order_by("-effective_from")
        .values("pk")[:1]
    )


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(SimpleHistoryAdmin):  # each change kept with who and when (history/)
    list_display = (
        "code",
        "name_vi",
        "limit",
        "extensions",
        "effective_from",
        "in_force",
        "short_citation",
        "has_note",
    )
    list_display_links = ("code", "name_vi")
    list_filter = (VersionStatusFilter, "set_by_province", "day_kind", "direction", "effective_from")
    search_fields = ("code", "name_vi", "name_en", "citation", "note")
    ordering = ("code", "-effective_from")
    date_hierarchy = "effective_from"
    readonly_fields = ("versions", "new_version_link", "created_at")
    fieldsets = (
        (None, {"fields": ("code", "name_vi", "name_en", "citation", "set_by_province", "note")}),
        (
            _("Thời hạn"),
            {
                "fields": (
                    "direction",
                    "day_kind",
                    "days",
                    "max_extensions",
                    "extension_days",
                    "remind_before_days",
                )
            },
        ),
        (_("Hiệu lực"), {"fields": ("effective_from", "new_version_link", "versions", "created_at")}),
    )

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        waiting = [
            rule
            for rule in DeadlineRule.objects.filter(set_by_province=True).order_by("code", "effective_from")
            if rule.awaits_province
        ]
        for rule in waiting:
            messages.warning(
                request,
                _(
                    "Quy tắc «%(name)s» (%(code)s, từ %(date)s) do tỉnh quy định chưa có căn cứ: hãy ghi số, ngày, "
                    "điều của quy định của tỉnh và kiểm tra thời hạn."
                )
                % {"name": rule.name_vi, "code": rule.code, "date": f"{rule.effective_from:%d/%m/%Y}"},
            )
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request: HttpRequest) -> QuerySet[DeadlineRule]:
        return super().get_queryset(request).annotate(current_version_pk=Subquery(_current_version_pk()))

    def get_readonly_fields(self, request: HttpRequest, obj: DeadlineRule | None = None) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.has_applied:
            # In force, so clocks may have started under it: a change in the law is a new version.
            return readonly + DeadlineRule.FROZEN_FIELDS
        return readonly

    def has_delete_permission(self, request: HttpRequest, obj: DeadlineRule | None = None) -> bool:
        if obj is not None and obj.has_applied:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("thời hạn"))
    def limit(self, rule: DeadlineRule) -> str:
        if rule.counts_before:
            return str(_("ít nhất %(days)s %(kind)s trước") % {"days": rule.days, "kind": rule.get_day_kind_display()})
        return f"{rule.days} {rule.get_day_kind_display()}"

    @admin.display(description=_("gia hạn"))
    def extensions(self, rule: DeadlineRule) -> str:
        if not rule.max_extensions:
            return "—"
        return f"{rule.max_extensions} × {rule.extension_days}"

    @admin.display(description=_("đang có hiệu lực"), boolean=True)
    def in_force(self, rule: DeadlineRule) -> bool:
        return rule.pk == getattr(rule, "current_version_pk", None)

    @admin.display(description=_("căn cứ pháp lý"))
    def short_citation(self, rule: DeadlineRule) -> str:
        return rule.citation if len(rule.citation) <= 80 else rule.citation[:79] + "…"

    @admin.display(description=_("có ghi chú"), boolean=True)
    def has_note(self, rule: DeadlineRule) -> bool:
        return bool(rule.note)

    @admin.display(description=_("các phiên bản"))
    def versions(self, rule: DeadlineRule) -> SafeString | str:
        if rule.pk is None:
            return "—"
        rows = (
            (
                reverse("admin:deadlines_deadlinerule_change", args=[version.pk]),
                version.effective_from.isoformat(),
                f"{version.days} {version.get_day_kind_display()}",
                "✓" if version.pk == rule.pk else "",
            )
            for version in DeadlineRule.objects.filter(code=rule.code).order_by("-effective_from")
        )
        items = format_html_join("", '<li><a href="{}">{}</a>: {} {}</li>', rows)
        return format_html("<ul>{}</ul>", items)

    @admin.display(description=_("phiên bản mới"))
    def new_version_link(self, rule: DeadlineRule) -> SafeString | str:
        if rule.pk is None:
            return "—"
        initial = {
            name: getattr(rule, name)
            for name in (
                "code",
                "name_vi",
                "name_en",
                "citation",
                "day_kind",
                "days",
                "max_extensions",
                "extension_days",
                "remind_before_days",
                "direction",
                "set_by_province",
                "note",
            )
        }
        url = reverse("admin:deadlines_deadlinerule_add") + "?" + urlencode(initial)
        return format_html('<a href="{}">{}</a>', url, _("Tạo phiên bản mới từ phiên bản này"))


@admin.register(DaySwap)
class DaySwapAdmin(SimpleHistoryAdmin):  # each change kept with who and when (history/)
    list_display = ("date", "weekday", "kind", "reason", "legal_basis", "updated_at")
    list_filter = ("kind", "date")
    search_fields = ("reason", "legal_basis")
    date_hierarchy = "date"
    ordering = ("-date",)
    readonly_fields = ("created_at", "updated_at")
    change_list_template = "admin/deadlines/dayswap/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        schedule = path("schedule/", self.admin_site.admin_view(self.schedule_view), name="deadlines_dayswap_schedule")
        return [schedule, *super().get_urls()]

    def schedule_view(self, request: HttpRequest) -> HttpResponse:
        """A year's official schedule: the package's holidays, the day swaps, the make-up days and the result."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        this_year = calendar.today().year
        raw = request.GET.get("year", "")
        error = ""
        year = this_year
        if raw:
            if raw.isascii() and raw.isdigit() and MIN_YEAR <= int(raw) <= MAX_YEAR:
                year = int(raw)
            else:
                error = _("Năm «%(year)s» không hợp lệ: hãy nhập một năm từ %(min)s đến %(max)s.") % {
                    "year": raw,
                    "min": MIN_YEAR,
                    "max": MAX_YEAR,
                }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Lịch nghỉ lễ và làm việc chính thức năm %(year)s") % {"year": year},
            "schedule": calendar.year_schedule(year),
            "year": year,
            "years": range(this_year - 1, this_year + 3),
            "error": error,
        }
        return TemplateResponse(request, "admin/deadlines/dayswap/schedule.html", context, status=400 if error else 200)

    @admin.display(description=_("thứ"), ordering="date")
    def weekday(self, swap: DaySwap) -> str:
        return weekday_name(swap.date)


def weekday_name(day: datetime.date) -> str:
    names = (_("Thứ Hai"), _("Thứ Ba"), _("Thứ Tư"), _("Thứ Năm"), _("Thứ Sáu"), _("Thứ Bảy"), _("Chủ nhật"))
    return str(names[day.weekday()])
