"""What the leaders' insight page (`/leaders/insight/`) reads: petitions by topic, commune and month from
`TopicTally` (never the petitions themselves), rising topics, the units with the most overdue cases (the leaders'
figures' rules, `cases.selectors.late_open_by_unit`, kept five minutes) and citizens' ratings when the `ratings`
app provides them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from cases import selectors as case_selectors
from organisation.models import Unit
from ratings.selectors import answer_averages_by_unit
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
    overdue_counted_at: datetime
    ratings: Any


def insight(*, units: QuerySet[Unit], date_from: date, date_to: date) -> Insight:
    unit_ids = list(units.order_by().values_list("pk", flat=True))
    first, last = month_start(date_from), month_start(date_to)
    months: list[date] = []
    month = first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    # Two grouped reads of the tally, each returning few rows: per month and topic (the period and the three months
    # before its last, for the rising topics), and per commune and topic over the period.
    base_first = min(first, add_months(last, -RISING_BASE_MONTHS))
    by_topic_month: dict[tuple[int | None, date], int] = {}
    by_commune: dict[int, dict[int | None, int]] = {}
    if unit_ids:
        table = TopicTally._meta.db_table
        scope = f"unit_id IN ({', '.join(['%s'] * len(unit_ids))})"
        month_rows: list[tuple[Any, Any, Any]] = []
        commune_sums: list[tuple[Any, Any, Any]] = []
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # both sums in one pass over the tally
                cursor.execute(
                    f"SELECT month, commune_id, topic_id, GROUPING(month), SUM(petitions), "  # noqa: S608
                    f"SUM(petitions) FILTER (WHERE month >= %s) FROM {table} "
                    f"WHERE month >= %s AND month <= %s AND {scope} "
                    f"GROUP BY GROUPING SETS ((month, topic_id), (commune_id, topic_id))",
                    [first, base_first, last, *unit_ids],
                )
                for month_value, commune_id, topic_id, no_month, n, in_period in cursor.fetchall():
                    if no_month:
                        commune_sums.append((commune_id, topic_id, in_period))
                    else:
                        month_rows.append((month_value, topic_id, n))
            else:
                cursor.execute(
                    f"SELECT month, topic_id, SUM(petitions) FROM {table} "  # noqa: S608 - table name only
                    f"WHERE month >= %s AND month <= %s AND {scope} GROUP BY month, topic_id",
                    [base_first, last, *unit_ids],
                )
                month_rows = list(cursor.fetchall())
                cursor.execute(
                    f"SELECT commune_id, topic_id, SUM(petitions) FROM {table} "  # noqa: S608 - table name only
                    f"WHERE month >= %s AND month <= %s AND {scope} GROUP BY commune_id, topic_id",
                    [first, last, *unit_ids],
                )
                commune_sums = list(cursor.fetchall())
        for month_value, topic_id, n in month_rows:
            if n:
                month_day = month_value if isinstance(month_value, date) else date.fromisoformat(str(month_value))
                by_topic_month[(topic_id, month_day)] = int(n)
        for commune_id, topic_id, n in commune_sums:
            if n:
                by_commune.setdefault(commune_id, {})[topic_id] = int(n)
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
    overdue, counted_at = overdue_units(units=units, date_from=date_from, date_to=date_to)
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
        overdue_units=overdue,
        overdue_counted_at=counted_at,
        ratings=answer_averages_by_unit(units, date_from, date_to),  # what citizens think of the answers
    )


# "Which units have the most overdue cases" moves slowly and costs a read of every late clock of the province (a few
# hundred ms at a million cases), so a page keeps it for this long; the topic figures are always live.
OVERDUE_CACHE_SECONDS = 300


def overdue_units(*, units: QuerySet[Unit], date_from: date, date_to: date) -> tuple[list[OverdueUnit], datetime]:
    """The units with the most open cases past their deadlines (received in the period), by the leaders' figures'
    own rules (`cases.selectors.late_open_by_unit`: only the late clocks are read), and when they were counted."""
    unit_ids = sorted(units.order_by().values_list("pk", flat=True))
    digest = hashlib.sha256(repr((unit_ids, date_from, date_to)).encode()).hexdigest()
    key = f"topics:overdue-units:{digest}"
    cached = cache.get(key)
    if cached is not None:
        rows, counted_at = cached
        return [OverdueUnit(*row) for row in rows], counted_at
    counted_at = timezone.now()
    late = case_selectors.late_open_by_unit(units=units, date_from=date_from, date_to=date_to, now=counted_at)
    ranked = sorted(late.items(), key=lambda item: (-item[1][0], item[0]))[:TOP_OVERDUE_UNITS]
    names = dict(
        (pk, (code, name))
        for pk, code, name in Unit.objects.filter(pk__in=[pk for pk, _ in ranked]).values_list("pk", "code", "name")
    )
    found = [
        OverdueUnit(names[pk][0], names[pk][1], overdue=count - very, very_overdue=very)
        for pk, (count, very) in ranked
        if count
    ]
    cache.set(key, ([(u.code, u.name, u.overdue, u.very_overdue) for u in found], counted_at), OVERDUE_CACHE_SECONDS)
    return found, counted_at


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
