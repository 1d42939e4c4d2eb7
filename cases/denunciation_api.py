"""The denunciation's own decisions over the API: the written complexity finding (Art. 30) and the denouncer's
withdrawal (Arts. 33–34). Suspension and continuation use the case's clock routes (`/cases/<pk>/suspend`, `…/resume`),
which issue the denunciation's written decisions through its subject hooks (`cases.denunciations.clock_changed`)."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import denunciations
from cases.api import _visible_case
from core.api_schema import error_responses


class DenunciationComplexityApi(APIView):
    """A leader's written finding that a denunciation is complex (one extension) or especially complex (two)."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        level = serializers.ChoiceField(choices=sorted(denunciations.COMPLEXITY_EXTENSIONS))
        reasons = serializers.CharField(allow_blank=True, trim_whitespace=True)

    class OutputSerializer(serializers.Serializer):
        level = serializers.CharField()

    @extend_schema(
        summary="Xác định mức độ phức tạp của vụ việc tố cáo (Điều 30)",
        request=InputSerializer,
        responses={200: OutputSerializer, **error_responses(403, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        petition = _visible_case(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        denunciations.find_complexity(petition=petition, user=cast(User, request.user), **serializer.validated_data)
        return Response(self.OutputSerializer({"level": denunciations.complexity(petition.workflow)}).data)


class WithdrawalApi(APIView):
    """Record the denouncer's written withdrawal of all or part of a denunciation, before the conclusion."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        scope = serializers.ChoiceField(choices=denunciations.WITHDRAWAL_SCOPES)
        withdrawn = serializers.CharField(allow_blank=True)
        continue_reason = serializers.CharField(allow_blank=True, required=False, default="")

    class OutputSerializer(serializers.Serializer):
        status = serializers.CharField()
        running = serializers.BooleanField()

    @extend_schema(
        summary="Ghi nhận việc rút tố cáo (Điều 33) và quyết định đình chỉ (Điều 34)",
        request=InputSerializer,
        responses={200: OutputSerializer, **error_responses(403, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        petition = _visible_case(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        denunciations.withdraw_denunciation(
            petition=petition, user=cast(User, request.user), **serializer.validated_data
        )
        petition.refresh_from_db()
        petition.workflow.refresh_from_db()
        running = petition.workflow.completed_at is None
        return Response(self.OutputSerializer({"status": petition.status, "running": running}).data)


class ContentNoticeApi(APIView):
    """The notice of the content denounced to the denounced person (Art. 29), for a case that moved to the July 2026
    process past its acceptance notices; never names the denouncer."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(allow_blank=True)
        address = serializers.CharField(allow_blank=True)
        email = serializers.EmailField(allow_blank=True, required=False, default="")
        content = serializers.CharField(allow_blank=True)

    class OutputSerializer(serializers.Serializer):
        sent = serializers.BooleanField()

    @extend_schema(
        summary="Thông báo nội dung tố cáo cho người bị tố cáo (Điều 29)",
        request=InputSerializer,
        responses={200: OutputSerializer, **error_responses(403, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        petition = _visible_case(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        content = data.pop("content")
        denunciations.send_content_notice_by_hand(
            petition=petition, user=cast(User, request.user), person=data, content=content
        )
        return Response(self.OutputSerializer({"sent": True}).data)
