from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "consultation"
    verbose_name = _("Lấy ý kiến dự thảo")

    def ready(self) -> None:
        # Registers the service-task handlers, and the consultation's subject adapter with the engine (its pages,
        # and the step hook that sets the window's clocks).
        from consultation import handlers, services  # noqa: F401
        from consultation.models import SUBJECT_TYPE
        from consultation.selectors import task_work_url, work_case_url
        from workflows import subjects

        subjects.register(
            SUBJECT_TYPE,
            subjects.SubjectAdapter(
                work_url=task_work_url,
                case_url=work_case_url,
                step_hooks=(services.schedule_window,),
                kind_label=lambda _subject_type: str(ConsultationConfig.verbose_name),
                fired_timers_stay_due=False,  # the close timer ends the window: the steps after it are not late
            ),
        )
