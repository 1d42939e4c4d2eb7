"""The documents the existing steps produce, drafted from the step's own audit events (a step hook of petitions,
`cases.apps`), so the service-task handlers stay as they are:

| event (handler)                                   | document                                    |
|---------------------------------------------------|---------------------------------------------|
| `accepted` of a complaint (`notify_acceptance`)   | acceptance notice (thông báo thụ lý)        |
| `denouncer_notified` (`notify_denouncer`)         | acceptance notice of a denunciation         |
| `rejected` (`notify_refusal`, `reject_petition`)  | refusal notice, with the reason             |
| `transferred` (`transfer_case` handler)           | transfer slip to the competent unit, copy to the petitioner |
| `answered` (`send_answer`)                        | answer (văn bản trả lời)                    |
| `decided` (`send_decision`)                       | complaint decision                          |
| `concluded` (`send_conclusion`)                   | denunciation conclusion, to the denouncer and the denounced person |

When the official who completed the step leads the issuing unit (the leader's own step: a decision, a conclusion,
an approved answer, a signed transfer), that completion is the leader's approval and the document is issued in the
step; otherwise it stays a draft that a leader approves on its page (`documents.views.detail`).
"""

from __future__ import annotations

from typing import Any

from cases.handlers import COMPLAINT_OUTCOMES, DENUNCIATION_OUTCOMES
from cases.models import Petition, PetitionType
from documents import services
from documents.models import DocumentKind, RecipientRole
from organisation.models import Unit
from workflows import subjects

COMPLAINTS = {PetitionType.COMPLAINT, PetitionType.COMPLAINT_SECOND}


def _document_for(event_kind: str, petition: Petition) -> str | None:
    if event_kind == "accepted":
        return DocumentKind.ACCEPTANCE if petition.petition_type in COMPLAINTS else None
    if event_kind == "denouncer_notified":
        return DocumentKind.ACCEPTANCE
    return {
        "rejected": DocumentKind.REFUSAL,
        "transferred": DocumentKind.TRANSFER,
        "answered": DocumentKind.ANSWER,
        "decided": DocumentKind.DECISION,
        "concluded": DocumentKind.CONCLUSION,
    }.get(event_kind)


def draft_from_step(step: subjects.Step) -> None:
    """Step hook: draft (or, in a leader's step, issue) the document of each event of the step that has one."""
    events = [event for event in step.context.events if event.kind in STEP_EVENTS]
    if not events:
        return
    petition = Petition.objects.select_related("workflow__unit").filter(workflow=step.instance).first()
    if petition is None:
        return
    for event in events:
        kind = _document_for(event.kind, petition)
        if kind is None:
            continue
        values: dict[str, Any] = {}
        recipients = services.default_recipients(petition)
        unit: Unit | None = None
        data = event.data or {}
        if kind == DocumentKind.REFUSAL:
            values["ly_do"] = petition.answer
        elif kind in (DocumentKind.ANSWER, DocumentKind.DECISION, DocumentKind.CONCLUSION):
            values["noi_dung"] = petition.answer
            outcomes = DENUNCIATION_OUTCOMES if kind == DocumentKind.CONCLUSION else COMPLAINT_OUTCOMES
            values["ket_qua"] = outcomes.get(str(data.get("outcome", "")), "")
        if kind == DocumentKind.CONCLUSION:
            recipients.insert(1, {"role": RecipientRole.DENOUNCED, "label": "Người bị tố cáo", "send": False})
        if kind == DocumentKind.TRANSFER:
            unit = Unit.objects.filter(code=data.get("from", "")).first()
            target = Unit.objects.filter(code=data.get("to", "")).first()
            if target is not None:
                values["don_vi_nhan"] = target.name
                recipients.insert(0, {"role": RecipientRole.UNIT, "label": target.name, "unit": target.code})
        document = services.draft_document(
            case=petition,
            kind=kind,
            by=step.context.actor,
            context=values,
            recipients=recipients,
            unit=unit,
            source=f"step:{step.instance.lock_version}:{event.kind}",
            handler_context=step.context,
        )
        actor = step.context.actor
        if actor is not None and services.may_approve(actor, document):
            services.issue_document(document=document, by=actor, handler_context=step.context)


STEP_EVENTS = frozenset(
    {"accepted", "denouncer_notified", "rejected", "transferred", "answered", "decided", "concluded"}
)
