"""Service-task handlers for petitions, named in the BPMN diagrams (`spiffworkflow:serviceTaskOperator id=…`).

They run inside the engine's transaction: database writes commit with the case, and messages to the
petitioner are sent only after that commit.

A denouncer's identity is sealed (Law on Denunciations 2018, Art. 47–56): no handler writes the petitioner's
name, phone or email into an event, a public text or a log line, and a text that is sent or published for a
denunciation is refused if it names the denouncer (`check_sealed`).
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import notices
from cases.models import Petition, PetitionStatus, PetitionType
from deadlines import calendar
from notifications.models import MessageKind
from notifications.services import Address
from notifications.services import enqueue as enqueue_notification
from organisation.models import Role, Unit
from places.alerts import alert_subscribers
from search.outbox import enqueue
from workflows.handlers import HandlerContext, HandlerError, register_handler
from workflows.models import Deadline, DeadlineKind


def _petition(context: HandlerContext) -> Petition:
    return Petition.objects.select_for_update().get(workflow=context.instance)


def _publish(petition: Petition) -> None:
    """Make a petition public; its public projection enters the search index through the outbox, in this
    transaction (so a rolled-back case never reaches the index)."""
    petition.published_at = timezone.now()
    petition.save(update_fields=["published_at"])
    enqueue("petition", petition.pk)
    # Subscribers of the commune or topic are alerted in this transaction too (nothing for a non-public one).
    alert_subscribers(petition)


def _notify_petitioner(
    context: HandlerContext,
    petition: Petition,
    kind: str,
    subject: str | Promise,
    intro: str | Promise,
    text: str = "",
    **params: Any,
) -> None:
    """Queue a message to the petitioner in this step's transaction (`cases.notices`): it leaves only if the step
    commits, through the channel the petition came from, and is retried until delivered. After an answer, the
    petitioner is also asked, some time later, to rate how it was handled."""
    occasion = context.instance.lock_version
    notices.notify(petition, kind=kind, occasion=occasion, subject=subject, intro=intro, text=text, **params)
    if kind == MessageKind.ANSWER:
        notices.ask_for_rating(petition, occasion=occasion)


@register_handler("accept_case", "Thụ lý đơn")
def accept_case(context: HandlerContext) -> None:
    Petition.objects.filter(workflow=context.instance).update(status=PetitionStatus.IN_PROGRESS)
    context.record("accepted", "Thụ lý đơn", public_text=f"Đơn đã được thụ lý tại {context.instance.unit.name}")
    _notify_petitioner(
        context,
        _petition(context),
        MessageKind.ACCEPTANCE,
        _("Thông báo thụ lý đơn"),
        _("%(unit)s đã thụ lý đơn %(code)s của ông/bà."),
        unit=context.instance.unit.name,
        code=context.instance.reference,
    )


@register_handler("transfer_case", "Chuyển đơn đến đơn vị có thẩm quyền")
def transfer_case(context: HandlerContext, unit: str) -> None:
    target = Unit.objects.filter(code=unit).first()
    if target is None:
        raise HandlerError(gettext("Không có đơn vị «%(unit)s»") % {"unit": unit})
    if target.pk == context.instance.unit_id:
        raise HandlerError(gettext("Đơn đã ở đơn vị này, hãy chọn đơn vị khác"))
    source = context.instance.unit
    context.instance.unit = target
    context.record(
        "transferred",
        f"Chuyển đơn từ {source.name} đến {target.name}",
        public_text=f"Đơn được chuyển đến {target.name} (đơn vị có thẩm quyền)",
        data={"from": source.code, "to": target.code},
    )


@register_handler("reject_petition", "Thông báo không thụ lý kèm lý do")
def reject_petition(context: HandlerContext, reason: str) -> None:
    petition = _petition(context)
    petition.status = PetitionStatus.REJECTED
    petition.answer = reason
    petition.answered_at = timezone.now()
    petition.answered_by = context.instance.unit
    petition.save(update_fields=["status", "answer", "answered_at", "answered_by"])
    context.record("rejected", "Không thụ lý đơn", public_text=f"Đơn không được thụ lý. Lý do: {reason}")
    _notify_petitioner(
        context,
        petition,
        MessageKind.REFUSAL,
        _("Thông báo không thụ lý"),
        _("Đơn %(code)s không được thụ lý. Lý do:"),
        reason,
        code=petition.tracking_code,
    )


@register_handler("send_answer", "Gửi văn bản trả lời cho người gửi đơn")
def send_answer(context: HandlerContext) -> None:
    answer = str(context.data.get("answer") or "").strip()
    if not answer:
        raise HandlerError(gettext("Chưa có nội dung trả lời"))
    petition = _petition(context)
    petition.status = PetitionStatus.ANSWERED
    petition.answer = answer
    petition.answered_at = timezone.now()
    petition.answered_by = context.instance.unit
    petition.save(update_fields=["status", "answer", "answered_at", "answered_by"])
    context.record("answered", "Gửi văn bản trả lời", public_text=f"{context.instance.unit.name} đã trả lời đơn")
    _notify_petitioner(
        context,
        petition,
        MessageKind.ANSWER,
        _("Trả lời đơn"),
        _("%(unit)s trả lời đơn %(code)s của ông/bà như sau:"),
        answer,
        unit=context.instance.unit.name,
        code=petition.tracking_code,
    )


@register_handler("publish_answer", "Công khai trả lời (khi người gửi đồng ý)")
def publish_answer(context: HandlerContext) -> None:
    petition = _petition(context)
    if not petition.publish_consent:
        raise HandlerError(gettext("Người gửi không đồng ý công khai"))
    _publish(petition)
    context.record("published", "Công khai trả lời", public_text="Trả lời đã được công khai")


# ---- complaints (Law on Complaints 2011) and denunciations (Law on Denunciations 2018) --------------------

COMPLAINT_OUTCOMES = {"correct": "khiếu nại đúng", "partly": "khiếu nại đúng một phần", "wrong": "khiếu nại sai"}
DENUNCIATION_OUTCOMES = {"founded": "tố cáo đúng", "partly": "tố cáo đúng một phần", "unfounded": "tố cáo sai"}


def _instance_label(petition: Petition) -> str:
    """The words of the law for the decision being made: «khiếu nại lần đầu» or «khiếu nại lần hai»."""
    return "khiếu nại lần hai" if petition.petition_type == PetitionType.COMPLAINT_SECOND else "khiếu nại lần đầu"


def _digits(text: str) -> str:
    return re.sub(r"(?<=\d)[\s.\-]+(?=\d)", "", text)


def check_sealed(petition: Petition, *texts: str) -> None:
    """Refuse to send or publish a text that names a denouncer (their name, phone or email)."""
    if not petition.identity_sealed:
        return
    name = " ".join(petition.petitioner_name.split()).casefold()
    # A one-word name ("Hoa") would match ordinary words; full names are matched as whole words.
    markers = [re.escape(name)] if len(name.split()) > 1 else []
    if petition.petitioner_email.strip():
        markers.append(re.escape(petition.petitioner_email.strip().casefold()))
    pattern = re.compile(rf"(?<!\w)(?:{'|'.join(markers)})(?!\w)") if markers else None
    phone = re.sub(r"\D", "", petition.petitioner_phone)
    for text in texts:
        flat = " ".join(text.split()).casefold()
        if (pattern and pattern.search(flat)) or (len(phone) >= 6 and phone in _digits(text)):
            raise HandlerError(
                gettext(
                    "Nội dung làm lộ danh tính người tố cáo (họ tên, điện thoại hoặc thư điện tử); hãy bỏ đi trước khi gửi hoặc công khai"
                )
            )


def _check_form_sealed(context: HandlerContext) -> None:
    """Refuse every text of the case's data so far that names the denouncer. Runs in the transaction of the
    step that was just completed, so a refused text is written nowhere (the step's audit entry included)."""
    texts = [value for value in context.data.values() if isinstance(value, str)]
    check_sealed(Petition.objects.get(workflow=context.instance), *texts)


# The same check after two steps: a handler names one service task per diagram (the validator counts handler names
# as element ids), so each step that takes free text gets a handler of its own.
@register_handler(
    "check_classification_sealed", "Kiểm tra nội dung phân loại tố cáo không làm lộ danh tính người tố cáo"
)
def check_classification_sealed(context: HandlerContext) -> None:
    _check_form_sealed(context)


@register_handler("check_findings_sealed", "Kiểm tra báo cáo xác minh tố cáo không làm lộ danh tính người tố cáo")
def check_findings_sealed(context: HandlerContext) -> None:
    _check_form_sealed(context)


def _finish(petition: Petition, context: HandlerContext, *, status: str, answer: str) -> None:
    petition.status = status
    petition.answer = answer
    petition.answered_at = timezone.now()
    petition.answered_by = context.instance.unit
    petition.save(update_fields=["status", "answer", "answered_at", "answered_by"])


def _text(context: HandlerContext, name: str, what: str) -> str:
    value = str(context.data.get(name) or "").strip()
    if not value:
        raise HandlerError(gettext("Chưa có %(what)s") % {"what": what, "name": name})
    return value


@register_handler("notify_acceptance", "Thông báo thụ lý khiếu nại cho người khiếu nại")
def notify_acceptance(context: HandlerContext) -> None:
    petition = _petition(context)
    petition.status = PetitionStatus.IN_PROGRESS
    petition.save(update_fields=["status"])
    unit = context.instance.unit.name
    label = _instance_label(petition)
    complex_case = context.data.get("complexity") == "complex"
    context.record(
        "accepted",
        f"Thụ lý giải quyết {label}" + (" (vụ việc phức tạp)" if complex_case else ""),
        public_text=f"Khiếu nại đã được thụ lý giải quyết tại {unit}",
        data={"complexity": "complex" if complex_case else "normal"},
    )
    _notify_petitioner(
        context,
        petition,
        MessageKind.ACCEPTANCE,
        _("Thông báo thụ lý khiếu nại"),
        _("%(unit)s đã thụ lý giải quyết khiếu nại lần hai của ông/bà.")
        if petition.petition_type == PetitionType.COMPLAINT_SECOND
        else _("%(unit)s đã thụ lý giải quyết khiếu nại lần đầu của ông/bà."),
        unit=unit,
    )


@register_handler("notify_refusal", "Thông báo không thụ lý khiếu nại, tố cáo kèm lý do")
def notify_refusal(context: HandlerContext, reason: str) -> None:
    reason = str(reason or "").strip()
    if not reason:
        raise HandlerError(gettext("Phải nêu lý do không thụ lý"))
    petition = _petition(context)
    check_sealed(petition, reason)
    _finish(petition, context, status=PetitionStatus.REJECTED, answer=reason)
    label = petition.get_petition_type_display().lower()
    context.record("rejected", f"Không thụ lý {label}", public_text=f"Không thụ lý {label}. Lý do: {reason}"[:500])
    _notify_petitioner(
        context,
        petition,
        MessageKind.REFUSAL,
        _("Thông báo không thụ lý tố cáo") if petition.identity_sealed else _("Thông báo không thụ lý khiếu nại"),
        _("Đơn %(code)s không được thụ lý. Lý do:"),
        reason,
        code=petition.tracking_code,
    )


@register_handler("send_decision", "Gửi quyết định giải quyết khiếu nại cho người khiếu nại")
def send_decision(context: HandlerContext) -> None:
    decision = _text(context, "decision", gettext("nội dung quyết định giải quyết khiếu nại"))
    outcome = str(context.data.get("outcome") or "")
    petition = _petition(context)
    _finish(petition, context, status=PetitionStatus.ANSWERED, answer=decision)
    label = _instance_label(petition)
    verdict = COMPLAINT_OUTCOMES.get(outcome)
    context.record(
        "decided",
        f"Ban hành quyết định giải quyết {label}" + (f": {verdict}" if verdict else ""),
        public_text=f"{context.instance.unit.name} đã ban hành quyết định giải quyết {label}"
        + (f" ({verdict})" if verdict else ""),
        data={"outcome": outcome},
    )
    _notify_petitioner(
        context,
        petition,
        MessageKind.ANSWER,
        _("Quyết định giải quyết khiếu nại lần hai")
        if petition.petition_type == PetitionType.COMPLAINT_SECOND
        else _("Quyết định giải quyết khiếu nại lần đầu"),
        _("%(unit)s đã ban hành quyết định giải quyết khiếu nại của ông/bà:"),
        decision,
        unit=context.instance.unit.name,
    )


@register_handler("publish_decision", "Công khai quyết định giải quyết khiếu nại")
def publish_decision(context: HandlerContext) -> None:
    petition = _petition(context)
    if petition.status != PetitionStatus.ANSWERED:
        raise HandlerError(gettext("Chưa có quyết định để công khai"))
    _publish(petition)
    label = _instance_label(petition)
    context.record(
        "published", f"Công khai quyết định giải quyết {label}", public_text="Quyết định giải quyết đã được công khai"
    )


@register_handler("accept_denunciation", "Thụ lý tố cáo")
def accept_denunciation(context: HandlerContext) -> None:
    Petition.objects.filter(workflow=context.instance).update(status=PetitionStatus.IN_PROGRESS)
    unit = context.instance.unit.name
    context.record("accepted", "Thụ lý tố cáo", public_text=f"Tố cáo đã được thụ lý giải quyết tại {unit}")


@register_handler("notify_denouncer", "Thông báo việc thụ lý cho người tố cáo (không công khai danh tính)")
def notify_denouncer(context: HandlerContext) -> None:
    petition = _petition(context)
    unit = context.instance.unit.name
    context.record(
        "denouncer_notified",
        "Đã thông báo việc thụ lý cho người tố cáo",
        public_text="Đã thông báo việc thụ lý cho người tố cáo",
        data={"method": str(context.data.get("notice_method") or "")},
    )
    _notify_petitioner(
        context,
        petition,
        MessageKind.ACCEPTANCE,
        _("Thông báo thụ lý tố cáo"),
        _("%(unit)s đã thụ lý giải quyết tố cáo của ông/bà."),
        unit=unit,
    )


@register_handler("send_conclusion", "Gửi kết luận nội dung tố cáo cho người tố cáo")
def send_conclusion(context: HandlerContext) -> None:
    conclusion = _text(context, "conclusion", gettext("nội dung kết luận"))
    outcome = str(context.data.get("outcome") or "")
    petition = _petition(context)
    check_sealed(petition, conclusion)
    _finish(petition, context, status=PetitionStatus.ANSWERED, answer=conclusion)
    verdict = DENUNCIATION_OUTCOMES.get(outcome)
    context.record(
        "concluded",
        "Ban hành kết luận nội dung tố cáo" + (f": {verdict}" if verdict else ""),
        public_text=f"{context.instance.unit.name} đã ban hành kết luận nội dung tố cáo"
        + (f" ({verdict})" if verdict else ""),
        data={"outcome": outcome},
    )
    _notify_petitioner(
        context,
        petition,
        MessageKind.ANSWER,
        _("Kết luận nội dung tố cáo"),
        _("%(unit)s đã ban hành kết luận nội dung tố cáo của ông/bà:"),
        conclusion,
        unit=context.instance.unit.name,
    )


@register_handler("publish_conclusion", "Công khai kết luận nội dung tố cáo (không kèm danh tính người tố cáo)")
def publish_conclusion(context: HandlerContext) -> None:
    petition = _petition(context)
    if petition.status != PetitionStatus.ANSWERED:
        raise HandlerError(gettext("Chưa có kết luận để công khai"))
    check_sealed(petition, petition.answer)
    _publish(petition)
    context.record(
        "published",
        "Công khai kết luận nội dung tố cáo",
        public_text="Kết luận nội dung tố cáo đã được công khai (danh tính người tố cáo được giữ bí mật)",
    )


def _notify_officials(context: HandlerContext, users: list[User], subject: str, body: str, *, occasion: str) -> None:
    """One message per official (its own delivery state), by e-mail, queued in the step's transaction."""
    for user in users:
        if user.email:
            enqueue_notification(
                key=f"case:{context.instance.pk}:overdue:{occasion}:{user.pk}",
                kind=MessageKind.OVERDUE,
                about=context.instance,
                addresses=[Address("email", user.email)],
                subject=subject,
                body=body,
                reference=context.instance.reference,
                language=settings.LANGUAGE_CODE,
            )


@register_handler("report_overdue", "Báo lãnh đạo đơn vị khi hết thời hạn giải quyết theo luật")
def report_overdue(context: HandlerContext) -> None:
    """Fired by a timer that runs the legal clock of a whole stage (from acceptance to the decision)."""
    now = timezone.now()
    row = (
        Deadline.objects.filter(
            instance=context.instance, kind=DeadlineKind.TIMER, closed_at__isnull=True, due_at__lte=now
        )
        .order_by("-due_at")
        .first()
    )
    unit = context.instance.unit
    leaders = list(
        User.objects.filter(is_active=True, memberships__unit=unit, memberships__role=Role.UNIT_LEADER).distinct()
    )
    due = calendar.local_date(row.due_at) if row else calendar.today()
    title = row.title if row else "Thời hạn giải quyết"
    summary = f"Quá hạn: «{title}» (hạn {due:%d/%m/%Y}), đã báo lãnh đạo {unit.name}"
    context.record(
        "overdue",
        summary,
        public_text=f"Đã hết thời hạn giải quyết theo quy định (ngày {due:%d/%m/%Y}); {unit.name} tiếp tục giải quyết",
        data={
            "due": due.isoformat(),
            "rule": row.rule_code if row else "",
            "to": [user.username for user in leaders],
            "level": 1,
        },
    )
    _notify_officials(
        context, leaders, summary, row.explanation if row else summary, occasion=f"{row.pk if row else 0}:{due}"
    )
