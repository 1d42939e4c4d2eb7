"""The engine's SQL hot path reads what the ORM reads, and a save on a stale version writes nothing."""

from __future__ import annotations

import uuid

import pytest
from django.db import transaction
from django.forms.models import model_to_dict

from workflows import services, store
from workflows.models import CaseEvent, Deadline, HumanTask, WorkflowInstance

ACCEPT = {"decision": "accept"}


def fields(obj: object) -> dict[str, object]:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}  # type: ignore[attr-defined]


def test_a_task_is_read_with_its_case_as_the_orm_reads_them(submit, org):
    submit()
    expected = HumanTask.objects.select_related("instance__unit", "unit").get()

    task = store.task_with_case(expected.task_id)

    assert task is not None
    assert fields(task) == fields(expected)
    assert fields(task.instance) == fields(expected.instance)  # the state as a dict, dates as aware datetimes
    assert fields(task.unit) == fields(expected.unit) == fields(org.dong_ha)
    assert fields(task.instance.unit) == fields(expected.instance.unit)
    assert store.task_with_case(uuid.uuid4()) is None


def test_a_save_from_a_stale_state_writes_nothing_and_is_a_conflict(submit, org):
    submit()
    task = HumanTask.objects.get()
    stale = WorkflowInstance.objects.get()
    services.complete_task(task_id=task.task_id, user=org.users["alice"], data=ACCEPT)  # someone else, first
    after = {
        "case": model_to_dict(WorkflowInstance.objects.get()),
        "inbox": list(HumanTask.objects.order_by("pk").values()),
        "clocks": list(Deadline.objects.order_by("pk").values()),
        "events": CaseEvent.objects.count(),
    }

    runner, context = services.load(stale, actor=org.users["alice"])  # the state before that completion
    context.record("task_completed", "Hoàn thành: Phân loại đơn", data=ACCEPT)
    with pytest.raises(services.Conflict), transaction.atomic():
        runner.complete(task.task_id, ACCEPT)
        services._save(stale, runner, context, expected_lock_version=stale.lock_version)

    assert model_to_dict(WorkflowInstance.objects.get()) == after["case"]
    assert list(HumanTask.objects.order_by("pk").values()) == after["inbox"]
    assert list(Deadline.objects.order_by("pk").values()) == after["clocks"]
    assert CaseEvent.objects.count() == after["events"]
