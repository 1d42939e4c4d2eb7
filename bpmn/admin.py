from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bpmn.models import ProcessAuditEntry, ProcessDraft


@admin.register(ProcessDraft)
class ProcessDraftAdmin(admin.ModelAdmin):
    """Drafts are edited in the modeler (/modeler/), where saves are checked; the admin only shows them."""

    list_display = ["process_key", "pk", "status", "author", "reviewer", "updated_at", "error_count"]
    list_filter = ["status", "process_key"]
    exclude = ["xml"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProcessAuditEntry)
class ProcessAuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "process_key", "action", "actor", "draft", "version", "note"]
    list_filter = ["action", "process_key"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
