"""Admin for legal staff: deadline rule versions and the official day swaps."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from deadlines import calendar
from deadlines.models import DaySwap, DeadlineRule


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
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name_vi",
        "limit",
        "extensions",
        "effective_from",
        "in_force",
        "short_citation",
    )
    list_display_links = ("code", "name_vi")
    list_filter = (VersionStatusFilter, "day_kind", "effective_from")
    search_fields = ("code", "name_vi", "name_en", "citation")
    ordering = ("code", "-effective_from")
    date_hierarchy = "effective_from"
    readonly_fields = ("versions", "new_version_link", "created_at")
    fieldsets = (
        (None, {"fields": ("code", "name_vi", "name_en", "citation")}),
        (_("Thời hạn"), {"fields": ("day_kind", "days", "max_extensions", "extension_days", "remind_before_days")}),
        (_("Hiệu lực"), {"fields": ("effective_from", "new_version_link", "versions", "created_at")}),
    )

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
            )
        }
        url = reverse("admin:deadlines_deadlinerule_add") + "?" + urlencode(initial)
        return format_html('<a href="{}">{}</a>', url, _("Tạo phiên bản mới từ phiên bản này"))


@admin.register(DaySwap)
class DaySwapAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "kind", "reason", "legal_basis", "updated_at")
    list_filter = ("kind", "date")
    search_fields = ("reason", "legal_basis")
    date_hierarchy = "date"
    ordering = ("-date",)
    readonly_fields = ("created_at", "updated_at")

    @admin.display(description=_("thứ"), ordering="date")
    def weekday(self, swap: DaySwap) -> str:
        names = (_("Thứ Hai"), _("Thứ Ba"), _("Thứ Tư"), _("Thứ Năm"), _("Thứ Sáu"), _("Thứ Bảy"), _("Chủ nhật"))
        return str(names[swap.date.weekday()])
