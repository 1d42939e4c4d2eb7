"""Reads of ratings for leaders (never one rating with its case or person) and for My page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Avg, Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from cases.models import Petition, PetitionType
from cases.selectors import led_units
from deadlines import calendar
from organisation.models import Unit
from ratings import services
from ratings.models import SCORES, AnswerRating, Desk, DeskRating, Solved, Waiting


class NotALeader(Exception):
    pass


class FilterSerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    unit = serializers.SlugField(required=False)
    petition_type = serializers.ChoiceField(choices=PetitionType.choices, required=False)
    desk = serializers.IntegerField(required=False, min_value=1)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs.setdefault("date_to", timezone.localdate())
        attrs.setdefault("date_from", attrs["date_to"] - datetime.timedelta(days=364))
        if attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_from": _("Ngày bắt đầu phải trước ngày kết thúc.")})
        return attrs


@dataclass
class Scope:
    filters: dict[str, Any]
    units: QuerySet[Unit]
    desks: QuerySet[Desk]
    answers: QuerySet[AnswerRating] = field(repr=False)
    visits: QuerySet[DeskRating] = field(repr=False)


def scope_for(user: User | AnonymousUser, params: Any) -> Scope:
    """The ratings a leader may read: of the units they lead and those below, narrowed by the filters. Raises
    NotALeader, or serializers.ValidationError for a bad filter."""
    query = FilterSerializer(data=params)
    query.is_valid(raise_exception=True)
    filters = dict(query.validated_data)
    units = led_units(user)
    if not units.exists():
        raise NotALeader
    all_units = units
    if filters.get("unit"):
        unit = units.filter(code=filters["unit"]).first()
        if unit is None:
            raise serializers.ValidationError({"unit": [_("Không phải đơn vị bạn lãnh đạo.")]})
        units = units.filter(path__startswith=unit.path)
    desks = Desk.objects.filter(unit__in=all_units).select_related("unit")
    period = _period(filters["date_from"], filters["date_to"])
    answers = AnswerRating.objects.filter(period, unit__in=units)
    visits = DeskRating.objects.filter(period, unit__in=units)
    if filters.get("petition_type"):
        answers = answers.filter(petition_type=filters["petition_type"])
        visits = visits.filter(petition_type=filters["petition_type"])
    if filters.get("desk"):
        if not desks.filter(pk=filters["desk"]).exists():
            raise serializers.ValidationError({"desk": [_("Không phải bàn của đơn vị bạn lãnh đạo.")]})
        answers = answers.none()
        visits = visits.filter(desk_id=filters["desk"])
    return Scope(filters=filters, units=all_units, desks=desks, answers=answers, visits=visits)


def _period(date_from: datetime.date, date_to: datetime.date) -> Q:
    """Rated on a day from `date_from` to `date_to` included (days of Vietnam's time)."""
    return Q(
        created_at__gte=calendar.start_of_day(date_from),
        created_at__lt=calendar.start_of_day(date_to + calendar.ONE_DAY),
    )


def answer_averages_by_unit(
    units: QuerySet[Unit], date_from: datetime.date, date_to: datetime.date
) -> list[dict[str, Any]]:
    """Ratings of the answers given in the period by each of these units (the leaders' insight page): unit name,
    count and average score, the most rated first."""
    rows = (
        AnswerRating.objects.filter(_period(date_from, date_to), unit__in=units)
        .values("unit__name")
        .annotate(count=Count("pk"), average=Avg("score"))
        .order_by("-count", "unit__name")
    )
    return [{"unit_name": row["unit__name"], "count": row["count"], "average": row["average"]} for row in rows]


def _month() -> TruncMonth:
    return TruncMonth("created_at", tzinfo=timezone.get_current_timezone())


def _figures(score: str, extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "count": Count("pk"),
        "average": Avg(score),
        **{f"n{value}": Count("pk", filter=Q(**{score: value})) for value in SCORES},
        **extra,
    }


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    """The average to two decimals, and the count of each score in order."""
    row["average"] = round(row["average"], 2) if row["average"] is not None else None
    row["distribution"] = [row[f"n{value}"] for value in SCORES]
    return row


def _answer_extra() -> dict[str, Any]:
    return {f"solved_{value}": Count("pk", filter=Q(solved=value)) for value in Solved.values}


def _desk_extra() -> dict[str, Any]:
    return {f"waiting_{value}": Count("pk", filter=Q(waiting=value)) for value in Waiting.values}


def _rows(queryset: QuerySet[Any], group: dict[str, Any], score: str, extra: dict[str, Any]) -> list[dict[str, Any]]:
    rows = queryset.annotate(**group).values(*group).annotate(**_figures(score, extra)).order_by(*group)
    result = []
    for row in rows:
        row = _finish(dict(row))
        if "month" in row and row["month"] is not None:
            row["month"] = (
                timezone.localtime(row["month"]).strftime("%Y-%m")
                if timezone.is_aware(row["month"])
                else row["month"].strftime("%Y-%m")
            )
        result.append(row)
    return result


def _total(queryset: QuerySet[Any], score: str, extra: dict[str, Any]) -> dict[str, Any]:
    return _finish(queryset.aggregate(**_figures(score, extra)))


def _named(rows: list[dict[str, Any]], key: str, names: dict[Any, str]) -> list[dict[str, Any]]:
    for row in rows:
        row["label"] = names.get(row[key], str(row[key]))
    return rows


@dataclass
class Figures:
    answers_total: dict[str, Any]
    visits_total: dict[str, Any]
    answers_by_unit: list[dict[str, Any]]
    answers_by_type: list[dict[str, Any]]
    answers_by_month: list[dict[str, Any]]
    visits_by_desk: list[dict[str, Any]]
    visits_by_unit: list[dict[str, Any]]
    visits_by_month: list[dict[str, Any]]


def figures(scope: Scope) -> Figures:
    """Averages and distributions per unit, petition type, desk and month: grouped queries, no rating read alone."""
    unit_names = dict(scope.units.values_list("pk", "name"))
    types = {value: str(label) for value, label in PetitionType.choices}
    desk_names = {desk.pk: f"{desk.unit.name} · {desk.name}" for desk in scope.desks}
    answer, desk = _answer_extra(), _desk_extra()
    return Figures(
        answers_total=_total(scope.answers, "score", answer),
        visits_total=_total(scope.visits, "courtesy", desk),
        answers_by_unit=_named(_rows(scope.answers, {"group": F("unit_id")}, "score", answer), "group", unit_names),
        answers_by_type=_named(_rows(scope.answers, {"group": F("petition_type")}, "score", answer), "group", types),
        answers_by_month=_rows(scope.answers, {"month": _month()}, "score", answer),
        visits_by_desk=_named(_rows(scope.visits, {"group": F("desk_id")}, "courtesy", desk), "group", desk_names),
        visits_by_unit=_named(_rows(scope.visits, {"group": F("unit_id")}, "courtesy", desk), "group", unit_names),
        visits_by_month=_rows(scope.visits, {"month": _month()}, "courtesy", desk),
    )


def chart_data(result: Figures) -> dict[str, Any]:
    months = sorted({row["month"] for row in (*result.answers_by_month, *result.visits_by_month)})
    answers = {row["month"]: row["average"] for row in result.answers_by_month}
    visits = {row["month"]: row["average"] for row in result.visits_by_month}
    return {
        "scores": [str(value) for value in SCORES],
        "answer_distribution": result.answers_total["distribution"],
        "desk_distribution": result.visits_total["distribution"],
        "months": months,
        "answer_average": [answers.get(month) for month in months],
        "desk_average": [visits.get(month) for month in months],
        "labels": {
            "answer": _("Trả lời đơn (mức hài lòng)"),
            "desk": _("Tiếp dân (thái độ tiếp đón)"),
            "count": _("Số đánh giá"),
            "average": _("Điểm trung bình"),
        },
    }


@dataclass(frozen=True)
class Comment:
    kind: str
    date: datetime.date
    unit: str
    desk: str
    petition_type: str
    score: int
    text: str


def answer_comments(scope: Scope) -> QuerySet[AnswerRating]:
    return (
        scope.answers.exclude(comment="")
        .select_related("unit", "petition")
        .only(
            "comment",
            "created_at",
            "score",
            "petition_type",
            "unit__name",
            "petition__petitioner_name",
            "petition__petitioner_phone",
            "petition__petitioner_email",
        )
        .order_by("-created_at", "-pk")
    )


def visit_comments(scope: Scope) -> QuerySet[DeskRating]:
    return (
        scope.visits.exclude(comment="")
        .select_related("unit", "desk", "petition")
        .only(
            "comment",
            "created_at",
            "courtesy",
            "petition_type",
            "unit__name",
            "desk__name",
            "petition__petitioner_name",
            "petition__petitioner_phone",
            "petition__petitioner_email",
        )
        .order_by("-created_at", "-pk")
    )


def shown_answer_comment(rating: AnswerRating) -> Comment:
    """What leaders and exports show of one comment: redacted, with no link to its case."""
    types = dict(PetitionType.choices)
    return Comment(
        kind=_("Trả lời đơn"),
        date=timezone.localdate(rating.created_at),
        unit=rating.unit.name,
        desk="",
        petition_type=str(types.get(rating.petition_type, rating.petition_type)),
        score=rating.score,
        text=rating.public_comment(),
    )


def shown_visit_comment(rating: DeskRating) -> Comment:
    types = dict(PetitionType.choices)
    return Comment(
        kind=_("Tiếp dân"),
        date=timezone.localdate(rating.created_at),
        unit=rating.unit.name,
        desk=rating.desk.name,
        petition_type=str(types.get(rating.petition_type, rating.petition_type)) if rating.petition_type else "",
        score=rating.courtesy,
        text=rating.public_comment(),
    )


# ---- My page ------------------------------------------------------------------------------------------------


def rating_summary(petition: Petition) -> dict[str, Any]:
    """For a page that lists a petitioner's cases (My page): whether its answer can be rated, the rating given,
    whether it can still be changed, and the form's URL (a signed link)."""
    rating = services.rating_for(petition)
    can_rate = services.can_rate(petition)
    return {
        "can_rate": can_rate,
        "rating": rating,
        "locked": rating is not None and rating.is_locked(),
        "url": services.rating_url(petition) if can_rate else "",
    }
