"""The generic "stop / restart the clock" routes never bypass a complaint's Art. 11a decisions (Law on Complaints,
as added by Law 136/2025/QH15; Arts. 28a–28b of Decree 124/2020 as amended by Decree 155/2026): on a complaint,
first or second instance, the case's routes and the task page record the suspension or continuation decision with
its document; the engine's own route refuses and names the decision's route. A denunciation's clock decisions
through the same routes are written decisions to both parties (Law on Denunciations, Art. 34)."""

from __future__ import annotations

import datetime

import time_machine

from cases.models import Petition
from documents.models import Document
from tests.processes.steps import at, clock_of, do, due_date
from tests.processes.test_complaints_july_2026 import accepted, appeal, decided
from tests.processes.test_denunciation_2026 import DENOUNCED, DENUNCIATION, issued, labels
from workflows.models import CaseEvent, Deadline, HumanTask

D = datetime.date


def decisions(case: Petition) -> list[tuple[str, str]]:
    return [
        (event.kind, event.data["decided_on"])
        for event in CaseEvent.objects.filter(
            instance=case.workflow, kind__in=("suspension_decision", "continuation_decision")
        ).order_by("pk")
    ]


def test_the_case_routes_record_a_complaints_suspension_and_continuation_decisions(org, processes, client_for):
    with time_machine.travel(at("2026-11-04"), tick=False) as clock:
        # given a complaint accepted on Wednesday 4 November 2026, due Friday 4 December
        case = accepted(org, "2026-11-04")

        # when the leader stops its clock through the case's generic route on Tuesday 10 November …
        clock.move_to(at("2026-11-10"))
        carol = client_for("carol")
        stopped = carol.post(f"/api/v1/cases/{case.pk}/suspend", {"reason": "Chờ kết quả giám định."})
        assert stopped.status_code == 200, stopped.json()
        # … and restarts it on Friday 20 November
        clock.move_to(at("2026-11-20"))
        restarted = client_for("carol").post(f"/api/v1/cases/{case.pk}/resume", {"reason": "Đã có kết quả giám định."})
        assert restarted.status_code == 200, restarted.json()
        # and tries to restart it again
        again = client_for("carol").post(f"/api/v1/cases/{case.pk}/resume", {"reason": "Tiếp tục lần nữa."})

    # then each was the Art. 11a decision of its day, issued as a document, and the ten days 10–19 November do not
    # count: due Monday 14 December
    assert decisions(case) == [("suspension_decision", "2026-11-10"), ("continuation_decision", "2026-11-20")]
    suspension = Document.objects.get(petition=case, kind="suspension")
    continuation = Document.objects.get(petition=case, kind="continuation")
    assert suspension.state == continuation.state == "issued"
    assert "Căn cứ Điều 28a, 28b Nghị định số 124/2020/NĐ-CP" in suspension.body
    assert "14/12/2026" in continuation.body
    assert due_date(clock_of(case, "resolve_clock").due_at) == D(2026, 12, 14)
    # and a continuation without a suspension is refused with the article
    assert again.status_code == 400
    assert "Khiếu nại không bị tạm đình chỉ nên không có quyết định tiếp tục giải quyết" in str(again.json())


def test_the_task_page_records_a_complaints_suspension_and_continuation_decisions(org, processes, client):
    with time_machine.travel(at("2026-11-04"), tick=False) as clock:
        # given a complaint accepted on 4 November 2026, waiting for its leader to assign it
        case = accepted(org, "2026-11-04")
        task = HumanTask.objects.open().get(instance=case.workflow, element_id="assign")
        client.force_login(org.carol)

        # when the leader presses "Tạm dừng tính thời hạn" on the task page on 10 November
        clock.move_to(at("2026-11-10"))
        suspended = client.post(
            f"/tasks/{task.task_id}/", {"action": "suspend", "clock_reason": "Chờ kết quả giám định."}, follow=True
        )

        # then the page says a suspension decision was recorded, and it was, with its document
        assert "Đã ghi quyết định tạm đình chỉ giải quyết khiếu nại" in suspended.content.decode()
        assert decisions(case) == [("suspension_decision", "2026-11-10")]
        assert Document.objects.get(petition=case, kind="suspension").state == "issued"

        # when it presses "Tiếp tục tính thời hạn" on 20 November (signed in again: sessions last two weeks)
        clock.move_to(at("2026-11-20"))
        client.force_login(org.carol)
        resumed = client.post(
            f"/tasks/{task.task_id}/", {"action": "resume", "clock_reason": "Đã có kết quả giám định."}, follow=True
        )
        assert "Đã ghi quyết định tiếp tục giải quyết khiếu nại" in resumed.content.decode()

        # and once more, with nothing suspended
        refused = client.post(f"/tasks/{task.task_id}/", {"action": "resume", "clock_reason": "Tiếp tục lần nữa."})

    assert decisions(case) == [("suspension_decision", "2026-11-10"), ("continuation_decision", "2026-11-20")]
    assert due_date(clock_of(case, "resolve_clock").due_at) == D(2026, 12, 14)
    assert refused.status_code == 400
    assert "Khiếu nại không bị tạm đình chỉ nên không có quyết định tiếp tục giải quyết" in refused.content.decode()


def test_a_second_instance_complaints_clock_stops_by_a_decision_through_the_case_route(
    org, processes, province_staff, client_for
):
    # given a first-instance decision of 4 December 2026 and an appeal on Monday 7 December, at the province
    first = decided(org, on="2026-12-04")
    with time_machine.travel(at("2026-12-07"), tick=False):
        second = appeal(first)

        # when the province's leader stops its clock through the case's generic route
        response = client_for("henry").post(f"/api/v1/cases/{second.pk}/suspend", {"reason": "Chờ hồ sơ lần đầu."})

    # then it is the suspension decision of Art. 11a, with its document
    assert response.status_code == 200, response.json()
    assert decisions(second) == [("suspension_decision", "2026-12-07")]
    assert Document.objects.filter(petition=second, kind="suspension").exists()


def test_the_engines_own_clock_route_refuses_a_complaint_and_names_the_decision_route(org, processes, client_for):
    with time_machine.travel(at("2026-11-10"), tick=False):
        # given an accepted complaint
        case = accepted(org, "2026-11-10")

        # when the leader tries the engine's generic route, which knows no subject
        carol = client_for("carol")
        suspended = carol.post(f"/api/v1/work/{case.workflow_id}/suspend", {"reason": "Chờ kết quả giám định."})
        resumed = carol.post(f"/api/v1/work/{case.workflow_id}/resume", {"reason": "Đã có kết quả giám định."})
        english = carol.post(
            f"/api/v1/work/{case.workflow_id}/suspend",
            {"reason": "Waiting for an expert assessment."},
            headers={"accept-language": "en"},
        )

    # then both are refused, naming Art. 11a and the decision's route, and nothing changed
    assert suspended.status_code == resumed.status_code == 400
    assert suspended.json()["code"] == "complaint_decision_required"
    assert (
        "Tạm đình chỉ giải quyết khiếu nại phải bằng quyết định tạm đình chỉ (Điều 11a Luật Khiếu nại"
        in (suspended.json()["detail"])
    )
    assert f"/api/v1/cases/{case.pk}/complaint/suspension" in suspended.json()["detail"]
    assert f"/api/v1/cases/{case.pk}/complaint/continuation" in resumed.json()["detail"]
    assert english.json()["detail"].startswith(
        "A complaint's resolution is suspended only by a suspension decision (Điều 11a Luật Khiếu nại"
    )
    assert not Deadline.objects.filter(instance=case.workflow, suspended_since__isnull=False).exists()
    assert decisions(case) == []


def test_a_denunciations_clock_stopped_on_the_task_page_is_a_decision_to_both_parties(submit, client_for, client):
    with time_machine.travel(at("2026-07-01"), tick=False) as clock:
        # given a denunciation accepted on 1 July 2026, both parties notified
        code = str(submit(**DENUNCIATION)["tracking_code"])
        do(client_for("bob"), "classify", {"decision": "accept"})
        do(client_for("bob"), "notify", {"notice_method": "post", **DENOUNCED})
        case = Petition.objects.get(tracking_code=code)
        task = HumanTask.objects.open().filter(instance=case.workflow).first()
        assert task is not None

        # when the leader stops its clock on the task page on Monday 6 July
        clock.move_to(at("2026-07-06"))
        client.force_login(case.workflow.unit.memberships.get(user__username="carol").user)
        response = client.post(f"/tasks/{task.task_id}/", {"action": "suspend", "clock_reason": "Chờ giám định"})

    # then the suspension is the written decision to the denouncer and the denounced person (Art. 34)
    assert response.status_code == 302
    (suspension,) = issued(code, "suspension")
    assert labels(suspension)[:2] == [
        "Người tố cáo",
        "Người bị tố cáo: " + DENOUNCED["denounced_name"] + ", " + DENOUNCED["denounced_address"],
    ]
