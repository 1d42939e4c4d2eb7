from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from workflows.models import CaseEvent, HumanTask, ProcessBinding, ProcessVersion, WorkflowInstance


class ReadOnlyAdmin(admin.ModelAdmin):
    """Engine records change only through the engine's services; the admin shows them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProcessVersion)
class ProcessVersionAdmin(ReadOnlyAdmin):
    list_display = ["process_key", "number", "name", "effective_from", "published_by", "published_at"]
    list_filter = ["process_key"]
    search_fields = ["process_key", "name", "sha256"]
    exclude = ["spec"]


@admin.register(ProcessBinding)
class ProcessBindingAdmin(SimpleHistoryAdmin):  # each change kept with who and when (history/)
    list_display = ["subject_type", "process_key"]


class HumanTaskInline(admin.TabularInline):
    model = HumanTask
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "title",
        "role",
        "unit",
        "assignee",
        "claimed_by",
        "due_at",
        "created_at",
        "completed_at",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "actor", "kind", "summary", "public_text")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WorkflowInstance)
class WorkflowInstanceAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "subject_type", "unit", "status", "process_version", "updated_at"]
    list_filter = ["status", "subject_type", "process_version__process_key"]
    search_fields = ["reference", "title"]
    inlines = [HumanTaskInline, CaseEventInline]


@admin.register(HumanTask)
class HumanTaskAdmin(ReadOnlyAdmin):
    list_display = ["title", "instance", "role", "unit", "assignee", "claimed_by", "due_at"]
    list_filter = ["role", "element_id"]
    search_fields = ["instance__reference", "title"]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "instance", "actor", "kind", "summary"]
    list_filter = ["kind"]
    search_fields = ["instance__reference", "summary"]
