"""The complaint decisions of a case's leader (Law on Complaints, Art. 11a; Decree 124/2020 as amended by Decree
155/2026): suspension, continuation, stopping, the complexity finding, and the day the complainant received the
decision (Art. 33). Thin views over `cases.complaints`; addressed by case number (`/api/v1/cases/<pk>/complaint/…`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import complaints, selectors
from cases.models import Petition
from core.api_schema import error_responses


def _case(request: Request, pk: int) -> Petition:
    return get_object_or_404(selectors.visible_petitions(request.user), pk=pk)


class DecisionInput(serializers.Serializer):
    decided_on = serializers.DateField(help_text="Ngày ký quyết định (YYYY-MM-DD), không sau hôm nay")
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class SuspensionInput(DecisionInput):
    """The suspension decision (Art. 11a; Art. 28a of Decree 124/2020 as amended): its date and reason."""


class ContinuationInput(DecisionInput):
    """The decision to continue (Art. 28b of Decree 124/2020 as amended): its date and reason."""


class StoppingInput(DecisionInput):
    """The decision to stop (đình chỉ, Art. 11a): its date and reason."""


class _DecisionApi(APIView):
    permission_classes = [IsAuthenticated]
    decide: Any  # one of the services of `cases.complaints`
    InputSerializer: type[DecisionInput] = DecisionInput

    def post(self, request: Request, pk: int) -> Response:
        petition = _case(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = request.user
        assert isinstance(user, User)
        type(self).decide(petition=petition, user=user, **serializer.validated_data)
        return Response({"ok": True})


@extend_schema(
    request=SuspensionInput,
    responses={200: OpenApiResponse(description="Đã ghi quyết định"), **error_responses(400, 403, 404, 409)},
    summary="Quyết định tạm đình chỉ giải quyết khiếu nại",
)
class SuspensionApi(_DecisionApi):
    InputSerializer = SuspensionInput
    decide = staticmethod(complaints.suspend_complaint)


@extend_schema(
    request=ContinuationInput,
    responses={200: OpenApiResponse(description="Đã ghi quyết định"), **error_responses(400, 403, 404, 409)},
    summary="Quyết định tiếp tục giải quyết khiếu nại",
)
class ContinuationApi(_DecisionApi):
    InputSerializer = ContinuationInput
    decide = staticmethod(complaints.continue_complaint)


@extend_schema(
    request=StoppingInput,
    responses={200: OpenApiResponse(description="Đã ghi quyết định"), **error_responses(400, 403, 404, 409)},
    summary="Quyết định đình chỉ giải quyết khiếu nại",
)
class StoppingApi(_DecisionApi):
    InputSerializer = StoppingInput
    decide = staticmethod(complaints.stop_complaint)


class ComplaintComplexityApi(APIView):
    """A leader changes the written finding on complexity (Art. 3a of Decree 124/2020 as amended)."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        complex = serializers.BooleanField()
        criteria = serializers.ListField(
            child=serializers.ChoiceField(choices=complaints.ComplexityCriterion.choices), required=False, default=list
        )
        reasons = serializers.CharField(max_length=4000, allow_blank=True)

    @extend_schema(
        request=InputSerializer,
        responses={200: OpenApiResponse(description="Đã ghi quyết định"), **error_responses(400, 403, 404, 409)},
        summary="Kết luận về tính chất vụ việc",
    )
    def post(self, request: Request, pk: int) -> Response:
        petition = _case(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = request.user
        assert isinstance(user, User)
        row = complaints.change_complexity(
            petition=petition,
            user=user,
            complex_case=data["complex"],
            criteria=data["criteria"],
            reasons=data["reasons"],
        )
        return Response({"rule": row.rule_code, "due_at": row.due_at, "explanation": row.explanation})


class DecisionReceiptApi(APIView):
    """The day the complainant received the first decision: the appeal window counts from it (Art. 33)."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        received_on = serializers.DateField()

    @extend_schema(
        request=InputSerializer,
        responses={200: OpenApiResponse(description="Đã ghi quyết định"), **error_responses(400, 403, 404, 409)},
        summary="Ngày người khiếu nại nhận quyết định",
    )
    def post(self, request: Request, pk: int) -> Response:
        petition = _case(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = request.user
        assert isinstance(user, User)
        complaints.record_decision_receipt(first=petition, user=user, **serializer.validated_data)
        window = complaints.appeal_window(petition)
        return Response({"appeal_until": window.due.due_date, "explanation": window.due.explanation})
