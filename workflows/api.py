"""The engine's API of the work every subject shares: the inbox, a task and its form, claiming and completing it.

Moved from `cases/` so that the engine owns the generic work: a task links to its subject's pages through the
subject's adapter (`workflows.subjects`). The case clock (suspend, resume, extensions) is still the petition's
(`cases/api.py`); the transfer of a case to a competent unit is the engine's (`TaskTransferApi`).
"""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from django.contrib.auth.models import User
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_schema import error_responses
from organisation.models import Unit
from workflows import selectors
from workflows import services as workflow_services
from workflows.models import Deadline, ExtensionRequest, HumanTask, WorkflowInstance


def _official(request: Request) -> User:
    """Views that call this are behind IsAuthenticated: the user is an official's account."""
    return cast(User, request.user)


class TaskSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="instance.reference")
    case_title = serializers.CharField(source="instance.title")
    task_url = serializers.SerializerMethodField()
    case_url = serializers.SerializerMethodField()
    lock_version = serializers.IntegerField(source="instance.lock_version")
    unit = serializers.CharField(source="unit.code")
    assignee = serializers.CharField(source="assignee.username", default=None)
    claimed_by = serializers.CharField(source="claimed_by.username", default=None)
    completed_by = serializers.CharField(source="completed_by.username", default=None)
    legal_due_at = serializers.SerializerMethodField(
        help_text="The legal clock the step runs under: the nearer of its own deadline (due_at) and the case's "
        "legal period (a process timer, e.g. the 30 days to resolve a complaint). The inbox is sorted by it."
    )
    working_days_left = serializers.SerializerMethodField(help_text="Working days left until legal_due_at.")
    badge = serializers.SerializerMethodField(help_text="due_soon, overdue, very_overdue or empty, by legal_due_at")

    def get_task_url(self, task: HumanTask) -> str:
        return selectors.work_urls(task)[0]

    def get_case_url(self, task: HumanTask) -> str:
        return selectors.work_urls(task)[1]

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_legal_due_at(self, task: HumanTask) -> str | None:
        due = selectors.legal_due_of(task)
        return None if due is None else serializers.DateTimeField().to_representation(due)

    def get_working_days_left(self, task: HumanTask) -> int | None:
        return selectors.clock_of(selectors.legal_due_of(task)).working_days_left

    def get_badge(self, task: HumanTask) -> str:
        return selectors.clock_of(selectors.legal_due_of(task)).badge

    class Meta:
        model = HumanTask
        fields = [
            "task_id",
            "element_id",
            "title",
            "role",
            "unit",
            "reference",
            "case_title",
            "task_url",
            "case_url",
            "lock_version",
            "assignee",
            "claimed_by",
            "due_at",
            "legal_due_at",
            "created_at",
            "completed_at",
            "completed_by",
            "working_days_left",
            "badge",
        ]


INBOX_FILTERS = [
    OpenApiParameter("kind", str, description="Kind of case: a subject type (WorkflowInstance.subject_type)."),
    OpenApiParameter("unit", str, description="Code of the unit the step is in."),
    OpenApiParameter("step", str, description="The step's BPMN element id (e.g. draft_answer)."),
    OpenApiParameter(
        "deadline",
        str,
        enum=list(selectors.DEADLINE_STATES),
        description="Deadline state by legal_due_at: on_time, due_soon, overdue, very_overdue, or none (no deadline).",
    ),
    OpenApiParameter(
        "assignee",
        str,
        enum=["me", "unassigned"],
        description="me: claimed by or assigned to me; unassigned: nobody's yet. Omit for anyone.",
    ),
    OpenApiParameter("q", str, description="Part of the case's code (reference) or title."),
]


class InboxPagination(PageNumberPagination):
    """Pages of the inbox whose `count` stops at `selectors.INBOX_COUNT_CAP` (`count_capped` then says there are
    more: narrow with the filters)."""

    django_paginator_class = selectors.CappedPaginator

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        paginator = cast(selectors.CappedPaginator, self.page.paginator)  # type: ignore[union-attr]
        response.data["count_capped"] = paginator.capped
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["count"]["description"] = (
            f"How many tasks, up to {selectors.INBOX_COUNT_CAP} (see count_capped)."
        )
        paginated["properties"]["count_capped"] = {
            "type": "boolean",
            "description": f"More than {selectors.INBOX_COUNT_CAP} tasks: count stops there, and so do the pages.",
        }
        paginated["required"] = [*paginated.get("required", []), "count_capped"]
        return paginated


@extend_schema_view(get=extend_schema(summary="Hộp việc: các bước tôi cần xử lý", parameters=INBOX_FILTERS))
class InboxApi(generics.ListAPIView):
    """My tasks: those of my roles in my units (leaders: also the units below), oldest due first; the same filters
    as the inbox page (`kind`, `unit`, `step`, `deadline`, `assignee`, `q`)."""

    permission_classes = [IsAuthenticated]
    serializer_class = TaskSerializer
    filterset_fields = ["role", "element_id"]

    pagination_class = InboxPagination

    def get_queryset(self) -> Any:
        filters = selectors.InboxFilters.from_params(self.request.query_params)
        return selectors.filter_inbox(selectors.inbox(self.request.user), filters, self.request.user)

    def paginate_queryset(self, queryset: Any) -> Any:
        """The page's ids first, from the inbox's index; then those tasks with what a row shows."""
        ids = super().paginate_queryset(queryset.values_list("pk", flat=True))
        return None if ids is None else selectors.inbox_tasks(ids)


def _visible_task(request: Request, task_id: UUID) -> HumanTask:
    task = selectors.visible_task(request.user, task_id)
    if task is None:
        raise Http404
    return task


class FormFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()
    required = serializers.BooleanField()  # type: ignore[assignment]  # named like a Field attribute
    label = serializers.CharField(source="display_label")  # type: ignore[assignment]
    choices = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    help = serializers.CharField()


class TaskDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=inline_serializer("TaskDetail", {"task": TaskSerializer(), "form": FormFieldSerializer(many=True)}),
        summary="Một bước và biểu mẫu của nó",
    )
    def get(self, request: Request, task_id: UUID) -> Response:
        task = _visible_task(request, task_id)
        fields = workflow_services.task_fields(task)
        return Response({"task": TaskSerializer(task).data, "form": FormFieldSerializer(fields, many=True).data})


class TaskClaimApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: TaskSerializer, **error_responses(409)}, summary="Nhận xử lý một bước")
    def post(self, request: Request, task_id: UUID) -> Response:
        task = workflow_services.claim_task(task=_visible_task(request, task_id), user=_official(request))
        return Response(TaskSerializer(task).data)


class TaskCompleteApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        form = serializers.DictField(help_text="The task's form fields, as declared in the BPMN user task.")
        lock_version = serializers.IntegerField(required=False, help_text="Refuse (409) if the case changed since.")

    @extend_schema(
        request=InputSerializer,
        responses={
            200: inline_serializer(
                "TaskCompleted", {"reference": serializers.CharField(), "lock_version": serializers.IntegerField()}
            ),
            **error_responses(409),
        },
        summary="Hoàn thành một bước",
    )
    def post(self, request: Request, task_id: UUID) -> Response:
        task = _visible_task(request, task_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = workflow_services.complete_task(
            task_id=task.task_id,
            user=_official(request),
            data=serializer.validated_data["form"],
            expected_lock_version=serializer.validated_data.get("lock_version"),
        )
        return Response({"reference": instance.reference, "lock_version": instance.lock_version})


class TaskTransferApi(APIView):
    """Transfer the task's case to a competent unit (chuyển đơn): its open steps move with it. Leaders only."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        unit = serializers.SlugRelatedField(
            slug_field="code", queryset=Unit.objects.all(), help_text="Code of the unit to receive the case."
        )
        reason = serializers.CharField(min_length=5, max_length=2000)
        lock_version = serializers.IntegerField(required=False, help_text="Refuse (409) if the case changed since.")

    @extend_schema(
        request=InputSerializer,
        responses={
            200: inline_serializer(
                "TaskTransferred",
                {
                    "reference": serializers.CharField(),
                    "unit": serializers.CharField(),
                    "lock_version": serializers.IntegerField(),
                },
            ),
            **error_responses(409),
        },
        summary="Chuyển hồ sơ đến đơn vị có thẩm quyền",
    )
    def post(self, request: Request, task_id: UUID) -> Response:
        task = _visible_task(request, task_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        instance = workflow_services.transfer_case(
            instance=task.instance,
            user=_official(request),
            unit=data["unit"],
            reason=data["reason"],
            expected_lock_version=data.get("lock_version"),
        )
        return Response(
            {"reference": instance.reference, "unit": instance.unit.code, "lock_version": instance.lock_version}
        )


class DeadlineSerializer(serializers.ModelSerializer):
    class Meta:
        model = Deadline
        fields = [
            "id",
            "element_id",
            "title",
            "kind",
            "rule_code",
            "start_date",
            "due_at",
            "extensions",
            "suspensions",
            "suspended_since",
            "explanation",
            "explanation_en",
            "phase",
            "closed_at",
        ]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(min_length=5, max_length=2000)


class ClockApi(APIView):
    """Stop (tạm đình chỉ) or restart a case's legal clock, with a reason. Leaders of the unit only."""

    permission_classes = [IsAuthenticated]
    change_clock: Any  # workflow_services.suspend_case or resume_case

    def instance_for(self, request: Request, pk: int) -> WorkflowInstance:
        """The case whose clock changes; a subject's route may address it by its own number."""
        return get_object_or_404(selectors.visible_instances(request.user), pk=pk)

    @extend_schema(request=ReasonSerializer, responses={200: DeadlineSerializer(many=True), **error_responses(409)})
    def post(self, request: Request, pk: int) -> Response:
        instance = self.instance_for(request, pk)
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.change_clock(instance=instance, user=_official(request), **serializer.validated_data)
        return Response(DeadlineSerializer(instance.deadlines.filter(closed_at__isnull=True), many=True).data)


class ExtensionRequestSerializer(serializers.ModelSerializer):
    requested_by = serializers.CharField(source="requested_by.username")
    decided_by = serializers.CharField(source="decided_by.username", default=None)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "deadline",
            "requested_by",
            "requested_at",
            "reason",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
        ]


class ExtensionRequestApi(APIView):
    """Ask for one more extension of a deadline (gia hạn), within the rule's limit."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ReasonSerializer,
        responses={201: ExtensionRequestSerializer, **error_responses(409)},
        summary="Đề nghị gia hạn",
    )
    def post(self, request: Request, pk: int) -> Response:
        deadline = get_object_or_404(
            Deadline.objects.select_related("instance"),
            pk=pk,
            instance__in=selectors.visible_instances(request.user),
        )
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        extension = workflow_services.request_extension(
            deadline=deadline, user=_official(request), **serializer.validated_data
        )
        return Response(ExtensionRequestSerializer(extension).data, status=status.HTTP_201_CREATED)


class ExtensionDecisionApi(APIView):
    """A leader approves or refuses an extension request, with a note."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        approve = serializers.BooleanField()
        note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    @extend_schema(
        request=InputSerializer,
        responses={200: ExtensionRequestSerializer, **error_responses(409)},
        summary="Duyệt gia hạn",
    )
    def post(self, request: Request, pk: int) -> Response:
        extension = get_object_or_404(
            ExtensionRequest.objects.all(),
            pk=pk,
            deadline__instance__in=selectors.visible_instances(request.user),
        )
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        extension = workflow_services.decide_extension(
            extension=extension, user=_official(request), **serializer.validated_data
        )
        return Response(ExtensionRequestSerializer(extension).data)


@extend_schema_view(post=extend_schema(summary="Tạm đình chỉ hồ sơ (dừng thời hạn)"))
class SuspendApi(ClockApi):
    """Stop the legal clock of a case (tạm đình chỉ); every open deadline waits. Leaders of the unit only."""

    change_clock = staticmethod(workflow_services.suspend_case)


@extend_schema_view(post=extend_schema(summary="Tiếp tục giải quyết hồ sơ (chạy lại thời hạn)"))
class ResumeApi(ClockApi):
    """Restart the legal clock; due dates move by the suspended days. Leaders of the unit only."""

    change_clock = staticmethod(workflow_services.resume_case)
