from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "consultation"
    verbose_name = _("Lấy ý kiến dự thảo")

    def ready(self) -> None:
        # Registers the service-task handlers, and the engine's step hook that sets the window's clocks.
        from consultation import handlers, services  # noqa: F401
        from consultation.models import SUBJECT_TYPE
        from workflows.hooks import register_step_hook

        register_step_hook(SUBJECT_TYPE, services.schedule_window)
