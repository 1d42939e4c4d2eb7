"""Service-task handlers of the survey process (`bpmn/processes/survey.bpmn`).

They run inside the engine's transaction: a refusal (HandlerError) rolls the whole step back and the official
sees why.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext

from deadlines import calendar
from surveys import services
from surveys.models import Survey, SurveyState
from workflows.handlers import HandlerContext, HandlerError, register_handler


def _survey(context: HandlerContext) -> Survey:
    return Survey.objects.select_for_update().get(workflow=context.instance)


@register_handler("open_survey", "Mở khảo sát theo thời gian đã duyệt")
def open_survey(context: HandlerContext) -> None:
    survey = _survey(context)
    today = calendar.today()
    if survey.open_until < today:
        raise HandlerError(
            gettext("Không mở được: thời gian khảo sát đã kết thúc ngày %(date)s; trả lại để sửa thời gian")
            % {"date": format(survey.open_until, "%d/%m/%Y")}
        )
    survey.open_from = max(survey.open_from, today)  # citizens answer only from the day it is published
    survey.state, survey.opened_at = SurveyState.OPEN, timezone.now()
    survey.save(update_fields=["state", "opened_at", "open_from"])
    services.prepare_tallies(survey)
    context.record(
        "survey_opened",
        "Mở khảo sát",
        public_text=f"Khảo sát từ ngày {survey.open_from:%d/%m/%Y} đến hết ngày {survey.open_until:%d/%m/%Y}",
    )


@register_handler("close_survey", "Kết thúc khảo sát khi hết thời gian")
def close_survey(context: HandlerContext) -> None:
    survey = _survey(context)
    now = timezone.now()
    if now <= survey.closes_at and not context.data.get("close_early"):
        raise HandlerError(
            gettext("Chưa hết thời gian khảo sát (đến hết ngày %(date)s); chọn «Kết thúc sớm» nếu cần đóng ngay")
            % {"date": format(survey.open_until, "%d/%m/%Y")}
        )
    survey.state, survey.closed_at = SurveyState.CLOSED, now
    survey.responses_count = services.live_responses(survey)
    survey.save(update_fields=["state", "closed_at", "responses_count"])
    context.record(
        "survey_closed",
        f"Kết thúc khảo sát; {survey.responses_count} phiếu trả lời",
        public_text="Kết thúc khảo sát; đang tổng hợp kết quả",
    )


@register_handler("publish_survey_results", "Công bố kết quả khảo sát")
def publish_survey_results(context: HandlerContext) -> None:
    survey = _survey(context)
    if survey.state != SurveyState.CLOSED:
        raise HandlerError(gettext("Khảo sát chưa kết thúc"))
    survey.state, survey.results_published_at = SurveyState.PUBLISHED, timezone.now()
    survey.save(update_fields=["state", "results_published_at"])
    context.record("results_published", "Công bố kết quả khảo sát", public_text="Công bố kết quả khảo sát")
    services.enqueue_search(survey)
