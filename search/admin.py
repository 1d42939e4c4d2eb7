from django.contrib import admin
from django.http import HttpRequest

from search.models import OutboxEntry

COLUMNS = ("id", "kind", "object_id", "created_at", "attempts", "available_at", "last_error")


@admin.register(OutboxEntry)
class OutboxEntryAdmin(admin.ModelAdmin):
    """Changes waiting to be indexed: a long list, or rows with errors, mean the worker or the engine is down."""

    list_display = COLUMNS
    list_filter = ("kind",)
    readonly_fields = (*COLUMNS, "claimed_until", "claim")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboxEntry | None = None) -> bool:
        return False
