"""Service-task handlers for petitions, named in the BPMN diagrams (`spiffworkflow:serviceTaskOperator id=…`).

They run inside the engine's transaction: database writes commit with the case, and messages to the
petitioner are sent only after that commit.
"""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from cases.models import Petition, PetitionStatus
from organisation.models import Unit
from workflows.handlers import HandlerContext, HandlerError, register_handler

logger = logging.getLogger(__name__)


def _petition(context: HandlerContext) -> Petition:
    return Petition.objects.select_for_update().get(workflow=context.instance)


def _notify_petitioner(petition: Petition, subject: str, body: str) -> None:
    """Email after commit; a mail failure is logged and never undoes the answer, which stays on the status page."""
    if not petition.petitioner_email:
        return
    email, code = petition.petitioner_email, petition.tracking_code

    def send() -> None:
        try:
            send_mail(f"[{code}] {subject}", body, None, [email])
        except Exception:
            logger.exception("Could not email the petitioner of %s", code)

    transaction.on_commit(send)


@register_handler("accept_case", "Thụ lý đơn")
def accept_case(context: HandlerContext) -> None:
    Petition.objects.filter(workflow=context.instance).update(status=PetitionStatus.IN_PROGRESS)
    context.record("accepted", "Thụ lý đơn", public_text=f"Đơn đã được thụ lý tại {context.instance.unit.name}")


@register_handler("transfer_case", "Chuyển đơn đến đơn vị có thẩm quyền")
def transfer_case(context: HandlerContext, unit: str) -> None:
    target = Unit.objects.filter(code=unit).first()
    if target is None:
        raise HandlerError(f"Không có đơn vị «{unit}» / no such unit")
    if target.pk == context.instance.unit_id:
        raise HandlerError("Đơn đã ở đơn vị này, hãy chọn đơn vị khác / the petition is already at this unit")
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
    _notify_petitioner(petition, "Thông báo không thụ lý", reason)


@register_handler("send_answer", "Gửi văn bản trả lời cho người gửi đơn")
def send_answer(context: HandlerContext) -> None:
    answer = str(context.data.get("answer") or "").strip()
    if not answer:
        raise HandlerError("Chưa có nội dung trả lời / there is no answer to send")
    petition = _petition(context)
    petition.status = PetitionStatus.ANSWERED
    petition.answer = answer
    petition.answered_at = timezone.now()
    petition.answered_by = context.instance.unit
    petition.save(update_fields=["status", "answer", "answered_at", "answered_by"])
    context.record("answered", "Gửi văn bản trả lời", public_text=f"{context.instance.unit.name} đã trả lời đơn")
    _notify_petitioner(petition, "Trả lời đơn", answer)


@register_handler("publish_answer", "Công khai trả lời (khi người gửi đồng ý)")
def publish_answer(context: HandlerContext) -> None:
    petition = _petition(context)
    if not petition.publish_consent:
        raise HandlerError("Người gửi không đồng ý công khai / the petitioner did not consent to publication")
    petition.published_at = timezone.now()
    petition.save(update_fields=["published_at"])
    context.record("published", "Công khai trả lời", public_text="Trả lời đã được công khai")
