"""Denunciations (tố cáo) beyond the diagram's own steps: the written decisions and notices the Law on Denunciations
requires, the complexity finding that allows extensions, suspension, withdrawal, and the denounced person's notices.

Law on Denunciations 25/2018/QH14, as amended by Laws 81/2025/QH15, 84/2025/QH15 and (from 01/07/2026) 136/2025/QH15;
Decree 31/2019/NĐ-CP as amended by Decree 156/2026/NĐ-CP (forms). Articles used here, to be checked by legal staff
against the consolidated text (the khoản numbers after the 2025–2026 amendments are not verified):

- Art. 24: a denunciation transferred to the competent person: the denouncer is told to whom (5 working days).
- Art. 29: within 5 working days of acceptance, the denouncer is notified and the denounced person is told the content
  denounced (never who denounced).
- Art. 30: 30 days from acceptance; a complex case may be extended once, an especially complex one twice, each by at
  most 30 days; each extension is a written decision notified to the denouncer and the denounced person.
- Art. 33: the denouncer may withdraw all or part of the denunciation in writing before the conclusion; a full
  withdrawal stops the resolution (Art. 34) unless there are grounds that the denounced act broke the law.
- Art. 34: suspension (tạm đình chỉ) and stopping (đình chỉ) are written decisions sent to the denouncer and the
  denounced person; the time suspended does not count; the resolution resumes by a decision to continue.
- Art. 35–36: the conclusion is sent to the denounced person and notified to the denouncer; it is acted on within
  7 working days (`denunciation.conclusion_handling`).
- Art. 47–56: the denouncer's identity is kept confidential: every text here passes `check_sealed`.

Documents: every notice and decision is a document of `documents/` (its official form, numbered in the unit's
register, a PDF sent through the notification outbox to each recipient with an address): `make_document` drafts it
and issues it at once when the official acting leads the issuing unit (a leader's decision), otherwise it waits as a
draft for the leader to sign. The denounced person is a recipient where the law says so; the denouncer is never
named (the forms say «Người tố cáo»), and each text an official typed is checked first (`check_sealed`), so that a
step refuses it with a clear error before anything is written.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from cases.handlers import check_sealed
from cases.models import Petition, PetitionStatus, PetitionType
from deadlines import calendar
from documents import services as documents
from documents.models import Document, DocumentKind, RecipientRole
from organisation.models import Membership
from workflows import services as workflow_services
from workflows.handlers import HandlerContext, HandlerError
from workflows.models import CaseEvent, Deadline, DeadlinePhase, InstanceStatus, WorkflowInstance
from workflows.subjects import ClockChange

LAW = "Luật Tố cáo số 25/2018/QH14 (được sửa đổi, bổ sung)"
DECREE = "Nghị định số 31/2019/NĐ-CP (được sửa đổi, bổ sung bởi Nghị định số 156/2026/NĐ-CP)"
RESOLVE_RULE = "denunciation.resolve"

# Art. 30: how many extensions each level of complexity allows.
COMPLEXITY_EXTENSIONS = {"complex": 1, "especially_complex": 2}
COMPLEXITY_LABELS = {"complex": "vụ việc phức tạp", "especially_complex": "vụ việc đặc biệt phức tạp"}


class DenunciationError(workflow_services.WorkflowError):
    """A decision on a denunciation the law does not allow, with the article it comes from."""

    code = "denunciation_error"
    status = 400


def is_denunciation(instance: WorkflowInstance) -> bool:
    return instance.subject_type == PetitionType.DENUNCIATION


def _petition_of(instance: WorkflowInstance) -> Petition:
    return Petition.objects.select_for_update().get(workflow=instance)


# ---- documents ------------------------------------------------------------------------------------------

FILE_COPY = {"role": RecipientRole.OTHER, "label": "Lưu: VT, hồ sơ", "send": False}


def denounced_person(instance: WorkflowInstance) -> dict[str, str]:
    """Who was denounced and where notices reach them, as recorded by the acceptance notice (empty before it)."""
    event = (
        CaseEvent.objects.filter(instance=instance, kind="denounced_notified").order_by("-created_at", "-pk").first()
    )
    return dict(event.data.get("denounced", {})) if event else {}


def denounced_label(person: dict[str, str]) -> str:
    if not person:
        return "Người bị tố cáo (chưa ghi nhận địa chỉ)"
    return f"Người bị tố cáo: {person['name']}, {person['address']}"


def denounced_recipient(person: dict[str, str]) -> dict[str, Any]:
    """The denounced person as a recipient of a document: sent to their e-mail when known, else by post."""
    email = (person or {}).get("email", "")
    return {"role": RecipientRole.DENOUNCED, "label": denounced_label(person), "email": email, "send": bool(email)}


def to_both(petition: Petition, person: dict[str, str]) -> list[dict[str, Any]]:
    """The denouncer (never named), the denounced person, the file copy."""
    recipients = documents.default_recipients(petition)
    recipients.insert(1, denounced_recipient(person))
    return recipients


def make_document(
    *,
    petition: Petition,
    kind: str,
    actor: User | None,
    values: dict[str, str],
    recipients: list[dict[str, Any]],
    source: str,
    context: HandlerContext | None = None,
) -> Document | None:
    """Draft a document of `kind` for the case, and issue it when `actor` may sign it (a leader of the unit);
    otherwise it waits as a draft for the leader (`documents.views`). In a step, pass its `context` (the audit
    entries are written with the step). A step drafts a source once.

    Without a form of `kind` in force (a date before legal staff added it), the step still goes on: what the
    document would hold is recorded on the case (`document_form_missing`) for legal staff to issue by hand, and
    None is returned."""
    try:
        return documents.draft_and_sign(
            case=petition,
            kind=kind,
            by=actor,
            context=values,
            recipients=recipients,
            source=source,
            handler_context=context,
        )
    except documents.NoFormInForce as missing:
        summary = f"{missing} Văn bản cần soạn thủ công."
        data = {"kind": kind, "values": values, "recipients": [str(item.get("label", "")) for item in recipients]}
        if context is not None:
            context.record("document_form_missing", summary, data=data)
        else:
            CaseEvent.objects.create(
                instance_id=petition.workflow_id, kind="document_form_missing", actor=actor, summary=summary, data=data
            )
        return None


def conclusion_source(instance: WorkflowInstance) -> str:
    """The `source` under which `documents.steps` drafts the conclusion of the step being saved (same step: same
    draft)."""
    return f"step:{instance.lock_version}:concluded"


def prepare_conclusion(context: HandlerContext, *, conclusion: str, outcome: str) -> Document:
    """Draft the conclusion (Art. 35) with the denounced person named and among its recipients, under the source
    `documents.steps` uses for this step, so that its step hook issues this draft (in the leader's step) instead of
    drafting one without them."""
    from cases.handlers import DENUNCIATION_OUTCOMES

    petition = Petition.objects.get(workflow=context.instance)
    person = denounced_person(context.instance)
    values = {
        "noi_dung": conclusion,
        "ket_qua": DENUNCIATION_OUTCOMES.get(outcome, ""),
        "nguoi_bi_to_cao": person.get("name", ""),
        "can_cu": f"Điều 35 {LAW}",
    }
    return documents.draft_document(
        case=petition,
        kind=DocumentKind.CONCLUSION,
        by=context.actor,
        context=values,
        recipients=to_both(petition, person),
        source=conclusion_source(context.instance),
        handler_context=context,
    )


# ---- the notice of the content to the denounced person (Art. 29) ---------------------------------------------


def send_content_notice(
    *,
    instance: WorkflowInstance,
    person: dict[str, str],
    content: str,
    actor: User | None = None,
    context: HandlerContext | None = None,
) -> Document | None:
    """Tell the denounced person the content denounced, never who denounced it (Arts. 29, 47–56): the notice of the
    form `denounced_notice`, to them alone (and the file). Inside the acceptance step (`context`), or by hand
    (`send_content_notice_by_hand`). Raises HandlerError (nothing written) when something is missing or a text names
    the denouncer."""
    name, address = person.get("name", "").strip(), person.get("address", "").strip()
    email = person.get("email", "").strip()
    content = content.strip()
    if not (name and address and content):
        raise HandlerError(
            gettext("Phải ghi người bị tố cáo, địa chỉ nhận thông báo và nội dung bị tố cáo (Điều 29 Luật Tố cáo)")
        )
    petition = Petition.objects.get(workflow=instance)
    check_sealed(petition, name, address, email, content)
    person = {"name": name, "address": address, "email": email}
    summary = f"Thông báo nội dung tố cáo cho người bị tố cáo ({name}), Điều 29 {LAW}"
    public_text = "Đã thông báo nội dung tố cáo cho người bị tố cáo"
    if context is not None:
        context.record("denounced_notified", summary, public_text=public_text, data={"denounced": person})
    else:
        CaseEvent.objects.create(
            instance=instance,
            kind="denounced_notified",
            actor=actor,
            summary=summary,
            public_text=public_text,
            data={"denounced": person},
        )
    return make_document(
        petition=petition,
        kind=DocumentKind.DENOUNCED_NOTICE,
        actor=actor if context is None else context.actor,
        values={"nguoi_bi_to_cao": name, "noi_dung": content},
        recipients=[denounced_recipient(person), FILE_COPY],
        source=f"{context.element_id}:denounced_notice" if context is not None else "by-hand:denounced_notice",
        context=context,
    )


@transaction.atomic
def send_content_notice_by_hand(
    *, petition: Petition, user: User, person: dict[str, str], content: str
) -> Document | None:
    """The notice of Art. 29 for a case accepted under a version of the process without that step (moved to the
    July 2026 version past its notices): once, by an official of the unit, before the conclusion."""
    instance = WorkflowInstance.objects.select_related("unit").get(pk=petition.workflow_id)
    if not is_denunciation(instance):
        raise DenunciationError(gettext("Chỉ áp dụng cho tố cáo"))
    if not Membership.objects.filter(user_id=user.pk, unit_id=instance.unit_id).exists():
        raise workflow_services.NotAllowed(gettext("Chỉ cán bộ của đơn vị giải quyết tố cáo được gửi thông báo này"))
    if petition.status != PetitionStatus.IN_PROGRESS or instance.status != InstanceStatus.RUNNING:
        raise DenunciationError(
            gettext("Chỉ thông báo nội dung tố cáo cho người bị tố cáo khi tố cáo đã được thụ lý (Điều 29 Luật Tố cáo)")
        )
    if CaseEvent.objects.filter(instance=instance, kind="denounced_notified").exists():
        raise workflow_services.Conflict(gettext("Người bị tố cáo đã được thông báo nội dung tố cáo"))
    try:
        return send_content_notice(instance=instance, person=person, content=content, actor=user)
    except HandlerError as error:
        raise DenunciationError(str(error)) from None


# ---- complexity and extensions (Art. 30) --------------------------------------------------------------------


def complexity(instance: WorkflowInstance) -> str:
    """The latest written finding on the case's complexity: "", "complex" or "especially_complex"."""
    event = CaseEvent.objects.filter(instance=instance, kind="complexity_found").order_by("-created_at", "-pk").first()
    return str(event.data.get("level", "")) if event else ""


def _granted_extensions(instance: WorkflowInstance) -> int:
    row = Deadline.objects.filter(instance=instance, rule_code=RESOLVE_RULE).order_by("-pk").first()
    return row.extensions if row else 0


@transaction.atomic
def find_complexity(*, petition: Petition, user: User, level: str, reasons: str) -> None:
    """A leader's written finding that the case is complex or especially complex, with its reasons (Art. 30). It can
    be changed later (a new finding, kept in the audit trail), never below the extensions already granted."""
    instance = petition.workflow
    if not is_denunciation(instance):
        raise DenunciationError(gettext("Chỉ áp dụng cho tố cáo"))
    if not workflow_services.leads(user, instance.unit):
        raise workflow_services.NotAllowed(gettext("Chỉ lãnh đạo đơn vị xử lý được quyết định việc này"))
    if level not in COMPLEXITY_EXTENSIONS:
        raise DenunciationError(
            gettext("Mức độ phức tạp phải là «complex» hoặc «especially_complex» (Điều 30 Luật Tố cáo)")
        )
    reasons = reasons.strip()
    if not reasons:
        raise DenunciationError(
            gettext("Phải ghi lý do xác định vụ việc phức tạp hoặc đặc biệt phức tạp (Điều 30 Luật Tố cáo)")
        )
    if instance.status != InstanceStatus.RUNNING:
        raise workflow_services.Conflict(gettext("Hồ sơ đã kết thúc"))
    granted = _granted_extensions(instance)
    if granted > COMPLEXITY_EXTENSIONS[level]:
        raise DenunciationError(
            gettext(
                "Đã gia hạn %(granted)s lần: không thể xác định lại là vụ việc chỉ cho phép %(allowed)s lần gia hạn "
                "(Điều 30 Luật Tố cáo)"
            )
            % {"granted": granted, "allowed": COMPLEXITY_EXTENSIONS[level]}
        )
    try:
        check_sealed(petition, reasons)
    except HandlerError as error:
        raise DenunciationError(str(error)) from None
    label = COMPLEXITY_LABELS[level]
    CaseEvent.objects.create(
        instance=instance,
        kind="complexity_found",
        actor=user,
        summary=f"Xác định {label} (Điều 30 Luật Tố cáo). Lý do: {reasons}",
        data={"level": level, "reasons": reasons, "previous": complexity(instance), "basis": f"Điều 30 {LAW}"},
    )


def check_clock_change(change: ClockChange) -> None:
    """Art. 30: no extension of a denunciation's resolution without a written finding of complexity; one for a
    complex case, two for an especially complex one. Texts that would reach the parties never name the denouncer.
    Art. 34: a continuation needs a suspension (the engine refuses it before this runs)."""
    if not is_denunciation(change.instance):
        return
    petition = Petition.objects.get(workflow=change.instance)
    try:
        check_sealed(petition, change.reason)
    except HandlerError as error:
        raise DenunciationError(str(error)) from None
    if (
        change.kind == "resumed"
        and not Deadline.objects.filter(
            instance=change.instance, closed_at__isnull=True, suspended_since__isnull=False
        ).exists()
    ):
        raise DenunciationError(
            gettext(
                "Việc giải quyết tố cáo không bị tạm đình chỉ nên không có quyết định tiếp tục giải quyết "
                "(Điều 34 Luật Tố cáo)"
            )
        )
    if change.kind not in ("extension_requested", "extended") or change.deadline is None:
        return
    if change.deadline.rule_code != RESOLVE_RULE:
        return
    level = complexity(change.instance)
    allowed = COMPLEXITY_EXTENSIONS.get(level, 0)
    if change.extensions > 2:
        raise DenunciationError(
            gettext(
                "Vụ việc đặc biệt phức tạp chỉ được gia hạn giải quyết tố cáo hai lần, mỗi lần không quá 30 ngày "
                "(Điều 30 Luật Tố cáo); không thể gia hạn lần thứ %(number)s"
            )
            % {"number": change.extensions}
        )
    if allowed == 0:
        raise DenunciationError(
            gettext(
                "Chỉ gia hạn giải quyết tố cáo khi lãnh đạo đã xác định bằng văn bản vụ việc phức tạp hoặc đặc biệt "
                "phức tạp, kèm lý do (Điều 30 Luật Tố cáo)"
            )
        )
    if change.extensions > allowed:
        raise DenunciationError(
            gettext(
                "Vụ việc phức tạp chỉ được gia hạn giải quyết tố cáo một lần; gia hạn lần hai chỉ khi vụ việc đặc "
                "biệt phức tạp (Điều 30 Luật Tố cáo)"
            )
        )


def clock_changed(change: ClockChange) -> None:
    """The written decision that follows a change of a denunciation's clock, to the denouncer and the denounced
    person (Arts. 30, 34). The denouncer also hears of the new due date from `cases.notices.notify_clock_change`."""
    if not is_denunciation(change.instance):
        return
    petition = Petition.objects.get(workflow=change.instance)
    person = denounced_person(change.instance)
    reason = change.reason.strip()
    today = f"{calendar.today():%d/%m/%Y}"
    source = f"{change.kind}:{change.instance.pk}:{change.instance.lock_version}"
    if change.kind == "extended" and change.deadline is not None and change.deadline.rule_code == RESOLVE_RULE:
        level = complexity(change.instance)
        due = f"{change.due_date:%d/%m/%Y}" if change.due_date else ""
        make_document(
            petition=petition,
            kind=DocumentKind.EXTENSION,
            actor=change.actor,
            values={
                "han_moi": due,
                "ly_do": f"{reason} ({COMPLEXITY_LABELS.get(level, '')}, gia hạn lần {change.extensions})",
                "can_cu": f"{DECREE}",
            },
            recipients=to_both(petition, person),
            source=f"extension:{change.deadline.pk}:{change.extensions}",
        )
    elif change.kind == "suspended":
        make_document(
            petition=petition,
            kind=DocumentKind.SUSPENSION,
            actor=change.actor,
            values={"ly_do": reason, "ngay_quyet_dinh": today},
            recipients=to_both(petition, person),
            source=source,
        )
    elif change.kind == "resumed":
        # The decision states the resolution period's new end (Art. 30), not that of an earlier step's notice.
        period = Deadline.objects.filter(
            instance=change.instance, rule_code=RESOLVE_RULE, closed_at__isnull=True
        ).first()
        due_date = calendar.local_date(period.due_at) if period else change.due_date
        make_document(
            petition=petition,
            kind=DocumentKind.CONTINUATION,
            actor=change.actor,
            values={"han_moi": f"{due_date:%d/%m/%Y}" if due_date else "", "ly_do": reason, "ngay_quyet_dinh": today},
            recipients=to_both(petition, person),
            source=source,
        )


# ---- withdrawal (Art. 33) and stopping (Art. 34) -------------------------------------------------------------

WITHDRAWAL_SCOPES = ("all", "part")


@transaction.atomic
def withdraw_denunciation(
    *, petition: Petition, user: User, scope: str, withdrawn: str, continue_reason: str = ""
) -> None:
    """Record the denouncer's written withdrawal (rút tố cáo, Art. 33), before the conclusion.

    Part of it: the rest is resolved as before. All of it: a decision to stop the resolution (đình chỉ, Art. 34),
    sent to both parties, and the case ends, unless `continue_reason` records grounds that the denounced act broke
    the law, when the resolution continues. The clock is not changed by a withdrawal that does not stop the case.
    """
    instance = WorkflowInstance.objects.select_related("unit").get(pk=petition.workflow_id)
    if not is_denunciation(instance):
        raise DenunciationError(gettext("Chỉ áp dụng cho tố cáo"))
    if not workflow_services.leads(user, instance.unit):
        raise workflow_services.NotAllowed(gettext("Chỉ lãnh đạo đơn vị xử lý được quyết định việc này"))
    if scope not in WITHDRAWAL_SCOPES:
        raise DenunciationError(gettext("Phạm vi rút tố cáo phải là «all» hoặc «part» (Điều 33 Luật Tố cáo)"))
    withdrawn, continue_reason = withdrawn.strip(), continue_reason.strip()
    if not withdrawn:
        raise DenunciationError(
            gettext("Phải ghi nội dung tố cáo được rút theo văn bản rút tố cáo (Điều 33 Luật Tố cáo)")
        )
    concluded = CaseEvent.objects.filter(instance=instance, kind="concluded").exists()
    if instance.status != InstanceStatus.RUNNING or concluded:
        raise DenunciationError(
            gettext(
                "Chỉ được rút tố cáo trước khi người giải quyết tố cáo ra kết luận nội dung tố cáo (Điều 33 Luật Tố cáo)"
            )
        )
    try:
        check_sealed(petition, withdrawn, continue_reason)
    except HandlerError as error:
        raise DenunciationError(str(error)) from None
    unit = instance.unit.name
    basis = f"Điều 33 {LAW}"
    if scope == "part":
        CaseEvent.objects.create(
            instance=instance,
            kind="withdrawn_in_part",
            actor=user,
            summary=f"Người tố cáo rút một phần nội dung tố cáo: {withdrawn}. Tiếp tục giải quyết phần còn lại",
            public_text="Người tố cáo rút một phần nội dung tố cáo; phần còn lại tiếp tục được giải quyết",
            data={"scope": scope, "withdrawn": withdrawn, "basis": basis},
        )
        return
    if continue_reason:
        CaseEvent.objects.create(
            instance=instance,
            kind="withdrawn_continued",
            actor=user,
            summary=f"Người tố cáo rút toàn bộ tố cáo; tiếp tục giải quyết vì: {continue_reason}",
            public_text="Người tố cáo rút tố cáo; tố cáo tiếp tục được giải quyết theo quy định",
            data={"scope": scope, "withdrawn": withdrawn, "continue_reason": continue_reason, "basis": basis},
        )
        make_document(
            petition=petition,
            kind=DocumentKind.NOTICE,
            actor=user,
            values={
                "trich_yeu": "Về việc tiếp tục giải quyết tố cáo sau khi người tố cáo rút tố cáo",
                "noi_dung": (
                    f"{unit} đã nhận văn bản rút toàn bộ nội dung tố cáo (mã tra cứu {instance.reference}). Việc "
                    f"giải quyết tố cáo được tiếp tục vì: {continue_reason}."
                ),
                "can_cu": basis,
            },
            recipients=documents.default_recipients(petition),
            source=f"withdrawal:{instance.pk}:{instance.lock_version}",
        )
        return
    today = calendar.today()
    decision = f"Người tố cáo rút toàn bộ nội dung tố cáo (Điều 33 {LAW}): {withdrawn}"
    make_document(
        petition=petition,
        kind=DocumentKind.STOP,
        actor=user,
        values={"ly_do": decision},
        recipients=to_both(petition, denounced_person(instance)),
        source=f"stop:{instance.pk}:{instance.lock_version}",
    )
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    petition.status = PetitionStatus.ANSWERED
    petition.answer = f"{unit} đình chỉ việc giải quyết tố cáo từ ngày {today:%d/%m/%Y}. Lý do: {decision}."
    petition.answered_at = timezone.now()
    petition.answered_by = instance.unit
    petition.save(update_fields=["status", "answer", "answered_at", "answered_by"])
    workflow_services.end_case(
        instance=instance,
        user=user,
        kind="stopped",
        summary=f"Đình chỉ việc giải quyết tố cáo: người tố cáo rút toàn bộ tố cáo ({withdrawn})",
        public_text="Việc giải quyết tố cáo được đình chỉ do người tố cáo rút tố cáo",
        data={"scope": scope, "basis": f"Điều 33, Điều 34 {LAW}"},
    )


def close_resolution_clock(instance: WorkflowInstance) -> None:
    """Close the 30-day resolution clock once the conclusion is issued (Art. 30 ends there; the handling of the
    conclusion has its own clock, Art. 36): it neither fires nor shows as the case's due date any more."""
    Deadline.objects.filter(instance=instance, rule_code=RESOLVE_RULE, closed_at__isnull=True).update(
        closed_at=timezone.now(), phase=DeadlinePhase.CLOSED, next_action_at=None
    )
