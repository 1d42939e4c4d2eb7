"""Service-task handlers and the step hook of the complaint and citizen-reception processes as of 1 July 2026
(complaint_first, complaint_second, reception). Kept apart from `cases.handlers`, whose handlers the processes'
earlier versions still name (a running case on an old version keeps calling them).

- `accept_complaint`: the acceptance notice with the written complexity finding (Art. 3a of Decree 124/2020 as
  amended by Decree 155/2026);
- `invite_dialogue`: the dialogue invitation, at least 5 days ahead (Art. 28 of Decree 124/2020 as amended);
- `notify_first_outcome`: the first outcome of a petition received at a citizen reception session within 10
  working days (Art. 28 of the Law on Citizen Reception; Decree 154/2026 from 1 July 2026);
- `apply_remote_periods`: the step hook that gives a complaint in a remote area the remote-area periods.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import complaints
from cases.handlers import _notify_petitioner, _petition, notify_acceptance
from cases.models import Petition, PetitionStatus
from deadlines import calendar
from deadlines.errors import DeadlineError
from deadlines.selectors import rule_in_force
from notifications.models import MessageKind
from organisation.models import Unit
from workflows import clock
from workflows.handlers import HandlerContext, HandlerError, register_handler
from workflows.subjects import Step

SUBJECT = _("Thông báo kết quả xử lý đơn")

CRITERION_FIELD = "criterion_"  # the acceptance form's checkbox per criterion: criterion_several_fields, …


def _refuse(error: complaints.ComplaintError) -> HandlerError:
    return HandlerError(str(error))


@register_handler("accept_complaint", "Thông báo thụ lý khiếu nại, kèm kết luận về tính chất vụ việc")
def accept_complaint(context: HandlerContext) -> None:
    """The acceptance notice (as `notify_acceptance`), after the written finding on complexity: its reasons, and
    for a complex case the criteria of Art. 3a that apply; without them the acceptance is refused."""
    complex_case = context.data.get("complexity") == "complex"
    criteria = [
        code for code in complaints.ComplexityCriterion.values if context.data.get(f"{CRITERION_FIELD}{code}") is True
    ]
    reasons = str(context.data.get("complexity_reasons") or "")
    try:
        criteria = complaints.check_complexity_finding(complex_case=complex_case, criteria=criteria, reasons=reasons)
    except complaints.ComplaintError as error:
        raise _refuse(error) from None
    notify_acceptance(context)
    if not complex_case and not reasons.strip():
        return
    context.record(
        "complexity_finding",
        f"Kết luận về tính chất vụ việc ({complaints.ART_3A}): "
        + complaints.finding_text(complex_case=complex_case, criteria=criteria, reasons=reasons),
        data={"document": "complexity_finding", "complex": complex_case, "criteria": criteria, "reasons": reasons},
    )


@register_handler("invite_dialogue", "Gửi thông báo đối thoại (ít nhất 05 ngày trước ngày đối thoại)")
def invite_dialogue(context: HandlerContext) -> None:
    raw = str(context.data.get("dialogue_date") or "")
    try:
        dialogue_on = datetime.date.fromisoformat(raw)
    except ValueError:
        raise HandlerError(gettext("Chưa có ngày đối thoại")) from None
    try:
        notice = complaints.check_dialogue_date(dialogue_on)
    except complaints.ComplaintError as error:
        raise _refuse(error) from None
    place = str(context.data.get("dialogue_place") or "").strip()
    petition = _petition(context)
    unit = context.instance.unit.name
    where = f" tại {place}" if place else ""
    document_id = complaints.issue_document(
        petition,
        "dialogue",
        by=context.actor,
        values={
            "thoi_gian": f"ngày {dialogue_on:%d/%m/%Y}",
            "dia_diem": place,
            "can_cu": notice.rule.citation if notice else "",
        },
        source=f"{context.element_id}:dialogue:{dialogue_on.isoformat()}",
        handler_context=context,
        send_by=notice.due_date if notice else None,
        send_by_basis=notice.rule.citation if notice else "",
    )
    context.record(
        "dialogue_invitation",
        f"Gửi thông báo đối thoại: ngày {dialogue_on:%d/%m/%Y}{where}"
        + (f" ({notice.rule.citation})" if notice else ""),
        public_text=f"{unit} mời người khiếu nại đối thoại ngày {dialogue_on:%d/%m/%Y}",
        data={
            "document": "dialogue_invitation",
            "dialogue_date": dialogue_on.isoformat(),
            "place": place,
            "sent_on": calendar.today().isoformat(),
            "notice_by": notice.due_date.isoformat() if notice else None,
            "document_id": document_id,
        },
    )


@register_handler("notify_first_outcome", "Thông báo kết quả ban đầu xử lý đơn nhận tại buổi tiếp công dân")
def notify_first_outcome(context: HandlerContext) -> None:
    """Accepted, not accepted (with its reason) or transferred (and to whom): the first outcome the citizen is
    told within 10 working days (`reception.first_outcome`). A refusal ends the petition here."""
    decision = str(context.data.get("decision") or "")
    petition = _petition(context)
    unit = context.instance.unit
    received = calendar.local_date(context.instance.created_at)
    try:
        citation = rule_in_force("reception.first_outcome", received).citation
    except DeadlineError:
        citation = ""
    data: dict[str, object] = {"document": "first_outcome_notice", "outcome": decision, "citation": citation}
    if decision == "accept":
        text = f"Đơn đã được thụ lý tại {unit.name}"
        data["document_id"] = complaints.issue_document(
            petition,
            "acceptance",
            by=context.actor,
            values={"can_cu": citation},
            source=f"{context.element_id}:acceptance",
            handler_context=context,
        )
        _notify_petitioner(
            context, petition, MessageKind.ACCEPTANCE, SUBJECT, _("%(unit)s đã thụ lý đơn của ông/bà."), unit=unit.name
        )
    elif decision == "refuse":
        reason = str(context.data.get("reason") or "").strip()
        if not reason:
            raise HandlerError(gettext("Không thụ lý phải nêu rõ lý do"))
        text = f"Đơn không được thụ lý. Lý do: {reason}"
        data["reason"] = reason
        data["document_id"] = complaints.issue_document(
            petition,
            "refusal",
            by=context.actor,
            values={"ly_do": reason, "can_cu": citation},
            source=f"{context.element_id}:refusal",
            handler_context=context,
        )
        petition.status, petition.answer, petition.answered_by = PetitionStatus.REJECTED, reason, unit
        petition.answered_at = timezone.now()
        petition.save(update_fields=["status", "answer", "answered_at", "answered_by"])
        _notify_petitioner(
            context,
            petition,
            MessageKind.REFUSAL,
            SUBJECT,
            _("%(unit)s không thụ lý đơn của ông/bà. Lý do:"),
            reason,
            unit=unit.name,
        )
    elif decision == "transfer":
        target = Unit.objects.filter(code=str(context.data.get("transfer_to") or "")).first()
        if target is None:
            raise HandlerError(gettext("Chưa chọn đơn vị nhận đơn chuyển"))
        text = f"Đơn được chuyển đến {target.name} (đơn vị có thẩm quyền)"
        data["to"] = target.code
        _notify_petitioner(
            context,
            petition,
            MessageKind.ACCEPTANCE,
            SUBJECT,
            _("Đơn của ông/bà được chuyển đến %(target)s, đơn vị có thẩm quyền giải quyết."),
            target=target.name,
        )
    else:
        raise HandlerError(gettext("Chưa có kết quả phân loại"))
    context.record(
        "first_outcome",
        f"Thông báo kết quả ban đầu: {text}" + (f" ({citation})" if citation else ""),
        public_text=text[:500],
        data=data,
    )


def apply_remote_periods(step: Step) -> None:
    """Give a complaint in a remote area the remote-area period of each resolution clock the step starts (Arts. 28
    and 37 of the Law on Complaints); a diagram that names a remote period for a complaint not in a remote area is
    refused. Runs in the step's transaction, before its rows are written."""
    clocks = [
        row
        for row in step.new_clocks
        if row.rule_code in complaints.REMOTE_RULES or row.rule_code in complaints.BASE_RULES
    ]
    if not clocks:
        return
    petition = Petition.objects.select_related("commune").filter(workflow=step.instance).first()
    if petition is None:
        return
    units = [petition.commune, step.instance.unit]
    for row in clocks:
        code = complaints.period_rule(rule_code=row.rule_code, units=units)
        if code == row.rule_code:
            continue
        row.rule_code = code
        clock.schedule(row, clock.compute(row))
        step.context.record(
            "remote_area",
            f"Áp dụng thời hạn vùng sâu, vùng xa: «{row.title}» đến {calendar.local_date(row.due_at):%d/%m/%Y}",
            data={"rule": code},
        )
