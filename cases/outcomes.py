"""Each petition's outcome (open, answered on time, answered late) and the tally the leaders' figures read.

Over a million cases the leaders' page cannot test every clock of every petition. So, whenever the engine writes a
case (`workflows.subjects` written hook: a step, a fired timer, a moved clock, a transfer), `keep_outcome` sets, in
the same transaction:

- `Petition.missed_deadline`: some clock of the case ended after its deadline;
- `Petition.outcome`: decided once, when the petition is answered or not accepted: late if a clock had missed its
  deadline by then, or was running past it (the answering step's own clock ends with the answer);
- `OutcomeTally`: the count of petitions per handling unit, type and day of receipt in each outcome, moved from the
  old (unit, outcome) to the new one;
- `topics.TopicTally`: the count of petitions per month of receipt, handling unit, commune and topic, moved from the
  old unit to the new one (`topics.services.set_topic` moves it when the topic changes); a case, not a petitioner:
  a petition joined to another's case leaves it.

A petition joined to another's case (`cases.groups`) is not a case: it is taken out of the tally when it joins
(`tallied_unit` emptied) and counted instead in its lead's tally row as one more petitioner (`OutcomeTally.joined`,
`count_joined`); its status and answer follow the lead's (`_follow_lead`). So the figures count a group case once as a
case, and each of its petitioners once.

What still depends on the moment (an open case whose running clock is past its deadline now) is read live, from the
few late clocks only (`cases.selectors`). `rebuild_tally` recounts the tally from the petitions.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from cases.models import FINISHED_STATUSES, Outcome, OutcomeTally, Petition
from deadlines import calendar
from topics import tally as topic_tally
from workflows.models import Deadline, WorkflowInstance

COLUMN = {Outcome.OPEN: "in_progress", Outcome.ON_TIME: "on_time", Outcome.LATE: "late"}


def keep_outcome(instance: WorkflowInstance) -> None:
    """The written hook of petitions: bring the petition's outcome and its tally up to date with its case."""
    petition = (
        Petition.objects.select_for_update()
        .filter(workflow_id=instance.pk)
        .only(
            "pk",
            "status",
            "petition_type",
            "received_at",
            "outcome",
            "missed_deadline",
            "tallied_unit_id",
            "joined_to_id",
            "answer",
            "answered_at",
            "answered_by_id",
            "petitioner_name",
            "petitioner_phone",
            "petitioner_email",
            "commune_id",
            "topic_id",
        )
        .first()
    )
    if petition is None:  # a case that is not a petition's, or one whose petition is not written yet
        return
    if petition.joined_to_id is not None:  # its own case just ended with the join: a petitioner, not a case
        if petition.tallied_unit_id is not None:
            _count(petition, unit_id=petition.tallied_unit_id, column=COLUMN[Outcome(petition.outcome)], delta=-1)
            _count_topic(petition, unit_id=petition.tallied_unit_id, delta=-1)
            Petition.objects.filter(pk=petition.pk).update(tallied_unit_id=None, outcome=Outcome.OPEN)
        return
    _follow_lead(petition)
    clocks = Deadline.objects.filter(instance_id=instance.pk)
    missed = clocks.filter(closed_at__gt=F("due_at")).exists()
    outcome = Outcome(petition.outcome)
    if petition.status not in FINISHED_STATUSES:
        outcome = Outcome.OPEN
    elif outcome == Outcome.OPEN:
        running_late = clocks.filter(
            closed_at__isnull=True, suspended_since__isnull=True, due_at__lt=timezone.now()
        ).exists()
        outcome = Outcome.LATE if missed or running_late else Outcome.ON_TIME
    unit_id = instance.unit_id
    if (outcome, missed, unit_id) == (petition.outcome, petition.missed_deadline, petition.tallied_unit_id):
        return
    if (outcome, unit_id) != (petition.outcome, petition.tallied_unit_id):
        if petition.tallied_unit_id is not None:
            _count(petition, unit_id=petition.tallied_unit_id, column=COLUMN[Outcome(petition.outcome)], delta=-1)
        _count(petition, unit_id=unit_id, column=COLUMN[outcome], delta=1)
    if unit_id != petition.tallied_unit_id:
        if petition.tallied_unit_id is not None:
            _count_topic(petition, unit_id=petition.tallied_unit_id, delta=-1)
        _count_topic(petition, unit_id=unit_id, delta=1)
        members = Petition.objects.filter(joined_to_id=petition.pk).count()
        if members:  # a transferred group case takes its petitioners along
            if petition.tallied_unit_id is not None:
                _count(petition, unit_id=petition.tallied_unit_id, column="joined", delta=-members)
            _count(petition, unit_id=unit_id, column="joined", delta=members)
    Petition.objects.filter(pk=petition.pk).update(outcome=outcome, missed_deadline=missed, tallied_unit_id=unit_id)


def _count_topic(petition: Petition, *, unit_id: int, delta: int) -> None:
    topic_tally.count(
        received_at=petition.received_at,
        unit_id=unit_id,
        commune_id=petition.commune_id,
        topic_id=petition.topic_id,
        delta=delta,
    )


def _count(petition: Petition, *, unit_id: int, column: str, delta: int) -> None:
    """Add `delta` to `column` (an outcome's, or "joined") of the tally row of `petition`'s type and day in the unit."""
    row, _created = OutcomeTally.objects.get_or_create(
        unit_id=unit_id, petition_type=petition.petition_type, received_on=calendar.local_date(petition.received_at)
    )
    OutcomeTally.objects.filter(pk=row.pk).update(**{column: F(column) + delta})


def _follow_lead(lead: Petition) -> None:
    """The petitions joined to `lead` take its status and its answer (as the public reads it: without the lead
    petitioner's name or contact), so their own pages and lists say the same as the group case."""
    answer = lead.public_text(lead.answer) if lead.answer else ""
    Petition.objects.filter(joined_to_id=lead.pk).exclude(
        status=lead.status, answer=answer, answered_at=lead.answered_at
    ).update(status=lead.status, answer=answer, answered_at=lead.answered_at, answered_by_id=lead.answered_by_id)


def count_joined(lead: Petition, *, delta: int) -> None:
    """One more (or one less) petitioner joined to `lead`'s case, in its tally row. Inside the join's transaction."""
    unit_id = Petition.objects.filter(pk=lead.pk).values_list("tallied_unit_id", flat=True).first()
    if unit_id is not None:
        _count(lead, unit_id=unit_id, column="joined", delta=delta)


def local_day_sql(column: str) -> str:
    """SQL of the local date (Vietnam keeps UTC+7 all year) of a datetime column."""
    if connection.vendor == "postgresql":
        return f"({column} AT TIME ZONE '{calendar.LEGAL_TZ.key}')::date"
    return f"date({column}, '+7 hours')"


@transaction.atomic
def rebuild_tally(*, groups: bool = True) -> int:
    """Count the tally again from the petitions (their outcome and unit as `keep_outcome` left them). Returns the
    number of rows. For a repair or after loading cases in bulk; takes a lock on the tally meanwhile. `groups=False`:
    before group petitions existed (the migration that first filled the tally)."""
    tally, petitions = OutcomeTally._meta.db_table, Petition._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {tally} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {tally}")  # noqa: S608 - table names only
        joined_column, joined_sum = "", ""
        if groups:
            joined_column = ", joined"
            joined_sum = f", SUM((SELECT COUNT(*) FROM {petitions} AS m WHERE m.joined_to_id = p.id))"  # noqa: S608
        cursor.execute(
            f"""
            INSERT INTO {tally} (unit_id, petition_type, received_on, in_progress, on_time, late{joined_column})
            SELECT p.tallied_unit_id, p.petition_type, {local_day_sql("p.received_at")},
                   SUM(CASE WHEN p.outcome = %s THEN 1 ELSE 0 END),
                   SUM(CASE WHEN p.outcome = %s THEN 1 ELSE 0 END),
                   SUM(CASE WHEN p.outcome = %s THEN 1 ELSE 0 END){joined_sum}
            FROM {petitions} AS p
            WHERE p.tallied_unit_id IS NOT NULL
            GROUP BY p.tallied_unit_id, p.petition_type, {local_day_sql("p.received_at")}
            """,  # noqa: S608 - table names and fixed fragments only
            [Outcome.OPEN.value, Outcome.ON_TIME.value, Outcome.LATE.value],
        )
        cursor.execute(f"SELECT COUNT(*) FROM {tally}")  # noqa: S608
        return int(cursor.fetchone()[0])
