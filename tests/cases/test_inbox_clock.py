"""The inbox shows each step under the legal clock of its case, and the approval step shows what is approved."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command

from tests.cases.test_journey import complete
from workflows.models import Deadline, DeadlineKind

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
COMPLAINT = {
    "petition_type": "complaint",
    "title": "Khiếu nại quyết định xử phạt vi phạm hành chính",
    "content": "Tôi khiếu nại Quyết định xử phạt số 45/QĐ-XPHC vì không có hành vi lấn chiếm vỉa hè.",
}


def at(day: str) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(9), tzinfo=HCM)


def task_of(client, code: str, element_id: str) -> dict:
    [task] = [
        t
        for t in client.get("/api/v1/inbox").json()["results"]
        if t["reference"] == code and t["element_id"] == element_id
    ]
    return dict(task)


def test_a_complaint_step_without_its_own_deadline_is_due_when_the_case_is_and_sorts_by_it(submit, client_for):
    alice, bob, carol = client_for("alice"), client_for("bob"), client_for("carol")
    with time_machine.travel(at("2026-11-02"), tick=False) as clock:
        complaint = submit(**COMPLAINT)["tracking_code"]
        complete(alice, task_of(alice, complaint, "accept_or_refuse"), {"decision": "accept", "complexity": "normal"})
        # 30 days from acceptance: 2 December. The leader's "assign" step has no deadline of its own.
        timer = Deadline.objects.get(kind=DeadlineKind.TIMER, closed_at__isnull=True)
        clock.move_to(at("2026-11-10"))
        reflection = submit()["tracking_code"]  # answer due 30 days after receipt: 10 December
        complete(alice, task_of(alice, reflection, "classify"), {"decision": "accept"})
        complete(carol, task_of(carol, reflection, "assign"), {"handler": "bob"})
        complete(bob, task_of(bob, reflection, "draft_answer"), {"answer": "Đã thay bóng đèn."})

        inbox = carol.get("/api/v1/inbox").json()["results"]
        assert [(t["reference"], t["element_id"]) for t in inbox] == [(complaint, "assign"), (reflection, "approve")]
        assign = inbox[0]
        assert assign["due_at"] is None
        assert datetime.datetime.fromisoformat(assign["legal_due_at"]) == timer.due_at
        assert timer.due_at.astimezone(HCM).date() == datetime.date(2026, 12, 2)
        assert assign["working_days_left"] > 10 and assign["badge"] == ""
        assert inbox[1]["legal_due_at"] == inbox[1]["due_at"]  # its own deadline is the nearer

        page = carol.get("/inbox/").content.decode()
        complaint_row = page[page.index(complaint) - 600 : page.index(complaint)]
        assert "02/12/2026" in complaint_row and "hạn giải quyết vụ việc" in complaint_row
        assert page.index(complaint) < page.index(reflection)


def test_the_leader_approving_an_answer_sees_the_text_being_approved(submit, client_for):
    alice, bob, carol = client_for("alice"), client_for("bob"), client_for("carol")
    code = submit()["tracking_code"]
    complete(alice, task_of(alice, code, "classify"), {"decision": "accept"})
    complete(carol, task_of(carol, code, "assign"), {"handler": "bob"})
    complete(bob, task_of(bob, code, "draft_answer"), {"answer": "Sẽ xem xét."})
    complete(carol, task_of(carol, code, "approve"), {"approval": "return", "comments": "Nêu rõ ngày sửa."})
    complete(bob, task_of(bob, code, "draft_answer"), {"answer": "Phường đã thay bóng đèn ngày 20/11."})

    page = carol.get(task_of(carol, code, "approve")["task_url"]).content.decode()
    assert "Văn bản trả lời trình duyệt" in page
    assert "Phường đã thay bóng đèn ngày 20/11." in page
    # The returned draft is not the one being approved: it shows only as struck-out words of the diff and in the
    # history, never as the text under approval.
    assert "<p>Sẽ xem xét.</p>" not in page


def test_a_complaint_whose_legal_period_ran_out_stays_overdue_in_the_inbox(submit, client_for):
    alice, carol = client_for("alice"), client_for("carol")
    with time_machine.travel(at("2026-11-02"), tick=False) as clock:
        complaint = submit(**COMPLAINT)["tracking_code"]
        complete(alice, task_of(alice, complaint, "accept_or_refuse"), {"decision": "accept", "complexity": "normal"})
        timer = Deadline.objects.get(kind=DeadlineKind.TIMER, closed_at__isnull=True)

        clock.move_to(at("2026-12-10"))  # the 30 days ended on 2 December; the worker fires the timer
        call_command("run_deadlines", "--once", verbosity=0)
        timer.refresh_from_db()
        assert timer.closed_at is not None

        assign = task_of(carol, complaint, "assign")
        assert datetime.datetime.fromisoformat(assign["legal_due_at"]) == timer.due_at
        assert assign["working_days_left"] < 0 and assign["badge"] != ""
        page = carol.get("/inbox/").content.decode()
        assert "02/12/2026" in page[page.index(complaint) - 600 : page.index(complaint)]
