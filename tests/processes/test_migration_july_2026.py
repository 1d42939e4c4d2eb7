"""Running cases move to the July 2026 versions of the complaint and citizen-reception processes: first the dry
run (what each case waits at, what becomes of its clock), then the migration, case by case, with its audit entry.

The versions before are kept as fixtures (`before_july_2026/`), as they were shipped before this change."""

from __future__ import annotations

import datetime
from pathlib import Path

import time_machine
from django.core.management import call_command

from bpmn import services as bpmn_services
from cases.models import Channel, Petition, PetitionType
from cases.services import record_petition, submit_petition
from tests.processes.steps import at, clock_of, due_date
from workflows import migration
from workflows.models import CaseEvent, HumanTask, ProcessVersion, WorkflowInstance
from workflows.services import complete_task, publish_process
from workflows.validation import validate

BEFORE = Path(__file__).parent / "before_july_2026"
D = datetime.date


def publish_before(name: str) -> ProcessVersion:
    xml = (BEFORE / f"{name}.bpmn").read_bytes()
    return publish_process(validated=validate(xml, filename=f"{name}.bpmn"), effective_from=D(2020, 1, 1))


def step(case: Petition, user, data: dict, element_id: str) -> None:
    task = HumanTask.objects.open().get(instance=case.workflow_id, element_id=element_id)
    complete_task(task_id=task.task_id, user=user, data=data)


def report(plan: migration.CasePlan) -> list[str]:
    """The dry run as a legal officer reads it: one line per waiting step and per clock."""
    lines = [f"{step.element_id}: {step.outcome}" for step in plan.steps]
    for change in plan.deadlines:
        before = str(due_date(change.due_before)) if change.due_before else "—"
        after = str(due_date(change.due_after)) if change.due_after else "—"
        lines.append(
            f"{change.element_id}: {change.outcome} {change.rule_before} {before} → {change.rule_after} {after}"
        )
    return lines


def test_running_complaints_and_receptions_move_to_the_july_2026_versions_after_a_dry_run(org, db):
    # given the processes as shipped before, and cases running on them since Monday 2 November 2026
    publish_before("complaint_first")
    publish_before("reception")
    call_command(
        "load_processes",
        "bpmn/processes/complaint_second.bpmn",
        "bpmn/processes/denunciation.bpmn",
        "bpmn/processes/reflection.bpmn",
        "--effective-from",
        "2020-01-01",
        verbosity=0,
    )
    with time_machine.travel(at("2026-11-02"), tick=False) as clock:
        waiting_to_accept = submit_petition(
            petition_type=PetitionType.COMPLAINT,
            title="Khiếu nại xử phạt",
            content="Khiếu nại quyết định xử phạt 45.",
            commune=org.dong_ha,
            petitioner_name="Nguyễn Văn An",
            petitioner_phone="0912345678",
        ).petition
        at_dialogue = submit_petition(
            petition_type=PetitionType.COMPLAINT,
            title="Khiếu nại thu hồi đất",
            content="Khiếu nại quyết định thu hồi đất.",
            commune=org.dong_ha,
            petitioner_name="Lê Thị Hoa",
            petitioner_phone="0912000111",
        ).petition
        heard = record_petition(
            recorded_by=org.alice,
            channel=Channel.RECEPTION,
            petition_type=PetitionType.REFLECTION,
            title="Ngập nước đường Trần Hưng Đạo",
            content="Cống thoát nước bị tắc, mưa là ngập.",
            commune=org.dong_ha,
            petitioner_name="Võ Thị Cúc",
            petitioner_phone="0935222333",
        ).petition
        clock.move_to(at("2026-11-04"))
        step(at_dialogue, org.alice, {"decision": "accept", "complexity": "normal"}, "accept_or_refuse")
        step(at_dialogue, org.carol, {"handler": "bob"}, "assign")
        step(at_dialogue, org.bob, {"findings": "Cần đối thoại.", "dialogue_needed": True}, "verify")

        # when the July 2026 processes are loaded: a new version of each changed process
        call_command("load_processes", "--effective-from", "2026-11-04", verbosity=0)
        complaint_v2 = ProcessVersion.objects.get(process_key="complaint_first", number=2)
        reception_v2 = ProcessVersion.objects.get(process_key="reception", number=2)

        # then the dry run says every case can move, and what becomes of its steps and clocks
        plans = {
            case.tracking_code: plan
            for case, target in ((waiting_to_accept, complaint_v2), (at_dialogue, complaint_v2), (heard, reception_v2))
            for _, plan in bpmn_services.migration_report(
                target=target, instances=WorkflowInstance.objects.filter(pk=case.workflow_id)
            )
        }
        assert all(plan.can_move for plan in plans.values()), {code: p.reasons for code, p in plans.items()}
        assert report(plans[waiting_to_accept.tracking_code]) == [
            "accept_or_refuse: kept",
            "accept_or_refuse: kept complaint.accept 2026-11-11 → complaint.accept 2026-11-11",
        ]
        assert report(plans[at_dialogue.tracking_code]) == [
            "dialogue: kept",
            "resolve_clock: kept",
            "resolve_clock: kept complaint.resolve.first 2026-12-04 → complaint.resolve.first 2026-12-04",
        ]
        # the reception's classification now times the first outcome (the same 10 working days, a new citation)
        assert report(plans[heard.tracking_code]) == [
            "classify: kept",
            "classify: recomputed reception.result 2026-11-16 → reception.first_outcome 2026-11-16",
        ]
        assert ProcessVersion.objects.get(pk=waiting_to_accept.workflow.process_version_id).number == 1

        # when legal staff move them
        for case, target in ((waiting_to_accept, complaint_v2), (at_dialogue, complaint_v2), (heard, reception_v2)):
            migration.migrate_instance(instance=case.workflow, target=target, actor=org.carol)

    # then each case is on the new version with an audit entry, its clocks as planned, and it runs the new steps
    for case in (waiting_to_accept, at_dialogue, heard):
        case.refresh_from_db()
        assert case.workflow.process_version.number == 2
        assert CaseEvent.objects.filter(instance=case.workflow, kind="migrated").count() == 1
    assert clock_of(heard, "classify").rule_code == "reception.first_outcome"
    with time_machine.travel(at("2026-11-05"), tick=False):
        step(heard, org.alice, {"decision": "accept"}, "classify")
        assert CaseEvent.objects.filter(instance=heard.workflow, kind="first_outcome").exists()
        step(
            waiting_to_accept,
            org.alice,
            {
                "decision": "accept",
                "complexity": "complex",
                "criterion_long_history": True,
                "complexity_reasons": "Đã được ba cơ quan xem xét từ năm 2019.",
            },
            "accept_or_refuse",
        )
        assert CaseEvent.objects.filter(instance=waiting_to_accept.workflow, kind="complexity_finding").exists()
