"""Writes of documents: draft (`draft_document`), edit a draft (`update_draft`), approve and issue
(`issue_document`). Numbers come from the unit's register (`allocate_number`), under a row lock.

Who approves: a leader of the issuing unit itself (`may_approve`). A step whose
official already is such a leader (a complaint's decision, a denunciation's conclusion, a reflection's approved
answer: the leader's own step) issues its document at once (`documents.steps`); any other step leaves a draft
for a leader to approve on the document's page.

A denouncer's identity is sealed (Law on Denunciations 2018, Art. 47–56): a denunciation's documents never name
the denouncer — the placeholders give «Ông/Bà» without a name, the recipient line says «Người tố cáo», and a text
an official typed that names them is refused (`cases.handlers.check_sealed`).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from cases import answer_templates, notices
from cases.handlers import check_sealed
from cases.models import Petition, PetitionType
from core.errors import AppError
from core.site import absolute_url
from deadlines import calendar
from documents import rendering
from documents.models import (
    Document,
    DocumentForm,
    DocumentKind,
    DocumentState,
    RecipientRole,
    RegisterCounter,
)
from documents.placeholders import PLACEHOLDERS, FormBodyError, render_body
from notifications.models import MessageKind
from notifications.selectors import language_of
from notifications.services import Address, enqueue
from organisation.models import Membership, Role, Unit
from workflows.handlers import HandlerContext, HandlerError
from workflows.models import CaseEvent

# The rule behind a register's numbers, quoted when a number is refused (to be checked by legal staff against the
# gazette text with the other citations).
NUMBER_RULE = gettext_lazy("Nghị định 30/2020/NĐ-CP, Điều 15, khoản 1: số và ký hiệu văn bản là duy nhất trong một năm")


class DocumentError(AppError):
    code = "document_error"
    status = 400


class NoFormInForce(DocumentError):
    code = "document_form_missing"


class InvalidForm(DocumentError):
    code = "document_form_invalid"

    def __init__(self, message: str, *, field: str = "body") -> None:
        super().__init__(message)
        self.errors = {field: message}


class NotAllowed(DocumentError):
    code = "document_not_allowed"
    status = 403


class WrongState(DocumentError):
    code = "document_wrong_state"
    status = 409


class TooLate(DocumentError):
    """The day by which the law wants the notice out has passed: it cannot be issued any more."""

    code = "too_late"
    status = 409


class NumberTaken(DocumentError):
    """A number already used in the register (Decree 30/2020/NĐ-CP, Art. 15(1))."""

    code = "document_number_taken"
    status = 409

    def __init__(self, *, number: int, register: str, year: int, unit: Unit) -> None:
        message = gettext(
            "Số %(number)02d đã được dùng trong sổ %(register)s năm %(year)s của %(unit)s; mỗi số chỉ cấp một lần (%(rule)s). Hãy để trống để lấy số tiếp theo."
        ) % {"number": number, "register": register, "year": year, "unit": unit.name, "rule": NUMBER_RULE}
        super().__init__(message)
        self.errors = {"number": message}


# The petition type as a document's text names it (`{{ loai_don }}`).
LABELS: dict[str, str] = {
    PetitionType.REFLECTION: "phản ánh",
    PetitionType.RECOMMENDATION: "kiến nghị",
    PetitionType.COMPLAINT: "khiếu nại",
    PetitionType.COMPLAINT_SECOND: "khiếu nại",
    PetitionType.DENUNCIATION: "tố cáo",
}


def form_in_force(kind: str, on: datetime.date) -> DocumentForm:
    form = DocumentForm.objects.filter(kind=kind, effective_from__lte=on).order_by("-effective_from").first()
    if form is None:
        label = dict(DocumentKind.choices).get(kind, kind)
        raise NoFormInForce(
            gettext("Chưa có mẫu «%(kind)s» có hiệu lực ngày %(day)s; pháp chế cần thêm mẫu trong trang quản trị.")
            % {"kind": label, "day": f"{on:%d/%m/%Y}"}
        )
    return form


def petitioner_label(petition: Petition) -> str:
    if petition.identity_sealed:
        return "Người tố cáo"
    return f"Ông/Bà {petition.petitioner_name}".strip()


def default_values(petition: Petition) -> dict[str, str]:
    """The placeholders every document knows from its case; a denouncer's name never."""
    name = "" if petition.identity_sealed else petition.petitioner_name
    return {
        "xung_ho": f"Ông/Bà {name}".strip(),
        "ho_ten": name,
        "ma_don": petition.tracking_code,
        "tieu_de": petition.title,
        "ngay_nhan": answer_templates.format_date(petition.received_at),
        "ngay_hom_nay": answer_templates.format_date(timezone.localdate()),
        "don_vi": petition.workflow.unit.name,
        "loai_don": LABELS.get(petition.petition_type, str(petition.get_petition_type_display()).lower()),
        "lan_giai_quyet": "lần hai" if petition.petition_type == PetitionType.COMPLAINT_SECOND else "lần đầu",
    }


def default_recipients(petition: Petition) -> list[dict[str, Any]]:
    return [
        {"role": RecipientRole.PETITIONER, "label": petitioner_label(petition), "send": True},
        {"role": RecipientRole.OTHER, "label": "Lưu: VT, hồ sơ", "send": False},
    ]


def _check_values(values: Mapping[str, Any]) -> dict[str, str]:
    unknown = sorted(name for name in values if name not in PLACEHOLDERS)
    if unknown:
        raise InvalidForm(
            gettext("Chỗ điền không có trong danh sách: %(names)s") % {"names": ", ".join(unknown)}, field="values"
        )
    return {name: str(value or "") for name, value in values.items()}


def _render(document: Document) -> None:
    try:
        document.body = render_body(document.form.body, document.values)
        document.title = render_body(document.form.title, document.values).replace("\n\n", "\n")[:255]
    except FormBodyError as error:
        raise InvalidForm(str(error)) from error
    if document.petition.identity_sealed:
        try:
            texts = [str(value) for value in document.values.values()]
            check_sealed(document.petition, document.body, document.title, *texts, *_recipient_labels(document))
        except HandlerError as error:
            raise InvalidForm(str(error), field="values") from error


def kind_name(kind: str) -> str:
    """The kind's name in Vietnamese, as the audit trail and official mail write it whatever the page's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(DocumentKind(kind).label)


def _recipient_labels(document: Document) -> list[str]:
    return [str(item.get("label", "")) for item in document.recipients if str(item.get("label", "")).strip()]


def _event(
    document: Document, kind: str, summary: str, *, actor: User | None, handler_context: HandlerContext | None
) -> None:
    data = {"document": document.pk, "kind": document.kind, "state": document.state}
    if document.number is not None:
        data["number"] = document.number_and_symbol
    if handler_context is not None:
        handler_context.record(kind, summary, data=data)
        return
    CaseEvent.objects.create(
        instance_id=document.petition.workflow_id,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        summary=summary,
        data=data,
    )


@transaction.atomic
def draft_document(
    *,
    case: Petition,
    kind: str,
    by: User | None,
    context: Mapping[str, Any] | None = None,
    recipients: Sequence[Mapping[str, Any]] | None = None,
    unit: Unit | None = None,
    source: str = "",
    handler_context: HandlerContext | None = None,
    send_by: datetime.date | None = None,
    send_by_basis: str = "",
) -> Document:
    """Draft a document of `kind` (a `DocumentKind`) for the petition `case`, from the form in force today.

    `context`: placeholder values (`documents.placeholders.PLACEHOLDERS`; an unknown name is refused) on top of
    those of the case (`default_values`). `recipients`: [{"role": RecipientRole, "label": "…", "unit": code,
    "email": "…", "send": bool}], default the petitioner and the file copy. `unit`: the issuing unit (default the
    case's). `source`: a name of the step that drafts it (a step drafts once: the same source returns the same
    draft). `handler_context`: inside a service-task handler or step hook, the step's context (the audit entry is
    written with the step). `send_by`: the last day the law allows it out (`send_by_basis`: the article), after
    which it is never issued. Raises NoFormInForce, InvalidForm (a placeholder or a sealed name)."""
    if kind not in DocumentKind.values:
        raise InvalidForm(gettext("Loại văn bản không hợp lệ: %(kind)s") % {"kind": kind}, field="kind")
    if source:
        existing = Document.objects.filter(petition=case, source=source).first()
        if existing is not None:
            return existing
    form = form_in_force(kind, calendar.today())
    issuing = unit or case.workflow.unit
    issuer = rendering.issuer_of(issuing)
    document = Document(
        petition=case,
        kind=kind,
        form=form,
        unit=issuing,
        values={**default_values(case), **_check_values(context or {})},
        title=form.title,
        recipients=[dict(item) for item in recipients] if recipients is not None else default_recipients(case),
        register=form.register_name,
        symbol=f"{form.symbol}-{issuer.abbreviation}" if form.symbol else issuer.abbreviation,
        place=issuer.place,
        signer_title=issuer.signer_title,
        source=source,
        send_by=send_by,
        send_by_basis=send_by_basis,
        created_by=by if by is not None and by.is_authenticated else None,
    )
    _render(document)
    document.save()
    _event(
        document,
        "document_drafted",
        f"Soạn dự thảo {kind_name(document.kind).lower()}",
        actor=by,
        handler_context=handler_context,
    )
    return document


def may_approve(user: User | AnonymousUser, document: Document) -> bool:
    """A leader of the issuing unit itself signs its documents (a leader of a unit above may act on the case, but
    does not sign in the name of the unit below)."""
    return (
        isinstance(user, User)
        and user.is_active
        and Membership.objects.filter(user=user, unit_id=document.unit_id, role=Role.UNIT_LEADER).exists()
    )


@transaction.atomic
def update_draft(
    *,
    document: Document,
    by: User,
    values: Mapping[str, Any],
    recipients: Sequence[Mapping[str, Any]] | None = None,
) -> Document:
    """Change a draft's placeholder values (and its recipients) and render it again. Raises WrongState when it
    was already approved, InvalidForm (nothing saved)."""
    document = Document.objects.select_for_update().select_related("form", "petition").get(pk=document.pk)
    if document.state != DocumentState.DRAFT:
        raise WrongState(gettext("Văn bản đã được duyệt, không sửa được nữa."))
    document.values = {**document.values, **_check_values(values)}
    if recipients is not None:
        document.recipients = [dict(item) for item in recipients]
    _render(document)
    document.save(update_fields=["values", "body", "recipients"])
    return document


def allocate_number(*, unit: Unit, year: int, register: str) -> int:
    """The next number of a unit's register in `year`. Locks the register's counter row until the caller's
    transaction ends, so two approvals at once get two numbers; a number entered by hand (`issue_document`'s
    `number`) is skipped over."""
    counter, _ = RegisterCounter.objects.get_or_create(unit=unit, year=year, register=register)
    counter = RegisterCounter.objects.select_for_update().get(pk=counter.pk)
    used = Document.objects.filter(unit=unit, year=year, register=register).aggregate(top=Max("number"))["top"] or 0
    counter.last_number = max(counter.last_number, used) + 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def signer_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def render_pdf(document: Document, *, draft: bool = False) -> bytes:
    issuer = rendering.issuer_of(document.unit)
    html = rendering.document_html(
        issuer=issuer,
        number_and_symbol="" if draft else document.number_and_symbol,
        symbol=document.symbol,
        place=document.place,
        issued_on=None if draft else document.issued_on,
        title=document.title,
        body=document.body,
        recipients=_recipient_labels(document),
        signer_title=document.signer_title,
        signer_name="" if draft else signer_name(document.approved_by),
        draft=draft,
    )
    return rendering.to_pdf(html)


@transaction.atomic
def issue_document(
    *,
    document: Document,
    by: User,
    number: int | None = None,
    handler_context: HandlerContext | None = None,
) -> Document:
    """A leader approves a draft: it is numbered in the unit's register (the next number, or `number` when the
    register clerk gives one that is still free), dated today, rendered as PDF and stored, and sent through the
    notification outbox to each recipient with an address; an audit entry for the approval and the issue.

    Raises NotAllowed (not a leader of the issuing unit), WrongState (not a draft), NumberTaken (409)."""
    document = Document.objects.select_for_update().select_related("form", "petition", "unit").get(pk=document.pk)
    if not may_approve(by, document):
        raise NotAllowed(gettext("Chỉ lãnh đạo đơn vị ban hành được duyệt và ký văn bản này."))
    if document.state != DocumentState.DRAFT:
        raise WrongState(gettext("Văn bản này đã được duyệt và ban hành."))
    if document.send_by is not None and calendar.today() > document.send_by:
        raise TooLate(
            gettext(
                "Văn bản này phải gửi chậm nhất ngày %(day)s (%(basis)s); đã quá ngày đó nên không ban hành được: "
                "hãy làm lại bước này với ngày mới."
            )
            % {"day": format(document.send_by, "%d/%m/%Y"), "basis": document.send_by_basis}
        )
    now = timezone.now()
    document.state, document.approved_by, document.approved_at = DocumentState.APPROVED, by, now
    _event(
        document,
        "document_approved",
        f"Duyệt {kind_name(document.kind).lower()}",
        actor=by,
        handler_context=handler_context,
    )
    today = calendar.local_date(now)
    document.year, document.issued_on = today.year, today
    if number is not None:
        taken = Document.objects.filter(
            unit=document.unit, year=today.year, register=document.register, number=number
        ).exists()
        if taken or number < 1:
            raise NumberTaken(number=number, register=document.register, year=today.year, unit=document.unit)
        document.number = number
    else:
        document.number = allocate_number(unit=document.unit, year=today.year, register=document.register)
    document.state, document.issued_at = DocumentState.ISSUED, now
    document.file.save(f"{document.kind}.pdf", ContentFile(render_pdf(document)), save=False)
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError as error:  # the same number given by hand in a concurrent transaction
        document.file.delete(save=False)
        raise NumberTaken(
            number=document.number, register=document.register, year=today.year, unit=document.unit
        ) from error
    _send(document)
    _event(
        document,
        "document_issued",
        f"Ban hành {kind_name(document.kind).lower()} số {document.number_and_symbol}",
        actor=by,
        handler_context=handler_context,
    )
    return document


MESSAGE_KINDS = {
    DocumentKind.ACCEPTANCE: MessageKind.ACCEPTANCE,
    DocumentKind.REFUSAL: MessageKind.REFUSAL,
    DocumentKind.SUSPENSION: MessageKind.DUE_DATE_CHANGE,
    DocumentKind.CONTINUATION: MessageKind.DUE_DATE_CHANGE,
    DocumentKind.EXTENSION: MessageKind.DUE_DATE_CHANGE,
}


def draft_and_sign(*, by: User | None, handler_context: HandlerContext | None = None, **draft: Any) -> Document:
    """Draft a document (`draft_document`, same arguments) and issue it at once when `by` may sign it (a leader of
    the issuing unit: their decision is the approval); otherwise it waits as a draft for that leader. A draft the
    step already issued under the same source is returned as it is."""
    document = draft_document(by=by, handler_context=handler_context, **draft)
    if by is not None and document.state == DocumentState.DRAFT and may_approve(by, document):
        document = issue_document(document=document, by=by, handler_context=handler_context)
    return document


def public_link(document: Document) -> str:
    return absolute_url(reverse("documents:public", args=[document.petition.tracking_code, document.pk]))


def official_link(document: Document) -> str:
    return absolute_url(reverse("documents:detail", args=[document.pk]))


def _unit_addresses(code: str) -> list[Address]:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        return []
    issuer = rendering.issuer_of(unit)
    if issuer.email:
        return [Address("email", issuer.email)]
    leaders = Membership.objects.filter(unit=unit, role=Role.UNIT_LEADER, user__is_active=True).exclude(user__email="")
    return [Address("email", email) for email in leaders.order_by("pk").values_list("user__email", flat=True)]


def _send(document: Document) -> None:
    """One outbox message per recipient with an address, in this transaction (none if it rolls back). The
    petitioner's comes in their language, through the channel they wrote from, with the link to the document
    (opened with their access key); the others' carry the document's text."""
    petition = document.petition
    kind = MESSAGE_KINDS.get(DocumentKind(document.kind), MessageKind.ANSWER)
    date = f"{document.issued_on:%d/%m/%Y}" if document.issued_on else ""
    for index, recipient in enumerate(document.recipients):
        if not recipient.get("send", True):
            continue
        role = recipient.get("role")
        if role == RecipientRole.PETITIONER:
            language = language_of(petition)
            with translation.override(language):
                what = gettext("%(kind)s số %(number)s") % {
                    "kind": document.get_kind_display(),
                    "number": document.number_and_symbol,
                }
                body = gettext(
                    "%(unit)s đã ban hành %(what)s ngày %(date)s về đơn %(code)s của ông/bà. Ông/bà xem và tải văn bản theo đường dẫn dưới đây, với mã bí mật của đơn."
                ) % {"unit": document.unit.name, "what": what, "date": date, "code": petition.tracking_code}
                link_label = gettext("Xem văn bản")
            enqueue(
                key=f"document:{document.pk}:{index}",
                kind=kind,
                about=petition,
                addresses=notices.petition_addresses(petition),
                subject=what,
                body=body,
                reference=petition.tracking_code,
                link=public_link(document),
                link_label=link_label,
                language=language,
                thread=f"case-{petition.tracking_code}",
                sealed=petition.identity_sealed,
            )
            continue
        if role == RecipientRole.UNIT:
            addresses = _unit_addresses(str(recipient.get("unit", "")))
            link = official_link(document)
        else:
            email = str(recipient.get("email", "")).strip()
            addresses = [Address("email", email)] if email else []
            link = ""
        what = f"{kind_name(document.kind)} số {document.number_and_symbol}"
        enqueue(
            key=f"document:{document.pk}:{index}",
            kind=kind,
            about=petition,
            addresses=addresses,
            subject=what,
            body=f"{document.unit.name}: {what} ({date}).\n\n{document.body}",
            reference=petition.tracking_code,
            link=link,
            language=settings.LANGUAGE_CODE,
            sealed=petition.identity_sealed,  # no provider's error text is kept about a denunciation
        )
