"""The API of documents: one document of a case, and the leader's approval (numbered, issued, sent)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_schema import error_responses
from documents import selectors, services
from documents.models import Document


class DocumentOutput(serializers.ModelSerializer):
    number_and_symbol = serializers.CharField(read_only=True)
    tracking_code = serializers.CharField(source="petition.tracking_code", read_only=True)
    unit = serializers.CharField(source="unit.code", read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "tracking_code",
            "kind",
            "state",
            "unit",
            "title",
            "body",
            "recipients",
            "register",
            "year",
            "number",
            "number_and_symbol",
            "place",
            "issued_on",
        ]


def _document(request: Request, pk: int) -> Document:
    return get_object_or_404(selectors.visible_documents(request.user), pk=pk)


class DocumentDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: DocumentOutput}, summary="Một văn bản của hồ sơ")
    def get(self, request: Request, pk: int) -> Response:
        return Response(DocumentOutput(_document(request, pk)).data)


class DocumentIssueApi(APIView):
    """A leader of the issuing unit approves a draft: numbered in the unit's register (the next number, or the one
    given if still free: 409 otherwise), dated today, stored as PDF and sent to its recipients."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        number = serializers.IntegerField(
            required=False, min_value=1, help_text="A number given by the register's clerk; empty: the next one."
        )

    @extend_schema(
        request=InputSerializer,
        responses={200: DocumentOutput, **error_responses(403, 409)},
        summary="Lãnh đạo duyệt và ban hành văn bản",
    )
    def post(self, request: Request, pk: int) -> Response:
        document = _document(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = request.user
        assert isinstance(user, User)
        issued = services.issue_document(document=document, by=user, number=serializer.validated_data.get("number"))
        return Response(DocumentOutput(issued).data)
