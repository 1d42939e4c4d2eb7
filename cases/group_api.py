"""Group petitions over the API (`cases.groups`): the duplicate suggestions of a case, a join and its undo."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import duplicates, groups, selectors
from cases.models import Petition
from core.api_schema import error_responses


class GroupMemberSerializer(serializers.Serializer):
    """A case of the officer's unit, as the officers' pages show it (no petitioner's name or contact)."""

    id = serializers.IntegerField(source="pk")
    tracking_code = serializers.CharField()
    title = serializers.CharField()
    petition_type = serializers.CharField()
    status = serializers.CharField()
    received_at = serializers.DateTimeField()


class GroupStateSerializer(serializers.Serializer):
    """The petition after the join or the undo."""

    id = serializers.IntegerField(source="pk")
    tracking_code = serializers.CharField()
    status = serializers.CharField()
    joined_to = serializers.IntegerField(source="joined_to_id", allow_null=True)
    joined_at = serializers.DateTimeField(allow_null=True)
    case = serializers.IntegerField(source="workflow_id", help_text="The engine case it now runs in (its own).")


def _case(request: Request, pk: int) -> Petition:
    return get_object_or_404(selectors.visible_petitions(request.user), pk=pk)


class CaseSimilarApi(APIView):
    """Open cases of the same commune, type and handling unit whose text is like this one's, best first: candidates
    to join it to (`POST …/join`). `score` is 0..1 (trigram similarity on PostgreSQL, word overlap elsewhere)."""

    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        case = GroupMemberSerializer(source="petition")
        score = serializers.FloatField()

    @extend_schema(
        summary="Đơn trùng nội dung đang giải quyết",
        responses={200: OutputSerializer(many=True), **error_responses(404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        petition = _case(request, pk)
        return Response(self.OutputSerializer(duplicates.similar_open(petition, limit=5), many=True).data)


class CaseJoinApi(APIView):
    """Join this case's petition to another open case (`into`) of the same type and handling unit: one case, many
    petitioners. This petition's own case ends; it keeps its tracking code, secret key and status page and receives
    the group case's messages through its own channel. Reception officers and leaders of the handling unit.
    400 (`join_refused`): to itself, another type or unit, a closed case, a petition that is itself joined or leads a
    group, a denunciation; 409 (`conflict`): it was joined meanwhile."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        into = serializers.IntegerField(min_value=1, help_text="The case (id) to join this petition to.")

    @extend_schema(
        summary="Gộp đơn vào hồ sơ đang giải quyết",
        request=InputSerializer,
        responses={200: GroupStateSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        petition = _case(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        into = selectors.visible_petitions(request.user).filter(pk=data.validated_data["into"]).first()
        if into is None:
            raise ValidationError({"into": [gettext("Không tìm thấy hồ sơ này trong các hồ sơ của đơn vị bạn.")]})
        user: Any = request.user
        joined = groups.join_petition(petition=petition, into=into, user=user)
        return Response(GroupStateSerializer(joined).data)


class CaseUnjoinApi(APIView):
    """Undo a join: the petition gets a running case of its own again, its legal periods counted from today, with an
    audit entry on both cases. Refused (400) once the group case is answered."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Tách đơn khỏi hồ sơ chung",
        request=None,
        responses={200: GroupStateSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        petition = _case(request, pk)
        user: User = request.user  # type: ignore[assignment]
        return Response(GroupStateSerializer(groups.unjoin_petition(petition=petition, user=user)).data)
