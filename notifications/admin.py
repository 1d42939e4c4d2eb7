from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from notifications.models import Message, MessageState


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The outbox, read-only: rows move only through the worker. A failed row can be queued again (action)."""

    list_display = ["pk", "kind", "reference", "state", "adapter", "attempts", "next_attempt_at", "created_at"]
    list_filter = ["state", "kind", "adapter"]
    search_fields = ["reference", "idempotency_key", "provider_message_id"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    # A denouncer's address and the texts are not shown here: the chain's adapters, the state and the errors are.
    fields = readonly_fields = (
        "idempotency_key",
        "kind",
        "reference",
        "content_type",
        "object_id",
        "chain",
        "address_index",
        "language",
        "subject",
        "state",
        "attempts",
        "address_attempts",
        "next_attempt_at",
        "adapter",
        "provider_message_id",
        "last_error",
        "given_up",
        "created_at",
        "sent_at",
    )

    @admin.display(description=gettext_lazy("chuỗi kênh"))
    def chain(self, obj: Message) -> str:
        return " → ".join(obj.adapters)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Gửi lại (từ địa chỉ đầu tiên)"))
    def send_again(self, request: HttpRequest, queryset: Any) -> None:
        count = queryset.filter(state=MessageState.FAILED).update(
            state=MessageState.PENDING, address_index=0, address_attempts=0, given_up=[], next_attempt_at=timezone.now()
        )
        self.message_user(request, gettext("Đã xếp lại %(count)s thông báo để gửi") % {"count": count})
