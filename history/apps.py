from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HistoryConfig(AppConfig):
    """Every change to the settings officials rely on (units and roles, deadline rules and day swaps, process
    bindings, answer and document templates, Open311 API keys), kept with who and when (django-simple-history).
    The historical tables live in this app, so the apps they watch keep their own models and migrations."""

    name = "history"
    verbose_name = _("Lịch sử thay đổi")
