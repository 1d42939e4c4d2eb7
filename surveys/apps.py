from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Khảo sát")

    def ready(self) -> None:
        # Registers the service-task handlers, and the survey's subject adapter with the engine (its pages, and the
        # step hook that sets the period's clocks).
        from surveys import handlers, mypage, selectors, services  # noqa: F401
        from surveys.models import SUBJECT_TYPE
        from workflows import subjects

        subjects.register(
            SUBJECT_TYPE,
            subjects.SubjectAdapter(
                work_url=selectors.task_work_url,
                case_url=selectors.task_work_url,
                step_hooks=(services.schedule_period,),
                kind_label=lambda _subject_type: str(SurveysConfig.verbose_name),
                fired_timers_stay_due=False,  # the close timer ends the period: the steps after it are not late
            ),
        )
        mypage.register()  # "my survey answers" on a signed-in citizen's My page
