"""`POST /api/v1/cases/<pk>/topic`: a reception officer confirms or corrects a petition's topic."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors
from core.api_schema import error_responses
from topics import services


class TopicOutputSerializer(serializers.Serializer):
    topic = serializers.CharField(source="topic.code")
    topic_name = serializers.CharField(source="topic.label")
    topic_confidence = serializers.FloatField(allow_null=True, help_text="The suggestion's confidence (0–1).")
    topic_evidence = serializers.ListField(child=serializers.CharField(), help_text="Words behind the suggestion.")
    topic_confirmed = serializers.BooleanField()
    topic_confirmed_by = serializers.CharField(source="topic_confirmed_by.username", default=None)
    topic_confirmed_at = serializers.DateTimeField(allow_null=True)


class CaseTopicApi(APIView):
    """Confirm the suggested topic, or correct it: the reception officers and leaders of the handling unit (and
    leaders above it). Corrections train the next topic model (`manage.py train_topics`)."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        topic = serializers.CharField(max_length=48, help_text="Code of an active topic, e.g. `water`.")

    @extend_schema(
        request=InputSerializer,
        responses={200: TopicOutputSerializer, **error_responses(400, 403, 404)},
        summary="Xác nhận hoặc sửa lĩnh vực của đơn",
    )
    def post(self, request: Request, pk: int) -> Response:
        petition = get_object_or_404(selectors.visible_petitions(request.user), pk=pk)
        user = request.user
        assert isinstance(user, User)
        data: Any = request.data
        code = data.get("topic") if hasattr(data, "get") else None
        updated = services.set_topic(petition_id=petition.pk, user=user, code=code)
        return Response(TopicOutputSerializer(updated).data)
