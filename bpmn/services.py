"""Writes for process models: drafts, review, publication, rollback, migration of running cases.

The lifecycle: draft → submitted → approved (by a second legal officer, never the author, with a note) →
published with an effective date (`workflows.services.publish_process`, a new immutable `ProcessVersion`).
Every step writes a `ProcessAuditEntry`. A save names the content hash it was based on: if someone saved the
draft in between, it is refused (409) and nothing changes. Validation is `workflows.validation.validate`; nothing
in a diagram is ever run here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from bpmn.models import AuditAction, DraftStatus, ProcessAuditEntry, ProcessDraft, sha256_of
from bpmn.permissions import is_legal_staff
from deadlines import calendar
from workflows import migration
from workflows.models import InstanceStatus, ProcessVersion, WorkflowInstance
from workflows.services import Conflict, NotAllowed, WorkflowError, publish_process
from workflows.validation import BpmnError, BpmnInvalid, ValidatedProcess, parse_xml, validate


class DraftInvalid(WorkflowError):
    """The diagram does not pass validation; `errors` name the elements."""

    code = "bpmn_invalid"
    status = 400

    def __init__(self, errors: list[BpmnError], detail: str = "") -> None:
        super().__init__(
            detail or gettext("Quy trình chưa hợp lệ: %(errors)s") % {"errors": "; ".join(map(str, errors))}
        )
        self.errors = errors

    def errors_json(self) -> list[dict[str, Any]]:
        return errors_json(self.errors)


def errors_json(errors: list[BpmnError]) -> list[dict[str, Any]]:
    return [{"element_id": e.element_id, "reason": e.reason, "line": e.line} for e in errors]


class StaleDraft(Conflict):
    code = "stale_draft"


def check_legal_staff(user: User) -> None:
    if not is_legal_staff(user):
        raise NotAllowed(gettext("Chỉ cán bộ pháp chế được sửa và ban hành quy trình"))


def _audit(
    *,
    process_key: str,
    action: str,
    actor: User,
    draft: ProcessDraft | None = None,
    version: ProcessVersion | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> ProcessAuditEntry:
    return ProcessAuditEntry.objects.create(
        process_key=process_key, action=action, actor=actor, draft=draft, version=version, note=note, data=data or {}
    )


def check_draft_xml(xml: str, process_key: str) -> tuple[ValidatedProcess | None, list[BpmnError]]:
    """Validate a draft's XML for the editor: the engine's validation plus "the process id is the draft's key"."""
    try:
        validated = validate(xml)
    except BpmnInvalid as invalid:
        return None, invalid.errors
    if validated.process_id != process_key:
        error = BpmnError(
            validated.process_id,
            gettext("Mã quy trình phải là «%(process_key)s» (đang là «%(process_id)s»)")
            % {"process_key": process_key, "process_id": validated.process_id},
        )
        return None, [error]
    return validated, []


SKELETON = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="{key}_definitions" targetNamespace="https://lang-nghe.vn/bpmn">
  <bpmn:process id="{key}" name="{name}" isExecutable="true">
    <bpmn:laneSet id="{key}_lanes">
      <bpmn:lane id="lane_reception" name="Cán bộ tiếp nhận">
        <bpmn:flowNodeRef>received</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>handle</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>done</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="received" name="Tiếp nhận"><bpmn:outgoing>flow_received</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="flow_received" sourceRef="received" targetRef="handle" />
    <bpmn:userTask id="handle" name="Xử lý">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="public_status" value="Đang xử lý" />
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>flow_received</bpmn:incoming>
      <bpmn:outgoing>flow_handled</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="flow_handled" sourceRef="handle" targetRef="done" />
    <bpmn:endEvent id="done" name="Kết thúc"><bpmn:incoming>flow_handled</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""


@transaction.atomic
def create_draft(
    *, author: User, based_on: ProcessVersion | None = None, process_key: str = "", name: str = ""
) -> ProcessDraft:
    """A new draft: a copy of a published version, or a small skeleton for a new process key."""
    check_legal_staff(author)
    if based_on is not None:
        xml, process_key, name = based_on.bpmn_xml, based_on.process_key, based_on.name
    else:
        if not process_key.isidentifier() or process_key.lower() in ("start", "end"):
            raise WorkflowError(gettext("Mã quy trình phải là một định danh (chữ, số, _)"))
        if ProcessVersion.objects.filter(process_key=process_key).exists():
            raise Conflict(
                gettext("Đã có quy trình «%(process_key)s»: hãy tạo dự thảo từ một phiên bản")
                % {"process_key": process_key}
            )
        name = name.strip() or process_key
        xml = SKELETON.format(
            key=process_key, name=name.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
        )
    draft = ProcessDraft.objects.create(
        process_key=process_key, name=name, xml=xml, sha256=sha256_of(xml), based_on=based_on, author=author
    )
    _audit(
        process_key=process_key,
        action=AuditAction.CREATED,
        actor=author,
        draft=draft,
        version=based_on,
        note=f"Dựa trên phiên bản {based_on.number}" if based_on else "Quy trình mới",
    )
    return draft


@dataclass
class SaveResult:
    draft: ProcessDraft
    errors: list[BpmnError] = field(default_factory=list)


def save_draft(*, draft: ProcessDraft, xml: str, base_sha256: str, user: User, autosave: bool = False) -> SaveResult:
    """Store the editor's XML if the draft still has the content the editor started from.

    The XML must be well-formed and safe (no DTD/entities): otherwise DraftInvalid and nothing is stored. A draft
    may be saved with validation errors (it is work in progress); they are returned, by element, for the modeler
    to mark. The write is a conditional UPDATE on the previous hash, so two editors never overwrite each other.
    """
    check_legal_staff(user)
    try:
        parse_xml(xml)
    except BpmnInvalid as invalid:
        raise DraftInvalid(invalid.errors) from None
    validated, errors = check_draft_xml(xml, draft.process_key)
    new_sha = sha256_of(xml)
    name = validated.name if validated is not None else draft.name
    with transaction.atomic():
        updated = ProcessDraft.objects.filter(pk=draft.pk, sha256=base_sha256, status=DraftStatus.DRAFT).update(
            xml=xml, sha256=new_sha, name=name, last_saved_by=user, updated_at=timezone.now(), error_count=len(errors)
        )
        if not updated:
            current = ProcessDraft.objects.filter(pk=draft.pk).first()
            if current is None:
                raise Conflict(gettext("Bản dự thảo không còn"))
            if current.status != DraftStatus.DRAFT:
                raise Conflict(
                    gettext("Bản dự thảo đang ở trạng thái «%(value)s», không sửa được")
                    % {"value": current.get_status_display()}
                )
            last = current.last_saved_by.username if current.last_saved_by else current.author.username
            raise StaleDraft(
                gettext(
                    "Người khác (%(last)s) vừa lưu bản dự thảo này; bản của bạn chưa được lưu — hãy tải lại và sửa tiếp"
                )
                % {"last": last}
            )
        draft.refresh_from_db()
        _audit(
            process_key=draft.process_key,
            action=AuditAction.SAVED,
            actor=user,
            draft=draft,
            data={"sha256": new_sha, "previous": base_sha256, "errors": len(errors), "autosave": autosave},
        )
    return SaveResult(draft, errors)


def _locked(draft: ProcessDraft) -> ProcessDraft:
    return ProcessDraft.objects.select_for_update().select_related("author").get(pk=draft.pk)


def _require_valid(draft: ProcessDraft) -> ValidatedProcess:
    validated, errors = check_draft_xml(draft.xml, draft.process_key)
    if validated is None:
        raise DraftInvalid(errors)
    return validated


@transaction.atomic
def submit_draft(*, draft: ProcessDraft, user: User) -> ProcessDraft:
    check_legal_staff(user)
    draft = _locked(draft)
    if draft.status != DraftStatus.DRAFT:
        raise Conflict(
            gettext("Bản dự thảo đang «%(value)s»") % {"value": draft.get_status_display(), "status": draft.status}
        )
    _require_valid(draft)
    draft.status, draft.submitted_at = DraftStatus.SUBMITTED, timezone.now()
    draft.save(update_fields=["status", "submitted_at"])
    _audit(process_key=draft.process_key, action=AuditAction.SUBMITTED, actor=user, draft=draft)
    return draft


def _has_edited(draft: ProcessDraft, user: User) -> bool:
    return draft.author_id == user.pk or draft.audit.filter(action=AuditAction.SAVED, actor=user).exists()


@transaction.atomic
def approve_draft(*, draft: ProcessDraft, user: User, note: str) -> ProcessDraft:
    """A second legal officer approves: never the author nor anyone who saved the draft; a note is required."""
    check_legal_staff(user)
    draft = _locked(draft)
    if draft.status != DraftStatus.SUBMITTED:
        raise Conflict(
            gettext("Chỉ duyệt được bản đã gửi duyệt (đang «%(value)s»)") % {"value": draft.get_status_display()}
        )
    if _has_edited(draft, user):
        raise NotAllowed(gettext("Người soạn hoặc sửa bản dự thảo không được tự duyệt"))
    if not note.strip():
        raise WorkflowError(gettext("Cần ghi ý kiến duyệt"))
    _require_valid(draft)
    draft.status, draft.reviewer, draft.review_note = DraftStatus.APPROVED, user, note.strip()
    draft.approved_at = timezone.now()
    draft.save(update_fields=["status", "reviewer", "review_note", "approved_at"])
    _audit(process_key=draft.process_key, action=AuditAction.APPROVED, actor=user, draft=draft, note=note.strip())
    return draft


@transaction.atomic
def return_draft(*, draft: ProcessDraft, user: User, note: str) -> ProcessDraft:
    """Back to editing: the reviewer returns it with a note, or the author withdraws it."""
    check_legal_staff(user)
    draft = _locked(draft)
    if draft.status not in (DraftStatus.SUBMITTED, DraftStatus.APPROVED):
        raise Conflict(gettext("Bản dự thảo đang «%(value)s»") % {"value": draft.get_status_display()})
    if draft.author_id != user.pk and not note.strip():
        raise WorkflowError(gettext("Cần ghi lý do trả lại"))
    draft.status, draft.reviewer, draft.approved_at = DraftStatus.DRAFT, None, None
    draft.save(update_fields=["status", "reviewer", "approved_at"])
    _audit(process_key=draft.process_key, action=AuditAction.RETURNED, actor=user, draft=draft, note=note.strip())
    return draft


def _check_effective_from(effective_from: datetime.date) -> None:
    if effective_from < calendar.today():
        raise WorkflowError(
            gettext("Ngày có hiệu lực không được trước hôm nay (%(effective_from)s)")
            % {"effective_from": format(effective_from, "%d/%m/%Y")}
        )


def _check_not_current(process_key: str, sha256: str) -> None:
    newest = ProcessVersion.objects.filter(process_key=process_key).order_by("-number").first()
    if newest is not None and newest.sha256 == sha256:
        raise Conflict(
            gettext("Nội dung này đã được ban hành là phiên bản %(newest_number)s") % {"newest_number": newest.number}
        )


@transaction.atomic
def publish_draft(*, draft: ProcessDraft, user: User, effective_from: datetime.date) -> ProcessVersion:
    """Publish an approved draft as the next version; a draft is published once."""
    check_legal_staff(user)
    _check_effective_from(effective_from)
    draft = _locked(draft)
    if draft.status == DraftStatus.PUBLISHED:
        number = draft.published_version.number if draft.published_version else "?"
        raise Conflict(gettext("Bản dự thảo đã được ban hành (phiên bản %(number)s)") % {"number": number})
    if draft.status != DraftStatus.APPROVED:
        raise Conflict(
            gettext("Chỉ ban hành bản đã được duyệt (đang «%(value)s»)") % {"value": draft.get_status_display()}
        )
    validated = _require_valid(draft)
    _check_not_current(draft.process_key, validated.sha256)
    version = publish_process(
        validated=validated,
        effective_from=effective_from,
        published_by=user,
        note=f"Dự thảo #{draft.pk}, duyệt bởi {draft.reviewer.username if draft.reviewer else '?'}: {draft.review_note}",
    )
    draft.status, draft.published_version, draft.published_at = DraftStatus.PUBLISHED, version, timezone.now()
    draft.save(update_fields=["status", "published_version", "published_at"])
    _audit(
        process_key=draft.process_key,
        action=AuditAction.PUBLISHED,
        actor=user,
        draft=draft,
        version=version,
        data={"number": version.number, "effective_from": effective_from.isoformat(), "sha256": version.sha256},
    )
    return version


@transaction.atomic
def rollback_to(*, version: ProcessVersion, user: User, effective_from: datetime.date, note: str) -> ProcessVersion:
    """Publish an earlier version again: a new version with the old XML (published versions never change)."""
    check_legal_staff(user)
    _check_effective_from(effective_from)
    if not note.strip():
        raise WorkflowError(gettext("Cần ghi lý do ban hành lại"))
    try:
        validated = validate(version.bpmn_xml)
    except BpmnInvalid as invalid:
        raise DraftInvalid(invalid.errors) from None
    # Serialize concurrent publications of the same process on the newest version row.
    list(ProcessVersion.objects.select_for_update().filter(process_key=version.process_key).values_list("pk"))
    _check_not_current(version.process_key, validated.sha256)
    new_version = publish_process(
        validated=validated,
        effective_from=effective_from,
        published_by=user,
        note=f"Ban hành lại phiên bản {version.number}: {note.strip()}",
    )
    _audit(
        process_key=version.process_key,
        action=AuditAction.ROLLED_BACK,
        actor=user,
        version=new_version,
        note=note.strip(),
        data={"from_version": version.number, "number": new_version.number},
    )
    return new_version


# ---- running cases


def running_cases_to_move(target: ProcessVersion) -> list[WorkflowInstance]:
    return list(
        WorkflowInstance.objects.filter(
            process_version__process_key=target.process_key,
            status=InstanceStatus.RUNNING,
            process_version__number__lt=target.number,
        )
        .select_related("process_version", "unit")
        .order_by("pk")
    )


def migration_report(
    *, target: ProcessVersion, instances: Iterable[WorkflowInstance]
) -> list[tuple[WorkflowInstance, migration.CasePlan]]:
    """Dry run for the given running cases (a page of `bpmn.selectors.cases_to_move`): can each move to `target`,
    and what changes. Writes nothing. Each plan loads the case's state, so callers pass one page, not every case."""
    return [(instance, migration.plan_instance(instance, target)) for instance in instances]


@dataclass
class MigrationOutcome:
    instance: WorkflowInstance
    moved: bool
    plan: migration.CasePlan | None
    reason: str = ""


def migrate_cases(*, target: ProcessVersion, user: User, instance_ids: list[int]) -> list[MigrationOutcome]:
    """Move the chosen running cases to `target`, each in its own transaction; a case that cannot move stays."""
    check_legal_staff(user)
    newest = ProcessVersion.objects.filter(process_key=target.process_key).aggregate(n=Max("number"))["n"]
    if newest != target.number:
        raise WorkflowError(gettext("Chỉ chuyển hồ sơ sang phiên bản mới nhất (%(newest)s)") % {"newest": newest})
    wanted = set(instance_ids)
    outcomes: list[MigrationOutcome] = []
    for instance in running_cases_to_move(target):
        if instance.pk not in wanted:
            continue
        try:
            plan = migration.migrate_instance(instance=instance, target=target, actor=user)
        except WorkflowError as error:
            outcomes.append(MigrationOutcome(instance, False, None, str(error)))
        else:
            outcomes.append(MigrationOutcome(instance, True, plan))
    moved = [o.instance.reference for o in outcomes if o.moved]
    _audit(
        process_key=target.process_key,
        action=AuditAction.MIGRATED,
        actor=user,
        version=target,
        note=f"Chuyển {len(moved)}/{len(outcomes)} hồ sơ sang phiên bản {target.number}",
        data={
            "moved": moved,
            "refused": {o.instance.reference: o.reason for o in outcomes if not o.moved},
        },
    )
    return outcomes
