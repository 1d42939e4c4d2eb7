from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from consultation.models import BlockedTerm, Comment, Consultation, DispositionChange


@admin.register(BlockedTerm)
class BlockedTermAdmin(admin.ModelAdmin):
    """The moderation word list: a comment containing an active term is held for a moderator, never rejected by it."""

    list_display = ["term", "reason", "is_active", "note"]
    list_filter = ["reason", "is_active"]
    search_fields = ["term"]


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    """Consultations move only through their process and services; the admin shows them."""

    list_display = ["reference", "title", "unit", "opens_on", "closes_on", "stage"]
    list_filter = ["stage", "kind"]
    search_fields = ["reference", "title"]
    readonly_fields = [field.name for field in Consultation._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """Comments are never deleted: a rejected one is kept with its reason."""

    list_display = ["__str__", "status", "commenter_kind", "disposition", "created_at"]
    list_filter = ["status", "commenter_kind", "disposition", "rejection_reason"]
    search_fields = ["text"]
    readonly_fields = [field.name for field in Comment._meta.fields]
    exclude = ["access_key_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DispositionChange)
class DispositionChangeAdmin(admin.ModelAdmin):
    """The trail of dispositions: read only, like the case events."""

    list_display = ["comment", "changed_at", "changed_by", "old_disposition", "new_disposition"]
    list_filter = ["new_disposition"]
    readonly_fields = [field.name for field in DispositionChange._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
