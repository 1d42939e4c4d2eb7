"""Public REST API of surveys: the list, one survey with its questions, a one-time code to answer, the answer, and
the results once published. Views are thin: serializers check shape, `surveys.services` validates and writes,
`surveys.selectors` reads. No serializer has a field for a respondent's key, contact or citizen id.

An answer by API is identified by a one-time code sent to a phone or an e-mail (`POST …/codes`, then
`POST …/answers` with the code); a signed-in citizen answers on the page.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import get_language, gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_schema import error_responses
from surveys import identity, selectors, services
from surveys.errors import InvalidInput
from surveys.models import Survey
from surveys.throttles import PublicSurveyThrottle


def _api_field(name: str) -> str:
    return f"answers.{name[1:]}" if name.startswith("q") and name[1:].isdigit() else name


class SurveyApiView(APIView):
    """Public: no session, no CSRF. Field errors of the services become the project's 400 with `errors`."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, InvalidInput):
            exc = ValidationError({_api_field(name): reason for name, reason in exc.errors.items()})
        return super().handle_exception(exc)


def _survey(pk: int) -> Survey:
    survey = selectors.public_survey(pk)
    if survey is None:
        raise Http404
    return survey


class CommuneSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class SurveySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    reference = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    owner = serializers.CharField(source="owner.name")
    state = serializers.CharField()
    open_from = serializers.DateField()
    open_until = serializers.DateField()
    results_published = serializers.SerializerMethodField()

    def get_results_published(self, survey: Survey) -> bool:
        return survey.results_published_at is not None


class ChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    text = serializers.CharField()


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    position = serializers.IntegerField()
    kind = serializers.CharField(help_text="single, multiple, scale or text")
    text = serializers.CharField()
    required = serializers.BooleanField()  # type: ignore[assignment]  # a field, popped from the class by DRF
    scale_min = serializers.IntegerField(allow_null=True)
    scale_max = serializers.IntegerField(allow_null=True)
    scale_min_label = serializers.CharField()
    scale_max_label = serializers.CharField()
    choices = ChoiceSerializer(many=True)
    communes = serializers.SerializerMethodField(help_text="Asked only of answerers of these communes (empty: all).")

    def get_communes(self, question: Any) -> list[str]:
        return [unit.code for unit in question.communes.all()]


class SurveyDetailSerializer(SurveySerializer):
    communes = CommuneSerializer(many=True, source="communes.all")
    questions = QuestionSerializer(many=True, source="question_list")


class SurveyListApi(SurveyApiView):
    @extend_schema(responses={200: SurveySerializer(many=True)}, summary="Khảo sát đang mở và đã công bố kết quả")
    def get(self, request: Request) -> Response:
        return Response(SurveySerializer(selectors.public_surveys(), many=True).data)


class SurveyDetailApi(SurveyApiView):
    @extend_schema(responses={200: SurveyDetailSerializer, **error_responses(404)}, summary="Một khảo sát, câu hỏi")
    def get(self, request: Request, pk: int) -> Response:
        survey = _survey(pk)
        survey.question_list = list(survey.questions.prefetch_related("choices", "communes"))  # type: ignore[attr-defined]
        return Response(SurveyDetailSerializer(survey).data)


class CodeApi(SurveyApiView):
    def get_throttles(self) -> Any:
        return [PublicSurveyThrottle()]

    class InputSerializer(serializers.Serializer):
        contact = serializers.CharField(max_length=254, help_text="A phone number or an e-mail; never stored.")

    @extend_schema(
        request=InputSerializer,
        responses={202: None, **error_responses(404, 409)},
        summary="Xin mã xác nhận để trả lời khảo sát",
    )
    def post(self, request: Request, pk: int) -> Response:
        survey = _survey(pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.check_open(survey)
        identity.issue_code(serializer.validated_data["contact"], language=get_language() or "vi", request=request)
        return Response(status=status.HTTP_202_ACCEPTED)


class AnswerApi(SurveyApiView):
    def get_throttles(self) -> Any:
        return [PublicSurveyThrottle()]

    class InputSerializer(serializers.Serializer):
        commune = serializers.CharField(max_length=64, help_text="Code of one of the survey's communes.")
        contact = serializers.CharField(max_length=254, help_text="The phone or e-mail the code was sent to.")
        code = serializers.CharField(max_length=16)
        answers = serializers.DictField(
            child=serializers.JSONField(),
            help_text="Question id → a choice id (single), a list of choice ids (multiple), a number (scale), "
            "a text (free text).",
        )

    class ReceiptSerializer(serializers.Serializer):
        survey = serializers.CharField()
        detail = serializers.CharField()

    @extend_schema(
        request=InputSerializer,
        responses={201: ReceiptSerializer, **error_responses(404, 409)},
        summary="Trả lời khảo sát (một lần mỗi người)",
    )
    def post(self, request: Request, pk: int) -> Response:
        survey = _survey(pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.check_open(survey)
        commune = services.check_commune(survey, data["commune"])
        raw = {f"q{key}" if str(key).isdigit() else f"x{key}": value for key, value in data["answers"].items()}
        unknown = [key[1:] for key in raw if key.startswith("x")]
        if unknown:
            raise InvalidInput({f"answers.{unknown[0]}": gettext("Không có câu hỏi này")})
        cleaned = services.check_answers(services.questions_for(survey, commune), raw)
        key = identity.verify_code(data["contact"], data["code"])
        services.submit_response(
            survey=survey, commune=commune, respondent_key=key, answers=cleaned, language=get_language() or ""
        )
        body = {"survey": survey.reference, "detail": gettext("Cảm ơn bạn đã trả lời khảo sát.")}
        return Response(self.ReceiptSerializer(body).data, status=status.HTTP_201_CREATED)


class BucketSerializer(serializers.Serializer):
    key = serializers.IntegerField(help_text="The choice id, or the scale value.")
    label = serializers.CharField()  # type: ignore[assignment]  # a field, popped from the class by DRF
    count = serializers.IntegerField()
    percent = serializers.FloatField()


class QuestionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField()
    answered = serializers.IntegerField()
    choices = BucketSerializer(many=True)
    mean = serializers.FloatField(allow_null=True)
    approved_texts = serializers.ListField(child=serializers.CharField(), help_text="Moderated, redacted.")


class CommuneResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    responses = serializers.IntegerField()
    percent = serializers.FloatField()


class ResultsSerializer(serializers.Serializer):
    survey = serializers.CharField()
    commune = serializers.CharField(help_text="The commune the figures are for (empty: all).")
    responses = serializers.IntegerField()
    communes = CommuneResultSerializer(many=True)
    questions = QuestionResultSerializer(many=True)


class ResultsApi(SurveyApiView):
    @extend_schema(
        parameters=[OpenApiParameter("commune", str, required=False, description="A commune's code (default: all).")],
        responses={200: ResultsSerializer, **error_responses(404)},
        summary="Kết quả khảo sát đã công bố",
    )
    def get(self, request: Request, pk: int) -> Response:
        survey = _survey(pk)
        if not selectors.results_visible(survey, official=False):
            raise Http404
        result = selectors.results(survey, commune=request.query_params.get("commune", ""), text_limit=None)
        body = {
            "survey": survey.reference,
            "commune": result.commune,
            "responses": result.responses,
            "communes": result.communes,
            "questions": [item.as_dict() for item in result.questions],
        }
        return Response(ResultsSerializer(body).data)
