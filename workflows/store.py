"""The engine's hot path in plain SQL: a task with its case in one statement, a step's writes in one round trip.

Completing a step reads the task with its case, then writes the case state, the inbox, the deadlines and the audit
trail. Through the ORM every statement is compiled and waited for in turn, which on PostgreSQL cost more than
twice the engine work itself (`bench/engine.py`: 4.4–5.8 ms a step, 2.2–2.4 ms this way). So these statements are
written out once, and on PostgreSQL a step's writes go as one psycopg pipeline: sent together, one wait.

The optimistic lock is still the case row's conditional UPDATE: its row count is read once the batch is back, and
a loser's other writes roll back with its transaction. Values go through each field's own conversions
(`get_db_prep_save`, the backend's converters), so the rows are the ones the ORM would write and read. Everything
else in the product uses the ORM.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.db import IntegrityError, connection, models

from organisation.models import Unit
from workflows.models import Deadline, DeadlinePhase, HumanTask, WorkflowInstance


@functools.cache
def _columns(model: type[models.Model]) -> tuple[models.Field[Any, Any], ...]:
    return tuple(model._meta.concrete_fields)


_q = connection.ops.quote_name


def _table(model: type[models.Model]) -> str:
    return _q(model._meta.db_table)


_JOINED: tuple[tuple[type[models.Model], str], ...] = (
    (HumanTask, "t"),
    (WorkflowInstance, "i"),
    (Unit, "u"),  # the task's unit
    (Unit, "iu"),  # the case's unit (another one while a transfer is under way)
)
TASK_WITH_CASE = (
    "SELECT "  # noqa: S608 - table and column names of our models; the one value is a placeholder
    + ", ".join(f"{alias}.{_q(field.column)}" for model, alias in _JOINED for field in _columns(model))
    + f" FROM {_table(HumanTask)} t"
    f" JOIN {_table(WorkflowInstance)} i ON i.id = t.instance_id"
    f" JOIN {_table(Unit)} u ON u.id = t.unit_id"
    f" JOIN {_table(Unit)} iu ON iu.id = i.unit_id"
    " WHERE t.task_id = %s"
)
UPDATE_CASE = (
    f"UPDATE {_table(WorkflowInstance)} SET state = %s, status = %s, completed_at = %s, updated_at = %s, "  # noqa: S608
    "unit_id = %s, lock_version = %s WHERE id = %s AND lock_version = %s"
)


@functools.cache
def _reader(
    model: type[models.Model], vendor: str
) -> tuple[list[str], list[tuple[int, Any, list[Callable[..., Any]]]]]:
    """The attribute names of a model's columns, and what the ORM's compiler applies to those that need it on this
    backend (dates on SQLite, the JSON state, …)."""
    conversions = []
    for index, field in enumerate(_columns(model)):
        column = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if converters:
            conversions.append((index, column, converters))
    return [field.attname for field in _columns(model)], conversions


def _build(model: type[models.Model], values: Sequence[Any]) -> Any:
    names, conversions = _reader(model, connection.vendor)
    converted = list(values)
    for index, column, converters in conversions:
        for convert in converters:
            converted[index] = convert(converted[index], column, connection)
    return model.from_db(connection.alias, names, converted)


def task_with_case(task_id: UUID) -> HumanTask | None:
    """The inbox row with its unit, its case and the case's unit, or None."""
    with connection.cursor() as cursor:
        cursor.execute(TASK_WITH_CASE, [_prep(HumanTask, "task_id", task_id)])
        row = cursor.fetchone()
    if row is None:
        return None
    parts: list[Any] = []
    start = 0
    for model, _ in _JOINED:
        end = start + len(_columns(model))
        parts.append(_build(model, row[start:end]))
        start = end
    task, instance, task_unit, case_unit = parts
    instance.unit = case_unit
    task.instance, task.unit = instance, task_unit
    return task


def _prep(model: type[models.Model], name: str, value: Any) -> Any:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)  # a column of ours: narrows the type
    return field.get_db_prep_value(value, connection)


@functools.cache
def _insert_sql(model: type[models.Model]) -> tuple[str, list[models.Field[Any, Any]]]:
    fields = [field for field in _columns(model) if not field.primary_key]
    return (
        f"INSERT INTO {_table(model)} ({', '.join(_q(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES ({_placeholders(fields)})",
        fields,
    )


def _insert(cursor: Any, rows: Sequence[models.Model]) -> None:
    """INSERT without RETURNING (which would wait for the answer): nothing reads these rows' ids afterwards."""
    if not rows:
        return
    sql, fields = _insert_sql(type(rows[0]))
    cursor.executemany(
        sql, [[field.get_db_prep_save(field.pre_save(row, True), connection) for field in fields] for row in rows]
    )


def _placeholders(values: Iterable[Any]) -> str:
    return ", ".join("%s" for _ in values)


def write_step(
    instance: WorkflowInstance,
    *,
    expected_lock_version: int,
    now: datetime.datetime,
    closed_tasks: Sequence[UUID],
    closed_by: User | None,
    closed_clocks: Sequence[UUID],
    new_rows: Sequence[Sequence[models.Model]],
) -> bool:
    """Write a step: the case row (only if still at `expected_lock_version`), the inbox rows and clocks that ended,
    and the new rows (inbox, deadlines, audit). False when someone else saved the case first; the caller then
    raises and its transaction rolls everything back. Ids come sorted, so concurrent writers lock rows in the
    same order."""
    case, cursor = connection.cursor(), connection.cursor()  # connected from here on
    batch = connection.connection.pipeline() if connection.vendor == "postgresql" else contextlib.nullcontext()
    saved = False
    try:
        with connection.wrap_database_errors, batch:  # the pipeline's errors surface as Django's on leaving it
            case.execute(
                UPDATE_CASE,
                [
                    _prep(WorkflowInstance, "state", instance.state),
                    instance.status,
                    _prep(WorkflowInstance, "completed_at", instance.completed_at),
                    _prep(WorkflowInstance, "updated_at", now),
                    instance.unit_id,
                    expected_lock_version + 1,
                    instance.pk,
                    expected_lock_version,
                ],
            )
            if closed_tasks:
                cursor.execute(
                    f"UPDATE {_table(HumanTask)} SET completed_at = %s, completed_by_id = %s "  # noqa: S608
                    f"WHERE completed_at IS NULL AND task_id IN ({_placeholders(closed_tasks)})",
                    [_prep(HumanTask, "completed_at", now), closed_by.pk if closed_by else None]
                    + [_prep(HumanTask, "task_id", task_id) for task_id in closed_tasks],
                )
            if closed_clocks:
                cursor.execute(
                    f"UPDATE {_table(Deadline)} SET closed_at = %s, phase = %s, next_action_at = NULL "  # noqa: S608
                    f"WHERE closed_at IS NULL AND spiff_task_id IN ({_placeholders(closed_clocks)})",
                    [_prep(Deadline, "closed_at", now), DeadlinePhase.CLOSED]
                    + [_prep(Deadline, "spiff_task_id", task_id) for task_id in closed_clocks],
                )
            for rows in new_rows:
                _insert(cursor, rows)
        saved = case.rowcount == 1  # read once the batch is back
    except IntegrityError:
        if case.rowcount != 0:
            raise
        # Someone else saved first, with the same new steps: their ids come from the state both had loaded.
    finally:
        case.close()
        cursor.close()
    return saved
