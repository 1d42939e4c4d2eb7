"""Leaders' page of ratings (`/leaders/ratings/`): averages, distributions and redacted comments of the units they
lead, with charts and CSV / XLSX downloads. Never one rating with its case or its person."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from cases import exports
from cases.models import PetitionType
from ratings import selectors
from ratings.models import Solved, Waiting

COMMENTS_PER_PAGE = 20


def _figure_header() -> list[str]:
    return [
        _("Số đánh giá"),
        _("Điểm trung bình"),
        *[_("Số mức %(n)s") % {"n": n} for n in selectors.SCORES],
        *[str(label) for label in Solved.labels],
        *[str(label) for label in Waiting.labels],
    ]


def _figure_cells(row: dict[str, Any]) -> list[Any]:
    return [
        row["count"],
        row["average"],
        *row["distribution"],
        *[row.get(f"solved_{value}", "") for value in Solved.values],
        *[row.get(f"waiting_{value}", "") for value in Waiting.values],
    ]


def _aggregate_rows(result: selectors.Figures) -> list[list[Any]]:
    answer, visit = _("Trả lời đơn"), _("Tiếp dân")
    sections = [
        (answer, _("Tổng"), [{**result.answers_total, "label": _("Tất cả")}]),
        (answer, _("Đơn vị"), result.answers_by_unit),
        (answer, _("Loại đơn"), result.answers_by_type),
        (answer, _("Tháng"), [{**row, "label": row["month"]} for row in result.answers_by_month]),
        (visit, _("Tổng"), [{**result.visits_total, "label": _("Tất cả")}]),
        (visit, _("Bàn"), result.visits_by_desk),
        (visit, _("Đơn vị"), result.visits_by_unit),
        (visit, _("Tháng"), [{**row, "label": row["month"]} for row in result.visits_by_month]),
    ]
    return [[kind, by, row["label"], *_figure_cells(row)] for kind, by, rows in sections for row in rows]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _as_text(value: str) -> str:
    """A citizen's text as a spreadsheet cell: never a formula (CSV / formula injection)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _comment_rows(scope: selectors.Scope) -> Any:
    for rating in selectors.answer_comments(scope).iterator(chunk_size=2000):
        yield _comment_row(selectors.shown_answer_comment(rating))
    for visit in selectors.visit_comments(scope).iterator(chunk_size=2000):
        yield _comment_row(selectors.shown_visit_comment(visit))


def _comment_row(comment: selectors.Comment) -> list[Any]:
    return [
        comment.kind,
        comment.date.isoformat(),
        comment.unit,
        comment.desk,
        comment.petition_type,
        comment.score,
        _as_text(comment.text),
    ]


def _with_extra(rows: list[dict[str, Any]], prefix: str, values: list[str]) -> list[dict[str, Any]]:
    return [{**row, "extra": [row[f"{prefix}_{value}"] for value in values]} for row in rows]


@login_required
def ratings_page(request: HttpRequest) -> HttpResponse:
    try:
        scope = selectors.scope_for(request.user, request.GET)
    except selectors.NotALeader:
        return render(
            request, "ratings/leaders.html", {"denied": _("Chỉ lãnh đạo đơn vị xem được đánh giá.")}, status=403
        )
    except ValidationError as error:
        return render(request, "ratings/leaders.html", {"errors": error.detail, "filters": request.GET}, status=400)
    result = selectors.figures(scope)
    fmt = request.GET.get("export")
    if fmt in exports.FORMATS:
        if request.GET.get("what") == "comments":
            header = [_("Loại đánh giá"), _("Ngày"), _("Đơn vị"), _("Bàn"), _("Loại đơn"), _("Điểm"), _("Ý kiến")]
            return exports.download(filename="y-kien-danh-gia", fmt=fmt, header=header, rows=_comment_rows(scope))
        header = [_("Loại đánh giá"), _("Theo"), _("Nhóm"), *_figure_header()]
        return exports.download(filename="so-lieu-danh-gia", fmt=fmt, header=header, rows=_aggregate_rows(result))
    answer_page = Paginator(selectors.answer_comments(scope), COMMENTS_PER_PAGE).get_page(
        request.GET.get("answer_page")
    )
    visit_page = Paginator(selectors.visit_comments(scope), COMMENTS_PER_PAGE).get_page(request.GET.get("desk_page"))
    filters = scope.filters
    query = {
        key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in filters.items() if value
    }
    return render(
        request,
        "ratings/leaders.html",
        {
            "filters": filters,
            "figures": result,
            "answer_unit_rows": _with_extra(result.answers_by_unit, "solved", Solved.values),
            "answer_type_rows": _with_extra(result.answers_by_type, "solved", Solved.values),
            "answer_month_rows": _with_extra(result.answers_by_month, "solved", Solved.values),
            "visit_desk_rows": _with_extra(result.visits_by_desk, "waiting", Waiting.values),
            "visit_unit_rows": _with_extra(result.visits_by_unit, "waiting", Waiting.values),
            "visit_month_rows": _with_extra(result.visits_by_month, "waiting", Waiting.values),
            "chart": selectors.chart_data(result),
            "answer_page": answer_page,
            "answer_comments": [selectors.shown_answer_comment(rating) for rating in answer_page.object_list],
            "visit_page": visit_page,
            "visit_comments": [selectors.shown_visit_comment(rating) for rating in visit_page.object_list],
            "query": urlencode(query),
            "units": scope.units,
            "desks": scope.desks,
            "types": dict(PetitionType.choices),
            "solved_labels": Solved.labels,
            "waiting_labels": Waiting.labels,
            "scores": selectors.SCORES,
        },
    )
