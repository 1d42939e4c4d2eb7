"""Admin pages of citizens' accounts: no code, no code hash, no destination hash is shown."""

from __future__ import annotations

from django.contrib import admin

from citizens.models import AuditEntry, Citizen, CitizenComment, CitizenPetition


class PetitionLinkInline(admin.TabularInline):
    model = CitizenPetition
    extra = 0
    fields = ("petition", "how", "linked_at")
    readonly_fields = fields
    can_delete = False


class CommentLinkInline(admin.TabularInline):
    model = CitizenComment
    extra = 0
    fields = ("comment", "how", "linked_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Citizen)
class CitizenAdmin(admin.ModelAdmin):
    list_display = ("__str__", "display_name", "created_at", "last_sign_in_at", "closed_at")
    list_filter = ("closed_at",)
    search_fields = ("display_name", "email", "phone")
    readonly_fields = ("oidc_issuer", "oidc_subject", "created_at", "last_sign_in_at", "closed_at")
    fields = (
        "display_name",
        "email",
        "phone",
        "preferred_channel",
        "language",
        "oidc_issuer",
        "oidc_subject",
        "created_at",
        "last_sign_in_at",
        "closed_at",
    )
    inlines = [PetitionLinkInline, CommentLinkInline]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("citizen_number", "action", "detail", "at")
    list_filter = ("action",)
    readonly_fields = ("citizen_number", "action", "detail", "at")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
