"""`TopicTally`: petitions per month of receipt, handling unit, commune and topic.

A petition is counted once it has a handling unit in the outcome tally (`Petition.tallied_unit`, set by
`cases.outcomes.keep_outcome` in the transaction that writes the case); it moves between rows when its unit changes
(a transfer, same hook) or its topic does (`topics.services.set_topic`). Both callers hold the petition's row lock.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import F

from deadlines import calendar
from topics.models import TopicTally


def month_of(received_at: datetime) -> date:
    return calendar.local_date(received_at).replace(day=1)


def count(*, received_at: datetime, unit_id: int, commune_id: int, topic_id: int | None, delta: int) -> None:
    row, _created = TopicTally.objects.get_or_create(
        month=month_of(received_at), unit_id=unit_id, commune_id=commune_id, topic_id=topic_id
    )
    TopicTally.objects.filter(pk=row.pk).update(petitions=F("petitions") + delta)


def _month_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"date_trunc('month', {column} AT TIME ZONE '{calendar.LEGAL_TZ.key}')::date"
    return f"date({column}, '+7 hours', 'start of month')"


@transaction.atomic
def rebuild() -> int:
    """Count the tally again from the petitions. Returns the number of rows. For a repair or after loading cases
    in bulk; takes a lock on the tally meanwhile."""
    from cases.models import Petition

    tally, petitions = TopicTally._meta.db_table, Petition._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {tally} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {tally}")  # noqa: S608 - table names only
        cursor.execute(
            f"""
            INSERT INTO {tally} (month, unit_id, commune_id, topic_id, petitions)
            SELECT {_month_sql("received_at")}, tallied_unit_id, commune_id, topic_id, COUNT(*)
            FROM {petitions}
            WHERE tallied_unit_id IS NOT NULL
            GROUP BY 1, tallied_unit_id, commune_id, topic_id
            """  # noqa: S608 - table names and fixed fragments only
        )
        cursor.execute(f"SELECT COUNT(*) FROM {tally}")  # noqa: S608
        return int(cursor.fetchone()[0])
