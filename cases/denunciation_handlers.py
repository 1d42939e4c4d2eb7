"""Service-task handlers of the denunciation process from its version of 1 July 2026 (`bpmn/processes/denunciation.bpmn`):
the notices to the denounced person and of a transfer, the conclusion sent to the denounced person, the end of the
resolution period, and the handling of the conclusion (Law on Denunciations, Arts. 24, 29, 30, 35, 36, 39).

Kept apart from `cases.handlers` (shared with the complaint and reception processes); each text that reaches a
document, a notice, an event or a log line passes `check_sealed` (Arts. 47–56). The refusal, transfer and conclusion
documents themselves are drafted by `documents.steps` from the events of the shared handlers; the handlers here add
what the denunciation needs on top (see `cases.denunciations` for the documents and the seam).
"""

from __future__ import annotations

from django.utils.translation import gettext

from cases import denunciations
from cases.denunciations import LAW
from cases.handlers import _petition, _text, check_sealed, report_overdue
from cases.models import PetitionStatus
from documents.models import DocumentKind, RecipientRole
from organisation.models import Unit
from workflows.handlers import HandlerContext, HandlerError, register_handler
from workflows.models import CaseEvent

# The choices of the handling step's `publication` field (Art. 39), as its notice says them.
PUBLICATION = {
    "meeting": "công bố tại cuộc họp",
    "office": "niêm yết tại trụ sở",
    "portal": "đăng trên cổng thông tin điện tử",
}


def _field(context: HandlerContext, name: str) -> str:
    return " ".join(str(context.data.get(name) or "").split())


@register_handler("notify_denunciation_transfer", "Thông báo cho người tố cáo việc chuyển tố cáo và nơi chuyển đến")
def notify_denunciation_transfer(context: HandlerContext) -> None:
    """Art. 24: with the transfer (within its 5 working days), the denouncer is told to whom it went."""
    moved = next((event for event in reversed(context.events) if event.kind == "transferred"), None)
    if moved is None:
        raise HandlerError(gettext("Chưa chuyển tố cáo nên chưa thể thông báo việc chuyển"))
    source = Unit.objects.get(code=moved.data["from"])
    target = Unit.objects.get(code=moved.data["to"])
    sender = source.name
    # The transfer slip to the competent unit, with its copy to the denouncer, is the document of the `transferred`
    # event (`documents.steps`): it goes to the denouncer through the outbox. This step records that they are told.
    context.record(
        "denouncer_told_of_transfer",
        f"Thông báo cho người tố cáo: tố cáo được chuyển từ {sender} đến {target.name} (Điều 24 {LAW})",
        public_text=f"Đã thông báo cho người tố cáo: tố cáo được chuyển đến {target.name}",
        data={"from": source.code, "to": target.code, "basis": f"Điều 24 {LAW}"},
    )


@register_handler("notify_denounced", "Thông báo nội dung tố cáo cho người bị tố cáo (không nêu người tố cáo)")
def notify_denounced(context: HandlerContext) -> None:
    """Art. 29: the denounced person is told the content denounced, never who denounced it (Arts. 47–56)."""
    denunciations.send_content_notice(
        instance=context.instance,
        person={
            "name": _field(context, "denounced_name"),
            "address": _field(context, "denounced_address"),
            "email": _field(context, "denounced_email"),
        },
        content=str(context.data.get("denounced_content") or "").strip(),
        context=context,
    )


def _denounced(context: HandlerContext) -> dict[str, str]:
    """The denounced person recorded at acceptance: in this step's events, or earlier ones."""
    for event in reversed(context.events):
        if event.kind == "denounced_notified":
            return dict(event.data["denounced"])
    return denunciations.denounced_person(context.instance)


@register_handler("send_conclusion_to_denounced", "Gửi kết luận nội dung tố cáo cho người bị tố cáo")
def send_conclusion_to_denounced(context: HandlerContext) -> None:
    """Art. 35: the conclusion goes to the denounced person: the conclusion's document names them and has them among
    its recipients (issued in the leader's step by `documents.steps`, sent to their e-mail through the outbox)."""
    petition = _petition(context)
    conclusion = _text(context, "conclusion", gettext("nội dung kết luận"))
    check_sealed(petition, conclusion)
    document = denunciations.prepare_conclusion(
        context, conclusion=conclusion, outcome=str(context.data.get("outcome") or "")
    )
    person = _denounced(context)
    context.record(
        "conclusion_sent_to_denounced",
        f"Gửi kết luận nội dung tố cáo cho người bị tố cáo ({person.get('name') or 'chưa ghi nhận'})",
        public_text="Đã gửi kết luận nội dung tố cáo cho người bị tố cáo",
        data={"document": document.pk, "basis": f"Điều 35 {LAW}"},
    )


@register_handler("end_resolution_period", "Kết thúc thời hạn giải quyết tố cáo khi đã ban hành kết luận")
def end_resolution_period(context: HandlerContext) -> None:
    """Art. 30 ends with the conclusion: its clock closes; the handling has its own (Art. 36)."""
    denunciations.close_resolution_clock(context.instance)
    context.record(
        "resolution_period_ended",
        "Kết luận đã ban hành: kết thúc thời hạn giải quyết tố cáo (Điều 30)",
        data={"basis": f"Điều 30 {LAW}"},
    )


@register_handler("report_denunciation_overdue", "Báo lãnh đạo khi hết thời hạn giải quyết tố cáo mà chưa kết luận")
def report_denunciation_overdue(context: HandlerContext) -> None:
    """The resolution clock ran out: report it, unless the conclusion was issued in time (the clock was closed)."""
    if CaseEvent.objects.filter(instance=context.instance, kind="resolution_period_ended").exists():
        return
    report_overdue(context)


@register_handler("record_conclusion_handling", "Ghi nhận xử lý kết luận nội dung tố cáo và thông báo kết quả")
def record_conclusion_handling(context: HandlerContext) -> None:
    """Art. 36(1), 39: the measures taken, the file sent to an investigation body if there are signs of a crime, how
    the conclusion is published; the result notified to both parties."""
    measures = _text(context, "measures", gettext("biện pháp xử lý"))
    crime = _field(context, "crime_signs") == "yes"
    body_name = _field(context, "investigation_body")
    if crime and not body_name:
        raise HandlerError(
            gettext(
                "Có dấu hiệu tội phạm: phải ghi Cơ quan điều tra hoặc Viện kiểm sát nhận hồ sơ (khoản 1 Điều 36 Luật Tố cáo)"
            )
        )
    publication = _field(context, "publication")
    petition = _petition(context)
    check_sealed(petition, measures, body_name)
    if petition.status != PetitionStatus.ANSWERED:
        raise HandlerError(gettext("Chưa có kết luận nội dung tố cáo để xử lý"))
    unit = context.instance.unit.name
    referral = f" Hồ sơ vụ việc có dấu hiệu tội phạm đã được chuyển đến {body_name}." if crime else ""
    publication_label = PUBLICATION.get(publication, publication)
    facts = {"measures": measures, "crime_signs": crime, "investigation_body": body_name, "publication": publication}
    context.record(
        "conclusion_handled",
        "Xử lý kết luận nội dung tố cáo" + (f"; chuyển hồ sơ đến {body_name}" if crime else ""),
        public_text="Đã xử lý kết luận nội dung tố cáo",
        data=facts,
    )
    denunciations.make_document(
        petition=petition,
        kind=DocumentKind.NOTICE,
        actor=context.actor,
        values={
            "trich_yeu": "Về kết quả xử lý kết luận nội dung tố cáo",
            "noi_dung": (
                f"{unit} thông báo kết quả xử lý kết luận nội dung tố cáo (mã tra cứu {context.instance.reference}): "
                f"{measures.rstrip('.')}.{referral} Kết luận nội dung tố cáo được công khai theo hình thức: "
                f"{publication_label}."
            ),
            "can_cu": f"Khoản 1 Điều 36, Điều 39 {LAW}",
        },
        recipients=denunciations.to_both(petition, _denounced(context)),
        source=f"{context.element_id}:notice",
        context=context,
    )
    if crime:
        denunciations.make_document(
            petition=petition,
            kind=DocumentKind.NOTICE,
            actor=context.actor,
            values={
                "xung_ho": body_name,
                "trich_yeu": "Về việc chuyển hồ sơ vụ việc tố cáo có dấu hiệu tội phạm",
                "noi_dung": (
                    f"{unit} chuyển hồ sơ vụ việc tố cáo (mã tra cứu {context.instance.reference}) có dấu hiệu tội "
                    f"phạm đến {body_name} để xem xét, giải quyết theo quy định của pháp luật tố tụng hình sự."
                ),
                "can_cu": f"Điểm c khoản 1 Điều 36 {LAW}",
            },
            recipients=[{"role": RecipientRole.OTHER, "label": body_name, "send": False}, denunciations.FILE_COPY],
            source=f"{context.element_id}:referral",
            context=context,
        )
