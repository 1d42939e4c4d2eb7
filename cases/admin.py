from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cases.models import Attachment, Petition


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    can_delete = False
    readonly_fields = ["original_name", "content_type", "size"]
    exclude = ["file"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin):
    """Petitions move only through their process; the admin corrects nothing that the engine owns."""

    list_display = ["tracking_code", "title", "petition_type", "channel", "status", "commune", "received_at"]
    list_filter = ["petition_type", "channel", "status"]
    search_fields = ["tracking_code", "title"]
    date_hierarchy = "received_at"
    inlines = [AttachmentInline]
    readonly_fields = [
        "tracking_code",
        "petition_type",
        "channel",
        "status",
        "answer",
        "answered_at",
        "answered_by",
        "published_at",
        "received_at",
        "workflow",
    ]
    exclude = ["access_key_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
