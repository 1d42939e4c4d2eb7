"""What the leaders' insight page (`/leaders/insight/`) reads: petitions by topic, commune and month from
`TopicTally` (never the petitions themselves), rising topics, the units with the most overdue cases (the leaders'
figures, `cases.selectors.leader_figures`) and citizens' ratings when the `ratings` app provides them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from cases import selectors as case_selectors
from organisation.models import Unit
from topics.models import Topic, TopicTally

RISING_BASE_MONTHS = 3  # this month against the average of the three before it
TOP_OVERDUE_UNITS = 10


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_label(month: date) -> str:
    return f"{month:%Y-%m}"


@dataclass(frozen=True)
class Rising:
    topic: Topic
    this_month: int
    average_before: float
    change: float | None  # relative change, None when nothing came before


@dataclass(frozen=True)
class CommuneRow:
    commune: Unit
    counts: list[int]  # in the order of the page's topics
    total: int


@dataclass(frozen=True)
class OverdueUnit:
    code: str
    name: str
    overdue: int  # overdue, not very overdue (the leaders' page's "Đang xử lý, quá hạn")
    very_overdue: int

    @property
    def late(self) -> int:
        return self.overdue + self.very_overdue


@dataclass
class Insight:
    months: list[date]
    topics: list[Topic]
    by_topic_month: dict[tuple[int | None, date], int]
    communes: list[CommuneRow]
    topic_totals: list[int]
    total: int
    unclassified: int
    rising: list[Rising]
    current_month: date
    overdue_units: list[OverdueUnit]
    ratings: Any


# Other apps may add what citizens think of the answers (`ratings`): a callable (units, date_from, date_to) -> data
# for the template, registered by that app's `ready()`. None: the page says no ratings are collected yet.
RATINGS_PROVIDER: Callable[[QuerySet[Unit], date, date], Any] | None = None


def ratings_for(units: QuerySet[Unit], date_from: date, date_to: date) -> Any:
    if RATINGS_PROVIDER is None or not apps.is_installed("ratings"):
        return None
    return RATINGS_PROVIDER(units, date_from, date_to)


def insight(*, units: QuerySet[Unit], date_from: date, date_to: date) -> Insight:
    unit_ids = list(units.order_by().values_list("pk", flat=True))
    first, last = month_start(date_from), month_start(date_to)
    months: list[date] = []
    month = first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    # The period's counts and the three months before its last (the rising topics) in one grouped query.
    base_first = min(first, add_months(last, -RISING_BASE_MONTHS))
    rows: list[tuple[date, int, int | None, int]] = []
    if unit_ids:
        table = TopicTally._meta.db_table
        with connection.cursor() as cursor:  # raw rows: tens of thousands of them, no model conversion needed
            cursor.execute(
                f"""
                SELECT month, commune_id, topic_id, SUM(petitions) FROM {table}
                WHERE month >= %s AND month <= %s AND unit_id IN ({", ".join(["%s"] * len(unit_ids))})
                GROUP BY month, commune_id, topic_id
                """,  # noqa: S608 - table name only; every value is a parameter
                [base_first, last, *unit_ids],
            )
            rows = [
                (month if isinstance(month, date) else date.fromisoformat(str(month)), commune, topic, n)
                for month, commune, topic, n in cursor.fetchall()
            ]
    by_topic_month: dict[tuple[int | None, date], int] = {}
    by_commune: dict[int, dict[int | None, int]] = {}
    for month_value, commune_id, topic_id, n in rows:
        if not n:
            continue
        key = (topic_id, month_value)
        by_topic_month[key] = by_topic_month.get(key, 0) + int(n)
        if first <= month_value <= last:
            cell = by_commune.setdefault(commune_id, {})
            cell[topic_id] = cell.get(topic_id, 0) + int(n)
    seen = {topic_id for topic_id, _m in by_topic_month}
    topics = [t for t in Topic.objects.order_by("order", "pk") if t.active or t.pk in seen]
    order = [t.pk for t in topics]
    communes = {u.pk: u for u in Unit.objects.filter(pk__in=by_commune).only("pk", "code", "name")}
    commune_rows = [
        CommuneRow(communes[pk], [cells.get(topic_id, 0) for topic_id in order], sum(cells.values()))
        for pk, cells in by_commune.items()
    ]
    commune_rows.sort(key=lambda row: (-row.total, row.commune.name))
    in_period = {key: n for key, n in by_topic_month.items() if first <= key[1] <= last}
    topic_totals = [sum(n for (t, _m), n in in_period.items() if t == topic_id) for topic_id in order]
    rising = []
    for topic in topics:
        now = by_topic_month.get((topic.pk, last), 0)
        before = sum(by_topic_month.get((topic.pk, add_months(last, -i)), 0) for i in range(1, RISING_BASE_MONTHS + 1))
        average = before / RISING_BASE_MONTHS
        if now > average:
            rising.append(Rising(topic, now, round(average, 1), (now - average) / average if average else None))
    rising.sort(key=lambda r: (-(r.this_month - r.average_before), r.topic.order))
    return Insight(
        months=months,
        topics=topics,
        by_topic_month=in_period,
        communes=commune_rows,
        topic_totals=topic_totals,
        total=sum(in_period.values()),
        unclassified=sum(n for (t, _m), n in in_period.items() if t is None),
        rising=rising,
        current_month=last,
        overdue_units=overdue_units(units=units, date_from=date_from, date_to=date_to),
        ratings=ratings_for(units, date_from, date_to),
    )


def overdue_units(*, units: QuerySet[Unit], date_from: date, date_to: date) -> list[OverdueUnit]:
    """The units with the most open cases past their deadlines now (received in the period), by the leaders'
    figures' own rules (`cases.selectors.late_open_by_unit`: only the late clocks are read)."""
    late = case_selectors.late_open_by_unit(units=units, date_from=date_from, date_to=date_to, now=timezone.now())
    ranked = sorted(late.items(), key=lambda item: (-item[1][0], item[0]))[:TOP_OVERDUE_UNITS]
    names = {
        pk: (code, name)
        for pk, code, name in Unit.objects.filter(pk__in=[pk for pk, _ in ranked]).values_list("pk", "code", "name")
    }
    return [
        OverdueUnit(names[pk][0], names[pk][1], overdue=count - very, very_overdue=very)
        for pk, (count, very) in ranked
        if count
    ]


def chart_data(result: Insight) -> dict[str, Any]:
    """The charts' data for the page's JSON element: per topic, its count in each month; per commune (the busiest
    ones), its total per topic."""
    labels = [month_label(m) for m in result.months]
    return {
        "months": labels,
        "topics": [
            {"label": topic.label, "counts": [result.by_topic_month.get((topic.pk, m), 0) for m in result.months]}
            for topic in result.topics
        ],
        "communes": [row.commune.name for row in result.communes[:CHART_COMMUNES]],
        "commune_topics": [
            {"label": topic.label, "counts": [row.counts[i] for row in result.communes[:CHART_COMMUNES]]}
            for i, topic in enumerate(result.topics)
        ],
    }


CHART_COMMUNES = 12
