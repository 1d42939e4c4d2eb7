"""Petitions recorded by officials, and the citizen reception process (tiếp công dân, Law on Citizen Reception
2013, Art. 28): the result is notified within 10 working days of the reception session, reminded, escalated."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from cases.models import Channel, Petition, PetitionStatus, PetitionType
from cases.services import IntakeError, record_petition
from documents.models import Document
from tests.processes.steps import at, do, due_date, history, task_of
from workflows.models import CaseEvent
from workflows.services import NotAllowed
from workflows.sweep import sweep

D = datetime.date


def record(org, *, by=None, **overrides) -> Petition:
    values = {
        "recorded_by": by or org.alice,
        "channel": Channel.RECEPTION,
        "petition_type": PetitionType.REFLECTION,
        "title": "Ngập nước đường Trần Hưng Đạo khi mưa lớn",
        "content": "Người dân trình bày tại buổi tiếp công dân: cống thoát nước bị tắc, mưa là ngập.",
        "commune": org.dong_ha,
        "petitioner_name": "Võ Thị Cúc",
        "petitioner_phone": "0935 222 333",
        "publish_consent": True,
    }
    values.update(overrides)
    return record_petition(**values).petition


def test_a_petition_heard_at_a_reception_session_gets_its_first_outcome_within_ten_working_days(
    org, processes, client_for, public, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(at("2026-11-02"), tick=False) as clock:
        # given a reflection recorded by the reception officer at the session of Monday 2 November 2026
        case = record(org, petitioner_email="cuc.vo@example.vn")
        assert case.workflow.process_version.process_key == "reception"
        started = CaseEvent.objects.get(instance=case.workflow, kind="started")
        assert started.summary == "Tiếp nhận phản ánh qua buổi tiếp công dân (cán bộ alice ghi nhận)"
        assert started.actor == org.alice
        # the first outcome within 10 working days (Art. 28): 3–6, 9–13 and 16 November
        classify = task_of(client_for("alice"), "classify")
        assert due_date(classify["due_at"]) == D(2026, 11, 16)

        # when it is accepted on Tuesday 3 November
        clock.move_to(at("2026-11-03"))
        with django_capture_on_commit_callbacks(execute=True):
            do(client_for("alice"), "classify", {"decision": "accept"})

        # then the citizen is told it was accepted, citing Decree 154/2026 for a reception from 1 July 2026
        notice = CaseEvent.objects.get(instance=case.workflow, kind="first_outcome")
        assert notice.data["document"] == "first_outcome_notice" and notice.data["outcome"] == "accept"
        assert "Nghị định số 154/2026/NĐ-CP" in notice.summary
        acceptance = Document.objects.get(pk=notice.data["document_id"])
        assert (acceptance.kind, acceptance.state) == ("acceptance", "draft")  # for the leader to sign
        assert "Đơn đã được thụ lý tại Phường Đông Hà" in history(public, case.tracking_code)
        assert [m.subject for m in mailoutbox] == [f"[{case.tracking_code}] Thông báo kết quả xử lý đơn"]

        # and the handling goes on under the reflection's own period (reflection.resolve: 30 days from receipt)
        do(client_for("carol"), "assign", {"handler": "bob"})
        assert due_date(task_of(client_for("bob"), "handle")["due_at"]) == D(2026, 12, 2)
        do(client_for("bob"), "handle", {"answer": "Đã nạo vét cống ngày 17/11; đường hết ngập."})
        status = public.get(f"/api/v1/petitions/{case.tracking_code}").json()
        assert (status["status"], status["answer"]) == ("answered", "Đã nạo vét cống ngày 17/11; đường hết ngập.")
        assert history(public, case.tracking_code)[-1] == "Trả lời đã được công khai"


def test_a_first_outcome_not_given_in_ten_working_days_is_escalated(org, processes, client_for):
    with time_machine.travel(at("2026-11-02"), tick=False) as clock:
        # given a reflection heard on Monday 2 November 2026 that nobody classifies
        case = record(org)

        # when the tenth working day, Monday 16 November, passes
        clock.move_to(at("2026-11-17", 0, 10))
        sweep()

        # then the unit's leader is told the first outcome is late
        overdue = CaseEvent.objects.get(instance=case.workflow, kind="overdue")
        assert (overdue.element_id, overdue.data["to"], overdue.data["level"]) == ("classify", ["carol"], 1)
        assert task_of(client_for("alice"), "classify")["badge"] == "overdue"


def test_a_petition_not_accepted_is_answered_with_its_reason(org, processes, client_for, public):
    with time_machine.travel(at("2026-11-02"), tick=False):
        case = record(org, title="Hỏi về chế độ bảo hiểm xã hội", content="Hỏi về cách tính lương hưu của tôi.")

        # a refusal without its reason is refused
        body = do(client_for("alice"), "classify", {"decision": "refuse"}, expect=400)
        assert "reason" in body["errors"]
        do(client_for("alice"), "classify", {"decision": "refuse", "reason": "Đề nghị liên hệ Bảo hiểm xã hội tỉnh."})

        status = public.get(f"/api/v1/petitions/{case.tracking_code}").json()
        assert (status["status"], status["answer"]) == ("rejected", "Đề nghị liên hệ Bảo hiểm xã hội tỉnh.")
        assert (
            history(public, case.tracking_code)[-1]
            == "Đơn không được thụ lý. Lý do: Đề nghị liên hệ Bảo hiểm xã hội tỉnh."
        )
        assert client_for("alice").get("/api/v1/inbox").json()["count"] == 0
        # the refusal is a document the reception officer drafted for the leader to sign, with its reason
        refusal = Document.objects.get(petition=case, kind="refusal")
        assert refusal.state == "draft" and "Đề nghị liên hệ Bảo hiểm xã hội tỉnh." in refusal.body


def test_a_transferred_petition_tells_the_citizen_to_whom(org, processes, client_for, public):
    with time_machine.travel(at("2026-11-02"), tick=False):
        case = record(org, title="Giấy phép xây dựng nhà số 10", content="Nhà số 10 xây quá chiều cao được cấp phép.")

        do(client_for("alice"), "classify", {"decision": "transfer", "transfer_to": "so-xay-dung"})

        notice = CaseEvent.objects.get(instance=case.workflow, kind="first_outcome")
        assert (notice.data["outcome"], notice.data["to"]) == ("transfer", "so-xay-dung")
        assert "Đơn được chuyển đến Sở Xây dựng (đơn vị có thẩm quyền)" in history(public, case.tracking_code)
        assert task_of(client_for("dave"), "classify")["unit"] == "so-xay-dung"
        # the transfer slip names the receiving unit
        slip = Document.objects.get(petition=case, kind="transfer")
        assert "Sở Xây dựng" in slip.body


@pytest.mark.parametrize(
    ("channel", "petition_type", "process"),
    [
        (Channel.RECEPTION, PetitionType.RECOMMENDATION, "reception"),
        (Channel.RECEPTION, PetitionType.COMPLAINT, "complaint_first"),  # the Law on Complaints' time limits
        (Channel.RECEPTION, PetitionType.DENUNCIATION, "denunciation"),  # and the sealed identity
        (Channel.EMAIL, PetitionType.REFLECTION, "reflection"),
        (Channel.SOCIAL, PetitionType.COMPLAINT, "complaint_first"),
        (Channel.COUNTER, PetitionType.RECOMMENDATION, "reflection"),
    ],
)
def test_a_recorded_petition_runs_the_process_of_its_type_and_channel(org, processes, channel, petition_type, process):
    case = record(org, channel=channel, petition_type=petition_type)

    assert case.workflow.process_version.process_key == process
    assert (case.channel, case.status, case.unit) == (channel, PetitionStatus.RECEIVED, org.dong_ha)


def test_only_a_reception_officer_of_the_unit_records_petitions(org, processes):
    with pytest.raises(NotAllowed):
        record(org, by=org.bob)  # a handling officer
    with pytest.raises(NotAllowed):
        record(org, by=org.grace)  # a reception officer of another commune
    with pytest.raises(IntakeError) as portal:
        record(org, channel=Channel.PORTAL)
    with pytest.raises(IntakeError) as second:
        record(org, petition_type=PetitionType.COMPLAINT_SECOND)
    with pytest.raises(IntakeError) as nameless:
        record(org, petitioner_name=" ")

    assert "channel" in portal.value.errors and "petition_type" in second.value.errors
    assert "petitioner_name" in nameless.value.errors
    assert not Petition.objects.exists()


def test_a_department_records_a_petition_about_a_commune_for_itself(org, processes, client_for):
    case = record(org, by=org.dave, unit=org.so_xay_dung, channel=Channel.COUNTER)

    assert (case.commune, case.unit) == (org.dong_ha, org.so_xay_dung)
    assert task_of(client_for("dave"), "classify")["unit"] == "so-xay-dung"


@pytest.mark.parametrize(
    ("day", "cited", "not_cited"),
    [
        ("2026-06-25", "Nghị định số 64/2014/NĐ-CP", "Nghị định số 154/2026/NĐ-CP"),  # before 1 July 2026
        ("2026-07-01", "Nghị định số 154/2026/NĐ-CP", "Nghị định số 64/2014/NĐ-CP; "),  # Decree 154/2026 replaces it
    ],
)
def test_the_first_outcome_notice_cites_the_decree_in_force_on_the_day_of_the_reception(
    org, processes, client_for, day, cited, not_cited
):
    with time_machine.travel(at(day), tick=False):
        case = record(org)
        do(client_for("alice"), "classify", {"decision": "accept"})

    notice = CaseEvent.objects.get(instance=case.workflow, kind="first_outcome")
    assert cited in notice.summary and not_cited not in notice.summary
