"""First-instance complaints (khiếu nại lần đầu, Law on Complaints 2011): acceptance within the rule in force on
the day the complaint arrived, resolution within 30 (complex: 45) days of acceptance, the decision sent and
published, a refusal with its reason. Dates below were counted by hand on the 2026 calendar."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from cases.models import PetitionStatus
from tests.processes.steps import at, clock_of, do, due_date, history, petition, task_of
from workflows.models import CaseEvent, Deadline, DeadlineKind, InstanceStatus
from workflows.sweep import sweep

D = datetime.date
COMPLAINT = {
    "petition_type": "complaint",
    "title": "Khiếu nại quyết định xử phạt vi phạm hành chính",
    "content": "Tôi khiếu nại Quyết định xử phạt số 45/QĐ-XPHC vì không có hành vi lấn chiếm vỉa hè.",
}


def test_it_resolves_a_complaint_within_thirty_days_of_acceptance(
    submit, client_for, public, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(at("2026-11-02"), tick=False) as clock:
        # given a complaint received on Monday 2 November 2026
        code = submit(**COMPLAINT)["tracking_code"]
        alice, bob, carol = client_for("alice"), client_for("bob"), client_for("carol")
        # 7 working days since 1 July 2026: 3, 4, 5, 6, 9, 10 and 11 November
        assert due_date(task_of(alice, "accept_or_refuse")["due_at"]) == D(2026, 11, 11)
        assert public.get(f"/api/v1/petitions/{code}").json()["current_step"] == "Đang xem xét thụ lý khiếu nại"

        # when it is accepted on Wednesday 4 November, verified with a dialogue and decided on 1 December
        clock.move_to(at("2026-11-04"))
        do(alice, "accept_or_refuse", {"decision": "accept", "complexity": "normal"})
        status = public.get(f"/api/v1/petitions/{code}").json()
        assert status["status"] == "in_progress"
        # 30 calendar days counted from 5 November: Friday 4 December
        assert status["due_at"].startswith("2026-12-04T23:59:59")
        assert "«Giải quyết khiếu nại lần đầu» (Điều 28 Luật Khiếu nại" in status["due_explanation"]
        do(carol, "assign", {"handler": "bob", "instructions": "Xác minh biên bản vi phạm"})
        assert task_of(bob, "verify")["assignee"] == "bob"
        do(bob, "verify", {"findings": "Biên bản lập không đúng vị trí.", "dialogue_needed": True})
        do(bob, "dialogue", {"dialogue_minutes": "Hai bên thống nhất đo lại vị trí."})
        clock.move_to(at("2026-12-01"))
        with django_capture_on_commit_callbacks(execute=True):
            do(client_for("carol"), "decide", {"outcome": "partly", "decision": "Huỷ một phần Quyết định 45/QĐ-XPHC."})

        # then the complainant has the decision, it is published, and the clock stopped on time
        case = petition(code)
        assert case.status == PetitionStatus.ANSWERED and case.answer == "Huỷ một phần Quyết định 45/QĐ-XPHC."
        assert case.published_at is not None and case.workflow.status == InstanceStatus.COMPLETED
        assert history(public, code) == [
            "Đã tiếp nhận khiếu nại",
            "Khiếu nại đã được thụ lý giải quyết tại Phường Đông Hà",
            "Phường Đông Hà đã ban hành quyết định giải quyết khiếu nại lần đầu (khiếu nại đúng một phần)",
            "Quyết định giải quyết đã được công khai",
        ]
        resolve = clock_of(case, "resolve_clock")
        assert (resolve.kind, resolve.rule_code, resolve.start_date) == (
            DeadlineKind.TIMER,
            "complaint.resolve.first",
            D(2026, 11, 4),
        )
        assert due_date(resolve.due_at) == D(2026, 12, 4) and resolve.on_time is True
        assert not Deadline.objects.filter(closed_at__isnull=True).exists()
        assert [m.subject for m in mailoutbox] == [
            f"[{code}] Quyết định giải quyết khiếu nại lần đầu",
            f"[{code}] Quyết định giải quyết khiếu nại số 01/QĐ-UBND",  # the signed decision (documents/)
        ]
        assert [m.to for m in mailoutbox] == [["an.nguyen@example.vn"]] * 2
        clock.move_to(at("2026-12-07"))
        assert sweep().acted == 0  # a decided complaint is never reported overdue


def test_a_complex_complaint_gets_forty_five_days_and_its_leader_is_told_when_they_run_out(submit, client_for, public):
    with time_machine.travel(at("2026-11-02"), tick=False) as clock:
        # given a complex complaint accepted on Wednesday 4 November 2026
        code = submit(**COMPLAINT)["tracking_code"]
        alice, carol = client_for("alice"), client_for("carol")
        clock.move_to(at("2026-11-04"))
        do(alice, "accept_or_refuse", {"decision": "accept", "complexity": "complex"})
        do(carol, "assign", {"handler": "bob"})
        case = petition(code)
        # 45 days from 5 November end on Saturday 19 December, moved to Monday 21 December
        resolve = clock_of(case, "resolve_clock_complex")
        assert resolve.rule_code == "complaint.resolve.first.complex"
        assert due_date(resolve.due_at) == D(2026, 12, 21)
        assert not Deadline.objects.filter(element_id="resolve_clock").exists()

        # when the last day passes without a decision
        clock.move_to(at("2026-12-21", 23))
        assert sweep().acted == 0
        clock.move_to(at("2026-12-22", 0, 10))
        assert sweep().acted == 1

        # then the unit's leader is told, the public sees it, and the case goes on
        overdue = CaseEvent.objects.get(instance=case.workflow, kind="overdue")
        assert overdue.data == {
            "due": "2026-12-21",
            "rule": "complaint.resolve.first.complex",
            "to": ["carol"],
            "level": 1,
        }
        assert (
            "Đã hết thời hạn giải quyết theo quy định (ngày 21/12/2026); Phường Đông Hà tiếp tục giải quyết"
            in history(public, code)
        )
        resolve.refresh_from_db()
        assert resolve.closed_at is not None and resolve.on_time is False
        do(client_for("bob"), "verify", {"findings": "Đã xác minh tại ba địa điểm."})
        do(client_for("carol"), "decide", {"outcome": "wrong", "decision": "Giữ nguyên Quyết định 45/QĐ-XPHC."})
        assert petition(code).status == PetitionStatus.ANSWERED
        assert sweep().acted == 0


def test_a_refusal_tells_the_complainant_why(submit, client_for, public):
    with time_machine.travel(at("2026-11-02"), tick=False):
        # given a complaint
        code = submit(**COMPLAINT)["tracking_code"]
        alice = client_for("alice")

        # when it is refused, first without a reason, then with one
        body = do(alice, "accept_or_refuse", {"decision": "refuse"}, expect=400)
        assert "reason" in body["errors"]
        do(alice, "accept_or_refuse", {"decision": "refuse", "reason": "Đã quá thời hiệu khiếu nại 90 ngày (Điều 9)."})

        # then the complainant sees the refusal and its reason; nothing is left to do or to time
        status = public.get(f"/api/v1/petitions/{code}").json()
        assert (status["status"], status["answer"]) == ("rejected", "Đã quá thời hiệu khiếu nại 90 ngày (Điều 9).")
        assert (
            history(public, code)[-1] == "Không thụ lý khiếu nại. Lý do: Đã quá thời hiệu khiếu nại 90 ngày (Điều 9)."
        )
        assert alice.get("/api/v1/inbox").json()["count"] == 0
        assert not Deadline.objects.filter(closed_at__isnull=True).exists()
        assert petition(code).workflow.status == InstanceStatus.COMPLETED


@pytest.mark.parametrize(
    ("received", "due", "days"),
    [
        # Wed 1, Thu 2, Fri 3, Mon 6 … Fri 10, Mon 13, Tue 14 July: ten working days (the 2011 rule)
        ("2026-06-30", D(2026, 7, 14), 10),
        # Thu 2, Fri 3, Mon 6, Tue 7, Wed 8, Thu 9, Fri 10 July: seven working days (in force from 1 July 2026)
        ("2026-07-01", D(2026, 7, 10), 7),
    ],
)
def test_acceptance_follows_the_rule_in_force_on_the_day_the_complaint_arrived(
    submit, client_for, public, received, due, days
):
    with time_machine.travel(at(received), tick=False) as clock:
        # given a complaint received on that day
        code = submit(**COMPLAINT)["tracking_code"]

        # when the rule changes while it waits
        clock.move_to(at("2026-07-06"))

        # then its acceptance is due under the rule in force on the day it arrived
        task = task_of(client_for("alice"), "accept_or_refuse")
        assert due_date(task["due_at"]) == due
        row = clock_of(petition(code), "accept_or_refuse")
        assert (
            row.start_date == D.fromisoformat(received)
            and f"{days} ngày làm việc kể từ ngày tiếp theo" in row.explanation
        )
        assert public.get(f"/api/v1/petitions/{code}").json()["due_at"].startswith(f"{due.isoformat()}T23:59:59")
