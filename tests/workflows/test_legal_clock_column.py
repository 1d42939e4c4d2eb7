"""The case's legal period is kept on each task (`HumanTask.case_due_at`, `services.refresh_legal_clock`) so the
inbox sorts by an index: after every kind of change the stored clock is what the Deadline rows say (the rule the
inbox computed per row before, kept here as the oracle)."""

from __future__ import annotations

import datetime

import time_machine
from django.db.models import DateTimeField, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Least

from cases.denunciations import find_complexity
from tests.processes.steps import at, clock_of, do, petition
from tests.processes.test_denunciation import DENUNCIATION
from workflows import services, subjects
from workflows.models import Deadline, DeadlineKind, HumanTask, WorkflowInstance
from workflows.selectors import with_legal_clock


def from_deadlines(instance: WorkflowInstance) -> dict[int, datetime.datetime | None]:
    """Each task's legal clock read from the Deadline rows, as `with_legal_clock` computed it per row."""
    running = Q(closed_at__isnull=True, suspended_since__isnull=True)
    run_out = Q(closed_at__gt=F("due_at"), instance__subject_type__in=subjects.stay_due_types())
    timers = (
        Deadline.objects.filter(running | run_out, instance=OuterRef("instance"), kind=DeadlineKind.TIMER)
        .order_by("due_at")
        .values("due_at")[:1]
    )
    case_due = Subquery(timers, output_field=DateTimeField())
    rows = HumanTask.objects.filter(instance=instance).annotate(
        expected=Least(Coalesce("due_at", case_due), Coalesce(case_due, "due_at"))
    )
    return {row.pk: row.expected for row in rows}  # type: ignore[attr-defined]


def open_case_due(instance: WorkflowInstance) -> set[datetime.datetime | None]:
    return set(HumanTask.objects.open().filter(instance=instance).values_list("case_due_at", flat=True))


def stored(instance: WorkflowInstance) -> dict[int, datetime.datetime | None]:
    tasks = with_legal_clock(HumanTask.objects.filter(instance=instance))
    return {row.pk: row.legal_due_at for row in tasks}  # type: ignore[attr-defined]


def assert_in_step(instance: WorkflowInstance, *, case_due: bool = True) -> None:
    expected = from_deadlines(instance)
    assert stored(instance) == expected
    assert (open_case_due(instance) != {None}) is case_due  # the case's timer is on its open steps, or not


def test_the_stored_legal_clock_follows_steps_suspension_extension_timers_and_transfer(org, submit, client_for):
    bob, carol = client_for("bob"), client_for("carol")
    with time_machine.travel(at("2026-03-02"), tick=False) as clock:
        code = submit(**DENUNCIATION)["tracking_code"]
        instance = petition(code).workflow
        assert_in_step(instance, case_due=False)  # no timer yet: each step's own deadline

        clock.move_to(at("2026-03-05"))
        do(bob, "classify", {"decision": "accept"})  # a step: the 30 days' timer starts
        resolve = clock_of(petition(code), "resolve_clock")
        assert_in_step(instance)
        assert open_case_due(instance) == {resolve.due_at}

        clock.move_to(at("2026-03-09"))
        instance.refresh_from_db()
        services.suspend_case(instance=instance, user=org.carol, reason="Chờ giám định")  # the clock stops
        assert_in_step(instance, case_due=False)

        clock.move_to(at("2026-03-12"))
        instance.refresh_from_db()
        services.resume_case(instance=instance, user=org.carol, reason="Đã có kết quả")  # and runs, later
        assert_in_step(instance)
        resolve.refresh_from_db()
        assert open_case_due(instance) == {resolve.due_at}

        # a denunciation is extended only once found complex in writing (Law on Denunciations, Art. 30)
        find_complexity(petition=petition(code), user=org.carol, level="complex", reasons="Xác minh ở nhiều nơi")
        asked = bob.post(f"/api/v1/deadlines/{resolve.pk}/extension-requests", {"reason": "Vụ việc phức tạp"})
        carol.post(f"/api/v1/extension-requests/{asked.json()['id']}/decision", {"approve": True})  # extended
        resolve.refresh_from_db()
        assert resolve.extensions == 1
        assert_in_step(instance)
        assert open_case_due(instance) == {resolve.due_at}

        instance.refresh_from_db()
        unit = services.competent_units(instance)[0]
        services.transfer_case(instance=instance, user=org.carol, unit=unit, reason="Đúng thẩm quyền")
        assert_in_step(instance)

        clock.move_to(resolve.due_at + datetime.timedelta(days=3))  # the period ran out: the worker fires it
        services.fire_timers(instance_id=instance.pk)
        resolve.refresh_from_db()
        assert resolve.closed_at is not None
        assert_in_step(instance, case_due=DENUNCIATION["petition_type"] in subjects.stay_due_types())


def test_a_deadline_deleted_outside_the_engine_leaves_its_steps_clock(submit):
    with time_machine.travel(at("2026-03-02"), tick=False):
        code = submit(**DENUNCIATION)["tracking_code"]
        instance = petition(code).workflow
        HumanTask.objects.filter(instance=instance).update(case_due_at=at("2026-03-03"))  # stale, say
        Deadline.objects.filter(instance=instance).delete()
        assert stored(instance) == from_deadlines(instance)
