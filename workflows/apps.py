from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


def _deadline_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A Deadline row deleted outside the engine (the admin, a data fix): its case's tasks read their legal clock
    again (`services.refresh_legal_clock`)."""
    from workflows.services import refresh_legal_clock

    refresh_legal_clock(instance.instance_id)


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Quy trình")

    def ready(self) -> None:
        post_delete.connect(_deadline_deleted, sender="workflows.Deadline", dispatch_uid="workflows.legal_clock")
