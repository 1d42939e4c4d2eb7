"""Which period a reflection or recommendation (phản ánh, kiến nghị) is handled in.

Decree 20/2008/NĐ-CP, as amended by Decree 92/2017/NĐ-CP, governs reflections and recommendations on
administrative regulations (30 days from receipt, rule reflection.resolve); any other reflection follows the
province's own regulation (rule reflection.resolve.province, which legal staff fill in and which takes effect on
01/01/2027). The classifying officer records which it is; until the province's rule is in force, the national
period applies and the public explanation says why."""

from __future__ import annotations

import datetime
from pathlib import Path

import time_machine
from django.core.management import call_command

from bpmn import services as bpmn_services
from deadlines.models import DeadlineRule
from tests.conftest import petition_payload
from tests.processes.steps import at, clock_of, do, due_date, petition
from tests.processes.test_migration_july_2026 import publish_before, report, step
from workflows import migration
from workflows.models import CaseEvent, ProcessVersion, WorkflowInstance
from workflows.services import publish_process
from workflows.validation import validate

D = datetime.date
OTHERS = ("complaint_first", "complaint_second", "denunciation", "reception", "consultation")
PROVINCE_DECISION = "Điều 12 Quyết định số 45/2026/QĐ-UBND của Ủy ban nhân dân tỉnh: 15 ngày làm việc"


def accept_and_assign(client_for, *, on_administrative_regulation: bool | None) -> None:
    form: dict[str, object] = {"decision": "accept"}
    if on_administrative_regulation is not None:
        form["administrative_regulation"] = on_administrative_regulation
    do(client_for("alice"), "classify", form)
    do(client_for("carol"), "assign", {"handler": "bob"})


def status(public, code: str, language: str = "vi") -> dict:
    return public.get(f"/api/v1/petitions/{code}", HTTP_ACCEPT_LANGUAGE=language).json()


def test_a_reflection_on_an_administrative_regulation_is_due_under_decree_20_2008(submit, public, client_for):
    with time_machine.travel(at("2026-11-02"), tick=False) as clock:
        # given a reflection received on Monday 2 November 2026 about a procedure's required papers
        code = submit(title="Thủ tục cấp phép xây dựng đòi quá nhiều giấy tờ")["tracking_code"]

        # when the classifying officer finds it concerns an administrative regulation, on Tuesday 3 November
        clock.move_to(at("2026-11-03"))
        accept_and_assign(client_for, on_administrative_regulation=True)

        # then it is due 30 days from receipt, on Wednesday 2 December 2026, under Decree 20/2008 as amended
        case = petition(code)
        assert clock_of(case, "draft_answer").rule_code == "reflection.resolve"
        shown = status(public, code)
        assert due_date(shown["due_at"]) == D(2026, 12, 2)
        assert shown["due_explanation"].startswith("Hạn 02/12/2026: 30 ngày kể từ ngày tiếp theo ngày 02/11/2026")
        assert "«Xử lý phản ánh, kiến nghị về quy định hành chính và công khai kết quả»" in shown["due_explanation"]
        assert (
            "Nghị định số 20/2008/NĐ-CP, được sửa đổi, bổ sung bởi Nghị định số 92/2017/NĐ-CP"
            in (shown["due_explanation"])
        )
        assert "tỉnh" not in shown["due_explanation"]
        assert not CaseEvent.objects.filter(instance=case.workflow, kind="province_rule").exists()


def test_another_reflection_is_due_under_the_provinces_rule_once_it_is_in_force(submit, public, client_for):
    # given legal staff entered the province's regulation in December 2026, before it takes effect on 1 January 2027
    with time_machine.travel(at("2026-12-01"), tick=False):
        rule = DeadlineRule.objects.get(code="reflection.resolve.province")
        rule.citation, rule.day_kind, rule.days = PROVINCE_DECISION, "working", 15
        rule.save()

    with time_machine.travel(at("2027-01-04"), tick=False) as clock:
        # and a reflection about a blocked drain received on Monday 4 January 2027
        code = submit()["tracking_code"]

        # when the classifying officer leaves "on an administrative regulation" unticked (the default)
        clock.move_to(at("2027-01-05"))
        accept_and_assign(client_for, on_administrative_regulation=None)

        # then it is due 15 working days from receipt, on Monday 25 January 2027, under the province's decision
        case = petition(code)
        assert clock_of(case, "draft_answer").rule_code == "reflection.resolve.province"
        shown = status(public, code)
        assert due_date(shown["due_at"]) == D(2027, 1, 25)
        assert shown["due_explanation"].startswith(
            "Hạn 25/01/2027: 15 ngày làm việc kể từ ngày tiếp theo ngày 04/01/2027"
        )
        assert (
            "«Xử lý phản ánh, kiến nghị (theo quy định của tỉnh)» (Điều 12 Quyết định số 45/2026/QĐ-UBND"
            in (shown["due_explanation"])
        )
        assert "20/2008" not in shown["due_explanation"]
        english = status(public, code, "en")["due_explanation"]
        assert english.startswith("Due 25/01/2027: 15 working days counted from the day after 04/01/2027, under ")
        assert "'Handle a reflection or recommendation (province's regulation)'" in english
        assert "reflection.resolve" not in english and rule.note not in shown["due_explanation"]
        event = CaseEvent.objects.get(instance=case.workflow, kind="province_rule")
        assert event.summary.endswith("hạn 25/01/2027")


def test_before_the_provinces_rule_is_in_force_another_reflection_keeps_the_national_period_and_says_why(
    submit, public, client_for
):
    with time_machine.travel(at("2026-11-02"), tick=False) as clock:
        # given a reflection about a blocked drain received on Monday 2 November 2026
        code = submit()["tracking_code"]

        # when it is found not to concern an administrative regulation
        clock.move_to(at("2026-11-03"))
        accept_and_assign(client_for, on_administrative_regulation=False)

        # then it runs under the province's rule, which is not in force before 1 January 2027: the 30 days of Decree
        # 20/2008 apply, and the explanation says so without quoting the province's placeholder citation
        case = petition(code)
        assert clock_of(case, "draft_answer").rule_code == "reflection.resolve.province"
        shown = status(public, code)
        assert due_date(shown["due_at"]) == D(2026, 12, 2)
        sentence = shown["due_explanation"]
        assert "Nghị định số 20/2008/NĐ-CP" in sentence
        assert sentence.endswith(
            "Quy định «Xử lý phản ánh, kiến nghị (theo quy định của tỉnh)» chỉ có hiệu lực từ ngày 01/01/2027, sau "
            "ngày bắt đầu tính thời hạn, nên áp dụng thời hạn trên."
        )
        assert "[TỈNH GHI]" not in sentence
        english = status(public, code, "en")["due_explanation"]
        assert english.endswith(
            "'Handle a reflection or recommendation (province's regulation)' only takes effect on 01/01/2027, after "
            "the clock started, so the period above applies."
        )

        # and the approval step, on the same clock, says the same
        do(client_for("bob"), "draft_answer", {"answer": "Đã nạo vét cống."})
        approve = clock_of(case, "approve")
        assert (approve.rule_code, due_date(approve.due_at)) == ("reflection.resolve.province", D(2026, 12, 2))
        assert "chỉ có hiệu lực từ ngày 01/01/2027" in approve.explanation


def test_the_classifying_officer_reads_what_the_question_decides(submit, client, client_for):
    with time_machine.travel(at("2026-11-02"), tick=False):
        # given a reflection waiting to be classified
        code = submit()["tracking_code"]
        task = petition(code).workflow.tasks.open().get()

        # when the reception officer opens it
        client.force_login(task.instance.unit.memberships.get(user__username="alice").user)
        page = client.get(f"/tasks/{task.task_id}/").content.decode()

    # then the form asks whether it concerns an administrative regulation, unticked, and says what follows
    assert 'name="administrative_regulation" value="true">' in page
    assert "Phản ánh, kiến nghị về quy định hành chính" in page
    assert "Không đánh dấu: thời hạn theo quy định của tỉnh." in page


def test_running_reflections_move_to_the_version_that_asks_about_administrative_regulations(org, public):
    # given the reflection process as shipped before (every reflection under Decree 20/2008), and two reflections
    # received on Monday 2 November 2026 on it: one waiting to be classified, one being drafted
    publish_before("reflection")
    others = (f"bpmn/processes/{name}.bpmn" for name in OTHERS)
    call_command("load_processes", *others, "--effective-from", "2020-01-01", verbosity=0)
    with time_machine.travel(at("2026-11-02"), tick=False) as clock:
        waiting, drafting = (
            petition(
                public.post("/api/v1/petitions", petition_payload(title=title), format="json").json()["tracking_code"]
            )
            for title in ("Cống thoát nước bị tắc", "Thủ tục cấp phép đòi nhiều giấy tờ")
        )
        clock.move_to(at("2026-11-03"))
        step(drafting, org.alice, {"decision": "accept"}, "classify")
        step(drafting, org.carol, {"handler": "bob"}, "assign")

        # when the new version is loaded
        call_command("load_processes", "--effective-from", "2026-11-04", verbosity=0)
        new = ProcessVersion.objects.get(process_key="reflection", number=2)

        # then the dry run says both can move, keeping their steps and clocks as they are
        plans = {
            case.pk: plan
            for case in (waiting, drafting)
            for _, plan in bpmn_services.migration_report(
                target=new, instances=WorkflowInstance.objects.filter(pk=case.workflow_id)
            )
        }
        assert all(plan.can_move for plan in plans.values()), {pk: plan.reasons for pk, plan in plans.items()}
        assert report(plans[waiting.pk]) == [
            "classify: kept",
            "classify: kept reflection.transfer 2026-11-09 → reflection.transfer 2026-11-09",
        ]
        # a case classified before the question existed keeps the rule it started under
        assert report(plans[drafting.pk]) == [
            "draft_answer: kept",
            "draft_answer: kept reflection.resolve 2026-12-02 → reflection.resolve 2026-12-02",
        ]

        # when legal staff move them
        for case in (waiting, drafting):
            migration.migrate_instance(instance=case.workflow, target=new, actor=org.carol)

        # then each is on the new version with its audit entry, and the waiting one is asked the new question
        for case in (waiting, drafting):
            case.workflow.refresh_from_db()
            assert case.workflow.process_version.number == 2
            assert CaseEvent.objects.filter(instance=case.workflow, kind="migrated").count() == 1
        step(waiting, org.alice, {"decision": "accept", "administrative_regulation": False}, "classify")
        step(waiting, org.carol, {"handler": "bob"}, "assign")
        assert clock_of(waiting, "draft_answer").rule_code == "reflection.resolve.province"
        assert due_date(clock_of(waiting, "draft_answer").due_at) == D(2026, 12, 2)
        assert clock_of(drafting, "draft_answer").rule_code == "reflection.resolve"


def test_a_later_version_keeps_the_provinces_rule_of_a_running_reflection(org, submit, client_for):
    with time_machine.travel(at("2026-11-02"), tick=False) as clock:
        # given a reflection not on administrative regulations, being drafted under the province's rule
        case = petition(submit()["tracking_code"])
        clock.move_to(at("2026-11-03"))
        accept_and_assign(client_for, on_administrative_regulation=False)

        # when a later version changes only a step's wording, and the case moves to it
        xml = Path("bpmn/processes/reflection.bpmn").read_text(encoding="utf-8")
        changed = xml.replace('name="Soạn văn bản trả lời"', 'name="Soạn văn bản trả lời người gửi"')
        version = publish_process(validated=validate(changed.encode(), filename="reflection.bpmn"))
        (plan,) = (
            plan
            for _, plan in bpmn_services.migration_report(
                target=version, instances=WorkflowInstance.objects.filter(pk=case.workflow_id)
            )
        )
        migration.migrate_instance(instance=case.workflow, target=version, actor=org.carol)

    # then the clock is kept as it runs, under the province's rule the classification gave it
    assert report(plan) == [
        "draft_answer: kept",
        "draft_answer: kept reflection.resolve.province 2026-12-02 → reflection.resolve.province 2026-12-02",
    ]
    assert clock_of(case, "draft_answer").rule_code == "reflection.resolve.province"
