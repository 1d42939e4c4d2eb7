"""Public search API: `GET /api/v1/search?q=…` with filters, facets and keyset pages.

Any `q` gets results or an empty list; a filter value that does not exist, a bad date or a cursor that is
not ours is a 400 naming the parameter (core/errors.py shape).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_schema import error_responses
from organisation.models import Unit
from search.backends import get_backend
from search.backends.base import FACETS, MAX_PAGE_SIZE, BadCursor, SearchPage, SearchQuery, SearchUnavailable
from search.projection import value_labels
from search.text import clean, sanitize_query

DEFAULT_PAGE_SIZE = 20
INVALID_CHOICE = gettext_lazy("«{input}» không phải giá trị hợp lệ")

logger = logging.getLogger(__name__)


class SearchTextField(serializers.CharField):
    """Free text that is never refused: NUL and other control characters are cleaned later, not rejected."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = []

    def to_internal_value(self, data: Any) -> str:
        return str(data)


class SearchParams(serializers.Serializer):
    q = SearchTextField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        default="",
        help_text='Words, with or without diacritics; "quoted phrases". Anything else is ignored.',
    )
    kind = serializers.ChoiceField(choices=[], required=False, allow_blank=True, default="")
    petition_type = serializers.ChoiceField(choices=[], required=False, allow_blank=True, default="")
    unit = serializers.CharField(required=False, allow_blank=True, default="", help_text="Code of the answering unit.")
    commune = serializers.CharField(required=False, allow_blank=True, default="", help_text="Code of the commune.")
    status = serializers.ChoiceField(choices=[], required=False, allow_blank=True, default="")
    date_from = serializers.DateField(required=False, allow_null=True, default=None)
    date_to = serializers.DateField(required=False, allow_null=True, default=None)
    sort = serializers.ChoiceField(choices=["relevance", "date"], required=False, default="relevance")
    page_size = serializers.IntegerField(
        required=False, min_value=1, default=DEFAULT_PAGE_SIZE, help_text=f"At most {MAX_PAGE_SIZE}; more is capped."
    )
    cursor = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="`next_cursor` of the previous page."
    )
    facets = serializers.BooleanField(
        required=False, default=True, help_text="false: no facet counts (`facets` is empty), a cheaper request."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = value_labels()
        for name in ("kind", "petition_type", "status"):
            field = self.fields[name]
            field.choices = list(labels.get(name, {}).items())  # type: ignore[attr-defined]
            field.error_messages["invalid_choice"] = INVALID_CHOICE
        self.fields["sort"].error_messages["invalid_choice"] = INVALID_CHOICE

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, QueryDict):  # one value per parameter; blank dates mean no date
            data = {key: data.get(key) for key in data}
            for key in ("date_from", "date_to"):
                if data.get(key) == "":
                    data[key] = None
        return super().to_internal_value(data)

    def validate_unit(self, value: str) -> str:
        if value and not Unit.objects.filter(code=value).exists():
            raise ValidationError(gettext("Không có đơn vị «%(value)s»") % {"value": value})
        return value

    def validate_commune(self, value: str) -> str:
        if value and not Unit.objects.filter(code=value, is_commune=True).exists():
            raise ValidationError(gettext("Không có xã/phường «%(value)s»") % {"value": value})
        return value

    def validate_page_size(self, value: int) -> int:
        return min(value, MAX_PAGE_SIZE)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_from"] > attrs["date_to"]:
            raise ValidationError({"date_to": gettext("Đến ngày phải sau từ ngày")})
        return attrs


class SearchUnavailableError(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "search_unavailable"
    default_detail = gettext_lazy("Tra cứu tạm thời gián đoạn, vui lòng thử lại sau")


def query_from(params: Mapping[str, Any]) -> SearchQuery:
    return SearchQuery(
        text=sanitize_query(params["q"]),
        kind=params["kind"],
        petition_type=params["petition_type"],
        unit=params["unit"],
        commune=params["commune"],
        status=params["status"],
        date_from=params["date_from"],
        date_to=params["date_to"],
        sort=params["sort"],
        size=params["page_size"],
        cursor=params["cursor"],
        facets=params.get("facets", True),
    )


def run_search(params: Mapping[str, Any]) -> tuple[SearchQuery, SearchPage]:
    """Validated parameters → the page. Raises ValidationError on a bad cursor, SearchUnavailable when down."""
    query = query_from(params)
    if clean(params["q"]).strip() and not query.text:  # only syntax, emoji or junk: nothing can match
        return query, SearchPage(results=[], facets={facet: {} for facet in FACETS}, next_cursor="", total=0)
    try:
        return query, get_backend().search(query)
    except SearchUnavailable as error:
        logger.warning("Search engine unavailable, search answers 503 and the rest of the site works: %s", error)
        raise
    except BadCursor as error:
        raise ValidationError({"cursor": str(error)}) from None


def facet_entries(page: SearchPage) -> dict[str, list[dict[str, Any]]]:
    """facet → [{value, label, count}], most frequent first, with readable labels."""
    labels = value_labels()
    codes = set(page.facets.get("unit", {})) | set(page.facets.get("commune", {}))
    unit_names = dict(Unit.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    labels["unit"] = labels["commune"] = unit_names
    return {
        facet: [
            {"value": value, "label": labels.get(facet, {}).get(value, value), "count": count}
            for value, count in counts.items()
        ]
        for facet, counts in page.facets.items()
    }


def with_params(params: QueryDict, **changes: str) -> str:
    """The query string of `params` with some parameters replaced (or removed when blank)."""
    merged = {key: params.get(key, "") for key in params}
    merged.update(changes)
    return urlencode({key: value for key, value in merged.items() if value not in ("", None)})


class HitSerializer(serializers.Serializer):
    doc_id = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    snippet = serializers.CharField(help_text="HTML-escaped text; matches in <mark>…</mark>.")
    url = serializers.CharField(help_text="The document's public page.")
    date = serializers.DateField()
    petition_type = serializers.CharField()
    status = serializers.CharField()
    unit = serializers.CharField(help_text="Name of the answering unit.")
    commune = serializers.CharField(help_text="Name of the commune.")


class SearchApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    OutputSerializer = inline_serializer(
        "SearchResults",
        {
            "count": serializers.IntegerField(help_text="How many documents match (at least, if not count_exact)."),
            "count_exact": serializers.BooleanField(
                help_text="False when more documents match than were counted: count and facet counts are lower bounds."
            ),
            "results": HitSerializer(many=True),
            "facets": serializers.DictField(
                child=inline_serializer(
                    "FacetValue",
                    {
                        "value": serializers.CharField(),
                        "label": serializers.CharField(),
                        "count": serializers.IntegerField(),
                    },
                    many=True,
                ),
                help_text="For each facet (kind, petition_type, unit, commune, status): values with their counts.",
            ),
            "next_cursor": serializers.CharField(),
            "next": serializers.URLField(allow_null=True),
        },
    )

    @extend_schema(
        parameters=[SearchParams],
        responses={200: OutputSerializer, **error_responses(503)},
        summary="Tra cứu đơn thư đã trả lời và tài liệu công khai",
        description="Full-text search of public documents, with or without Vietnamese diacritics.",
    )
    def get(self, request: Request) -> Response:
        params = SearchParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        try:
            query, page = run_search(params.validated_data)
        except SearchUnavailable:
            raise SearchUnavailableError() from None
        next_url = None
        if page.next_cursor:
            next_url = request.build_absolute_uri("?" + with_params(request.query_params, cursor=page.next_cursor))
        return Response(
            {
                "count": page.total,
                "count_exact": page.total_exact,
                "results": [
                    {
                        "doc_id": hit.doc_id,
                        "kind": hit.kind,
                        "title": hit.title,
                        "snippet": hit.snippet,
                        "url": request.build_absolute_uri(hit.url),
                        "date": hit.date.isoformat(),
                        "petition_type": hit.petition_type,
                        "status": hit.status,
                        "unit": hit.unit_name,
                        "commune": hit.commune_name,
                    }
                    for hit in page.results
                ],
                "facets": facet_entries(page) if query.facets else {},
                "next_cursor": page.next_cursor,
                "next": next_url,
            }
        )
