"""Complaints under the law in force from 1 July 2026, as the law's own examples: remote areas (Arts. 28, 33 and
37 of the Law on Complaints), the appeal when the first period ran out without a decision (Art. 33), the written
complexity finding (Art. 3a of Decree 124/2020 as amended by Decree 155/2026), suspension, continuation and
stopping (Art. 11a, added by Law 136/2025; Arts. 28a–28b of Decree 124/2020 as amended) and the dialogue's
notice (Art. 28 of Decree 124/2020 as amended). Dates were counted by hand on the 2026 calendar."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth.models import User

from cases import complaints
from cases.models import Petition, PetitionStatus, PetitionType
from cases.services import IntakeError, appeal_petition, submit_petition
from deadlines.services import compute_due
from documents import services as documents
from documents.models import Document
from tests.processes.steps import at, clock_of, do, due_date, history, task_of
from workflows.models import CaseEvent, HumanTask, InstanceStatus
from workflows.services import WorkflowError, complete_task
from workflows.sweep import sweep

D = datetime.date


def step(case: Petition, user, data: dict, element_id: str) -> None:
    task = HumanTask.objects.open().get(instance=case.workflow_id, element_id=element_id)
    complete_task(task_id=task.task_id, user=user, data=data)


def complaint(org, *, email: str = "") -> Petition:
    return submit_petition(
        petition_type=PetitionType.COMPLAINT,
        title="Khiếu nại quyết định thu hồi đất",
        content="Tôi khiếu nại Quyết định thu hồi đất số 12/QĐ-UBND vì bồi thường không đúng diện tích.",
        commune=org.dong_ha,
        petitioner_name="Lê Thị Hoa",
        petitioner_phone="0912 000 111",
        petitioner_email=email,
    ).petition


def accepted(org, day: str, **finding) -> Petition:
    """A complaint received and accepted on `day` (an ordinary case unless a finding says otherwise)."""
    case = complaint(org)
    step(case, org.alice, {"decision": "accept", "complexity": "normal", **finding}, "accept_or_refuse")
    case.refresh_from_db()
    return case


def appeal(first: Petition) -> Petition:
    return appeal_petition(first=first, content="Tôi khiếu nại lần hai vì đã hết hạn mà chưa được giải quyết.").petition


# ---- remote areas -----------------------------------------------------------------------------------------------


def test_a_complaint_accepted_on_1_july_2026_in_a_remote_commune_is_due_45_days_later(org, processes, public):
    # given Phường Đông Hà marked by an administrator as a remote area (vùng sâu, vùng xa)
    org.dong_ha.is_remote = True
    org.dong_ha.save()
    with time_machine.travel(at("2026-07-01"), tick=False):
        # when a complaint is received and accepted on Wednesday 1 July 2026
        case = accepted(org, "2026-07-01")

    # then the resolution period is the remote-area one of Art. 28: 45 days from 2 July end on Saturday 15 August,
    # moved to Monday 17 August 2026
    resolve = clock_of(case, "resolve_clock")
    assert resolve.rule_code == "complaint.resolve.first.remote"
    assert due_date(resolve.due_at) == D(2026, 8, 17)
    assert "vùng sâu, vùng xa" in resolve.explanation
    remote = CaseEvent.objects.get(instance=case.workflow, kind="remote_area")
    assert remote.summary.endswith("đến 17/08/2026")


def test_a_complex_complaint_in_a_remote_commune_gets_the_remote_complex_period(org, processes):
    org.dong_ha.is_remote = True
    org.dong_ha.save()
    with time_machine.travel(at("2026-07-01"), tick=False):
        case = accepted(
            org,
            "2026-07-01",
            complexity="complex",
            criterion_many_people=True,
            complexity_reasons="Liên quan đến 40 hộ dân bị thu hồi đất.",
        )

    # 60 days from 2 July: Sunday 30 August, moved past the weekend and National Day (2 September) …
    resolve = clock_of(case, "resolve_clock_complex")
    assert resolve.rule_code == "complaint.resolve.first.remote.complex"
    assert (
        due_date(resolve.due_at)
        == compute_due(rule_code="complaint.resolve.first.remote.complex", start=D(2026, 7, 1)).due_date
    )


def test_a_remote_period_for_a_unit_not_marked_remote_is_refused_citing_the_article(org, processes):
    # given Phường Đông Hà and its province, neither marked remote
    # when the remote-area resolution period is asked for
    with pytest.raises(complaints.ComplaintError) as refused:
        complaints.remote_rule(rule_code="complaint.resolve.first", units=[org.dong_ha, org.province])

    # then it is refused, naming the units and the article
    assert refused.value.errors["unit"] == (
        "Phường Đông Hà, UBND tỉnh không được đánh dấu là vùng sâu, vùng xa nên không áp dụng thời hạn dành cho vùng "
        "sâu, vùng xa (Điều 28 Luật Khiếu nại); quản trị viên đánh dấu đơn vị trong trang quản trị nếu đúng là vùng "
        "sâu, vùng xa"
    )
    # and a remote appeal window the same way (Art. 33)
    with pytest.raises(complaints.ComplaintError) as appeal_refused:
        complaints.period_rule(rule_code="complaint.appeal.remote", units=[org.dong_ha])
    assert "(Điều 33 Luật Khiếu nại)" in appeal_refused.value.errors["unit"]


# ---- appeals (Art. 33) ------------------------------------------------------------------------------------------


def test_no_decision_by_the_end_of_the_period_the_citizen_may_appeal_from_the_next_day_within_30_days(
    org, processes, province_staff, public
):
    with time_machine.travel(at("2026-11-04"), tick=False) as clock:
        # given a complaint accepted on Wednesday 4 November 2026: 30 days end on Friday 4 December
        first = accepted(org, "2026-11-04")
        assert due_date(clock_of(first, "resolve_clock").due_at) == D(2026, 12, 4)

        # when the complainant appeals on the last day of the period, it is still too early (Art. 33)
        clock.move_to(at("2026-12-04", 16))
        with pytest.raises(IntakeError) as early:
            appeal(first)
        assert "Điều 33 Luật Khiếu nại" in early.value.errors["first"]

        # when no decision came and the complainant appeals on Saturday 5 December
        clock.move_to(at("2026-12-05", 10))
        sweep()
        second = appeal(first)

    # then the appeal is filed with the province, on the ground that the period ran out
    assert (second.petition_type, second.appeal_of, second.unit) == (
        PetitionType.COMPLAINT_SECOND,
        first,
        org.province,
    )
    appealed = CaseEvent.objects.get(instance=first.workflow, kind="appealed")
    # 30 days counted from 5 December end on Sunday 3 January 2027, moved to Monday 4 January
    assert (appealed.data["ground"], appealed.data["rule"], appealed.data["due"]) == (
        "no_decision",
        "complaint.appeal",
        "2027-01-04",
    )
    assert "khi hết thời hạn giải quyết lần đầu mà chưa có quyết định" in appealed.summary


def test_an_appeal_after_the_thirty_days_that_follow_an_expired_period_is_refused(org, processes, province_staff):
    with time_machine.travel(at("2026-11-04"), tick=False) as clock:
        first = accepted(org, "2026-11-04")
        clock.move_to(at("2027-01-05"))
        with pytest.raises(IntakeError) as late:
            appeal(first)

    assert late.value.errors["first"] == (
        "Đã quá thời hạn khiếu nại lần hai: 30 ngày kể từ ngày hết thời hạn giải quyết lần đầu, hết ngày 04/01/2027"
    )
    assert not Petition.objects.filter(petition_type=PetitionType.COMPLAINT_SECOND).exists()


def test_an_appeal_with_neither_a_decision_nor_an_expired_period_is_refused_citing_article_33(org, processes):
    with time_machine.travel(at("2026-11-04"), tick=False) as clock:
        first = accepted(org, "2026-11-04")
        events = CaseEvent.objects.count()
        clock.move_to(at("2026-11-20"))
        with pytest.raises(IntakeError) as refused:
            appeal(first)

    assert refused.value.errors["first"].startswith(
        "Khiếu nại lần đầu chưa có quyết định giải quyết và chưa hết thời hạn giải quyết nên chưa thể khiếu nại lần "
        "hai (Điều 33 Luật Khiếu nại"
    )
    assert CaseEvent.objects.count() == events
    assert not Petition.objects.filter(petition_type=PetitionType.COMPLAINT_SECOND).exists()


def decided(org, *, on: str) -> Petition:
    with time_machine.travel(at("2026-11-04"), tick=False) as clock:
        first = accepted(org, "2026-11-04")
        step(first, org.carol, {"handler": "bob"}, "assign")
        step(first, org.bob, {"findings": "Diện tích đo đạc đúng."}, "verify")
        clock.move_to(at(on))
        step(first, org.carol, {"outcome": "wrong", "decision": "Giữ nguyên Quyết định 12/QĐ-UBND."}, "decide")
    first.refresh_from_db()
    return first


def test_the_appeal_window_runs_from_the_recorded_day_the_decision_was_received(org, processes, province_staff):
    # given a decision issued on Friday 4 December 2026, received by post on Thursday 10 December
    first = decided(org, on="2026-12-04")
    with time_machine.travel(at("2026-12-11"), tick=False):
        complaints.record_decision_receipt(first=first, user=org.alice, received_on=D(2026, 12, 10))

    # when the complainant appeals on Monday 11 January 2027: 30 days from 11 December end on Saturday 9 January,
    # moved to Monday 11 January
    with time_machine.travel(at("2027-01-11", 20), tick=False):
        second = appeal(first)
    assert second.appeal_of == first
    appealed = CaseEvent.objects.get(instance=first.workflow, kind="appealed")
    assert (appealed.data["received_basis"], appealed.data["due"]) == ("recorded", "2027-01-11")


def test_a_complainant_in_a_remote_commune_has_45_days_to_appeal(org, processes, province_staff):
    # given a decision of 4 December 2026 in a commune marked remote (no recorded delivery: the day it was issued)
    org.dong_ha.is_remote = True
    org.dong_ha.save()
    first = decided(org, on="2026-12-04")

    # 45 days from 5 December end on Monday 18 January 2027
    with time_machine.travel(at("2027-01-18", 20), tick=False):
        appeal(first)
    appealed = CaseEvent.objects.get(instance=first.workflow, kind="appealed")
    assert (appealed.data["rule"], appealed.data["due"], appealed.data["received_basis"]) == (
        "complaint.appeal.remote",
        "2027-01-18",
        "default+0",
    )


# ---- complexity (Art. 3a of Decree 124/2020 as amended) ---------------------------------------------------------


def test_a_complex_finding_without_criteria_or_reasons_is_refused_at_acceptance(submit, client_for):
    with time_machine.travel(at("2026-11-02"), tick=False):
        code = submit(petition_type="complaint", title="Khiếu nại", content="Khiếu nại quyết định xử phạt số 45.")[
            "tracking_code"
        ]
        alice = client_for("alice")

        no_reasons = do(alice, "accept_or_refuse", {"decision": "accept", "complexity": "complex"}, expect=400)
        no_criteria = do(
            alice,
            "accept_or_refuse",
            {"decision": "accept", "complexity": "complex", "complexity_reasons": "Nhiều hộ dân liên quan."},
            expect=400,
        )

    assert "complexity_reasons" in no_reasons["errors"]
    assert "Điều 3a Nghị định số 124/2020/NĐ-CP" in no_criteria["detail"]
    assert Petition.objects.get(tracking_code=code).status == PetitionStatus.RECEIVED


def test_a_changed_complexity_finding_is_audited_and_the_due_date_recomputed(org, processes, public):
    with time_machine.travel(at("2026-11-04"), tick=False) as clock:
        # given an ordinary complaint accepted on 4 November 2026: due Friday 4 December
        case = accepted(org, "2026-11-04")
        clock.move_to(at("2026-11-10"))

        # when the leader finds it complex without reasons, it is refused and nothing changes
        with pytest.raises(complaints.ComplaintError) as refused:
            complaints.change_complexity(
                petition=case, user=org.carol, complex_case=True, criteria=["several_places"], reasons=" "
            )
        assert "Điều 3a" in refused.value.errors["reasons"]
        assert due_date(clock_of(case, "resolve_clock").due_at) == D(2026, 12, 4)

        # when the leader finds it complex with a criterion and its reasons
        complaints.change_complexity(
            petition=case,
            user=org.carol,
            complex_case=True,
            criteria=["several_places"],
            reasons="Phải xác minh tại ba thửa đất ở hai xã.",
        )

    # then 45 days apply from the same start: Saturday 19 December, moved to Monday 21 December
    resolve = clock_of(case, "resolve_clock")
    assert (resolve.rule_code, due_date(resolve.due_at)) == ("complaint.resolve.first.complex", D(2026, 12, 21))
    finding = CaseEvent.objects.get(instance=case.workflow, kind="complexity_finding")
    assert finding.actor == org.carol
    assert finding.data["criteria"] == ["several_places"] and finding.data["due_after"] == "2026-12-21"
    assert "Phải xác minh tại ba thửa đất ở hai xã." in finding.summary
    assert "Thời hạn giải quyết được tính lại: hạn mới ngày 21/12/2026" in " ".join(history(public, case.tracking_code))


# ---- suspension, continuation, stopping (Art. 11a) --------------------------------------------------------------


def test_suspended_10_days_then_continued_the_due_date_moves_10_days(org, processes, public, mailoutbox):
    with time_machine.travel(at("2026-11-04"), tick=False) as clock:
        # given a complaint accepted on 4 November 2026, due Friday 4 December
        case = accepted(org, "2026-11-04")

        # when the leader suspends it by a decision of Tuesday 10 November …
        clock.move_to(at("2026-11-10"))
        complaints.suspend_complaint(
            petition=case, user=org.carol, decided_on=D(2026, 11, 10), reason="Chờ kết quả giám định của Sở Tài nguyên."
        )
        # … the clock does not run out on 4 December while suspended …
        clock.move_to(at("2026-12-05"))
        assert sweep().acted == 0
        # … and continues it by a decision of Friday 20 November, recorded on 5 December
        complaints.continue_complaint(
            petition=case, user=org.carol, decided_on=D(2026, 11, 20), reason="Đã có kết quả giám định."
        )

    # then the ten days 10–19 November do not count: due Monday 14 December
    resolve = clock_of(case, "resolve_clock")
    assert due_date(resolve.due_at) == D(2026, 12, 14)
    assert resolve.suspensions == [["2026-11-10", "2026-11-19"]]
    suspension = CaseEvent.objects.get(instance=case.workflow, kind="suspension_decision")
    # the decision is a document the leader issued (numbered in the unit's register), sent at once: within the
    # 3 working days of complaint.suspension_notice, by Friday 13 November
    document = Document.objects.get(pk=suspension.data.pop("document_id"))
    assert (document.kind, document.state, document.number) == ("suspension", "issued", 1)
    assert "từ ngày 10/11/2026. Lý do: Chờ kết quả giám định của Sở Tài nguyên." in document.body
    assert "Căn cứ Điều 28a, 28b Nghị định số 124/2020/NĐ-CP" in document.body
    continued = Document.objects.get(kind="continuation", petition=case)
    assert continued.state == "issued" and "14/12/2026" in continued.body
    assert suspension.data == {
        "document": "suspension_decision",
        "decided_on": "2026-11-10",
        "reason": "Chờ kết quả giám định của Sở Tài nguyên.",
        "send_by": "2026-11-13",
        "sent_on": "2026-11-10",
        "sent_late": False,
    }
    continuation = CaseEvent.objects.get(instance=case.workflow, kind="continuation_decision")
    assert continuation.data["due"] == "2026-12-14"
    assert "Quyết định tiếp tục giải quyết khiếu nại ngày 20/11/2026; hạn giải quyết mới ngày 14/12/2026" in history(
        public, case.tracking_code
    )


def test_a_continuation_without_a_suspension_is_refused_citing_article_11a(org, processes):
    with time_machine.travel(at("2026-11-04"), tick=False):
        case = accepted(org, "2026-11-04")
        events = CaseEvent.objects.filter(instance=case.workflow).count()

        with pytest.raises(complaints.ComplaintError) as refused:
            complaints.continue_complaint(petition=case, user=org.carol, decided_on=D(2026, 11, 4), reason="Tiếp tục.")

    assert refused.value.errors["petition"].startswith(
        "Khiếu nại không bị tạm đình chỉ nên không có quyết định tiếp tục giải quyết (Điều 11a Luật Khiếu nại"
    )
    assert CaseEvent.objects.filter(instance=case.workflow).count() == events
    assert due_date(clock_of(case, "resolve_clock").due_at) == D(2026, 12, 4)


def test_a_stopped_complaint_ends_with_its_reason(org, processes, client_for, public):
    with time_machine.travel(at("2026-11-04"), tick=False) as clock:
        case = accepted(org, "2026-11-04")
        clock.move_to(at("2026-11-12"))

        complaints.stop_complaint(
            petition=case, user=org.carol, decided_on=D(2026, 11, 12), reason="Người khiếu nại rút toàn bộ khiếu nại."
        )

        case.refresh_from_db()
        assert case.workflow.status == InstanceStatus.COMPLETED
        assert case.answer == "Đình chỉ giải quyết khiếu nại. Lý do: Người khiếu nại rút toàn bộ khiếu nại."
        assert client_for("carol").get("/api/v1/inbox").json()["count"] == 0
        assert not case.workflow.deadlines.filter(closed_at__isnull=True).exists()
        assert history(public, case.tracking_code)[-1] == (
            "Đình chỉ giải quyết khiếu nại (quyết định ngày 12/11/2026). Lý do: Người khiếu nại rút toàn bộ khiếu nại."
        )
        stopped = CaseEvent.objects.get(instance=case.workflow, kind="stopping_decision")
        assert stopped.data["document"] == "stopping_decision" and stopped.actor == org.carol
        # the decision is the leader's document, issued and numbered, with its reason
        document = Document.objects.get(pk=stopped.data["document_id"])
        assert (document.kind, document.state) == ("stop", "issued")
        assert "Lý do: Người khiếu nại rút toàn bộ khiếu nại." in document.body and "Điều 11a" in document.body


# ---- the dialogue (Art. 28 of Decree 124/2020 as amended) --------------------------------------------------------


def test_a_dialogue_set_3_days_ahead_is_refused_and_5_days_ahead_is_notified(
    submit, client_for, public, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(at("2026-11-04"), tick=False):
        code = submit(
            petition_type="complaint",
            title="Khiếu nại",
            content="Khiếu nại quyết định xử phạt số 45.",
            petitioner_email="an.nguyen@example.vn",
        )["tracking_code"]
        do(client_for("alice"), "accept_or_refuse", {"decision": "accept", "complexity": "normal"})
        do(client_for("carol"), "assign", {"handler": "bob"})
        bob = client_for("bob")
        do(bob, "verify", {"findings": "Biên bản lập không đúng vị trí.", "dialogue_needed": True})

    with time_machine.travel(at("2026-11-11"), tick=False):
        # when on Wednesday 11 November the official sets the dialogue for Saturday 14 November
        refused = do(bob, "dialogue_invitation", {"dialogue_date": "2026-11-14", "dialogue_place": "UBND phường"}, 400)

        # then it is refused with the article and the earliest date allowed
        assert refused["detail"] == (
            "Ngày đối thoại 14/11/2026 quá gần: thông báo đối thoại phải gửi ít nhất 5 ngày trước ngày đối thoại "
            "(Điều 28 Nghị định số 124/2020/NĐ-CP, được sửa đổi, bổ sung bởi Nghị định số 155/2026/NĐ-CP: thông báo "
            "về việc đối thoại chậm nhất 05 ngày trước ngày đối thoại). Gửi thông báo hôm nay thì ngày đối thoại sớm "
            "nhất là 16/11/2026"
        )
        assert task_of(bob, "dialogue_invitation")

        # when it is set for Monday 16 November, the invitation goes out
        with django_capture_on_commit_callbacks(execute=True):
            do(bob, "dialogue_invitation", {"dialogue_date": "2026-11-16", "dialogue_place": "UBND phường"})
    invitation = CaseEvent.objects.get(instance__reference=code, kind="dialogue_invitation")
    assert invitation.data["dialogue_date"] == "2026-11-16" and invitation.data["notice_by"] == "2026-11-11"
    assert "Phường Đông Hà mời người khiếu nại đối thoại ngày 16/11/2026" in history(public, code)
    # the invitation is drafted by the handling officer and issued by the leader, who sends it
    document = Document.objects.get(pk=invitation.data["document_id"])
    assert (document.kind, document.state) == ("dialogue", "draft")
    assert "16/11/2026" in document.body and "UBND phường" in document.body
    with time_machine.travel(at("2026-11-11", 10), tick=False), django_capture_on_commit_callbacks(execute=True):
        documents.issue_document(document=document, by=User.objects.get(username="carol"))
    assert [m.subject for m in mailoutbox] == [f"[{code}] Giấy mời đối thoại số 01/GM-UBND"]


# ---- the leader's decisions through the API, in the official's language -----------------------------------------


def test_a_continuation_without_a_suspension_is_refused_in_english_through_the_api(org, processes, client_for):
    with time_machine.travel(at("2026-11-04"), tick=False):
        case = accepted(org, "2026-11-04")
        carol = client_for("carol")

        response = carol.post(
            f"/api/v1/cases/{case.pk}/complaint/continuation",
            {"decided_on": "2026-11-04", "reason": "Tiếp tục."},
            format="json",
            headers={"accept-language": "en"},
        )

    assert response.status_code == 400
    assert response.json()["errors"]["petition"].startswith(
        "The complaint is not suspended, so there is nothing to continue (Điều 11a Luật Khiếu nại"
    )
    assert not CaseEvent.objects.filter(instance=case.workflow, kind__in=["resumed", "continuation_decision"]).exists()


def test_the_leader_suspends_and_continues_a_complaint_through_the_api(org, processes, client_for):
    with time_machine.travel(at("2026-11-04"), tick=False) as clock:
        case = accepted(org, "2026-11-04")
        clock.move_to(at("2026-11-10"))
        carol = client_for("carol")
        suspended = carol.post(
            f"/api/v1/cases/{case.pk}/complaint/suspension",
            {"decided_on": "2026-11-10", "reason": "Chờ giám định."},
            format="json",
        )
        assert suspended.status_code == 200, suspended.json()
        # a handling officer may not decide it
        clock.move_to(at("2026-11-20"))
        bob = client_for("bob").post(
            f"/api/v1/cases/{case.pk}/complaint/continuation",
            {"decided_on": "2026-11-20", "reason": "x"},
            format="json",
        )
        assert bob.status_code == 403
        continued = client_for("carol").post(
            f"/api/v1/cases/{case.pk}/complaint/continuation",
            {"decided_on": "2026-11-20", "reason": "Đã có kết quả giám định."},
            format="json",
        )
        assert continued.status_code == 200, continued.json()

    # 4 December + the ten days 10–19 November: Monday 14 December
    assert due_date(clock_of(case, "resolve_clock").due_at) == D(2026, 12, 14)


def test_decision_dates_in_the_future_or_out_of_order_are_refused(org, processes):
    with time_machine.travel(at("2026-11-04"), tick=False) as clock:
        case = accepted(org, "2026-11-04")
        clock.move_to(at("2026-11-10"))
        # a suspension dated tomorrow is refused
        with pytest.raises(WorkflowError) as future:
            complaints.suspend_complaint(petition=case, user=org.carol, decided_on=D(2026, 11, 11), reason="Chờ.")
        assert "11/11/2026 ở tương lai" in str(future.value)
        complaints.suspend_complaint(petition=case, user=org.carol, decided_on=D(2026, 11, 10), reason="Chờ.")

        # a continuation dated before the suspension is refused, and the case stays suspended
        clock.move_to(at("2026-11-20"))
        with pytest.raises(WorkflowError) as backwards:
            complaints.continue_complaint(petition=case, user=org.carol, decided_on=D(2026, 11, 9), reason="Tiếp.")
    assert str(backwards.value) == "Ngày tiếp tục 09/11/2026 trước ngày tạm dừng 10/11/2026"
    assert clock_of(case, "resolve_clock").suspended_since == D(2026, 11, 10)
    assert not CaseEvent.objects.filter(instance=case.workflow, kind="continuation_decision").exists()
