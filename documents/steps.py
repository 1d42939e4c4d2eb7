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

A case a leader transfers from the task page (an engine action outside any step) gets its transfer slip through a
written hook (`slip_for_transfer`).

When the official who completed the step leads the issuing unit (the leader's own step: a decision, a conclusion,
an approved answer, a signed transfer), that completion is the leader's approval and the document is issued in the
step; otherwise it stays a draft that a leader approves on its page (`documents.views.detail`).
"""

from __future__ import annotations

import contextlib
from typing import Any

from cases.handlers import COMPLAINT_OUTCOMES, DENUNCIATION_OUTCOMES
from cases.models import Petition, PetitionType
from documents import services
from documents.models import Document, DocumentKind, RecipientRole
from organisation.models import Unit
from workflows import subjects
from workflows.models import CaseEvent, WorkflowInstance
from workflows.services import WorkflowError

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
        try:
            # A handler may have drafted this step's document itself, under the same source (with recipients of its
            # own), or already issued it: only a draft is issued here.
            services.draft_and_sign(
                case=petition,
                kind=kind,
                by=step.context.actor,
                context=values,
                recipients=recipients,
                unit=unit,
                source=f"step:{step.instance.lock_version}:{event.kind}",
                handler_context=step.context,
            )
        except services.NoFormInForce as error:
            # A step never fails for want of a form: the audit trail says which is missing, for legal staff.
            step.context.record("document_form_missing", str(error), data={"kind": kind})
        except services.DocumentError as error:
            raise WorkflowError(str(error)) from error


def slip_for_transfer(instance: WorkflowInstance) -> None:
    """Written hook of petitions: a case a leader moved from the task page or the API (`workflows.services.
    transfer_case`, an event outside any step) gets its transfer slip, from the unit it left, to the unit that
    received it; issued at once when that leader leads the unit it left, a draft for its leader otherwise."""
    event = (
        CaseEvent.objects.filter(instance_id=instance.pk, kind="transferred", element_id="")
        .order_by("-pk")
        .only("pk", "data", "actor")
        .first()
    )
    if event is None or Document.objects.filter(petition__workflow_id=instance.pk, source=f"event:{event.pk}").exists():
        return
    petition = Petition.objects.select_related("workflow__unit").filter(workflow_id=instance.pk).first()
    source = Unit.objects.filter(code=event.data.get("from", "")).first()
    target = Unit.objects.filter(code=event.data.get("to", "")).first()
    if petition is None or source is None or target is None:
        return
    recipients = services.default_recipients(petition)
    recipients.insert(0, {"role": RecipientRole.UNIT, "label": target.name, "unit": target.code})
    actor = event.actor
    with contextlib.suppress(services.NoFormInForce):  # no transfer form in force: nothing to draft
        services.draft_and_sign(
            case=petition,
            kind=DocumentKind.TRANSFER,
            by=actor,
            context={"don_vi_nhan": target.name, "ly_do": str(event.data.get("reason", ""))},
            recipients=recipients,
            unit=source,
            source=f"event:{event.pk}",
        )


STEP_EVENTS = frozenset(
    {"accepted", "denouncer_notified", "rejected", "transferred", "answered", "decided", "concluded"}
)
