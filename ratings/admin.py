from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ratings.models import Desk


@admin.register(Desk)
class DeskAdmin(admin.ModelAdmin):
    """Desks and counters; each has its printed QR code and its screen token page. Ratings themselves are never
    listed one by one (leaders read them aggregated at /leaders/ratings/)."""

    list_display = ("name", "unit", "kind", "active", "links")
    list_filter = ("kind", "active")
    search_fields = ("name", "unit__name")
    autocomplete_fields = ("unit",)

    @admin.display(description=_("Mã QR, màn hình"))
    def links(self, desk: Desk) -> str:
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("ratings:desk-card", args=[desk.pk]),
            _("In mã QR (A6)"),
            reverse("ratings:desk-token", args=[desk.pk]),
            _("Mã đánh giá trên màn hình"),
        )
