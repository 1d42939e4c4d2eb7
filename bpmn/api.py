"""REST API of the process modeler (`/api/v1/bpmn/…`): drafts, validation, review, publication, diff, test runs,
rollback and migration of running cases. Thin views: input serializers check shape, `bpmn.services` writes.

Officials may read; only legal staff write (`IsLegalStaffOrReadOnly`). Errors are JSON with a stable `code`;
a diagram that does not validate is a 400 with `errors`: a list of {element_id, reason, line}.
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.contrib.auth.models import User
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bpmn import api_schema as schema
from bpmn import diff, selectors, services
from bpmn.models import ProcessDraft
from bpmn.permissions import IsLegalStaff, IsLegalStaffOrReadOnly, IsOfficial
from core.api_schema import error_responses
from deadlines import calendar
from workflows import expressions, migration, simulation
from workflows.models import ProcessVersion
from workflows.services import WorkflowError
from workflows.validation import MAX_BYTES, BpmnInvalid, validate


def _user(request: Request) -> User:
    return cast(User, request.user)


def draft_json(draft: ProcessDraft) -> dict[str, Any]:
    return {
        "id": draft.pk,
        "process_key": draft.process_key,
        "name": draft.name,
        "status": draft.status,
        "status_label": str(draft.get_status_display()),
        "sha256": draft.sha256,
        "based_on": draft.based_on.number if draft.based_on else None,
        "author": draft.author.username,
        "reviewer": draft.reviewer.username if draft.reviewer else None,
        "review_note": draft.review_note,
        "error_count": draft.error_count,
        "published_version": draft.published_version.number if draft.published_version else None,
        "updated_at": draft.updated_at.isoformat(),
    }


def version_json(version: ProcessVersion) -> dict[str, Any]:
    return {
        "id": version.pk,
        "number": version.number,
        "name": version.name,
        "sha256": version.sha256,
        "effective_from": version.effective_from.isoformat(),
        "published_at": version.published_at.isoformat(),
        "published_by": version.published_by.username if version.published_by else None,
        "note": version.note,
    }


class _Base(APIView):
    permission_classes = [IsLegalStaffOrReadOnly]


class ProcessListApi(_Base):
    @extend_schema(
        responses=schema.ProcessSerializer(many=True), summary="Processes with their published versions and drafts"
    )
    def get(self, request: Request) -> Response:
        return Response(
            [
                {
                    "process_key": s.process_key,
                    "name": s.name,
                    "in_force": s.in_force.number if s.in_force else None,
                    "versions": [{**version_json(v), "running_cases": s.running.get(v.pk, 0)} for v in s.versions],
                    "drafts": [draft_json(d) for d in s.drafts],
                }
                for s in selectors.processes()
            ]
        )


class DraftCreateApi(_Base):
    class InputSerializer(serializers.Serializer):
        based_on = serializers.PrimaryKeyRelatedField(queryset=ProcessVersion.objects.all(), required=False)
        process_key = serializers.CharField(max_length=100, required=False, default="")
        name = serializers.CharField(max_length=255, required=False, default="")

    @extend_schema(
        request=InputSerializer,
        responses={201: schema.DraftSerializer, **error_responses(409)},
        summary="Start a draft",
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        draft = services.create_draft(author=_user(request), **serializer.validated_data)
        return Response(draft_json(draft), status=status.HTTP_201_CREATED)


def _draft(pk: int) -> ProcessDraft:
    return get_object_or_404(
        ProcessDraft.objects.select_related("author", "reviewer", "based_on", "published_version"), pk=pk
    )


class DraftDetailApi(_Base):
    @extend_schema(responses=schema.DraftDetailSerializer, summary="A draft with its XML and validation errors")
    def get(self, request: Request, pk: int) -> Response:
        draft = _draft(pk)
        _, errors = services.check_draft_xml(draft.xml, draft.process_key)
        return Response({**draft_json(draft), "xml": draft.xml, "errors": services.errors_json(errors)})


class DraftSaveApi(_Base):
    class InputSerializer(serializers.Serializer):
        xml = serializers.CharField(max_length=MAX_BYTES, trim_whitespace=False)
        base_sha256 = serializers.RegexField(r"^[0-9a-f]{64}$")
        autosave = serializers.BooleanField(default=False)

    @extend_schema(
        request=InputSerializer,
        responses={200: schema.DraftSavedSerializer, **error_responses(409)},
        summary="Save the editor's XML",
        description="409 when someone else saved since `base_sha256`.",
    )
    def put(self, request: Request, pk: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = services.save_draft(
            draft=_draft(pk),
            xml=data["xml"],
            base_sha256=data["base_sha256"],
            user=_user(request),
            autosave=data["autosave"],
        )
        return Response({**draft_json(result.draft), "errors": services.errors_json(result.errors)})


class DraftValidateApi(_Base):
    permission_classes = [IsOfficial]

    class InputSerializer(serializers.Serializer):
        xml = serializers.CharField(max_length=MAX_BYTES, trim_whitespace=False)

    @extend_schema(
        request=InputSerializer, responses=schema.DiagramProblemsSerializer, summary="Validate XML without saving"
    )
    def post(self, request: Request, pk: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        draft = _draft(pk)
        _, errors = services.check_draft_xml(serializer.validated_data["xml"], draft.process_key)
        return Response({"errors": services.errors_json(errors)})


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000, required=False, default="", allow_blank=True)


class DraftSubmitApi(_Base):
    @extend_schema(
        request=None,
        responses={200: schema.DraftSerializer, **error_responses(409)},
        summary="Submit a draft for review",
    )
    def post(self, request: Request, pk: int) -> Response:
        return Response(draft_json(services.submit_draft(draft=_draft(pk), user=_user(request))))


class DraftApproveApi(_Base):
    @extend_schema(
        request=NoteSerializer,
        responses={200: schema.DraftSerializer, **error_responses(409)},
        summary="Approve (a second legal officer)",
    )
    def post(self, request: Request, pk: int) -> Response:
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        draft = services.approve_draft(draft=_draft(pk), user=_user(request), note=serializer.validated_data["note"])
        return Response(draft_json(draft))


class DraftReturnApi(_Base):
    @extend_schema(
        request=NoteSerializer,
        responses={200: schema.DraftSerializer, **error_responses(409)},
        summary="Return a draft for editing",
    )
    def post(self, request: Request, pk: int) -> Response:
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        draft = services.return_draft(draft=_draft(pk), user=_user(request), note=serializer.validated_data["note"])
        return Response(draft_json(draft))


class DraftPublishApi(_Base):
    class InputSerializer(serializers.Serializer):
        effective_from = serializers.DateField()

    @extend_schema(
        request=InputSerializer,
        responses={201: schema.VersionSerializer, **error_responses(409)},
        summary="Publish an approved draft",
    )
    def post(self, request: Request, pk: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = services.publish_draft(
            draft=_draft(pk), user=_user(request), effective_from=serializer.validated_data["effective_from"]
        )
        return Response(version_json(version), status=status.HTTP_201_CREATED)


class ActionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["complete", "wait"])
    element_id = serializers.CharField(max_length=100, required=False, default="")
    form = serializers.DictField(required=False, default=dict)
    days = serializers.IntegerField(min_value=1, max_value=simulation.MAX_WAIT_DAYS, required=False, default=0)


def simulation_json(result: simulation.SimulationResult) -> dict[str, Any]:
    def field_json(f: Any) -> dict[str, Any]:
        return {
            "name": f.name,
            "type": f.type,
            "required": f.required,
            "label": f.display_label,
            "choices": [list(c) for c in f.choices],
            "help": f.help,
        }

    return {
        "start": result.start.isoformat(),
        "today": result.today.isoformat(),
        "completed": result.completed,
        "path": result.path,
        "waiting": [
            {
                "element_id": w.element_id,
                "title": w.title,
                "lane": w.lane,
                "public_status": w.public_status,
                "documentation": w.documentation,
                "fields": [field_json(f) for f in w.fields],
            }
            for w in result.waiting
        ],
        "deadlines": [
            {
                "element_id": d.element_id,
                "title": d.title,
                "kind": d.kind,
                "rule_code": d.rule_code,
                "citation": d.citation,
                "start_date": d.start_date.isoformat(),
                "due_date": d.due_date.isoformat(),
                "remind_date": d.remind_date.isoformat(),
                "closed_on": d.closed_on.isoformat() if d.closed_on else None,
                "status": d.status_on(result.today),
                "explanation": d.explanation,
                "explanation_en": d.explanation_en,
            }
            for d in result.deadlines
        ],
        "handler_calls": [
            {
                "day": c.day.isoformat(),
                "element_id": c.element_id,
                "handler": c.handler,
                "description": c.description,
                "params": {k: str(v) for k, v in c.params.items()},
            }
            for c in result.handler_calls
        ],
        "log": [
            {"day": line.day.isoformat(), "kind": line.kind, "element_id": line.element_id, "text": line.text}
            for line in result.log
        ],
        "error": None
        if result.error is None
        else {
            "element_id": result.error.element_id,
            "reason": result.error.reason,
            "field_errors": result.error.field_errors,
        },
    }


class DraftSimulateApi(_Base):
    permission_classes = [IsOfficial]

    class InputSerializer(serializers.Serializer):
        start_date = serializers.DateField()
        subject_type = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
        start_data = serializers.DictField(required=False, default=dict)
        actions = ActionSerializer(many=True, required=False, default=list)

    @extend_schema(request=InputSerializer, responses=schema.SimulationSerializer, summary="Test run on a fake clock")
    def post(self, request: Request, pk: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        draft = _draft(pk)
        try:
            validated = validate(draft.xml)
        except BpmnInvalid as invalid:
            raise services.DraftInvalid(invalid.errors) from None
        start_data = {"petition_type": data["subject_type"], "publish_consent": False, "channel": "portal"}
        start_data.update(data["start_data"])
        try:
            result = simulation.simulate(
                validated.specs,
                start=data["start_date"],
                data=start_data,
                actions=[simulation.Action(a["kind"], a["element_id"], a["form"], a["days"]) for a in data["actions"]],
            )
        except simulation.SimulationError as error:
            return Response({"code": "simulation_error", "detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(simulation_json(result))


class ExpressionCheckApi(APIView):
    permission_classes = [IsOfficial]

    class InputSerializer(serializers.Serializer):
        expression = serializers.CharField(max_length=expressions.MAX_EXPRESSION_LENGTH * 2, trim_whitespace=False)

    @extend_schema(
        request=InputSerializer, responses=schema.ExpressionCheckSerializer, summary="Check a condition expression"
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            expressions.check_expression(serializer.validated_data["expression"].strip())
        except expressions.ExpressionError as error:
            return Response({"ok": False, "error": str(error)})
        return Response({"ok": True, "error": ""})


def resolve_ref(process_key: str, ref: str) -> tuple[str, str]:
    """`v3` → published version 3; `d12` → draft 12. Returns (label, xml)."""
    if ref[:1] == "v" and ref[1:].isdigit():
        version = get_object_or_404(ProcessVersion, process_key=process_key, number=int(ref[1:]))
        return f"v{version.number}", version.bpmn_xml
    if ref[:1] == "d" and ref[1:].isdigit():
        draft = get_object_or_404(ProcessDraft, process_key=process_key, pk=int(ref[1:]))
        return f"dự thảo #{draft.pk}", draft.xml
    raise WorkflowError(gettext("Không hiểu «%(ref)s»: dùng v<số> hoặc d<số>") % {"ref": ref})


def diff_json(result: diff.ProcessDiff) -> dict[str, Any]:
    def element(change: diff.ElementChange) -> dict[str, Any]:
        return {
            "element_id": change.element_id,
            "type": change.type,
            "name": change.name,
            "changes": [
                {"key": c.key, "before": c.before, "after": c.after, "text": c.text, "text_en": c.text_en}
                for c in change.changes
            ],
        }

    return {
        "added": [element(c) for c in result.added],
        "removed": [element(c) for c in result.removed],
        "changed": [element(c) for c in result.changed],
    }


class DiffApi(_Base):
    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, required=True, description="v<number> (a version) or d<number> (a draft)"),
            OpenApiParameter("to", str, required=True, description="v<number> or d<number>"),
        ],
        responses=schema.ProcessDiffSerializer,
        summary="Added, removed and changed elements of two versions",
    )
    def get(self, request: Request, process_key: str) -> Response:
        old_label, old_xml = resolve_ref(process_key, request.query_params.get("from", ""))
        new_label, new_xml = resolve_ref(process_key, request.query_params.get("to", ""))
        try:
            result = diff.diff(old_xml, new_xml)
        except BpmnInvalid as invalid:
            raise services.DraftInvalid(invalid.errors) from None
        return Response({"from": old_label, "to": new_label, **diff_json(result)})


def _version(process_key: str, number: int) -> ProcessVersion:
    return get_object_or_404(ProcessVersion, process_key=process_key, number=number)


class RollbackApi(_Base):
    class InputSerializer(serializers.Serializer):
        effective_from = serializers.DateField(required=False)
        note = serializers.CharField(max_length=5000)

    @extend_schema(
        request=InputSerializer,
        responses={201: schema.VersionSerializer, **error_responses(409)},
        summary="Publish a version again",
    )
    def post(self, request: Request, process_key: str, number: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = services.rollback_to(
            version=_version(process_key, number),
            user=_user(request),
            effective_from=data.get("effective_from") or calendar.today(),
            note=data["note"],
        )
        return Response(version_json(version), status=status.HTTP_201_CREATED)


def plan_json(plan: migration.CasePlan) -> dict[str, Any]:
    def when(value: datetime.datetime | None) -> str | None:
        return calendar.local_date(value).isoformat() if value else None

    return {
        "can_move": plan.can_move,
        "from_version": plan.from_version,
        "to_version": plan.to_version,
        "reasons": plan.reasons,
        "steps": [
            {
                "element_id": s.element_id,
                "new_element_id": s.new_element_id,
                "title": s.title,
                "kind": s.kind,
                "outcome": s.outcome,
                "changed": s.changed,
            }
            for s in plan.steps
        ],
        "deadlines": [
            {
                "element_id": d.element_id,
                "title": d.title,
                "outcome": d.outcome,
                "rule_before": d.rule_before,
                "rule_after": d.rule_after,
                "due_before": when(d.due_before),
                "due_after": when(d.due_after),
                "explanation": d.explanation,
            }
            for d in plan.deadlines
        ],
    }


class MigrationApi(_Base):
    """Legal staff only, the dry run included: it lists running cases of every unit. Paginated; a page plans only
    its own cases. A sealed case (a denunciation) shows a placeholder instead of its title."""

    permission_classes = [IsLegalStaff]

    class InputSerializer(serializers.Serializer):
        instances = serializers.ListField(child=serializers.IntegerField(), allow_empty=False, max_length=10_000)

    @extend_schema(
        responses={200: schema.MigrationPageSerializer, **error_responses(403)},
        parameters=[OpenApiParameter("page", int, description="Page number (25 cases a page).")],
        summary="Dry run: which running cases can move to this version",
    )
    def get(self, request: Request, process_key: str, number: int) -> Response:
        target = _version(process_key, number)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.cases_to_move(target), request, view=self) or []
        return paginator.get_paginated_response(
            [
                {
                    "instance": instance.pk,
                    "reference": instance.reference,
                    "title": selectors.report_title(instance),
                    "sealed": instance.sealed,  # type: ignore[attr-defined]  # annotated by cases_to_move
                    **plan_json(plan),
                }
                for instance, plan in services.migration_report(target=target, instances=page)
            ]
        )

    @extend_schema(
        request=InputSerializer,
        responses={200: schema.MigrationOutcomeSerializer(many=True), **error_responses(409)},
        summary="Move the chosen running cases",
    )
    def post(self, request: Request, process_key: str, number: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outcomes = services.migrate_cases(
            target=_version(process_key, number),
            user=_user(request),
            instance_ids=serializer.validated_data["instances"],
        )
        return Response(
            [
                {
                    "instance": o.instance.pk,
                    "reference": o.instance.reference,
                    "moved": o.moved,
                    "reason": o.reason,
                    "plan": plan_json(o.plan) if o.plan else None,
                }
                for o in outcomes
            ]
        )


class AuditApi(_Base):
    @extend_schema(responses=schema.AuditEntrySerializer(many=True), summary="The audit trail of a process model")
    def get(self, request: Request, process_key: str) -> Response:
        return Response(
            [
                {
                    "at": entry.created_at.isoformat(),
                    "action": entry.action,
                    "action_label": str(entry.get_action_display()),
                    "actor": entry.actor.username,
                    "draft": entry.draft_id,
                    "version": entry.version.number if entry.version else None,
                    "note": entry.note,
                    "data": entry.data,
                }
                for entry in selectors.audit_trail(process_key)
            ]
        )
