"""REST API for petitions: public intake and status, and the officials' inbox, tasks and cases.

Views are thin: input serializers check shape, services change state, selectors read.
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import complaints, selectors, services
from cases.models import PUBLIC_TYPES, Channel, Petition, PetitionType
from core.api_schema import error_responses
from core.parsers import FormParser, JSONParser, MultiPartParser
from core.site import absolute_url
from core.throttles import CountingThrottle
from deadlines import calendar
from organisation.models import Unit
from places.geo import location_errors
from topics.models import Topic
from workflows import selectors as work_selectors
from workflows import services as workflow_services
from workflows.api import ClockApi, DeadlineSerializer, TaskSerializer
from workflows.models import CaseEvent, ProcessBinding, WorkflowInstance

PHONE_REGEX = r"^\+?[0-9 .\-]{8,20}$"


class PublicSubmitThrottle(CountingThrottle):
    """Rate limit of public forms per client address, shared by the API and the portal page."""

    scope = "public_submit"


def _official(request: Request) -> User:
    """Views that call this are behind IsAuthenticated: the user is an official's account."""
    return cast(User, request.user)


def bound_petition_types() -> list[tuple[str, str]]:
    """Petition types that have a process to run them."""
    bound = set(ProcessBinding.objects.values_list("subject_type", flat=True))
    return [(value, str(label)) for value, label in PetitionType.choices if value in bound and value in PUBLIC_TYPES]


class PetitionSubmitApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [PublicSubmitThrottle]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        petition_type = serializers.ChoiceField(choices=PetitionType.choices)
        title = serializers.CharField(min_length=5, max_length=200)
        content = serializers.CharField(min_length=10, max_length=10_000)
        commune = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.filter(is_commune=True))
        address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
        latitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False)
        longitude = serializers.DecimalField(
            max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False
        )
        petitioner_name = serializers.CharField(max_length=150)
        petitioner_phone = serializers.RegexField(PHONE_REGEX, required=False, allow_blank=True, default="")
        petitioner_email = serializers.EmailField(required=False, allow_blank=True, default="")
        publish_consent = serializers.BooleanField(default=False)
        attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)

        def validate_petition_type(self, value: str) -> str:
            if value not in dict(bound_petition_types()):
                raise serializers.ValidationError(gettext("Loại đơn này chưa được tiếp nhận trực tuyến"))
            return value

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if not attrs.get("petitioner_phone") and not attrs.get("petitioner_email"):
                raise serializers.ValidationError(
                    {"petitioner_phone": gettext("Cần số điện thoại hoặc thư điện tử để nhận trả lời")}
                )
            if attrs.get("commune") is not None:  # the point, if any, in the province and near the commune
                errors = location_errors(attrs["commune"], attrs.get("latitude"), attrs.get("longitude"))
                if errors:
                    raise serializers.ValidationError(errors)
            return attrs

    class OutputSerializer(serializers.Serializer):
        tracking_code = serializers.CharField()
        access_key = serializers.CharField(help_text="Shown once; keep it to see your private details.")
        status_url = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer}, summary="Gửi phản ánh, kiến nghị")
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        files = data.pop("attachments", [])
        receipt = services.submit_petition(**data, channel=Channel.PORTAL, files=files)
        return Response(_receipt(request, receipt), status=status.HTTP_201_CREATED)


class HistoryItemSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    text = serializers.CharField()


class PublicStatusSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    petition_type = serializers.CharField()
    petition_type_display = serializers.CharField()
    title = serializers.CharField()
    commune = serializers.CharField()
    received_at = serializers.DateTimeField()
    status = serializers.CharField()
    status_display = serializers.CharField()
    current_step = serializers.CharField()
    handling_unit = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    due_explanation = serializers.CharField(help_text="One sentence: how the due date was computed.")
    suspended = serializers.BooleanField(help_text="The legal clock is stopped (tạm đình chỉ).")
    history = HistoryItemSerializer(many=True)
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    answered_by = serializers.CharField()
    grouped = serializers.BooleanField(
        help_text="Handled together with petitions of the same content in one case: step, history and answer are "
        "that case's."
    )


class PetitionStatusApi(APIView):
    permission_classes = [AllowAny]

    class PrivateSerializer(serializers.ModelSerializer):
        class Meta:
            model = Petition
            fields = [
                "content",
                "address",
                "petitioner_name",
                "petitioner_phone",
                "petitioner_email",
                "publish_consent",
            ]

    @extend_schema(
        parameters=[OpenApiParameter("X-Access-Key", str, OpenApiParameter.HEADER, required=False)],
        responses={
            200: inline_serializer(
                "PetitionStatus",
                {
                    **PublicStatusSerializer._declared_fields,
                    "private": PrivateSerializer(required=False, help_text="Only with the petitioner's access key."),
                },
            )
        },
        summary="Tra cứu tình trạng đơn",
        description="Public status by tracking code, personal data in its texts redacted. With the petitioner's "
        "access key: the texts as written, and `private` adds their own details.",
    )
    def get(self, request: Request, code: str) -> Response:
        petition = selectors.petition_by_code(code)
        if petition is None:
            raise Http404
        if not petition.check_access_key(request.headers.get("X-Access-Key", "")):
            return Response(PublicStatusSerializer(selectors.public_status(petition)).data)
        data = dict(PublicStatusSerializer(selectors.public_status(petition, for_petitioner=True)).data)
        data["private"] = self.PrivateSerializer(petition).data
        response = Response(data)
        patch_cache_control(response, private=True, no_store=True)
        return response


@extend_schema_view(get=extend_schema(summary="Danh sách xã, phường"))
class UnitListApi(generics.ListAPIView):
    """Communes and wards, for the location field of the intake form."""

    permission_classes = [AllowAny]
    queryset = Unit.objects.filter(is_commune=True).order_by("name")
    filterset_fields = ["kind"]

    class OutputSerializer(serializers.ModelSerializer):
        class Meta:
            model = Unit
            fields = ["code", "name", "kind"]

    serializer_class = OutputSerializer


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None)

    class Meta:
        model = CaseEvent
        fields = ["created_at", "kind", "element_id", "summary", "public_text", "actor", "data"]


class CaseSerializer(serializers.ModelSerializer):
    handling_unit = serializers.CharField(source="workflow.unit.code")
    commune = serializers.CharField(source="commune.code")
    process = serializers.CharField(source="workflow.process_version.__str__")
    lock_version = serializers.IntegerField(source="workflow.lock_version")

    class Meta:
        model = Petition
        fields = [
            "id",
            "tracking_code",
            "petition_type",
            "channel",
            "title",
            "status",
            "commune",
            "handling_unit",
            "process",
            "lock_version",
            "received_at",
            "answered_at",
        ]


SEALED_FIELDS = ("petitioner_name", "petitioner_phone", "petitioner_email", "address", "latitude", "longitude")


class CaseDetailSerializer(CaseSerializer):
    topic = serializers.CharField(source="topic.code", default=None, help_text="Suggested or confirmed topic code.")
    tasks = TaskSerializer(source="workflow.tasks", many=True)
    events = EventSerializer(source="workflow.events", many=True)
    deadlines = serializers.SerializerMethodField()

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, petition: Petition) -> Any:
        return DeadlineSerializer(petition.workflow.deadlines.order_by("due_at"), many=True).data

    def to_representation(self, instance: Petition) -> Any:
        data = super().to_representation(instance)
        if not selectors.may_see_identity(self.context["request"].user, instance):
            for field in SEALED_FIELDS:
                data[field] = None
            data["identity_sealed"] = True
        return data

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "content",
            "address",
            "latitude",
            "longitude",
            "petitioner_name",
            "petitioner_phone",
            "petitioner_email",
            "publish_consent",
            "answer",
            "topic",
            "topic_confidence",
            "topic_evidence",
            "topic_confirmed",
            "tasks",
            "events",
            "deadlines",
        ]


@extend_schema_view(get=extend_schema(summary="Hồ sơ của các đơn vị tôi"))
class CaseListApi(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = CaseSerializer
    filterset_fields = ["status", "petition_type"]

    def get_queryset(self) -> Any:
        return selectors.visible_petitions(self.request.user)


@extend_schema_view(get=extend_schema(summary="Một hồ sơ: các bước, sự kiện, thời hạn"))
class CaseDetailApi(generics.RetrieveAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = CaseDetailSerializer

    def get_queryset(self) -> Any:
        return selectors.visible_petitions(self.request.user)

    def get_object(self) -> Petition:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])


def _visible_case(request: Request, pk: int) -> Petition:
    return get_object_or_404(selectors.visible_petitions(request.user), pk=pk)


class PetitionClockApi(ClockApi):
    """The clock routes of a petition, addressed by its case number (`/api/v1/cases/<pk>/…`). A complaint's clock
    stops and restarts only by a written decision (Art. 11a of the Law on Complaints; Arts. 28a–28b of Decree
    124/2020 as amended by Decree 155/2026): for a complaint these routes record the suspension or continuation
    decision dated today, with its document, as `/complaint/suspension` and `/complaint/continuation` do."""

    suspend: bool

    def instance_for(self, request: Request, pk: int) -> WorkflowInstance:
        return _visible_case(request, pk).workflow

    def change_clock(self, *, instance: WorkflowInstance, user: User, reason: str) -> None:
        petition = Petition.objects.filter(workflow=instance, petition_type__in=complaints.COMPLAINT_TYPES).first()
        if petition is not None:
            complaints.decide_clock(petition=petition, user=user, suspend=self.suspend, reason=reason)
        elif self.suspend:
            workflow_services.suspend_case(instance=instance, user=user, reason=reason)
        else:
            workflow_services.resume_case(instance=instance, user=user, reason=reason)


@extend_schema_view(post=extend_schema(summary="Tạm đình chỉ hồ sơ (dừng thời hạn)"))
class CaseSuspendApi(PetitionClockApi):
    """Stop the legal clock of a case (tạm đình chỉ); every open deadline waits. Leaders of the unit only. For a
    complaint: the suspension decision of Art. 11a, dated today."""

    suspend = True


@extend_schema_view(post=extend_schema(summary="Tiếp tục giải quyết hồ sơ (chạy lại thời hạn)"))
class CaseResumeApi(PetitionClockApi):
    """Restart the legal clock; due dates move by the suspended days. Leaders of the unit only. For a complaint:
    the decision to continue (Art. 28b), dated today."""

    suspend = False


class UnitStatsSerializer(serializers.Serializer):
    """Each petition received in the period is in exactly one of the five buckets answered_on_time, answered_late,
    open_on_time, overdue and very_overdue; received is their sum."""

    unit = serializers.CharField()
    unit_name = serializers.CharField()
    petition_type = serializers.CharField()
    received = serializers.IntegerField(help_text="Cases: a group case (petitions joined to it) counts once.")
    petitioners = serializers.IntegerField(
        help_text="Petitioners: the cases received plus the petitions joined to them (group petitions)."
    )
    open = serializers.IntegerField(help_text="open_on_time + overdue + very_overdue")
    answered = serializers.IntegerField(
        help_text="answered_on_time + answered_late (not accepted, with a reason, included)"
    )
    answered_on_time = serializers.IntegerField(help_text="Answered, no step or legal period past its deadline.")
    answered_late = serializers.IntegerField(help_text="Answered, some step or the legal period past its deadline.")
    open_on_time = serializers.IntegerField(help_text="Open, nothing past its deadline.")
    overdue = serializers.IntegerField(
        help_text="Open, a step or the legal period past its deadline, not very overdue."
    )
    very_overdue = serializers.IntegerField(
        help_text="Open, a running clock or the legal period past its deadline by more than 5 working days "
        "(DEADLINE_VERY_OVERDUE_WORKING_DAYS)."
    )
    on_time_rate = serializers.FloatField(
        allow_null=True,
        help_text="answered_on_time / (answered + overdue + very_overdue); null when nothing is decided yet.",
    )


class StatsQuerySerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    unit = serializers.SlugField(required=False, help_text="A unit you lead (default: all of them and below).")
    petition_type = serializers.ChoiceField(choices=PetitionType.choices, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        today = timezone.localdate()
        attrs.setdefault("date_to", today)
        attrs.setdefault("date_from", attrs["date_to"] - datetime.timedelta(days=89))
        if attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_from": gettext("Phải trước date_to")})
        return attrs


class DrillDownQuerySerializer(StatsQuerySerializer):
    bucket = serializers.ChoiceField(choices=list(selectors.BUCKETS), required=False, help_text="Empty: received.")
    month = serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2])$", required=False, help_text="YYYY-MM of receipt.")
    exact_unit = serializers.BooleanField(
        required=False, default=False, help_text="Only the unit's own cases, not those of the units below it."
    )
    topic = serializers.SlugField(required=False, help_text="Code of a topic (`topics.Topic`).")
    commune = serializers.SlugField(required=False, help_text="Code of the commune the petitions are about.")

    def validate_topic(self, value: str) -> str:
        if not Topic.objects.filter(code=value).exists():
            raise serializers.ValidationError(gettext("Không có lĩnh vực này."))
        return value

    def validate_commune(self, value: str) -> str:
        if not Unit.objects.filter(code=value, is_commune=True).exists():
            raise serializers.ValidationError(gettext("Không có xã, phường này."))
        return value


def _leader_scope(user: Any, params: Any, serializer_class: type[StatsQuerySerializer]) -> tuple[dict[str, Any], Any]:
    """Validated filters, and the units they select among those the user leads (and those below)."""
    query = serializer_class(data=params)
    query.is_valid(raise_exception=True)
    filters = dict(query.validated_data)
    units = selectors.led_units(user)
    if not units.exists():
        raise PermissionDenied(gettext("Chỉ lãnh đạo đơn vị xem được số liệu"))
    if filters.get("unit"):
        unit = units.filter(code=filters["unit"]).first()
        if unit is None:
            raise serializers.ValidationError({"unit": gettext("Không phải đơn vị bạn lãnh đạo")})
        units = units.filter(pk=unit.pk) if filters.get("exact_unit") else units.filter(path__startswith=unit.path)
    return filters, units


def stats_for(user: Any, params: Any) -> tuple[dict[str, Any], list[selectors.UnitTypeStats]]:
    """Shared by the API and the leaders' page: validated filters, then the figures of the units I lead."""
    filters, units = _leader_scope(user, params, StatsQuerySerializer)
    stats = selectors.unit_stats(
        units=units,
        date_from=filters["date_from"],
        date_to=filters["date_to"],
        petition_type=filters.get("petition_type"),
    )
    return filters, stats


def leader_figures_for(
    user: Any, params: Any
) -> tuple[dict[str, Any], list[selectors.UnitTypeStats], list[dict[str, Any]]]:
    """The leaders' page: the table (`stats_for`) and the charts (the same figures by month) from one grouped query."""
    filters, units = _leader_scope(user, params, StatsQuerySerializer)
    stats, months = selectors.leader_figures(
        units=units,
        date_from=filters["date_from"],
        date_to=filters["date_to"],
        petition_type=filters.get("petition_type"),
    )
    return filters, stats, months


def drill_down_for(user: Any, params: Any) -> tuple[dict[str, Any], QuerySet[Petition]]:
    """The petitions behind one figure of the leaders' page: only of units the user leads (or below)."""
    filters, units = _leader_scope(user, params, DrillDownQuerySerializer)
    petitions = selectors.bucket_petitions(
        units=units,
        date_from=filters["date_from"],
        date_to=filters["date_to"],
        petition_type=filters.get("petition_type"),
        bucket=filters.get("bucket"),
        month=filters.get("month"),
        topic=filters.get("topic"),
        commune=filters.get("commune"),
    )
    return filters, petitions


class LeaderStatsApi(APIView):
    """Leaders: per unit and petition type, what is open, answered on time, overdue and very overdue."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[StatsQuerySerializer],
        responses={200: UnitStatsSerializer(many=True)},
        summary="Số liệu đúng hạn theo đơn vị và loại đơn",
    )
    def get(self, request: Request) -> Response:
        _filters, stats = stats_for(request.user, request.query_params)
        return Response(UnitStatsSerializer(stats, many=True).data)


class RecordPetitionApi(APIView):
    """Reception officers record a petition that arrived by official email, a social-network page, the
    one-stop-shop counter or a citizen reception session."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    class InputSerializer(PetitionSubmitApi.InputSerializer):
        channel = serializers.ChoiceField(choices=[c for c in Channel.choices if c[0] != Channel.PORTAL])
        unit = serializers.SlugRelatedField(
            slug_field="code",
            queryset=Unit.objects.all(),
            required=False,
            help_text="Receiving unit (default: commune)",
        )
        received_at = serializers.DateTimeField(
            required=False,
            default_timezone=calendar.LEGAL_TZ,
            help_text="When the petition was received (default: now); its legal periods count from it. "
            "Not in the future, at most 90 days ago; without an offset, Vietnam time.",
        )

    @extend_schema(request=InputSerializer, responses={201: PetitionSubmitApi.OutputSerializer}, summary="Ghi nhận đơn")
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        files = data.pop("attachments", [])
        receipt = services.record_petition(recorded_by=_official(request), files=files, **data)
        return Response(_receipt(request, receipt), status=status.HTTP_201_CREATED)


class AppealApi(APIView):
    """The complainant appeals a first-instance decision (khiếu nại lần hai), with the access key of the
    first complaint in the X-Access-Key header."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [PublicSubmitThrottle]

    class InputSerializer(serializers.Serializer):
        content = serializers.CharField(min_length=10, max_length=10_000)
        title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    @extend_schema(
        request=InputSerializer,
        parameters=[OpenApiParameter("X-Access-Key", str, OpenApiParameter.HEADER, required=True)],
        responses={201: PetitionSubmitApi.OutputSerializer},
        summary="Khiếu nại lần hai",
    )
    def post(self, request: Request, code: str) -> Response:
        first = selectors.petition_by_code(code)
        if first is None or not first.check_access_key(request.headers.get("X-Access-Key", "")):
            raise Http404
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        receipt = services.appeal_petition(first=first, **serializer.validated_data)
        return Response(_receipt(request, receipt), status=status.HTTP_201_CREATED)


def _receipt(request: Request, receipt: services.Receipt) -> Any:
    code = receipt.petition.tracking_code
    url = absolute_url(f"/track/{code}/")
    return PetitionSubmitApi.OutputSerializer(
        {"tracking_code": code, "access_key": receipt.access_key, "status_url": url}
    ).data


class AnswerTemplateOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="template.pk")
    title = serializers.CharField(source="template.title")
    unit = serializers.CharField(source="template.unit.code", default=None)
    petition_type = serializers.CharField(source="template.petition_type")
    text = serializers.CharField(help_text="The body with the placeholders filled for this task's petition.")


@extend_schema_view(get=extend_schema(summary="Mẫu trả lời dùng được cho một bước, đã điền cho đơn của bước"))
class TaskAnswerTemplatesApi(APIView):
    """The answer templates of the task's unit (or every unit) and petition type, rendered for its petition."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: AnswerTemplateOutputSerializer(many=True), **error_responses(404)})
    def get(self, request: Request, task_id: Any) -> Response:
        task = work_selectors.visible_task(request.user, task_id)
        if task is None:
            raise Http404
        items = selectors.rendered_answer_templates(task, user=request.user)
        return Response(AnswerTemplateOutputSerializer(items, many=True).data)
