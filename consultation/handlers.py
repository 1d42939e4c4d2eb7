"""Service-task handlers of the consultation process (`bpmn/processes/consultation.bpmn`).

They run inside the engine's transaction: a refusal (HandlerError, or a ConsultationError such as
DispositionsIncomplete) rolls the whole step back and the official sees why.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext

from consultation import notices, report_renders, services
from consultation.errors import ConsultationError
from consultation.models import Consultation, Stage
from deadlines import calendar
from workflows.handlers import HandlerContext, HandlerError, register_handler


def _consultation(context: HandlerContext) -> Consultation:
    return Consultation.objects.select_for_update().get(workflow=context.instance)


@register_handler("publish_consultation", "Công bố dự thảo và mở lấy ý kiến")
def publish_consultation(context: HandlerContext) -> None:
    consultation = _consultation(context)
    today = calendar.today()
    if consultation.opens_on < today:
        consultation.opens_on = today  # the public can comment only from the day the draft is published
    try:
        services.check_window(opens_on=consultation.opens_on, closes_on=consultation.closes_on)
    except ConsultationError as error:
        raise HandlerError(f"Không công bố được: {error}") from None
    consultation.stage = Stage.PUBLISHED
    consultation.published_at = timezone.now()
    consultation.save(update_fields=["stage", "published_at", "opens_on"])
    context.record(
        "published",
        "Công bố dự thảo, lấy ý kiến",
        public_text=f"Công bố dự thảo; lấy ý kiến từ ngày {consultation.opens_on:%d/%m/%Y} "
        f"đến hết ngày {consultation.closes_on:%d/%m/%Y}",
    )
    version = consultation.current_version
    services.enqueue_search(consultation, articles=version.articles.values_list("pk", flat=True) if version else [])


@register_handler("close_consultation", "Đóng lấy ý kiến khi hết thời gian")
def close_consultation(context: HandlerContext) -> None:
    consultation = _consultation(context)
    now = timezone.now()
    if now <= consultation.closes_at:
        raise HandlerError(
            gettext("Chưa hết thời gian lấy ý kiến (đến hết ngày %(closes_on)s); hệ thống tự đóng khi hết hạn")
            % {"closes_on": format(consultation.closes_on, "%d/%m/%Y")}
        )
    consultation.stage, consultation.closed_at = Stage.CLOSED, now
    consultation.save(update_fields=["stage", "closed_at"])
    published = consultation.comments.filter(status="published").count()
    context.record(
        "closed",
        f"Hết thời gian lấy ý kiến; {published} góp ý đã đăng",
        public_text=f"Kết thúc lấy ý kiến; đang tổng hợp, tiếp thu, giải trình {published} góp ý",
    )
    services.enqueue_search(consultation)


@register_handler("check_dispositions", "Kiểm tra mọi góp ý đã được tiếp thu, giải trình")
def check_dispositions(context: HandlerContext) -> None:
    consultation = _consultation(context)
    services.check_dispositions_complete(consultation)
    summary = str(context.data.get("summary") or "").strip()
    if summary:
        consultation.report_summary = summary
        consultation.save(update_fields=["report_summary"])


@register_handler("approve_report", "Duyệt báo cáo tiếp thu, giải trình")
def approve_report(context: HandlerContext) -> None:
    consultation = _consultation(context)
    services.check_dispositions_complete(consultation)
    consultation.report_approved_at = timezone.now()
    consultation.report_approved_by = context.actor
    consultation.save(update_fields=["report_approved_at", "report_approved_by"])
    context.record("report_approved", "Duyệt báo cáo tổng hợp, tiếp thu, giải trình góp ý")


@register_handler("publish_report", "Công bố báo cáo tiếp thu, giải trình")
def publish_report(context: HandlerContext) -> None:
    consultation = _consultation(context)
    if consultation.report_approved_at is None:
        raise HandlerError(gettext("Báo cáo chưa được duyệt"))
    consultation.stage, consultation.report_published_at = Stage.REPORT_PUBLISHED, timezone.now()
    consultation.save(update_fields=["stage", "report_published_at"])
    report_renders.request_render(consultation)  # the PDF is rendered by the worker, not by the first reader
    context.record(
        "report_published",
        "Công bố báo cáo tiếp thu, giải trình",
        public_text="Công bố báo cáo tổng hợp, tiếp thu, giải trình ý kiến góp ý",
    )
    services.enqueue_search(consultation, comments=True, report=True)
    notices.report_dispositions(consultation)  # each commenter hears what became of their comment
