"""Running denunciations move from the process as shipped before 1 July 2026 (version 1, kept as a golden file) to the
July 2026 version: first a dry-run report of what changes for each case, then the migration by legal staff; each
case then follows the new steps from where it stood, its deadlines kept."""

from __future__ import annotations

import datetime
import tempfile
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import AbstractUser
from django.core.management import call_command

from bpmn import services as bpmn_services
from documents.models import Document
from organisation.models import Role, Unit
from tests.conftest import Org, make_official, petition_payload
from tests.processes.steps import at, clock_of, due_date, petition
from workflows.models import CaseEvent, ProcessVersion

D = datetime.date
GOLDEN_V1 = Path(__file__).resolve().parent / "golden" / "denunciation_v1.bpmn"
SHIPPED = Path(__file__).resolve().parents[2] / "bpmn" / "processes" / "denunciation.bpmn"
DENOUNCED = {
    "denounced_name": "Cán bộ địa chính Phường Đông Hà",
    "denounced_address": "UBND Phường Đông Hà",
    "denounced_content": "Thu tiền ngoài quy định khi làm thủ tục cấp giấy chứng nhận.",
}


@pytest.fixture
def legal_staff(org: Org) -> AbstractUser:
    unit = Unit.objects.create(code="so-tu-phap", name="Sở Tư pháp", kind="sở", parent=org.province)
    return make_official("lan", unit, Role.LEGAL_STAFF)


def submit_on_v1(public, title: str) -> str:
    payload = petition_payload(
        petition_type="denunciation", title=title, petitioner_name="Đỗ Văn Kiên", publish_consent=False
    )
    response = public.post("/api/v1/petitions", payload, format="json")
    assert response.status_code == 201, response.json()
    return str(response.json()["tracking_code"])


def act(client, code: str, element_id: str, data: dict[str, str]) -> None:
    """Complete the step `element_id` of the case `code`, as its official would."""
    task = petition(code).workflow.tasks.open().get(element_id=element_id)
    response = client.post(f"/api/v1/tasks/{task.task_id}/complete", {"form": data}, format="json")
    assert response.status_code == 200, response.json()


def test_running_denunciations_move_to_the_july_2026_version_after_a_dry_run_report(
    org, public, client_for, legal_staff
):
    # given the process as it was shipped before 1 July 2026, and five denunciations at different steps
    call_command("load_processes", str(GOLDEN_V1), "--effective-from", "2020-01-01", verbosity=0)
    with time_machine.travel(at("2026-06-22"), tick=False):
        bob, carol = client_for("bob"), client_for("carol")
        waiting = submit_on_v1(public, "Chờ phân loại")
        transferring = submit_on_v1(public, "Chờ ký chuyển đơn")
        act(bob, transferring, "classify", {"decision": "transfer"})
        notifying = submit_on_v1(public, "Chờ thông báo thụ lý")
        act(bob, notifying, "classify", {"decision": "accept"})
        verifying = submit_on_v1(public, "Đang xác minh")
        act(bob, verifying, "classify", {"decision": "accept"})
        act(bob, verifying, "notify", {"notice_method": "post"})  # version 1: the denouncer's notice alone
        act(carol, verifying, "assign", {"handler": "bob"})
        concluding = submit_on_v1(public, "Chờ kết luận")
        act(bob, concluding, "classify", {"decision": "accept"})
        act(bob, concluding, "notify", {"notice_method": "post"})
        act(carol, concluding, "assign", {"handler": "bob"})
        act(bob, concluding, "verify", {"findings": "Có thu thêm tiền."})
    codes = [waiting, transferring, notifying, verifying, concluding]
    before = {code: clock_of(petition(code), "resolve_clock").due_at for code in codes[2:]}

    # when the July 2026 version is published (what `load_processes` does on deploy)
    call_command("load_processes", str(SHIPPED), "--effective-from", "2026-07-01", verbosity=0)
    target = ProcessVersion.objects.get(process_key="denunciation", number=2)

    # then the dry-run report says, for each running case, that it can move and where it waits; it changes nothing
    with time_machine.travel(at("2026-07-01"), tick=False):
        report = {
            instance.reference: plan
            for instance, plan in bpmn_services.migration_report(
                target=target, instances=bpmn_services.running_cases_to_move(target)
            )
        }
    assert sorted(report) == sorted(codes)
    assert all(plan.can_move for plan in report.values()), {code: plan.reasons for code, plan in report.items()}
    waits = {code: sorted(step.element_id for step in plan.steps) for code, plan in report.items()}
    assert waits == {
        waiting: ["classify"],
        transferring: ["prepare_transfer"],
        notifying: ["assign", "notify", "resolve_clock"],
        verifying: ["conclusion_join", "resolve_clock", "verify"],
        concluding: ["conclude", "resolve_clock"],
    }
    # the acceptance notice now also asks for the denounced person (its form changed); every deadline is kept
    (notify_step,) = [step for step in report[notifying].steps if step.element_id == "notify"]
    assert notify_step.outcome == "kept" and notify_step.changed
    assert {change.outcome for plan in report.values() for change in plan.deadlines} == {"kept"}
    assert {petition(code).workflow.process_version.number for code in codes} == {1}

    # when legal staff move them
    with time_machine.travel(at("2026-07-01"), tick=False):
        outcomes = bpmn_services.migrate_cases(
            target=target, user=legal_staff, instance_ids=[petition(code).workflow_id for code in codes]
        )
    assert [outcome.moved for outcome in outcomes] == [True] * 5

    # then each case is on version 2 with one audit entry, its legal clock unchanged
    for code in codes:
        case = petition(code)
        assert case.workflow.process_version.number == 2
        assert CaseEvent.objects.filter(instance=case.workflow, kind="migrated").count() == 1
    assert {code: clock_of(petition(code), "resolve_clock").due_at for code in codes[2:]} == before

    # and each follows the new steps from where it stood
    with time_machine.travel(at("2026-07-02"), tick=False):
        bob, carol = client_for("bob"), client_for("carol")
        # the transfer now tells the denouncer to whom (Art. 24)
        act(carol, transferring, "prepare_transfer", {"transfer_to": "so-xay-dung"})
        assert CaseEvent.objects.filter(instance=petition(transferring).workflow, kind="denouncer_told_of_transfer")
        # the acceptance notice now goes to the denounced person too (Art. 29)
        act(bob, notifying, "notify", {"notice_method": "post", **DENOUNCED})
        assert CaseEvent.objects.filter(instance=petition(notifying).workflow, kind="denounced_notified").exists()
        # a case past its notices when it moved reaches the conclusion once verified
        act(bob, verifying, "verify", {"findings": "Không có căn cứ."})
        assert petition(verifying).workflow.tasks.open().filter(element_id="conclude").exists()
        # and its denounced person, never told under version 1, is told by hand, once, without the denouncer
        url = f"/api/v1/cases/{petition(verifying).pk}/denunciation/content-notice"
        notice = {"name": DENOUNCED["denounced_name"], "address": DENOUNCED["denounced_address"]}
        named = bob.post(url, {**notice, "content": "Ông Đỗ Văn Kiên phản ánh việc thu tiền"})
        assert named.status_code == 400 and "danh tính" in named.json()["detail"]
        assert bob.post(url, {**notice, "content": DENOUNCED["denounced_content"]}).status_code == 200
        assert bob.post(url, {**notice, "content": DENOUNCED["denounced_content"]}).status_code == 409
        (content_notice,) = Document.objects.filter(petition=petition(verifying), kind="denounced_notice")
        assert DENOUNCED["denounced_content"] in content_notice.body and "Đỗ Văn Kiên" not in content_notice.body
        # and a conclusion is now followed by its handling, due in 7 working days (Art. 36): 3, 6–10, 13 July
        act(carol, concluding, "conclude", {"outcome": "unfounded", "conclusion": "Tố cáo sai."})
        case = petition(concluding)
        handling = clock_of(case, "handle_conclusion")
        assert (handling.rule_code, due_date(handling.due_at)) == ("denunciation.conclusion_handling", D(2026, 7, 13))
        assert clock_of(case, "resolve_clock").closed_at is not None


def test_a_case_past_a_branch_that_gains_a_step_before_a_join_is_refused_by_the_dry_run(org, public, client_for):
    # given a denunciation under version 1, notified and waiting for its verification at the join
    call_command("load_processes", str(GOLDEN_V1), "--effective-from", "2020-01-01", verbosity=0)
    with time_machine.travel(at("2026-06-22"), tick=False):
        code = submit_on_v1(public, "Đang xác minh")
        act(client_for("bob"), code, "classify", {"decision": "accept"})
        act(client_for("bob"), code, "notify", {"notice_method": "post"})
        act(client_for("carol"), code, "assign", {"handler": "bob"})

    # when a version puts the denounced person's notice after the denouncer's, right before the join (so the join
    # waits for a step the case never ran)
    xml = SHIPPED.read_text()
    for old, new in [
        (
            'id="flow_notified" sourceRef="notify" targetRef="denounced_notice"',
            'id="flow_notified" sourceRef="notify" targetRef="denouncer_notice"',
        ),
        (
            'id="flow_denounced_notified" sourceRef="denounced_notice" targetRef="denouncer_notice"',
            'id="flow_denounced_notified" sourceRef="denounced_notice" targetRef="conclusion_join"',
        ),
        (
            'id="flow_notice_recorded" sourceRef="denouncer_notice" targetRef="conclusion_join"',
            'id="flow_notice_recorded" sourceRef="denouncer_notice" targetRef="denounced_notice"',
        ),
        (
            "<bpmn:incoming>flow_denounced_notified</bpmn:incoming>\n      <bpmn:outgoing>flow_notice_recorded",
            "<bpmn:incoming>flow_notified</bpmn:incoming>\n      <bpmn:outgoing>flow_notice_recorded",
        ),
        (
            "<bpmn:incoming>flow_notified</bpmn:incoming>\n      <bpmn:outgoing>flow_denounced_notified",
            "<bpmn:incoming>flow_notice_recorded</bpmn:incoming>\n      <bpmn:outgoing>flow_denounced_notified",
        ),
        (
            "<bpmn:incoming>flow_notice_recorded</bpmn:incoming>\n      <bpmn:incoming>flow_verification_checked",
            "<bpmn:incoming>flow_denounced_notified</bpmn:incoming>\n      <bpmn:incoming>flow_verification_checked",
        ),
    ]:
        assert xml.count(old) == 1, old
        xml = xml.replace(old, new)
    other = Path(tempfile.mkdtemp()) / "denunciation.bpmn"
    other.write_text(xml)
    call_command("load_processes", str(other), "--effective-from", "2026-07-01", verbosity=0)
    target = ProcessVersion.objects.get(process_key="denunciation", number=2)

    # then the dry run refuses to move the case, saying why, and the case stays where it was
    ((instance, plan),) = bpmn_services.migration_report(
        target=target, instances=bpmn_services.running_cases_to_move(target)
    )
    assert instance.reference == code and plan.can_move is False
    assert any("conclusion_join" in reason and "không đi tiếp được" in reason for reason in plan.reasons), plan.reasons
