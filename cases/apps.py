from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Đơn thư")

    def ready(self) -> None:
        from cases import handlers  # noqa: F401 - registers the petition service-task handlers
