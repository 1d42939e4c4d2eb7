"""The audit trails (case events, process audit entries) are append-only: no bulk update or delete through the ORM,
and on PostgreSQL no UPDATE or DELETE at all, whatever code runs it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from bpmn import services as bpmn_services
from bpmn.models import ProcessAuditEntry
from organisation.models import Role, Unit
from tests.conftest import Org, make_official
from workflows.models import AppendOnlyError, CaseEvent, ProcessVersion


@pytest.fixture
def audited(submit: Callable[..., dict[str, Any]], org: Org) -> tuple[CaseEvent, ProcessAuditEntry]:
    submit()
    version = ProcessVersion.objects.get(process_key="reflection", number=1)
    legal_unit = Unit.objects.create(code="so-tu-phap", name="Sở Tư pháp", kind="sở", parent=org.province)
    lan = make_official("lan", legal_unit, Role.LEGAL_STAFF)
    bpmn_services.create_draft(author=lan, based_on=version)  # type: ignore[arg-type]
    return CaseEvent.objects.get(kind="started"), ProcessAuditEntry.objects.get()


def test_it_refuses_bulk_updates_and_deletes_of_the_audit_trails(
    audited: tuple[CaseEvent, ProcessAuditEntry],
) -> None:
    event, entry = audited
    with pytest.raises(AppendOnlyError, match="append-only"):
        CaseEvent.objects.update(summary="Sửa lịch sử")
    with pytest.raises(AppendOnlyError, match="append-only"):
        CaseEvent.objects.filter(pk=event.pk).delete()
    event.summary = "Sửa lịch sử"
    with pytest.raises(AppendOnlyError, match="append-only"):
        CaseEvent.objects.bulk_update([event], ["summary"])
    with pytest.raises(AppendOnlyError, match="append-only"):
        ProcessAuditEntry.objects.all().update(note="Sửa lịch sử")
    with pytest.raises(AppendOnlyError, match="append-only"):
        ProcessAuditEntry.objects.all().delete()

    assert CaseEvent.objects.get(pk=event.pk).summary != "Sửa lịch sử"
    assert ProcessAuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE workflows_caseevent SET summary = 'Sửa lịch sử'",
        "DELETE FROM workflows_caseevent",
        "UPDATE bpmn_processauditentry SET note = 'Sửa lịch sử'",
        "DELETE FROM bpmn_processauditentry",
    ],
)
def test_postgresql_refuses_raw_updates_and_deletes_of_the_audit_trails(
    audited: tuple[CaseEvent, ProcessAuditEntry], statement: str
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's (SQLite relies on the ORM refusing)")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)

    event, entry = audited
    assert CaseEvent.objects.get(pk=event.pk).summary != "Sửa lịch sử"
    assert ProcessAuditEntry.objects.get(pk=entry.pk).note != "Sửa lịch sử"
