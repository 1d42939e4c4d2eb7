from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    """The workers' heartbeats, as /healthz reads them: written by the workers only."""

    list_display = ("worker", "instance", "last_seen")
    ordering = ("worker", "-last_seen")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
