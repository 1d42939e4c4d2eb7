"""REST API for public consultation, in the docket → document → comment shape of public comment APIs.

Public: `/dockets` (consultations), `/documents` (versions of a draft, with articles and clauses),
`/comments` (published comments; `POST /comments` sends one). Officials of the drafting unit: create a docket,
new versions, originals, extend the window, moderate, dispose, complete the process steps.

Views are thin: input serializers check shape, `consultation.services` changes state, selectors read. No public
serializer has a field for a commenter's name, email or phone.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from consultation import report as report_module
from consultation import selectors, services, versions
from consultation.errors import InvalidInput
from consultation.models import (
    Article,
    Clause,
    Comment,
    CommenterKind,
    CommentStatus,
    Consultation,
    Disposition,
    DraftKind,
    DraftVersion,
    ModerationMode,
    RejectionReason,
)
from consultation.parsing import DraftParseError
from core.api_schema import error_responses
from core.parsers import FormParser, JSONParser, MultiPartParser
from core.site import absolute_url
from core.throttles import CountingThrottle
from organisation.models import Unit
from workflows import services as workflow_services
from workflows.models import HumanTask

DEFAULT_COMMENT_RATE = "30/hour"


class PublicCommentThrottle(CountingThrottle):
    """Rate limit of comments per client address (`public_comment` rate; 30/hour unless configured)."""

    scope = "public_comment"

    def get_rate(self) -> str | None:
        return str(api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or DEFAULT_COMMENT_RATE)


# Services name fields as the models do; the API as public comment APIs do.
API_FIELD_NAMES = {
    "opens_on": "comment_start_date",
    "closes_on": "comment_end_date",
    "article": "article_id",
    "clause": "clause_id",
}


class ConsultationApiView(APIView):
    """Field errors of the services become the project's 400 with `errors`; a malformed draft names its line."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, InvalidInput):
            exc = ValidationError({API_FIELD_NAMES.get(name, name): reason for name, reason in exc.errors.items()})
        if isinstance(exc, DraftParseError):
            return Response(
                {
                    "code": "invalid_draft",
                    "detail": str(exc),
                    "errors": {"draft": exc.reason},
                    "line": exc.line,
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return super().handle_exception(exc)


def _docket_for_official(request: Request, docket_id: str) -> Consultation:
    consultation = selectors.visible_consultations(request.user).filter(reference=docket_id.upper()).first()
    if consultation is None:
        raise Http404
    return consultation


def _public_docket(docket_id: str) -> Consultation:
    consultation = selectors.public_consultation(docket_id)
    if consultation is None:
        raise Http404
    return consultation


# ---- output ------------------------------------------------------------------------------------------------


class UnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class DocketSerializer(serializers.Serializer):
    docket_id = serializers.CharField(source="reference")
    title = serializers.CharField()
    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    summary = serializers.CharField()
    unit = UnitSerializer()
    comment_start_date = serializers.DateField(source="opens_on")
    comment_end_date = serializers.DateField(source="closes_on")
    comment_end_at = serializers.DateTimeField(source="closes_at")
    status = serializers.SerializerMethodField(help_text="not_published, upcoming, open or closed")
    open_for_comment = serializers.SerializerMethodField()
    moderation = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True, help_text="Empty until the draft is published.")
    comment_count = serializers.IntegerField(source="published_comments", default=0)
    report_published_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField()

    def get_status(self, consultation: Consultation) -> str:
        return str(consultation.window_status())

    def get_open_for_comment(self, consultation: Consultation) -> bool:
        return consultation.accepts_comments()

    def get_url(self, consultation: Consultation) -> str:
        return f"/consultations/{consultation.reference}/"


class DocumentSummarySerializer(serializers.Serializer):
    document_id = serializers.CharField()
    docket_id = serializers.CharField(source="consultation.reference")
    number = serializers.IntegerField()
    title = serializers.CharField()
    created_at = serializers.DateTimeField()
    is_current = serializers.SerializerMethodField()

    def get_is_current(self, version: DraftVersion) -> bool:
        return bool(getattr(version, "is_current", False))


class DraftFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, item: Any) -> str:
        return f"/consultations/{item.consultation.reference}/files/{item.pk}/"


class DocketDetailSerializer(DocketSerializer):
    documents = serializers.SerializerMethodField()
    files = DraftFileSerializer(many=True)
    report_url = serializers.SerializerMethodField()

    @extend_schema_field(DocumentSummarySerializer(many=True))
    def get_documents(self, consultation: Consultation) -> Any:
        items = list(consultation.versions.order_by("number"))
        for item in items:
            item.is_current = item is items[-1]  # type: ignore[attr-defined]
        return DocumentSummarySerializer(items, many=True).data

    def get_report_url(self, consultation: Consultation) -> str | None:
        return f"/api/v1/dockets/{consultation.reference}/report" if consultation.report_published else None


class ClauseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    text = serializers.CharField()


class ArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    chapter_number = serializers.CharField()
    chapter_title = serializers.CharField()
    section = serializers.CharField()
    number = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    clauses = ClauseSerializer(many=True)
    change = serializers.CharField(help_text="first, same, changed, moved or new: compared with the previous version")
    comment_count = serializers.IntegerField(source="published_comments", default=0)


class DocumentSerializer(DocumentSummarySerializer):
    title_in_text = serializers.CharField(source="title")
    preamble = serializers.CharField()
    articles = serializers.SerializerMethodField()

    @extend_schema_field(ArticleSerializer(many=True))
    def get_articles(self, version: DraftVersion) -> Any:
        return ArticleSerializer(selectors.articles_with_counts(version), many=True).data


class CommentSerializer(serializers.Serializer):
    """A published comment as the public sees it: never the name or contact of a person, and its text and
    explanation through `Comment.public_text` (personal data redacted)."""

    comment_id = serializers.CharField()
    docket_id = serializers.CharField(source="consultation.reference")
    document_id = serializers.CharField(source="version.document_id", help_text="The version it was made on.")
    commenter_kind = serializers.CharField()
    commenter = serializers.CharField(source="public_author")
    article = serializers.CharField(source="article.number", default=None)
    clause = serializers.CharField(source="clause.number", default=None)
    target = serializers.CharField(source="target_label")
    anchor_status = serializers.CharField()
    anchor_note = serializers.CharField()
    text = serializers.CharField(source="public_body", help_text="Names, phones, emails and ID numbers redacted.")
    posted_at = serializers.DateTimeField(source="created_at")
    disposition = serializers.SerializerMethodField(help_text="Public once the report is published.")
    explanation = serializers.SerializerMethodField()

    def get_disposition(self, comment: Comment) -> str | None:
        return comment.disposition or None if comment.consultation.report_published else None

    def get_explanation(self, comment: Comment) -> str | None:
        return comment.public_explanation or None if comment.consultation.report_published else None


class CommentStatusSerializer(CommentSerializer):
    """What the author sees with their access key, published or not: the text as written."""

    text = serializers.CharField()

    def get_explanation(self, comment: Comment) -> str | None:
        return comment.explanation or None if comment.consultation.report_published else None

    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    rejection_reason = serializers.CharField()
    rejection_reason_display = serializers.CharField(source="get_rejection_reason_display")
    moderation_note = serializers.CharField()
    author_name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()


class OfficialCommentSerializer(CommentStatusSerializer):
    """Officials of the drafting unit: everything, with the heuristics' flags and the disposition in progress."""

    number = serializers.IntegerField()
    organisation_name = serializers.CharField()
    flags = serializers.ListField(child=serializers.DictField())
    fingerprint = serializers.CharField(source="text_fingerprint")
    draft_disposition = serializers.CharField(source="disposition")
    draft_explanation = serializers.CharField(source="explanation")


# ---- public: dockets -----------------------------------------------------------------------------------------


class DocketFilter(filters.FilterSet):
    open_now = filters.BooleanFilter(method="filter_open_now", help_text="Open for comment now.")
    comment_end_date = filters.DateFilter(field_name="closes_on")
    comment_end_date_from = filters.DateFilter(field_name="closes_on", lookup_expr="gte")
    comment_end_date_to = filters.DateFilter(field_name="closes_on", lookup_expr="lte")
    unit = filters.CharFilter(field_name="unit__code", help_text="Code of the drafting unit.")
    kind = filters.ChoiceFilter(choices=DraftKind.choices)
    docket = filters.CharFilter(method="filter_docket")

    class Meta:
        model = Consultation
        fields = ["open_now", "comment_end_date", "comment_end_date_from", "comment_end_date_to", "unit", "kind"]

    def filter_open_now(self, queryset: QuerySet[Consultation], name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        opened = selectors.open_now(queryset)
        return opened if value else queryset.exclude(pk__in=opened.values("pk"))

    def filter_docket(self, queryset: QuerySet[Consultation], name: str, value: str) -> Any:
        return queryset.filter(reference=value.upper())


@extend_schema_view(get=extend_schema(summary="Các dự thảo lấy ý kiến"))
class DocketListApi(ConsultationApiView, generics.ListAPIView):
    """Published consultations (dockets): upcoming, open and closed."""

    permission_classes = [AllowAny]
    serializer_class = DocketSerializer
    filterset_class = DocketFilter

    def get_queryset(self) -> Any:
        return selectors.public_consultations()

    def get_permissions(self) -> Any:
        return [IsAuthenticated()] if self.request.method == "POST" else [AllowAny()]

    class CreateSerializer(serializers.Serializer):
        unit = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.all())
        kind = serializers.ChoiceField(choices=DraftKind.choices)
        title = serializers.CharField(max_length=300)
        summary = serializers.CharField(max_length=20_000, allow_blank=True, required=False, default="")
        comment_start_date = serializers.DateField()
        comment_end_date = serializers.DateField()
        moderation = serializers.ChoiceField(choices=ModerationMode.choices, default=ModerationMode.POST)
        draft_text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
        draft_file = serializers.FileField(required=False)

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request=CreateSerializer, responses={201: DocketDetailSerializer}, summary="Tạo lấy ý kiến dự thảo (cán bộ)"
    )
    def post(self, request: Request) -> Response:
        serializer = self.CreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        draft, source_name = _draft_input(data)
        consultation = services.create_consultation(
            user=request.user,
            unit=data["unit"],
            kind=data["kind"],
            title=data["title"],
            summary=data["summary"],
            opens_on=data["comment_start_date"],
            closes_on=data["comment_end_date"],
            moderation=data["moderation"],
            draft=draft,
            source_name=source_name,
        )
        return Response(DocketDetailSerializer(consultation).data, status=status.HTTP_201_CREATED)


def _draft_input(data: dict[str, Any]) -> tuple[str | bytes, str]:
    upload = data.get("draft_file")
    if upload is not None:
        if upload.size and upload.size > 2 * 1024 * 1024:
            raise InvalidInput({"draft_file": gettext("Tệp lớn hơn 2 MB")})
        return upload.read(), upload.name or ""
    text = data.get("draft_text") or ""
    if not text.strip():
        raise InvalidInput({"draft_text": gettext("Dán nội dung dự thảo hoặc tải lên tệp văn bản")})
    return text, ""


class DocketDetailApi(ConsultationApiView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: DocketDetailSerializer}, summary="Một dự thảo lấy ý kiến")
    def get(self, request: Request, docket_id: str) -> Response:
        return Response(DocketDetailSerializer(_public_docket(docket_id)).data)


class ReportCountSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # named like a Field attribute
    count = serializers.IntegerField()


class ReportApi(ConsultationApiView):
    """The published synthesis report as data; `/consultations/<docket>/report.pdf` is the PDF."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses={
            200: inline_serializer(
                "ConsultationReport",
                {
                    "docket_id": serializers.CharField(),
                    "summary": serializers.CharField(),
                    "total": serializers.IntegerField(),
                    "by_disposition": ReportCountSerializer(many=True),
                    "by_commenter_kind": ReportCountSerializer(many=True),
                    "pdf_url": serializers.CharField(),
                    "html_url": serializers.CharField(),
                },
            )
        },
        summary="Báo cáo tiếp thu, giải trình đã công bố",
    )
    def get(self, request: Request, docket_id: str) -> Response:
        consultation = _public_docket(docket_id)
        if not consultation.report_published:
            raise Http404
        data = report_module.build(consultation)

        def counts(rows: list[tuple[str, str, int]]) -> list[dict[str, Any]]:
            return [{"value": value, "label": label, "count": n} for value, label, n in rows]

        return Response(
            {
                "docket_id": consultation.reference,
                "summary": consultation.public_report_summary,
                "total": data.total,
                "by_disposition": counts(data.by_disposition),
                "by_commenter_kind": counts(data.by_kind),
                "pdf_url": f"/consultations/{consultation.reference}/report.pdf",
                "html_url": f"/consultations/{consultation.reference}/report/",
            }
        )


# ---- public: documents ---------------------------------------------------------------------------------------


class DocumentFilter(filters.FilterSet):
    docket = filters.CharFilter(method="filter_docket")
    open_now = filters.BooleanFilter(method="filter_open_now")
    comment_end_date = filters.DateFilter(field_name="consultation__closes_on")
    comment_end_date_from = filters.DateFilter(field_name="consultation__closes_on", lookup_expr="gte")
    comment_end_date_to = filters.DateFilter(field_name="consultation__closes_on", lookup_expr="lte")
    unit = filters.CharFilter(field_name="consultation__unit__code")

    class Meta:
        model = DraftVersion
        fields = ["docket", "open_now", "comment_end_date", "comment_end_date_from", "comment_end_date_to", "unit"]

    def filter_docket(self, queryset: QuerySet[DraftVersion], name: str, value: str) -> Any:
        return queryset.filter(consultation__reference=value.upper())

    def filter_open_now(self, queryset: QuerySet[DraftVersion], name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        opened = selectors.open_now(Consultation.objects.all()).values("pk")
        return queryset.filter(consultation__in=opened) if value else queryset.exclude(consultation__in=opened)


@extend_schema_view(get=extend_schema(summary="Các phiên bản dự thảo"))
class DocumentListApi(generics.ListAPIView):
    """Versions of published drafts (documents)."""

    permission_classes = [AllowAny]
    serializer_class = DocumentSummarySerializer
    filterset_class = DocumentFilter

    def get_queryset(self) -> Any:
        return (
            DraftVersion.objects.filter(consultation__published_at__isnull=False)
            .select_related("consultation")
            .order_by("-consultation__opens_on", "consultation_id", "number")
        )


class DocumentDetailApi(ConsultationApiView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: DocumentSerializer}, summary="Một phiên bản dự thảo: chương, điều, khoản")
    def get(self, request: Request, document_id: str) -> Response:
        version = selectors.version_by_document_id(document_id)
        if version is None:
            raise Http404
        version.is_current = version.number == version.consultation.versions.count()  # type: ignore[attr-defined]
        return Response(DocumentSerializer(version).data)


class DocumentDiffApi(ConsultationApiView):
    permission_classes = [AllowAny]

    @extend_schema(
        responses={
            200: inline_serializer(
                "DocumentDiff",
                {
                    "document_id": serializers.CharField(),
                    "previous_document_id": serializers.CharField(allow_null=True),
                    "articles": inline_serializer(
                        "ArticleDiff",
                        {
                            "number": serializers.CharField(allow_null=True),
                            "previous_number": serializers.CharField(allow_null=True),
                            "change": serializers.CharField(),
                            "html": serializers.CharField(help_text="Escaped text with <ins>/<del>."),
                        },
                        many=True,
                    ),
                },
            )
        },
        summary="So sánh từng điều với phiên bản trước",
    )
    def get(self, request: Request, document_id: str) -> Response:
        version = selectors.version_by_document_id(document_id)
        if version is None:
            raise Http404
        previous = version.consultation.versions.filter(number=version.number - 1).first()
        old = list(previous.articles.prefetch_related("clauses")) if previous else []
        new = list(version.articles.prefetch_related("clauses").select_related("previous"))
        rows = versions.diff_versions(old, new) if previous else []
        return Response(
            {
                "document_id": version.document_id,
                "previous_document_id": previous.document_id if previous else None,
                "articles": [
                    {
                        "number": row.article.number if row.article else None,
                        "previous_number": row.previous.number if row.previous else None,
                        "change": row.change,
                        "html": str(row.html),
                    }
                    for row in rows
                ],
            }
        )


# ---- public: comments ----------------------------------------------------------------------------------------


class CommentFilter(filters.FilterSet):
    docket = filters.CharFilter(method="filter_docket")
    document = filters.CharFilter(method="filter_document", help_text="The version a comment was made on.")
    article = filters.CharFilter(field_name="article__number", help_text="Article number in the current version.")
    commenter_kind = filters.ChoiceFilter(choices=CommenterKind.choices)
    disposition = filters.ChoiceFilter(choices=Disposition.choices, method="filter_disposition")

    class Meta:
        model = Comment
        fields = ["docket", "document", "article", "commenter_kind", "disposition"]

    def filter_docket(self, queryset: QuerySet[Comment], name: str, value: str) -> Any:
        return queryset.filter(consultation__reference=value.upper())

    def filter_document(self, queryset: QuerySet[Comment], name: str, value: str) -> Any:
        reference, _, number = value.upper().rpartition("-V")
        if not number.isdigit():
            return queryset.none()
        return queryset.filter(consultation__reference=reference, version__number=int(number))

    def filter_disposition(self, queryset: QuerySet[Comment], name: str, value: str) -> Any:
        # Dispositions are public only with the published report.
        return queryset.filter(disposition=value, consultation__report_published_at__isnull=False)


@extend_schema_view(get=extend_schema(summary="Các góp ý đã đăng"))
class CommentListApi(ConsultationApiView, generics.ListAPIView):
    """Published comments (GET); send a comment (POST)."""

    serializer_class = CommentSerializer
    filterset_class = CommentFilter
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self) -> Any:
        return (
            Comment.objects.filter(status=CommentStatus.PUBLISHED, consultation__published_at__isnull=False)
            .select_related("consultation", "article", "clause", "version__consultation")
            .order_by("-created_at", "-pk")
        )

    def get_throttles(self) -> Any:
        return [PublicCommentThrottle()] if self.request.method == "POST" else []

    authentication_classes: list[type] = []  # public: anyone may read and comment, no session, no CSRF

    class InputSerializer(serializers.Serializer):
        docket_id = serializers.CharField(max_length=40)
        article_id = serializers.IntegerField(
            required=False, allow_null=True, help_text="From the document's articles."
        )
        clause_id = serializers.IntegerField(required=False, allow_null=True, help_text="From the article's clauses.")
        commenter_kind = serializers.ChoiceField(choices=CommenterKind.choices)
        organisation_name = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
        author_name = serializers.CharField(max_length=150, help_text="Kept private.")
        email = serializers.EmailField(required=False, allow_blank=True, default="", help_text="Kept private.")
        phone = serializers.RegexField(
            r"^\+?[0-9 .\-]{8,20}$", required=False, allow_blank=True, default="", help_text="Kept private."
        )
        text = serializers.CharField(trim_whitespace=False, allow_blank=True, max_length=services.MAX_COMMENT_CHARS * 2)

    class ReceiptSerializer(serializers.Serializer):
        comment_id = serializers.CharField()
        status = serializers.CharField(help_text="published, or pending (waiting for moderation)")
        access_key = serializers.CharField(
            help_text="Shown once: send it as X-Access-Key to see your comment's status, or enter it at status_url."
        )
        status_url = serializers.CharField(help_text="The page where the access key shows your comment's status.")

    @extend_schema(request=InputSerializer, responses={201: ReceiptSerializer}, summary="Gửi góp ý dự thảo")
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        consultation = selectors.public_consultation(data["docket_id"])
        if consultation is None:  # a field of the body, not the URL: 400 naming it, like article_id
            raise InvalidInput({"docket_id": gettext("Không có dự thảo đang lấy ý kiến này")})
        article = Article.objects.filter(pk=data["article_id"]).first() if data.get("article_id") else None
        clause = Clause.objects.filter(pk=data["clause_id"]).first() if data.get("clause_id") else None
        if data.get("article_id") and article is None:
            raise InvalidInput({"article_id": gettext("Không có điều này")})
        if data.get("clause_id") and clause is None:
            raise InvalidInput({"clause_id": gettext("Không có khoản này")})
        receipt = services.submit_comment(
            consultation=consultation,
            article=article,
            clause=clause,
            commenter_kind=data["commenter_kind"],
            organisation_name=data["organisation_name"],
            author_name=data["author_name"],
            email=data["email"],
            phone=data["phone"],
            text=data["text"],
        )
        comment = receipt.comment
        output = {
            "comment_id": comment.comment_id,
            "status": comment.status,
            "access_key": receipt.access_key,
            "status_url": absolute_url(reverse("consultation:my-comment")),
        }
        return Response(self.ReceiptSerializer(output).data, status=status.HTTP_201_CREATED)


class CommentReadSerializer(CommentStatusSerializer):
    """GET /comments/{id}: a published comment; with the author's access key, also its status and the author's own
    details (for the schema only: the view answers with CommentSerializer or CommentStatusSerializer)."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for name in set(fields) - set(CommentSerializer._declared_fields):
            fields[name].required = False
        return fields


class CommentDetailApi(ConsultationApiView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("X-Access-Key", str, OpenApiParameter.HEADER, required=False)],
        responses={200: CommentReadSerializer},
        summary="Một góp ý (tác giả xem tình trạng bằng khoá riêng)",
        description="Published comments are public. With the author's access key: its status, the reason if it "
        "was not published, and the author's own details.",
    )
    def get(self, request: Request, comment_id: str) -> Response:
        comment = selectors.comment_by_public_id(comment_id)
        if comment is None or not comment.consultation.is_public:
            raise Http404
        if comment.check_access_key(request.headers.get("X-Access-Key", "")):
            response = Response(CommentStatusSerializer(comment).data)
            patch_cache_control(response, private=True, no_store=True)
            return response
        if comment.status != CommentStatus.PUBLISHED:
            raise Http404
        return Response(CommentSerializer(comment).data)


# ---- officials ----------------------------------------------------------------------------------------------


class VersionCreateApi(ConsultationApiView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        draft_text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
        draft_file = serializers.FileField(required=False)
        note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)

    @extend_schema(
        request=InputSerializer,
        responses={201: DocumentSerializer, **error_responses(409)},
        summary="Đăng phiên bản dự thảo mới",
    )
    def post(self, request: Request, docket_id: str) -> Response:
        consultation = _docket_for_official(request, docket_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        draft, source_name = _draft_input(serializer.validated_data)
        version = services.add_version(
            consultation=consultation,
            user=request.user,
            draft=draft,
            source_name=source_name,
            note=serializer.validated_data["note"],
        )
        version.is_current = True  # type: ignore[attr-defined]
        return Response(DocumentSerializer(version).data, status=status.HTTP_201_CREATED)


class FileCreateApi(ConsultationApiView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField()

    @extend_schema(
        request=InputSerializer,
        responses={201: DraftFileSerializer, **error_responses(409)},
        summary="Đính kèm bản gốc (PDF, DOCX)",
    )
    def post(self, request: Request, docket_id: str) -> Response:
        consultation = _docket_for_official(request, docket_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.attach_file(
            consultation=consultation, user=request.user, upload=serializer.validated_data["file"]
        )
        return Response(DraftFileSerializer(item).data, status=status.HTTP_201_CREATED)


class ExtensionApi(ConsultationApiView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        comment_end_date = serializers.DateField()
        reason = serializers.CharField(max_length=2000)

    @extend_schema(
        request=InputSerializer, responses={200: DocketSerializer, **error_responses(409)}, summary="Gia hạn lấy ý kiến"
    )
    def post(self, request: Request, docket_id: str) -> Response:
        consultation = _docket_for_official(request, docket_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consultation = services.extend_window(
            consultation=consultation,
            user=request.user,
            closes_on=serializer.validated_data["comment_end_date"],
            reason=serializer.validated_data["reason"],
        )
        return Response(DocketSerializer(consultation).data)


class TaskFormFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()
    required = serializers.BooleanField()  # type: ignore[assignment]  # named like a Field attribute
    label = serializers.CharField(source="display_label")  # type: ignore[assignment]
    choices = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))


class ConsultationTaskSerializer(serializers.ModelSerializer):
    form = serializers.SerializerMethodField()
    lock_version = serializers.IntegerField(source="instance.lock_version")

    @extend_schema_field(TaskFormFieldSerializer(many=True))
    def get_form(self, task: HumanTask) -> Any:
        return TaskFormFieldSerializer(workflow_services.task_fields(task), many=True).data

    class Meta:
        model = HumanTask
        fields = ["task_id", "element_id", "title", "role", "due_at", "public_status", "lock_version", "form"]


class TaskListApi(ConsultationApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ConsultationTaskSerializer(many=True)}, summary="Các bước đang chờ của quy trình")
    def get(self, request: Request, docket_id: str) -> Response:
        consultation = _docket_for_official(request, docket_id)
        tasks = HumanTask.objects.open().filter(instance_id=consultation.workflow_id).select_related("instance")
        return Response(ConsultationTaskSerializer(tasks, many=True).data)


class TaskCompleteApi(ConsultationApiView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        form = serializers.DictField(help_text="The step's form fields, as declared in the BPMN user task.")
        lock_version = serializers.IntegerField(required=False)

        class Meta:
            ref_name = "DocketTaskCompleteInput"  # workflows.api.TaskCompleteApi is TaskCompleteInput

    @extend_schema(
        request=InputSerializer,
        responses={200: DocketSerializer, **error_responses(409)},
        summary="Hoàn thành một bước",
    )
    def post(self, request: Request, docket_id: str, task_id: Any) -> Response:
        consultation = _docket_for_official(request, docket_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consultation = services.complete_step(
            consultation=consultation,
            task_id=task_id,
            user=request.user,
            data=serializer.validated_data["form"],
            expected_lock_version=serializer.validated_data.get("lock_version"),
        )
        return Response(DocketSerializer(consultation).data)


def _drafting_unit_comments(request: Request, docket_id: str) -> tuple[Consultation, QuerySet[Comment]]:
    """Contacts are for the drafting unit's own moderators only: the rule of the manage page too."""
    consultation = _docket_for_official(request, docket_id)
    services.check_may_see_commenters(request.user, consultation)
    return consultation, selectors.moderation_queue(consultation)


class ModerationListApi(ConsultationApiView, generics.ListAPIView):
    """Officials of the drafting unit: every comment, held and flagged ones included, with contacts."""

    permission_classes = [IsAuthenticated]
    serializer_class = OfficialCommentSerializer

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI generator has no docket
            return Comment.objects.none()
        _consultation, comments = _drafting_unit_comments(self.request, self.kwargs["docket_id"])
        wanted = self.request.query_params.get("status")
        if wanted in CommentStatus.values:
            comments = comments.filter(status=wanted)
        if self.request.query_params.get("undisposed") in ("1", "true"):
            comments = comments.filter(status=CommentStatus.PUBLISHED, disposition="")
        if self.request.query_params.get("flagged") in ("1", "true"):
            comments = comments.exclude(flags=[])
        return comments.select_related("consultation", "version__consultation")

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=list(CommentStatus.values)),
            OpenApiParameter("undisposed", bool),
            OpenApiParameter("flagged", bool),
        ],
        summary="Góp ý cần kiểm duyệt, tiếp thu (cán bộ đơn vị soạn thảo)",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


def _official_comment(request: Request, comment_id: str) -> Comment:
    comment = selectors.comment_by_public_id(comment_id)
    if comment is None or not selectors.visible_consultations(request.user).filter(pk=comment.consultation_id).exists():
        raise Http404
    return comment


class ModerationApi(ConsultationApiView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        decision = serializers.ChoiceField(choices=[("publish", "publish"), ("reject", "reject")])
        reason = serializers.ChoiceField(choices=RejectionReason.choices, required=False, allow_blank=True, default="")
        note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)

    @extend_schema(
        request=InputSerializer,
        responses={200: OfficialCommentSerializer, **error_responses(409)},
        summary="Kiểm duyệt góp ý",
    )
    def post(self, request: Request, comment_id: str) -> Response:
        comment = _official_comment(request, comment_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        comment = services.moderate_comment(
            comment=comment,
            user=request.user,
            publish=data["decision"] == "publish",
            reason=data["reason"],
            note=data["note"],
        )
        return Response(OfficialCommentSerializer(comment).data)


class DispositionApi(ConsultationApiView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        disposition = serializers.ChoiceField(choices=Disposition.choices)
        explanation = serializers.CharField(max_length=services.MAX_EXPLANATION_CHARS)

    @extend_schema(
        request=InputSerializer,
        responses={200: OfficialCommentSerializer, **error_responses(409)},
        summary="Tiếp thu, giải trình",
    )
    def post(self, request: Request, comment_id: str) -> Response:
        comment = _official_comment(request, comment_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = services.dispose_comment(comment=comment, user=request.user, **serializer.validated_data)
        return Response(OfficialCommentSerializer(comment).data)


class BulkDispositionApi(ConsultationApiView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        numbers = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list)
        same_as = serializers.IntegerField(required=False, help_text="Every published comment identical to this one.")
        disposition = serializers.ChoiceField(choices=Disposition.choices)
        explanation = serializers.CharField(max_length=services.MAX_EXPLANATION_CHARS)

    @extend_schema(
        request=InputSerializer,
        responses={
            200: inline_serializer(
                "BulkDisposition", {"disposed": serializers.ListField(child=serializers.CharField())}
            ),
            **error_responses(409),
        },
        summary="Tiếp thu, giải trình nhiều góp ý trùng nội dung",
    )
    def post(self, request: Request, docket_id: str) -> Response:
        consultation = _docket_for_official(request, docket_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        chosen = services.dispose_comments(
            consultation=consultation,
            user=request.user,
            numbers=data["numbers"],
            same_as=data.get("same_as"),
            disposition=data["disposition"],
            explanation=data["explanation"],
        )
        return Response({"disposed": [f"{consultation.reference}-{c.number:04d}" for c in chosen]})


class ProgressSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]  # named like a Field attribute
    article = serializers.CharField(source="number")
    published = serializers.IntegerField()
    answered = serializers.IntegerField()
    percent = serializers.IntegerField()


class ProgressApi(ConsultationApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ProgressSerializer(many=True)}, summary="Tiến độ tiếp thu, giải trình theo điều")
    def get(self, request: Request, docket_id: str) -> Response:
        consultation = _docket_for_official(request, docket_id)
        return Response(ProgressSerializer(selectors.disposition_progress(consultation), many=True).data)
