"""Writes for petitions: intake from every channel, appeals of complaint decisions. Handling steps go through
`workflows.services`.

Which process runs a petition is the `ProcessBinding` of its *subject* (`process_subject`): its petition type,
except a second-instance complaint (`APPEAL_SUBJECT`) and a reflection or recommendation recorded at a citizen
reception session (`RECEPTION_SUBJECT`). Those two subjects are not petition types, so the public intake, which
offers only bound petition types, can never start them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from cases import complaints, notices, selectors
from cases.models import (
    APPEAL_SUBJECT,
    PUBLIC_TYPES,
    RECEPTION_SUBJECT,
    AnswerTemplate,
    Attachment,
    Channel,
    Petition,
    PetitionType,
    hash_access_key,
    new_tracking_code,
)
from core.errors import INVALID_DETAIL, AppError
from core.uploads import UploadRefused, check_attachment
from deadlines import calendar
from deadlines.errors import DeadlineError
from deadlines.services import DueDate
from organisation.models import Membership, Role, Unit
from organisation.names import official_name
from search.outbox import enqueue
from topics import services as topic_services
from workflows import forms as task_forms
from workflows import selectors as workflow_selectors
from workflows import services as workflow_services
from workflows.models import CaseEvent, HumanTask

logger = logging.getLogger(__name__)


class IntakeError(AppError, ValueError):
    """Input a citizen must correct: {field: reason}."""

    code = "invalid"
    status = 400

    @property
    def detail(self) -> str:
        return str(INVALID_DETAIL)

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Receipt:
    petition: Petition
    access_key: str


def check_attachments(files: Sequence[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    """Type by content (not by name or the browser's claim) and size; returns (file, content type) pairs."""
    if len(files) > settings.UPLOAD_MAX_FILES:
        raise IntakeError(
            {
                "attachments": gettext("Tối đa %(upload_max_files)s tệp")
                % {"upload_max_files": settings.UPLOAD_MAX_FILES}
            }
        )
    try:
        return [(upload, check_attachment(upload)) for upload in files]
    except UploadRefused as refused:
        raise IntakeError({"attachments": str(refused)}) from None


def _unique_tracking_code() -> str:
    while True:
        code = new_tracking_code()
        if not Petition.objects.filter(tracking_code=code).exists():
            return code


def process_subject(petition_type: str, channel: str) -> str:
    """The `ProcessBinding.subject_type` of a new petition.

    A reflection or recommendation recorded at a citizen reception session runs the reception process (result
    notified within 10 working days, Law on Citizen Reception 2013, Art. 28). Complaints and denunciations run
    their own processes whatever the channel: their time limits and the sealing of a denouncer's identity come
    from the Laws on Complaints and on Denunciations.
    """
    if petition_type == PetitionType.COMPLAINT_SECOND:
        return APPEAL_SUBJECT
    if channel == Channel.RECEPTION and petition_type in (PetitionType.REFLECTION, PetitionType.RECOMMENDATION):
        return RECEPTION_SUBJECT
    return petition_type


def _create_petition(
    *,
    petition_type: str,
    channel: str,
    title: str,
    content: str,
    commune: Unit,
    unit: Unit,
    petitioner_name: str,
    petitioner_phone: str,
    petitioner_email: str,
    address: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    publish_consent: bool = False,
    files: Sequence[UploadedFile] = (),
    appeal_of: Petition | None = None,
    recorded_by: User | None = None,
    start_data: dict[str, str] | None = None,
    received_at: datetime | None = None,
    origin_address: str = "",
    origin_last_message_at: datetime | None = None,
) -> Receipt:
    """Record a petition handled by `unit` and start its process. Call inside a transaction.

    The first event says what arrived and how; it never names the petitioner (a denouncer's identity is sealed).
    The petitioner is sent an acknowledgement (tracking code, status link) through the notification outbox, in
    this transaction: back through the channel it came from (`origin_address`: the citizen's e-mail Message-ID,
    Zalo user id or Facebook page-scoped id, with the time of their latest message there), else by e-mail or SMS.
    """
    attachments = check_attachments(files)
    access_key = Petition.new_access_key()
    code = _unique_tracking_code()
    instance = workflow_services.create_instance(
        subject_type=process_subject(petition_type, channel), unit=unit, reference=code, title=title
    )
    if received_at is not None:  # the legal clocks (`deadline_start=case`) count from the case's start: the receipt
        instance.created_at = received_at
        instance.save(update_fields=["created_at"])
    # Every channel's petition gets a suggested topic from its text, for the reception officer to confirm.
    suggestion = topic_services.suggest(title=title, content=content)
    petition = Petition.objects.create(
        topic=suggestion.topic,
        topic_confidence=suggestion.confidence if suggestion.topic else None,
        topic_evidence=suggestion.evidence,
        tracking_code=code,
        access_key_hash=hash_access_key(access_key),
        petition_type=petition_type,
        channel=channel,
        title=title,
        content=content,
        commune=commune,
        address=address,
        latitude=latitude,
        longitude=longitude,
        petitioner_name=petitioner_name,
        petitioner_phone=petitioner_phone,
        petitioner_email=petitioner_email,
        publish_consent=publish_consent,
        workflow=instance,
        appeal_of=appeal_of,
        origin_address=origin_address,
        origin_last_message_at=origin_last_message_at,
        **({"received_at": received_at} if received_at is not None else {}),
    )
    for upload, mime in attachments:
        Attachment.objects.create(
            petition=petition,
            file=upload,
            original_name=(upload.name or "")[:255],
            content_type=mime,
            size=upload.size or 0,
        )
    label = PetitionType(petition_type).label.lower()
    summary = f"Tiếp nhận {label} qua {Channel(channel).label.lower()}"
    if recorded_by is not None:
        summary += f" (cán bộ {recorded_by.get_username()} ghi nhận)"
    workflow_services.run_instance(
        instance,
        data={
            "petition_type": petition_type,
            "publish_consent": publish_consent,
            "channel": channel,
            **(start_data or {}),
        },
        summary=summary,
        public_text=f"Đã tiếp nhận {label}",
        actor=recorded_by,
    )
    # A citizen on the portal reads it in the page's language; a petition an official records, in Vietnamese.
    notices.acknowledge(petition, language=settings.LANGUAGE_CODE if recorded_by is not None else None)
    return Receipt(petition, access_key)


@transaction.atomic
def submit_petition(
    *,
    petition_type: str,
    title: str,
    content: str,
    commune: Unit,
    petitioner_name: str,
    petitioner_phone: str = "",
    petitioner_email: str = "",
    address: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    publish_consent: bool = False,
    channel: str = Channel.PORTAL,
    files: Sequence[UploadedFile] = (),
) -> Receipt:
    """Record a petition and start its process; the commune's reception officers see it in their inbox.

    Returns the petition and its access key (shown once to the citizen; only its hash is stored).
    """
    if not commune.is_commune:
        raise IntakeError({"commune": gettext("Hãy chọn một xã/phường")})
    if petition_type not in PUBLIC_TYPES:
        raise IntakeError({"petition_type": gettext("Khiếu nại lần hai chỉ gửi được từ quyết định giải quyết lần đầu")})
    return _create_petition(
        petition_type=petition_type,
        channel=channel,
        title=title,
        content=content,
        commune=commune,
        unit=commune,
        petitioner_name=petitioner_name,
        petitioner_phone=petitioner_phone,
        petitioner_email=petitioner_email,
        address=address,
        latitude=latitude,
        longitude=longitude,
        publish_consent=publish_consent,
        files=files,
    )


RECORDED_CHANNELS = (
    Channel.EMAIL,
    Channel.SOCIAL,
    Channel.ZALO,  # confirmed from the reception queue (channels.services.confirm_draft)
    Channel.FACEBOOK,
    Channel.COUNTER,
    Channel.RECEPTION,
    Channel.PHONE,
    Channel.POST,
    Channel.MAILBOX,
)
# How far back a receipt may be dated: a letter found in a mailbox or a post bag weeks later, not years.
MAX_RECEIPT_AGE = timedelta(days=90)
# Clock skew between the officer's device and the server.
RECEIPT_CLOCK_SKEW = timedelta(minutes=5)


def check_received_at(received_at: datetime) -> datetime:
    """When the petition was received, as an aware datetime (a naive one is Vietnam time): not in the future,
    not more than MAX_RECEIPT_AGE ago. Raises IntakeError."""
    if timezone.is_naive(received_at):
        received_at = received_at.replace(tzinfo=calendar.LEGAL_TZ)
    now = timezone.now()
    if received_at > now + RECEIPT_CLOCK_SKEW:
        raise IntakeError({"received_at": gettext("Thời điểm tiếp nhận không thể ở tương lai")})
    if received_at < now - MAX_RECEIPT_AGE:
        raise IntakeError(
            {
                "received_at": gettext("Thời điểm tiếp nhận quá xa (quá %(max_receipt_age_days)s ngày)")
                % {"max_receipt_age_days": MAX_RECEIPT_AGE.days}
            }
        )
    return received_at


@transaction.atomic
def record_petition(
    *,
    recorded_by: User,
    channel: str,
    petition_type: str,
    title: str,
    content: str,
    commune: Unit,
    petitioner_name: str,
    petitioner_phone: str = "",
    petitioner_email: str = "",
    address: str = "",
    unit: Unit | None = None,
    publish_consent: bool = False,
    files: Sequence[UploadedFile] = (),
    received_at: datetime | None = None,
    origin_address: str = "",
    origin_last_message_at: datetime | None = None,
) -> Receipt:
    """An official records a petition that arrived by email, social network, at the counter or at a citizen
    reception session, and starts its process (the reception process for a reflection or recommendation heard
    at a reception session, see `process_subject`).

    `origin_address` (with the time of the citizen's latest message there) is where answers go back on the
    channel it came from: the citizen's Message-ID for e-mail, their chat address for Zalo and Facebook.

    `commune` is where the matter is; `unit` the unit that received it and handles it (default: the commune),
    of which `recorded_by` must be a reception officer. `received_at` is when the petition was received (default:
    now): its legal periods count from that day, not from the day it is typed in. Raises IntakeError for input to correct, NotAllowed (403)
    for an official who may not record petitions for that unit.
    """
    unit = unit or commune
    if channel not in RECORDED_CHANNELS:
        allowed = ", ".join(RECORDED_CHANNELS)
        raise IntakeError({"channel": gettext("Cán bộ chỉ ghi nhận đơn nhận qua: %(allowed)s") % {"allowed": allowed}})
    if petition_type not in PUBLIC_TYPES:
        raise IntakeError(
            {
                "petition_type": gettext(
                    "Khiếu nại lần hai chỉ ghi nhận được từ quyết định giải quyết lần đầu (appeal_petition)"
                )
            }
        )
    if not commune.is_commune:
        raise IntakeError({"commune": gettext("Hãy chọn một xã/phường")})
    if not petitioner_name.strip():
        raise IntakeError({"petitioner_name": gettext("Cần họ tên người gửi đơn")})
    if received_at is not None:
        received_at = check_received_at(received_at)
    if not Membership.objects.filter(user=recorded_by, unit=unit, role=Role.RECEPTION_OFFICER).exists():
        raise workflow_services.NotAllowed(
            gettext("Chỉ cán bộ tiếp nhận của %(unit_name)s được ghi nhận đơn cho đơn vị này")
            % {"unit_name": unit.name, "code": unit.code}
        )
    return _create_petition(
        petition_type=petition_type,
        channel=channel,
        title=title,
        content=content,
        commune=commune,
        unit=unit,
        petitioner_name=petitioner_name,
        petitioner_phone=petitioner_phone,
        petitioner_email=petitioner_email,
        address=address,
        publish_consent=publish_consent,
        files=files,
        recorded_by=recorded_by,
        received_at=received_at,
        origin_address=origin_address,
        origin_last_message_at=origin_last_message_at,
    )


def appeal_deadline(first: Petition) -> DueDate:
    """Until when the complainant may appeal (Law on Complaints, Art. 33): see `complaints.appeal_window`."""
    return complaints.appeal_window(first).due


@transaction.atomic
def appeal_petition(
    *,
    first: Petition,
    content: str,
    title: str = "",
    channel: str = Channel.PORTAL,
    publish_consent: bool | None = None,
    files: Sequence[UploadedFile] = (),
    recorded_by: User | None = None,
) -> Receipt:
    """File a second-instance complaint (khiếu nại lần hai) against `first`, linked to it.

    Handled by the unit above the one that decided (or had to decide) the first complaint (Law on Complaints,
    Art. 33 and 37), by the same complainant; allowed once, within complaint.appeal (complaint.appeal.remote in a
    remote area) of the day the first decision was received, or of the last day of the first-instance period when
    it ran out without a decision (`complaints.appeal_window`). The caller has checked who is appealing (the
    complainant's access key, or an official: `recorded_by`). Raises IntakeError({field: reason}).
    """
    # Locks the first petition (not its nullable relations: PostgreSQL refuses FOR UPDATE on an outer join), so
    # two appeals of one decision cannot both pass the "only once" check.
    first = (
        Petition.objects.select_for_update(of=("self",))
        .select_related("workflow__unit", "answered_by", "commune")
        .get(pk=first.pk)
    )
    if first.petition_type != PetitionType.COMPLAINT:
        raise IntakeError({"first": gettext("Chỉ khiếu nại lần đầu mới được khiếu nại lần hai")})
    if first.appeals.exists():
        raise IntakeError({"first": gettext("Quyết định này đã bị khiếu nại lần hai")})
    try:
        window = complaints.appeal_window(first)
    except (DeadlineError, complaints.ComplaintError) as error:
        raise IntakeError({"first": str(error)}) from None
    if timezone.now() > window.due.due_at:
        since = (
            gettext("kể từ ngày nhận quyết định")
            if window.ground == "decision"
            else gettext("kể từ ngày hết thời hạn giải quyết lần đầu")
        )
        raise IntakeError(
            {
                "first": gettext("Đã quá thời hạn khiếu nại lần hai: %(days)s ngày %(since)s, hết ngày %(due_date)s")
                % {
                    "days": window.due.rule.days,
                    "since": since,
                    "due_date": format(window.due.due_date, "%d/%m/%Y"),
                    "value": window.due.due_date.isoformat(),
                }
            }
        )
    decided_by = first.answered_by or first.workflow.unit
    above = decided_by.parent
    if above is None:
        raise IntakeError(
            {
                "first": gettext("%(decided_by_name)s không có cơ quan cấp trên để giải quyết lần hai")
                % {"decided_by_name": decided_by.name}
            }
        )
    if len(content.strip()) < 10:
        raise IntakeError({"content": gettext("Hãy nêu rõ nội dung khiếu nại lần hai")})
    receipt = _create_petition(
        petition_type=PetitionType.COMPLAINT_SECOND,
        channel=channel,
        title=(title or f"Khiếu nại lần hai: {first.title}")[:200],
        content=content,
        commune=first.commune,
        unit=above,
        petitioner_name=first.petitioner_name,
        petitioner_phone=first.petitioner_phone,
        petitioner_email=first.petitioner_email,
        address=first.address,
        publish_consent=first.publish_consent if publish_consent is None else publish_consent,
        files=files,
        appeal_of=first,
        recorded_by=recorded_by,
        start_data={"appeal_of": first.tracking_code, "appeal_ground": window.ground},
    )
    ground = "" if window.ground == "decision" else " khi hết thời hạn giải quyết lần đầu mà chưa có quyết định"
    CaseEvent.objects.create(
        instance=first.workflow,
        kind="appealed",
        data={
            "ground": window.ground,
            "opens": window.opens.isoformat(),
            "received_basis": window.received_basis,
            "rule": window.due.rule.code,
            "due": window.due.due_date.isoformat(),
        },
        summary=f"Khiếu nại lần hai lên {above.name}{ground} (Điều 33 Luật Khiếu nại): {receipt.petition.tracking_code}",
        public_text=f"Người khiếu nại đã khiếu nại lần hai lên {above.name}",
        actor=recorded_by,
    )
    return receipt


@transaction.atomic
def save_admin_edit(*, petition: Petition, user: User, changed_fields: Sequence[str]) -> None:
    """Save a petition edited in the Django admin and record it in the case's audit trail: who changed which
    fields, never the values (a petitioner's data stays out of the trail; a denouncer's identity is sealed).
    A published petition is indexed again, its public text may have changed."""
    petition.save()
    if not changed_fields:
        return
    with translation.override("vi"):  # the trail is written in Vietnamese, whatever the admin's language
        labels = ", ".join(
            str(getattr(Petition._meta.get_field(name), "verbose_name", name)) for name in changed_fields
        )
    CaseEvent.objects.create(
        instance=petition.workflow,
        kind="admin_edit",
        summary=f"Sửa dữ liệu đơn trong trang quản trị ({user.get_username()}): {labels}",
        actor=user,
        data={"fields": list(changed_fields), "via": "admin"},
    )
    if petition.published_at is not None:
        enqueue("petition", petition.pk)  # as the handlers do when a public petition changes


# Answer templates and bulk actions on several petitions' steps.


class TemplateError(AppError, ValueError):
    code = "invalid_template"

    def __init__(self, message: str, errors: dict[str, str]) -> None:
        super().__init__(message)
        self.errors = errors


@transaction.atomic
def save_answer_template(
    *,
    title: str,
    body: str,
    petition_type: str,
    unit: Unit | None = None,
    active: bool = True,
    template: AnswerTemplate | None = None,
) -> AnswerTemplate:
    """Create (or update `template`) an answer template. A body with an unknown placeholder is refused, naming it."""
    template = template or AnswerTemplate()
    template.title, template.body, template.petition_type = title, body, petition_type
    template.unit, template.active = unit, active
    try:
        template.full_clean()
    except ValidationError as error:
        errors = {field: " ".join(reasons) for field, reasons in error.message_dict.items()}
        raise TemplateError(" ".join(errors.values()), errors) from None
    template.save()
    return template


# The petition steps the bulk page acts on (the element ids of the petition processes) and the form each sends.
BULK_STEPS = ("assign", "draft_answer", "approve")


@dataclass(frozen=True)
class BulkItem:
    """One selected task and the case's `lock_version` the official saw when choosing it."""

    task_id: UUID
    lock_version: int | None = None


@dataclass(frozen=True)
class BulkOutcome:
    task_id: UUID
    reference: str  # the petition's tracking code, to report by name
    done: bool
    reason: str = ""


def _bulk(
    *, user: User, items: Sequence[BulkItem], step: str, form_for: Callable[[HumanTask, Petition], dict[str, Any]]
) -> list[BulkOutcome]:
    """Complete each task through the engine's `complete_task` (the single-task API's service: the same
    permission check and optimistic lock), each in its own transaction. Not all-or-nothing: a task that fails
    (taken meanwhile, changed, not allowed) is reported with its reason while the others are done."""
    outcomes: list[BulkOutcome] = []
    for item in items:
        task = workflow_selectors.visible_task(user, item.task_id)
        if task is None or task.completed_at is not None or task.element_id != step:
            reference = task.instance.reference if task is not None else str(item.task_id)
            outcomes.append(BulkOutcome(item.task_id, reference, False, gettext("Không còn là bước này để xử lý.")))
            continue
        reference = task.instance.reference
        try:
            petition = task.instance.petition
            workflow_services.complete_task(
                task_id=task.task_id,
                user=user,
                data=form_for(task, petition),
                expected_lock_version=item.lock_version,
            )
        except (workflow_services.WorkflowError, TemplateError, Petition.DoesNotExist) as error:
            outcomes.append(BulkOutcome(task.task_id, reference, False, str(error)))
        except task_forms.FormErrors as error:
            reason = "; ".join(f"{name}: {text}" for name, text in error.errors.items())
            outcomes.append(BulkOutcome(task.task_id, reference, False, reason))
        else:
            outcomes.append(BulkOutcome(task.task_id, reference, True))
    return outcomes


def bulk_assign(*, user: User, items: Sequence[BulkItem], official: User) -> list[BulkOutcome]:
    """Assign several petitions to one handling officer; each task's unit must have them as a handling officer."""

    def form(task: HumanTask, petition: Petition) -> dict[str, Any]:
        if not Membership.objects.filter(user=official, unit_id=task.unit_id, role=Role.HANDLING_OFFICER).exists():
            raise TemplateError(
                gettext("%(official)s không phải cán bộ xử lý của %(unit)s.")
                % {"official": official_name(official), "unit": task.unit.name},
                {"official": official.username},
            )
        return {"handler": official.username}

    return _bulk(user=user, items=items, step="assign", form_for=form)


def bulk_answer(*, user: User, items: Sequence[BulkItem], template: AnswerTemplate) -> list[BulkOutcome]:
    """Answer several similar petitions with one template, each with the text rendered for itself."""

    def form(task: HumanTask, petition: Petition) -> dict[str, Any]:
        if not selectors.answer_templates_for(task).filter(pk=template.pk).exists():
            raise TemplateError(
                gettext("Mẫu «%(title)s» không dùng được cho đơn này.") % {"title": template.title},
                {"template": str(template.pk)},
            )
        return {"answer": selectors.render_answer_template(template, petition, user=user, task=task)}

    return _bulk(user=user, items=items, step="draft_answer", form_for=form)


def bulk_approve(*, user: User, items: Sequence[BulkItem]) -> list[BulkOutcome]:
    """A leader approves several drafted answers in one action."""
    return _bulk(user=user, items=items, step="approve", form_for=lambda task, petition: {"approval": "approve"})
