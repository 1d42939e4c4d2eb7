from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from workflows.subjects import ClockChange


def check_clock_change(change: "ClockChange") -> None:
    """The petitions' check of a clock change: a complaint's (Art. 11a decisions), then a denunciation's."""
    from cases import complaints, denunciations

    complaints.check_clock_change(change)
    denunciations.check_clock_change(change)


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Đơn thư")

    def ready(self) -> None:
        from cases import (
            complaint_steps,  # registers the complaint and reception handlers of the July 2026 processes
            denunciation_handlers,  # noqa: F401 - registers the denunciation process's own handlers
            denunciations,
            handlers,  # noqa: F401 - registers the petition service-task handlers
            notices,
            outcomes,
            reflections,
            selectors,
        )
        from cases.models import APPEAL_SUBJECT, RECEPTION_SUBJECT, PetitionType
        from documents.steps import draft_from_step, slip_for_transfer
        from workflows import subjects

        # Every process a petition runs (`services.process_subject`): its pages, and its legal period that runs
        # out stays its clock until it is answered.
        subjects.register(
            [*PetitionType.values, APPEAL_SUBJECT, RECEPTION_SUBJECT],
            subjects.SubjectAdapter(
                work_url=selectors.task_work_url,
                case_url=selectors.task_case_url,
                may_see=selectors.may_see_task,
                task_context=selectors.task_context,
                fired_timers_stay_due=True,
                written_hooks=(outcomes.keep_outcome, slip_for_transfer),
                related=("instance__petition",),
                kind_label=lambda subject_type: str(dict(PetitionType.choices).get(subject_type, subject_type)),
                bulk_url=lambda: reverse("cases:bulk"),
                # The petitioner hears of every change of their due date (suspension, resumption, extension).
                # The documents its steps produce (notices, decisions, conclusions, answers: `documents.steps`).
                # A complaint in a remote area gets the remote-area periods (`complaint_steps`), a reflection not on
                # administrative regulations the province's period (`reflections`), before the others see them.
                step_hooks=(
                    complaint_steps.apply_remote_periods,
                    reflections.apply_regulation_rule,
                    notices.notify_clock_change,
                    draft_from_step,
                ),
                # A denunciation's extensions follow its complexity, and each clock decision is a written one
                # sent to both parties (Law on Denunciations, Arts. 30, 34); a complaint's clock stops and restarts
                # only by its Art. 11a decisions (`complaints`); other petitions pass through.
                check_clock_change=check_clock_change,
                clock_hooks=(denunciations.clock_changed,),
            ),
        )
