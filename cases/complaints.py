"""Complaints under the law in force from 1 July 2026: the appeal window (Art. 33), remote areas, the complexity
finding (Art. 3a of Decree 124/2020 as amended by Decree 155/2026), suspension, continuation and stopping (Art. 11a
of the Law on Complaints as added by Law 136/2025/QH15; Arts. 28a–28b of Decree 124/2020 as amended by Decree
155/2026) and the minimum notice of a dialogue (Art. 28 of Decree 124/2020 as amended).

Each decision these services record is one `CaseEvent` whose `data["document"]` names the legal document it is
(`suspension_decision`, `continuation_decision`, `stopping_decision`, `dialogue_invitation`,
`first_outcome_notice`, `complexity_finding`) with the fields that document needs: the seam where the generated
documents (`documents/`) take over.

Bad input is refused before anything changes, with the article it comes from (`ComplaintError`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models import OPEN_STATUSES, Petition, PetitionStatus, PetitionType
from core.errors import AppError
from deadlines import calendar
from deadlines.errors import DeadlineError
from deadlines.services import DueDate, compute_due
from organisation.models import Membership, Unit
from workflows import clock
from workflows import services as workflow_services
from workflows.handlers import HandlerContext
from workflows.models import CaseEvent, Deadline, DeadlineKind, WorkflowInstance
from workflows.subjects import ClockChange

# The law's words, cited in refusals and in the audit trail.
LAW = "Luật Khiếu nại"
ART_11A = "Điều 11a Luật Khiếu nại (bổ sung bởi Luật số 136/2025/QH15)"
ARTS_28A_28B = "Điều 28a, 28b Nghị định số 124/2020/NĐ-CP (sửa đổi bởi Nghị định số 155/2026/NĐ-CP)"
# What a suspension or continuation decision of a complaint rests on: the generic clock routes give no basis.
DECISION_BASIS = f"{ART_11A}; {ARTS_28A_28B}"
ART_3A = "Điều 3a Nghị định số 124/2020/NĐ-CP (bổ sung bởi Nghị định số 155/2026/NĐ-CP)"

COMPLAINT_TYPES = (PetitionType.COMPLAINT, PetitionType.COMPLAINT_SECOND)


class ComplaintError(AppError, ValueError):
    """Input a complaint's official (or the complainant) must correct: {field: reason}, reason citing the law."""

    code = "complaint_invalid"
    status = 400

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.errors = {field: reason}


# ---- remote areas (vùng sâu, vùng xa) --------------------------------------------------------------------------

# Each period the law lengthens in remote areas, its remote rule and the article that gives it.
REMOTE_RULES: dict[str, tuple[str, str]] = {
    "complaint.resolve.first": ("complaint.resolve.first.remote", "Điều 28"),
    "complaint.resolve.first.complex": ("complaint.resolve.first.remote.complex", "Điều 28"),
    "complaint.resolve.second": ("complaint.resolve.second.remote", "Điều 37"),
    "complaint.resolve.second.complex": ("complaint.resolve.second.remote.complex", "Điều 37"),
    "complaint.appeal": ("complaint.appeal.remote", "Điều 33"),
}
BASE_RULES = {remote: base for base, (remote, _article) in REMOTE_RULES.items()}


def is_remote(units: Iterable[Unit | None]) -> bool:
    """Whether a complaint is in a remote area: its commune (where the complainant and the matter are) or the unit
    resolving it is marked remote by an administrator (`Unit.is_remote`)."""
    return any(unit is not None and unit.is_remote for unit in units)


def remote_rule(*, rule_code: str, units: Sequence[Unit]) -> str:
    """The remote-area variant of `rule_code` for a complaint of these units; refused if none is marked remote."""
    base = BASE_RULES.get(rule_code, rule_code)
    if base not in REMOTE_RULES:
        raise ComplaintError(
            "rule", gettext("Thời hạn «%(code)s» không có thời hạn riêng cho vùng sâu, vùng xa") % {"code": rule_code}
        )
    remote, article = REMOTE_RULES[base]
    if not is_remote(units):
        names = ", ".join(unit.name for unit in units)
        raise ComplaintError(
            "unit",
            gettext(
                "%(units)s không được đánh dấu là vùng sâu, vùng xa nên không áp dụng thời hạn dành cho vùng sâu, "
                "vùng xa (%(article)s %(law)s); quản trị viên đánh dấu đơn vị trong trang quản trị nếu đúng là vùng "
                "sâu, vùng xa"
            )
            % {"units": names, "article": article, "law": LAW},
        )
    return remote


def period_rule(*, rule_code: str, units: Sequence[Unit]) -> str:
    """The rule that applies: the remote variant for a remote complaint, the rule itself otherwise."""
    base = BASE_RULES.get(rule_code, rule_code)
    if base in REMOTE_RULES and is_remote(units):
        return REMOTE_RULES[base][0]
    if rule_code in BASE_RULES:
        return remote_rule(rule_code=rule_code, units=units)  # a remote rule asked for: refused if not remote
    return rule_code


def complaint_units(petition: Petition) -> list[Unit]:
    return [petition.commune, petition.workflow.unit]


# ---- the appeal window (Art. 33) -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppealWindow:
    """From when and until when a second complaint may be filed, and on which ground."""

    ground: str  # "decision" (a first decision not accepted) | "no_decision" (the first period ran out)
    opens: datetime.date  # the day counting starts after (the day the decision was received; the period's last day)
    received_basis: str  # how the start day was found (a recorded delivery, or the default), for the audit trail
    due: DueDate


def decision_received_on(first: Petition) -> tuple[datetime.date, str]:
    """The day the complainant received the first decision: the recorded delivery date (`record_decision_receipt`)
    or, without one, the day it was issued plus `COMPLAINT_DECISION_RECEIVED_AFTER_DAYS` calendar days.

    The default is the province's choice, not the law's: the law counts from the day of receipt (Art. 33) and sets
    no presumption. The shipped default is 0 days because the decision is sent on the day it is issued, by email
    and on the case's public status page (`send_decision`); a province that delivers decisions by post sets the
    days it counts for delivery.
    """
    event = (
        CaseEvent.objects.filter(instance=first.workflow_id, kind="decision_received").order_by("-created_at").first()
    )
    if event is not None:
        return datetime.date.fromisoformat(event.data["received_on"]), "recorded"
    assert first.answered_at is not None
    days = int(getattr(settings, "COMPLAINT_DECISION_RECEIVED_AFTER_DAYS", 0))
    return calendar.local_date(first.answered_at) + datetime.timedelta(days=days), f"default+{days}"


def _resolution_clock(instance_id: int) -> Deadline | None:
    codes = [*REMOTE_RULES, *BASE_RULES]
    return (
        Deadline.objects.filter(instance=instance_id, kind=DeadlineKind.TIMER, rule_code__in=codes)
        .order_by("-pk")
        .first()
    )


def appeal_window(first: Petition, *, now: datetime.datetime | None = None) -> AppealWindow:
    """The window for a second complaint against `first` (Law on Complaints Art. 33): 30 days (45 in a remote
    area, `complaint.appeal.remote`) from the day the first decision was received, or — when the first-instance
    period ran out without a decision — from the day after its last day. Raises ComplaintError otherwise."""
    now = now or timezone.now()
    units = [first.commune, first.answered_by or first.workflow.unit]
    code = period_rule(rule_code="complaint.appeal", units=units)
    if first.status == PetitionStatus.ANSWERED and first.answered_at is not None:
        received, basis = decision_received_on(first)
        return AppealWindow("decision", received, basis, compute_due(rule_code=code, start=received))
    row = _resolution_clock(first.workflow_id)
    if first.status in OPEN_STATUSES and row is not None and row.suspended_since is None and row.due_at < now:
        last_day = calendar.local_date(row.due_at)
        return AppealWindow("no_decision", last_day, "period", compute_due(rule_code=code, start=last_day))
    raise ComplaintError(
        "first",
        gettext(
            "Khiếu nại lần đầu chưa có quyết định giải quyết và chưa hết thời hạn giải quyết nên chưa thể khiếu nại "
            "lần hai (Điều 33 Luật Khiếu nại: khiếu nại lần hai khi không đồng ý với quyết định giải quyết lần đầu "
            "hoặc khi hết thời hạn mà khiếu nại không được giải quyết)"
        ),
    )


@transaction.atomic
def record_decision_receipt(*, first: Petition, user: User, received_on: datetime.date) -> CaseEvent:
    """An official of the deciding unit records the day the complainant received the first decision (a postal
    receipt, a signed delivery record): the appeal window counts from it (Art. 33)."""
    first = Petition.objects.select_related("workflow__unit", "answered_by").get(pk=first.pk)
    unit = first.answered_by or first.workflow.unit
    if not Membership.objects.filter(user=user, unit=unit).exists():
        raise workflow_services.NotAllowed(
            gettext("Chỉ cán bộ của %(unit)s ghi được ngày nhận quyết định") % {"unit": unit.name}
        )
    if first.status != PetitionStatus.ANSWERED or first.answered_at is None:
        raise ComplaintError("first", gettext("Khiếu nại chưa có quyết định giải quyết"))
    issued = calendar.local_date(first.answered_at)
    if received_on < issued or received_on > calendar.today():
        raise ComplaintError(
            "received_on",
            gettext("Ngày nhận quyết định phải từ ngày ban hành (%(issued)s) đến hôm nay")
            % {"issued": format(issued, "%d/%m/%Y")},
        )
    return CaseEvent.objects.create(
        instance=first.workflow,
        kind="decision_received",
        actor=user,
        summary=f"Người khiếu nại nhận quyết định giải quyết ngày {received_on:%d/%m/%Y} (Điều 33 Luật Khiếu nại)",
        data={"received_on": received_on.isoformat()},
    )


# ---- complexity (Art. 3a of Decree 124/2020 as amended by Decree 155/2026) ------------------------------------


class ComplexityCriterion(models.TextChoices):
    """The criteria of a complex case, Art. 3a of Decree 124/2020/NĐ-CP as added by Decree 155/2026/NĐ-CP.

    Paraphrased from the legal review: legal staff verify the wording against the gazette text (the codes stay).
    """

    SEVERAL_FIELDS = "several_fields", _("Nội dung khiếu nại liên quan đến nhiều lĩnh vực quản lý nhà nước")
    MANY_PEOPLE = "many_people", _("Liên quan đến quyền, lợi ích hợp pháp của nhiều người hoặc nhiều cơ quan, tổ chức")
    SEVERAL_PLACES = "several_places", _("Phải xác minh tại nhiều địa điểm hoặc nhiều cơ quan, tổ chức")
    EXPERT_OPINION = "expert_opinion", _("Phải trưng cầu giám định hoặc lấy ý kiến của cơ quan chuyên môn")
    LONG_HISTORY = "long_history", _("Vụ việc kéo dài, đã được nhiều cơ quan xem xét, giải quyết")
    OLD_RECORDS = "old_records", _("Hồ sơ, tài liệu qua nhiều thời kỳ, khó thu thập, xác minh")
    PUBLIC_ORDER = "public_order", _("Có yếu tố nước ngoài hoặc ảnh hưởng đến an ninh, trật tự, an toàn xã hội")


# The complex variant of each resolution rule, and back.
COMPLEX_RULES = {
    "complaint.resolve.first": "complaint.resolve.first.complex",
    "complaint.resolve.first.remote": "complaint.resolve.first.remote.complex",
    "complaint.resolve.second": "complaint.resolve.second.complex",
    "complaint.resolve.second.remote": "complaint.resolve.second.remote.complex",
}
NORMAL_RULES = {complex_code: code for code, complex_code in COMPLEX_RULES.items()}


def check_complexity_finding(
    *, complex_case: bool, criteria: Sequence[str], reasons: str, change: bool = False
) -> list[str]:
    """A written finding: for a complex case at least one criterion of Art. 3a and its reasons; a change of the
    finding (either way) always with its reasons. An ordinary case accepted as such needs no finding."""
    unknown = [code for code in criteria if code not in ComplexityCriterion.values]
    if unknown:
        raise ComplaintError(
            "criteria",
            gettext("Tiêu chí không có trong %(article)s: %(codes)s")
            % {"article": ART_3A, "codes": ", ".join(unknown)},
        )
    if complex_case and not criteria:
        raise ComplaintError(
            "criteria",
            gettext("Vụ việc phức tạp phải nêu ít nhất một tiêu chí của %(article)s") % {"article": ART_3A},
        )
    if (complex_case or change) and not reasons.strip():
        raise ComplaintError(
            "reasons",
            gettext("Kết luận về tính chất vụ việc phải bằng văn bản, nêu rõ lý do (%(article)s)")
            % {"article": ART_3A},
        )
    return [code for code in ComplexityCriterion.values if code in criteria]


def finding_text(*, complex_case: bool, criteria: Sequence[str], reasons: str) -> str:
    if not complex_case:
        return f"Vụ việc không phức tạp. Lý do: {reasons.strip()}"
    labels = "; ".join(str(ComplexityCriterion(code).label) for code in criteria)
    return f"Vụ việc phức tạp theo tiêu chí: {labels}. Lý do: {reasons.strip()}"


@transaction.atomic
def change_complexity(
    *, petition: Petition, user: User, complex_case: bool, criteria: Sequence[str], reasons: str
) -> Deadline:
    """A leader changes the written finding on complexity: the resolution period is recomputed under the other
    rule (its start, suspensions and remote area kept) and the change is one audit entry with the finding."""
    petition = Petition.objects.select_related("workflow__unit", "commune").get(pk=petition.pk)
    instance = petition.workflow
    if not workflow_services.leads(user, instance.unit):
        raise workflow_services.NotAllowed(gettext("Chỉ lãnh đạo đơn vị xử lý được quyết định việc này"))
    criteria = check_complexity_finding(complex_case=complex_case, criteria=criteria, reasons=reasons, change=True)
    row = (
        Deadline.objects.select_for_update()
        .filter(instance=instance, kind=DeadlineKind.TIMER, closed_at__isnull=True)
        .filter(rule_code__in=[*COMPLEX_RULES, *NORMAL_RULES])
        .first()
    )
    if row is None:
        raise ComplaintError("petition", gettext("Khiếu nại không có thời hạn giải quyết đang chạy"))
    before, due_before = row.rule_code, row.due_at
    row.rule_code = (
        COMPLEX_RULES.get(row.rule_code, row.rule_code)
        if complex_case
        else NORMAL_RULES.get(row.rule_code, row.rule_code)
    )
    clock.schedule(row, clock.compute(row))
    text = finding_text(complex_case=complex_case, criteria=criteria, reasons=reasons)
    due = calendar.local_date(row.due_at)
    workflow_services.change_clocks(
        instance,
        [row],
        actor=user,
        kind="complexity_finding",
        summary=f"Thay đổi kết luận về tính chất vụ việc ({ART_3A}): {text}. Hạn giải quyết: {due:%d/%m/%Y}",
        public_text=f"Thời hạn giải quyết được tính lại: hạn mới ngày {due:%d/%m/%Y}. {row.explanation}",
        data={
            "document": "complexity_finding",
            "complex": complex_case,
            "criteria": criteria,
            "reasons": reasons.strip(),
            "rule_before": before,
            "rule_after": row.rule_code,
            "due_before": calendar.local_date(due_before).isoformat(),
            "due_after": due.isoformat(),
        },
    )
    return row


# ---- suspension, continuation and stopping (Art. 11a; Arts. 28a–28b) -------------------------------------------


class DecisionRequired(workflow_services.WorkflowError):
    """A complaint's clock stopped or restarted other than by a written decision (Art. 11a)."""

    code = "complaint_decision_required"
    status = 400


def is_complaint(instance: WorkflowInstance) -> bool:
    return Petition.objects.filter(workflow=instance, petition_type__in=COMPLAINT_TYPES).exists()


def check_clock_change(change: ClockChange) -> None:
    """A complaint's clock stops and restarts only by the decisions of Art. 11a (Arts. 28a–28b): a suspension or a
    continuation that does not come from `suspend_complaint` / `continue_complaint` is refused, naming the decision's
    route. The case routes of a petition (`cases.api`, the task page) send a complaint there (`decide_clock`)."""
    if change.kind not in ("suspended", "resumed") or change.basis == DECISION_BASIS:
        return
    if not is_complaint(change.instance):
        return
    petition_id = Petition.objects.filter(workflow=change.instance).values_list("pk", flat=True).first()
    if change.kind == "suspended":
        message = gettext(
            "Tạm đình chỉ giải quyết khiếu nại phải bằng quyết định tạm đình chỉ (%(article)s; %(decree)s): ghi quyết "
            "định tại %(route)s"
        )
        route = reverse("api-complaint-suspension", args=[petition_id])
    else:
        message = gettext(
            "Tiếp tục giải quyết khiếu nại phải bằng quyết định tiếp tục giải quyết (%(article)s; %(decree)s): ghi "
            "quyết định tại %(route)s"
        )
        route = reverse("api-complaint-continuation", args=[petition_id])
    raise DecisionRequired(message % {"article": ART_11A, "decree": ARTS_28A_28B, "route": route})


def decide_clock(*, petition: Petition, user: User, suspend: bool, reason: str) -> CaseEvent:
    """The generic "stop / restart the clock" of a complaint, as the decision it legally is: a suspension or a
    continuation decision dated today, with its document (`suspend_complaint`, `continue_complaint`)."""
    decide = suspend_complaint if suspend else continue_complaint
    return decide(petition=petition, user=user, decided_on=calendar.today(), reason=reason)


def _complaint(petition: Petition) -> Petition:
    petition = Petition.objects.select_related("workflow__unit", "commune").get(pk=petition.pk)
    if petition.petition_type not in COMPLAINT_TYPES:
        raise ComplaintError("petition", gettext("Chỉ áp dụng cho khiếu nại (%(article)s)") % {"article": ART_11A})
    return petition


def _reason(reason: str) -> str:
    if not reason.strip():
        raise ComplaintError("reason", gettext("Quyết định phải nêu rõ lý do (%(article)s)") % {"article": ART_11A})
    return reason.strip()


def issue_document(
    petition: Petition,
    kind: str,
    *,
    by: User | None,
    values: dict[str, str],
    source: str,
    handler_context: HandlerContext | None = None,
    send_by: datetime.date | None = None,
    send_by_basis: str = "",
) -> int:
    """The legal document of a decision or notice (`documents`): drafted from its form in force, and issued at
    once — numbered, stored, sent through the outbox — when `by` leads the issuing unit (the leader's decision is
    the approval); otherwise a draft a leader approves on its page. Returns its id, for the audit entry."""
    from documents import services as documents

    document = documents.draft_and_sign(
        case=petition,
        kind=kind,
        by=by,
        context=values,
        source=source,
        handler_context=handler_context,
        send_by=send_by,
        send_by_basis=send_by_basis,
    )
    return int(document.pk)


@transaction.atomic
def suspend_complaint(*, petition: Petition, user: User, decided_on: datetime.date, reason: str) -> CaseEvent:
    """Record a decision to suspend (tạm đình chỉ) a complaint's resolution: the legal clock stops from the day of
    the decision (the engine's `suspend_case`), and the decision is sent to the complainant within 3 working days
    (`complaint.suspension_notice`, Art. 28a): it is sent now, and the audit entry says by when it had to go."""
    petition = _complaint(petition)
    reason = _reason(reason)
    workflow_services.suspend_case(
        instance=petition.workflow, user=user, reason=reason, on=decided_on, basis=DECISION_BASIS
    )
    today = calendar.today()
    try:
        send_by: datetime.date | None = compute_due(rule_code="complaint.suspension_notice", start=decided_on).due_date
    except DeadlineError:  # a decision before 1 July 2026: no such rule yet
        send_by = None
    late = send_by is not None and today > send_by
    summary = f"Quyết định tạm đình chỉ giải quyết khiếu nại ngày {decided_on:%d/%m/%Y} ({ART_11A}). Lý do: {reason}"
    if send_by is not None:
        summary += (
            f". Gửi người khiếu nại ngày {today:%d/%m/%Y} (hạn gửi {send_by:%d/%m/%Y}{', gửi muộn' if late else ''})"
        )
    document_id = issue_document(
        petition,
        "suspension",
        by=user,
        values={
            "ly_do": reason,
            "ngay_quyet_dinh": format(decided_on, "%d/%m/%Y"),
            "can_cu": f"Căn cứ {ARTS_28A_28B}",
        },
        source=f"suspension:{decided_on.isoformat()}",
    )
    event = CaseEvent.objects.create(
        instance=petition.workflow,
        kind="suspension_decision",
        actor=user,
        summary=summary,
        public_text=f"Quyết định tạm đình chỉ giải quyết khiếu nại ngày {decided_on:%d/%m/%Y}. Lý do: {reason}",
        data={
            "document": "suspension_decision",
            "decided_on": decided_on.isoformat(),
            "reason": reason,
            "send_by": send_by.isoformat() if send_by else None,
            "sent_on": today.isoformat(),
            "sent_late": late,
            "document_id": document_id,
        },
    )
    return event


@transaction.atomic
def continue_complaint(*, petition: Petition, user: User, decided_on: datetime.date, reason: str) -> CaseEvent:
    """Record the decision to continue a suspended complaint: the clock runs again from the day of the decision
    (Art. 28b); the suspended days are added to the due date. Without a suspension, refused."""
    petition = _complaint(petition)
    if not workflow_services.is_suspended(petition.workflow):
        raise ComplaintError(
            "petition",
            gettext(
                "Khiếu nại không bị tạm đình chỉ nên không có quyết định tiếp tục giải quyết (%(article)s; "
                "%(decree)s: chỉ tiếp tục giải quyết khiếu nại đã có quyết định tạm đình chỉ)"
            )
            % {"article": ART_11A, "decree": ARTS_28A_28B},
        )
    reason = _reason(reason)
    workflow_services.resume_case(
        instance=petition.workflow, user=user, reason=reason, on=decided_on, basis=DECISION_BASIS
    )
    row = _resolution_clock(petition.workflow_id)
    due = calendar.local_date(row.due_at) if row is not None else None
    document_id = issue_document(
        petition,
        "continuation",
        by=user,
        values={
            "ly_do": reason,
            "ngay_quyet_dinh": format(decided_on, "%d/%m/%Y"),
            "han_moi": format(due, "%d/%m/%Y") if due else "",
            "can_cu": f"Căn cứ {ARTS_28A_28B}",
        },
        source=f"continuation:{decided_on.isoformat()}",
    )
    event = CaseEvent.objects.create(
        instance=petition.workflow,
        kind="continuation_decision",
        actor=user,
        summary=f"Quyết định tiếp tục giải quyết khiếu nại ngày {decided_on:%d/%m/%Y} ({ARTS_28A_28B}). Lý do: {reason}",
        public_text=f"Quyết định tiếp tục giải quyết khiếu nại ngày {decided_on:%d/%m/%Y}"
        + (f"; hạn giải quyết mới ngày {due:%d/%m/%Y}" if due else ""),
        data={
            "document": "continuation_decision",
            "decided_on": decided_on.isoformat(),
            "reason": reason,
            "due": due.isoformat() if due else None,
            "document_id": document_id,
        },
    )
    return event


@transaction.atomic
def stop_complaint(*, petition: Petition, user: User, decided_on: datetime.date, reason: str) -> WorkflowInstance:
    """Record a decision to stop (đình chỉ) a complaint's resolution (Art. 11a): the case ends with its reason,
    its open steps and clocks closed; the decision is a document (issued by the leader, sent to the complainant)."""
    petition = _complaint(petition)
    reason = _reason(reason)
    if decided_on > calendar.today():
        raise ComplaintError("decided_on", gettext("Ngày ra quyết định ở tương lai; chỉ ghi quyết định đã ban hành"))
    document_id = issue_document(
        petition,
        "stop",
        by=user,
        values={"ly_do": reason, "ngay_quyet_dinh": format(decided_on, "%d/%m/%Y")},
        source=f"stop:{decided_on.isoformat()}",
    )
    instance = workflow_services.end_case(
        instance=petition.workflow,
        user=user,
        kind="stopping_decision",
        summary=f"Quyết định đình chỉ giải quyết khiếu nại ngày {decided_on:%d/%m/%Y} ({ART_11A}). Lý do: {reason}",
        public_text=f"Đình chỉ giải quyết khiếu nại (quyết định ngày {decided_on:%d/%m/%Y}). Lý do: {reason}",
        data={
            "document": "stopping_decision",
            "decided_on": decided_on.isoformat(),
            "reason": reason,
            "document_id": document_id,
        },
    )
    petition.status = PetitionStatus.ANSWERED
    petition.answer = f"Đình chỉ giải quyết khiếu nại. Lý do: {reason}"
    petition.answered_at = timezone.now()
    petition.answered_by = instance.unit
    petition.save(update_fields=["status", "answer", "answered_at", "answered_by"])
    return instance


# ---- the dialogue's notice (Art. 28 of Decree 124/2020 as amended) ---------------------------------------------


def check_dialogue_date(dialogue_on: datetime.date, *, today: datetime.date | None = None) -> DueDate | None:
    """The dialogue must be notified at least the days of `complaint.dialogue_notice` before it (5 days, Art. 28 of
    Decree 124/2020 as amended by Decree 155/2026): a notice sent today allows no earlier date. Returns the last
    day the notice may go out (None for a dialogue before the rule took effect)."""
    today = today or calendar.today()
    if dialogue_on <= today:
        raise ComplaintError("dialogue_date", gettext("Ngày đối thoại phải sau hôm nay"))
    try:
        notice = compute_due(rule_code="complaint.dialogue_notice", start=dialogue_on)
    except DeadlineError:
        return None
    if today <= notice.due_date:
        return notice
    earliest = dialogue_on + datetime.timedelta(days=1)
    while compute_due(rule_code="complaint.dialogue_notice", start=earliest).due_date < today:
        earliest += datetime.timedelta(days=1)
    raise ComplaintError(
        "dialogue_date",
        gettext(
            "Ngày đối thoại %(day)s quá gần: thông báo đối thoại phải gửi ít nhất %(days)s ngày trước ngày đối thoại "
            "(%(citation)s). Gửi thông báo hôm nay thì ngày đối thoại sớm nhất là %(earliest)s"
        )
        % {
            "day": format(dialogue_on, "%d/%m/%Y"),
            "days": notice.rule.days,
            "citation": notice.rule.citation,
            "earliest": format(earliest, "%d/%m/%Y"),
        },
    )
