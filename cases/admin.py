from typing import Any

from django.contrib import admin
from django.contrib.auth.models import User
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from cases import services
from cases.models import AnswerTemplate, Attachment, OutcomeTally, Petition


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
        "outcome",
        "missed_deadline",
        "tallied_unit",
        "origin_address",
        "origin_last_message_at",
        # Set by the suggestion at intake and by the officers' confirmation (`topics.services`), which keep the
        # insight tally and the audit trail.
        "topic",
        "topic_confidence",
        "topic_evidence",
        "topic_confirmed",
        "topic_confirmed_by",
        "topic_confirmed_at",
    ]
    exclude = ["access_key_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Petition, form: Any, change: bool) -> None:
        """Every edit (a petitioner's details corrected, say) leaves a case event naming the fields, not values."""
        user = request.user
        assert isinstance(user, User)  # the admin site requires a signed-in staff user
        services.save_admin_edit(petition=obj, user=user, changed_fields=form.changed_data if change else [])


@admin.register(AnswerTemplate)
class AnswerTemplateAdmin(SimpleHistoryAdmin):  # each change kept with who and when (history/)
    """Model answers per unit and petition type; a body with an unknown placeholder is refused (`clean`)."""

    list_display = ["title", "unit", "petition_type", "active"]
    list_filter = ["petition_type", "active", "unit"]
    search_fields = ["title", "body"]


@admin.register(OutcomeTally)
class OutcomeTallyAdmin(admin.ModelAdmin):
    """The leaders' tally, kept by the engine: read-only here (`manage.py rebuild_outcome_tally` recounts it)."""

    list_display = ["received_on", "unit", "petition_type", "in_progress", "on_time", "late"]
    list_filter = ["petition_type"]
    date_hierarchy = "received_on"
    search_fields = ["unit__code", "unit__name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
