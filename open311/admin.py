from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from open311 import services
from open311.models import ApiKey, Open311Request


@admin.register(ApiKey)
class ApiKeyAdmin(SimpleHistoryAdmin):  # each change kept with who and when (history/)
    """Administrators issue a key to a third-party app (shown once, on the page after it is issued) and revoke it.
    `active` off suspends a key; revoking ends it for good. Keys are never deleted: their requests name them."""

    list_display = ["name", "key_prefix", "owner_contact", "active", "created_at", "revoked_at"]
    list_filter = ["active"]
    search_fields = ["name", "owner_contact", "key_prefix"]
    actions = ["revoke"]
    fields = ["name", "owner_contact", "active", "key_prefix", "created_at", "created_by", "revoked_at", "revoked_by"]
    readonly_fields = ["key_prefix", "created_at", "created_by", "revoked_at", "revoked_by"]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> Any:
        if obj is None or obj.revoked_at is not None:  # a new key starts active; a revoked one stays revoked
            return [*self.readonly_fields, "active"]
        return self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            obj.save()
            return
        user = request.user if isinstance(request.user, User) else None
        issued = services.issue_api_key(name=obj.name, owner_contact=obj.owner_contact, issued_by=user)
        obj.pk = issued.api_key.pk
        obj.refresh_from_db()
        request._open311_issued_key = issued.raw  # type: ignore[attr-defined]  # shown once by response_add

    def response_add(self, request: HttpRequest, obj: ApiKey, post_url_continue: str | None = None) -> HttpResponse:
        raw = getattr(request, "_open311_issued_key", None)
        if raw is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "api_key": obj,
            "raw_key": raw,
            "title": gettext("Khoá API đã cấp"),
        }
        response = TemplateResponse(request, "admin/open311/apikey/issued.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Thu hồi các khoá đã chọn"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        user = request.user if isinstance(request.user, User) else None
        for api_key in queryset:
            services.revoke_api_key(api_key=api_key, revoked_by=user)
        self.message_user(
            request, gettext("Đã thu hồi %(count)s khoá.") % {"count": queryset.count()}, messages.SUCCESS
        )


@admin.register(Open311Request)
class Open311RequestAdmin(admin.ModelAdmin):
    """What each app sent (read only): the petition itself is handled through its process."""

    list_display = ["token", "petition", "api_key", "created_at"]
    list_filter = ["api_key"]
    search_fields = ["petition__tracking_code", "token"]
    readonly_fields = ["token", "petition", "api_key", "device_id", "account_id", "media_url", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
