"""Admin for legal staff: the document forms (a used version is read-only: a change is a new version), how each
unit heads and signs its documents; the documents and the registers, read-only (they move only through
`documents.services`)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from documents.models import Document, DocumentForm, Issuer, RegisterCounter
from documents.placeholders import FILTERS, PLACEHOLDERS
from workflows.admin import ReadOnlyAdmin


@admin.register(DocumentForm)
class DocumentFormAdmin(SimpleHistoryAdmin):  # each change kept with who and when (history/)
    list_display = ("kind", "title", "symbol", "effective_from", "citation")
    list_filter = ("kind", "effective_from")
    search_fields = ("title", "body", "citation")
    ordering = ("kind", "-effective_from")
    readonly_fields = ("placeholders", "created_at")
    fieldsets = (
        (None, {"fields": ("kind", "title", "symbol", "register", "citation", "effective_from", "note")}),
        (_("Nội dung"), {"fields": ("body", "placeholders")}),
        (None, {"fields": ("created_at",)}),
    )

    @admin.display(description=_("chỗ điền được dùng"))
    def placeholders(self, obj: DocumentForm | None = None) -> SafeString:
        rows = format_html_join(
            "", "<li><code>{{{{ {} }}}}</code> — {}</li>", ((k, v) for k, v in PLACEHOLDERS.items())
        )
        filters = ", ".join(sorted(FILTERS))
        return format_html(
            "<ul>{}</ul><p>{}: {}; {}: if / elif / else / endif</p>", rows, _("Bộ lọc"), filters, _("thẻ")
        )

    def get_readonly_fields(self, request: HttpRequest, obj: DocumentForm | None = None) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.used:
            # A document was drafted from it: it is the evidence of what was sent. Add a new version instead.
            return readonly + DocumentForm.FROZEN_FIELDS
        return readonly

    def has_delete_permission(self, request: HttpRequest, obj: DocumentForm | None = None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.used)


@admin.register(Issuer)
class IssuerAdmin(admin.ModelAdmin):
    list_display = ("unit", "name", "abbreviation", "place", "signer_title")
    search_fields = ("name", "unit__name")


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ("petition", "kind", "number_and_symbol", "unit", "state", "issued_on")
    list_filter = ("kind", "state", "year")
    search_fields = ("petition__tracking_code", "symbol")
    exclude = ("values",)


@admin.register(RegisterCounter)
class RegisterCounterAdmin(ReadOnlyAdmin):
    list_display = ("unit", "year", "register", "last_number")
    list_filter = ("year", "register")
