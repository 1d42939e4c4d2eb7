from django.contrib import admin

from channels.models import Draft, DraftAttachment, InboundEvent


@admin.register(InboundEvent)
class InboundEventAdmin(admin.ModelAdmin):
    """What each channel delivered and what became of it (draft, case message, ignored, rejected: with the note)."""

    list_display = ["received_at", "channel", "external_id", "outcome", "note", "attempts", "handled_at"]
    list_filter = ["channel", "outcome"]
    search_fields = ["external_id", "message_id"]
    readonly_fields = [field.name for field in InboundEvent._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


class DraftAttachmentInline(admin.TabularInline):
    model = DraftAttachment
    extra = 0
    readonly_fields = ["name", "content_type", "size", "file"]


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    list_display = ["received_at", "channel", "sender_address", "subject", "status", "unit"]
    list_filter = ["status", "channel"]
    readonly_fields = ["message_ids", "petition", "decided_by", "decided_at"]
    inlines = [DraftAttachmentInline]
