"""Second-instance complaints (khiếu nại lần hai): started only from a decided first-instance complaint, linked
to it, handled by the unit above, within 30 days of the decision; 45 (complex: 60) days to resolve."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from cases.models import Petition, PetitionStatus, PetitionType
from cases.services import IntakeError, appeal_petition, submit_petition
from tests.conftest import petition_payload
from tests.processes.steps import at, clock_of, do, due_date, history, task_of
from workflows.models import DeadlineKind, HumanTask
from workflows.services import complete_task

D = datetime.date


def step(case: Petition, user, data: dict, element_id: str) -> None:
    task = HumanTask.objects.open().get(instance=case.workflow_id, element_id=element_id)
    complete_task(task_id=task.task_id, user=user, data=data)


@pytest.fixture
def first(org, processes) -> Petition:
    """A first-instance complaint of Phường Đông Hà, received 2 November 2026 and decided on Friday 4 December."""
    with time_machine.travel(at("2026-11-02"), tick=False) as clock:
        case = submit_petition(
            petition_type=PetitionType.COMPLAINT,
            title="Khiếu nại quyết định thu hồi đất",
            content="Tôi khiếu nại Quyết định thu hồi đất số 12/QĐ-UBND vì bồi thường không đúng diện tích.",
            commune=org.dong_ha,
            petitioner_name="Lê Thị Hoa",
            petitioner_phone="0912 000 111",
        ).petition
        step(case, org.alice, {"decision": "accept", "complexity": "normal"}, "accept_or_refuse")
        step(case, org.carol, {"handler": "bob"}, "assign")
        step(case, org.bob, {"findings": "Diện tích đo đạc đúng."}, "verify")
        clock.move_to(at("2026-12-04"))
        step(case, org.carol, {"outcome": "wrong", "decision": "Giữ nguyên Quyết định 12/QĐ-UBND."}, "decide")
    case.refresh_from_db()
    assert case.status == PetitionStatus.ANSWERED
    return case


def appeal(first: Petition) -> Petition:
    return appeal_petition(
        first=first, content="Tôi không đồng ý với quyết định giải quyết lần đầu vì diện tích đo sai."
    ).petition


def test_it_appeals_a_first_instance_decision_to_the_unit_above(first, province_staff, client_for, public):
    with time_machine.travel(at("2026-12-10"), tick=False) as clock:
        # when the complainant appeals on Thursday 10 December, six days after the decision
        second = appeal(first)

        # then the second complaint is linked to the first and lands at the province, not the ward
        assert (second.petition_type, second.appeal_of, second.unit) == (
            PetitionType.COMPLAINT_SECOND,
            first,
            first.commune.parent,
        )
        assert list(first.appeals.all()) == [second] and second.petitioner_name == "Lê Thị Hoa"
        assert "Người khiếu nại đã khiếu nại lần hai lên UBND tỉnh" in history(public, first.tracking_code)
        assert client_for("alice").get("/api/v1/inbox").json()["count"] == 0
        ivan = client_for("ivan")
        # 7 working days: 11, 14, 15, 16, 17, 18 and 21 December
        assert due_date(task_of(ivan, "accept_or_refuse")["due_at"]) == D(2026, 12, 21)
        status = public.get(f"/api/v1/petitions/{second.tracking_code}").json()
        assert (status["petition_type_display"], status["handling_unit"]) == ("Khiếu nại lần hai", "UBND tỉnh")

        # when the province accepts it on Friday 11 December and resolves it with the mandatory dialogue
        clock.move_to(at("2026-12-11"))
        do(ivan, "accept_or_refuse", {"decision": "accept", "complexity": "normal"})
        resolve = clock_of(second, "resolve_clock")
        # 45 days from 12 December: 20 days of December, 25 of January → Monday 25 January 2027
        assert (resolve.kind, resolve.rule_code, due_date(resolve.due_at)) == (
            DeadlineKind.TIMER,
            "complaint.resolve.second",
            D(2027, 1, 25),
        )
        do(client_for("henry"), "assign", {"handler": "judy"})
        do(client_for("judy"), "verify", {"findings": "Đo đạc lại: thiếu 12 m²."})
        do(client_for("judy"), "dialogue_invitation", {"dialogue_date": "2026-12-21", "dialogue_place": "UBND tỉnh"})
        do(client_for("judy"), "dialogue", {"dialogue_minutes": "Người khiếu nại đồng ý kết quả đo lại."})
        clock.move_to(at("2027-01-15"))
        do(client_for("henry"), "decide", {"outcome": "partly", "decision": "Bồi thường bổ sung 12 m²."})

        # then the province's decision is sent and announced; the clock stopped in time
        status = public.get(f"/api/v1/petitions/{second.tracking_code}").json()
        assert (status["status"], status["answer"], status["answered_by"]) == (
            "answered",
            "Bồi thường bổ sung 12 m².",
            "UBND tỉnh",
        )
        assert (
            "UBND tỉnh đã ban hành quyết định giải quyết khiếu nại lần hai (khiếu nại đúng một phần)"
            in (status["history"][-2]["text"])
        )
        resolve.refresh_from_db()
        assert resolve.on_time is True


def test_an_appeal_on_the_last_day_is_accepted_and_only_once(first, province_staff):
    # given the decision sent on Friday 4 December: 30 days end on Sunday 3 January, moved to Monday 4 January
    with time_machine.travel(at("2027-01-04", 20), tick=False):
        # when the complainant appeals on the last evening, then tries again
        second = appeal(first)
        with pytest.raises(IntakeError) as again:
            appeal(first)

    # then the first appeal stands and the second is refused
    assert second.appeal_of == first
    assert "đã bị khiếu nại lần hai" in again.value.errors["first"]


def test_an_appeal_after_thirty_days_is_refused(first, province_staff):
    # when the complainant appeals on Tuesday 5 January 2027
    with time_machine.travel(at("2027-01-05"), tick=False), pytest.raises(IntakeError) as refused:
        appeal(first)

    # then it is refused with the last day, in Vietnamese and English, and nothing is stored
    assert refused.value.errors["first"] == (
        "Đã quá thời hạn khiếu nại lần hai: 30 ngày kể từ ngày nhận quyết định, hết ngày 04/01/2027"
    )
    assert not Petition.objects.filter(petition_type=PetitionType.COMPLAINT_SECOND).exists()


def test_a_complaint_without_a_decision_cannot_be_appealed(org, processes):
    with time_machine.travel(at("2026-11-02"), tick=False):
        # given a complaint still being considered
        case = submit_petition(
            petition_type=PetitionType.COMPLAINT,
            title="Khiếu nại việc cấp phép xây dựng",
            content="Tôi khiếu nại giấy phép xây dựng cấp cho nhà số 10 che lối đi chung.",
            commune=org.dong_ha,
            petitioner_name="Phan Văn Bình",
            petitioner_phone="0905 123 456",
        ).petition

        # when the complainant appeals, then it is refused
        with pytest.raises(IntakeError) as refused:
            appeal(case)
    assert "chưa có quyết định giải quyết" in refused.value.errors["first"]
    assert "chưa có quyết định giải quyết" in refused.value.errors["first"]


def test_the_public_form_cannot_start_a_second_instance_complaint(public, org, processes):
    # when someone posts a second-instance complaint to the public intake
    response = public.post("/api/v1/petitions", petition_payload(petition_type="complaint_second"), format="json")

    # then it is refused on the petition type, and the service refuses it too
    assert response.status_code == 400 and "petition_type" in response.json()["errors"]
    with pytest.raises(IntakeError) as refused:
        submit_petition(
            petition_type=PetitionType.COMPLAINT_SECOND,
            title="Khiếu nại lần hai",
            content="Khiếu nại lần hai gửi thẳng qua cổng.",
            commune=org.dong_ha,
            petitioner_name="Nguyễn Văn An",
            petitioner_phone="0912345678",
        )
    assert "petition_type" in refused.value.errors
    assert not Petition.objects.exists()
