from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "consultation"
    verbose_name = _("Lấy ý kiến dự thảo")

    def ready(self) -> None:
        from consultation import handlers  # noqa: F401 - registers the consultation service-task handlers
