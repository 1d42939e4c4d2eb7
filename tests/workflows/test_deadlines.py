"""Legal deadlines running on cases, with frozen time: reminders, escalation, stop-the-clock, extensions,
the public clock that explains itself, and a worker that does each step exactly once."""

from __future__ import annotations

import datetime
import threading
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from deadlines.models import DeadlineRule
from notifications.models import Message, MessageKind
from tests.cases.test_journey import complete, only_task
from workflows import sweep as sweep_module
from workflows.models import CaseEvent, Deadline, DeadlinePhase, EscalationTarget
from workflows.services import publish_process
from workflows.sweep import sweep
from workflows.validation import BpmnInvalid, validate

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
REFLECTION = (Path(__file__).resolve().parents[2] / "bpmn" / "processes" / "reflection.bpmn").read_text("utf-8")
CLASSIFY_RULE = '<spiffworkflow:property name="deadline_rule" value="reflection.transfer" />'


def at(day: str, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour, minute), tzinfo=HCM)


def events(kind: str) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(kind=kind).order_by("pk"))


@pytest.fixture
def clock():
    with time_machine.travel(at("2026-11-02"), tick=False) as traveller:
        yield traveller


def test_a_step_is_reminded_then_escalated_to_the_leader_then_to_the_level_above(
    submit, public, clock, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    def sweep_and_mail() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return sweep().acted

    code = submit()["tracking_code"]
    row = Deadline.objects.get()
    assert (row.rule_code, row.due_at) == (
        "reflection.transfer",
        at("2026-11-09", 23, 59).replace(second=59, microsecond=999999),
    )
    assert row.phase == DeadlinePhase.REMIND and row.remind_at == at("2026-11-05", 8)
    assert only_task(client_for("alice"))["due_at"].startswith("2026-11-09T23:59:59")

    clock.move_to(at("2026-11-04", 12))
    assert sweep().acted == 0
    clock.move_to(at("2026-11-05"))
    assert sweep_and_mail() == 1
    assert [e.data["to"] for e in events("deadline_reminder")] == [["alice"]]
    assert [m.to for m in mailoutbox if "Nhắc hạn" in m.subject] == [["alice@langnghe.test"]]
    assert sweep().acted == 0  # nothing is done twice

    clock.move_to(at("2026-11-10", 0, 10))
    sweep_and_mail()
    assert [(e.data["to"], e.data["level"]) for e in events("overdue")] == [(["carol"], 1)]

    clock.move_to(at("2026-11-16", 20))  # five working days after the due date, not yet over
    assert sweep().acted == 0
    clock.move_to(at("2026-11-17", 0, 5))
    sweep_and_mail()
    assert [(e.data["to"], e.data["level"]) for e in events("very_overdue")] == [(["henry"], 2)]
    assert [m.to for m in mailoutbox if "Quá hạn" in m.subject] == [["carol@langnghe.test"], ["henry@langnghe.test"]]
    assert Deadline.objects.get().phase == DeadlinePhase.VERY_OVERDUE
    assert sweep().acted == 0
    assert public.get(f"/api/v1/petitions/{code}").json()["due_at"].startswith("2026-11-09")


def test_the_public_clock_explains_its_due_date(submit, public, clock):
    status = public.get(f"/api/v1/petitions/{submit()['tracking_code']}").json()

    assert status["due_at"].startswith("2026-11-09T23:59:59")
    sentence = status["due_explanation"]
    assert "09/11/2026" in sentence and "5 ngày làm việc" in sentence and "reflection.transfer" not in sentence
    assert "Nghị định số 20/2008/NĐ-CP" in sentence and "2 ngày cuối tuần" in sentence


def test_the_public_status_explains_the_due_date_in_plain_english_and_plain_vietnamese(submit, public, client, clock):
    # given a reflection received on Monday 2 November 2026 (5 working days to classify or transfer)
    code = submit()["tracking_code"]

    # when a citizen reads its status in English, through the API and on the status page, and in Vietnamese
    english = public.get(f"/api/v1/petitions/{code}", HTTP_ACCEPT_LANGUAGE="en").json()["due_explanation"]
    english_page = client.get(f"/track/{code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    vietnamese_page = client.get(f"/track/{code}/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()

    # then each names the rule and its citation, with dd/mm/yyyy dates, and no rule code nor internal note
    assert english.startswith("Due 09/11/2026: 5 working days counted from the day after 02/11/2026, under 'Transfer")
    assert "Due 09/11/2026: 5 working days" in english_page
    assert "Hạn 09/11/2026: 5 ngày làm việc kể từ ngày tiếp theo ngày 02/11/2026" in vietnamese_page
    rule = DeadlineRule.objects.filter(code="reflection.transfer").order_by("-effective_from").first()
    assert rule is not None and rule.note
    for text in (english, english_page, vietnamese_page):
        assert "reflection.transfer" not in text and rule.note not in text


def test_finishing_a_step_closes_its_clock_and_starts_the_next(submit, clock, client_for):
    submit()
    clock.move_to(at("2026-11-03"))
    complete(client_for("alice"), only_task(client_for("alice")), {"decision": "accept"})
    complete(client_for("carol"), only_task(client_for("carol")), {"handler": "bob"})

    classify = Deadline.objects.get(element_id="classify")
    assert classify.closed_at is not None and classify.on_time is True
    draft = Deadline.objects.get(element_id="draft_answer")
    # Not on an administrative regulation (the default): the province's rule, not in force before 1 January 2027,
    # so Decree 20/2008's 30 calendar days counted from the day after the case was received (2 Nov) → 2 Dec.
    assert draft.rule_code == "reflection.resolve.province" and draft.start_date == datetime.date(2026, 11, 2)
    assert draft.due_at.astimezone(HCM).date() == datetime.date(2026, 12, 2)
    clock.move_to(at("2026-11-10"))
    assert sweep().acted == 0  # the closed clock of classify never escalates


def test_stop_the_clock_moves_the_due_date_by_the_suspended_working_days(submit, public, clock, client_for):
    code = submit()["tracking_code"]
    case_id = Deadline.objects.get().instance.petition.pk
    carol, alice = client_for("carol"), client_for("alice")

    clock.move_to(at("2026-11-03"))
    assert alice.post(f"/api/v1/cases/{case_id}/suspend", {"reason": "Chờ kết quả giám định"}).status_code == 403
    assert carol.post(f"/api/v1/cases/{case_id}/suspend", {"reason": "Chờ kết quả giám định"}).status_code == 200
    status = public.get(f"/api/v1/petitions/{code}").json()
    assert status["suspended"] is True and status["due_at"] is None
    assert any("Tạm dừng tính thời hạn giải quyết từ ngày 03/11/2026" in h["text"] for h in status["history"])
    again = carol.post(f"/api/v1/cases/{case_id}/suspend", {"reason": "lần nữa thôi"})
    assert again.status_code == 409
    assert again.json()["detail"] == "Hồ sơ đang tạm dừng tính thời hạn"
    again = carol.post(f"/api/v1/cases/{case_id}/suspend", {"reason": "lần nữa thôi"}, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 409
    assert again.json() == {"code": "conflict", "detail": "The case's time limit is already suspended"}

    clock.move_to(at("2026-11-05"))
    assert sweep().acted == 0  # no reminder while the clock is stopped

    clock.move_to(at("2026-11-06"))
    assert carol.post(f"/api/v1/cases/{case_id}/resume", {"reason": "Đã có kết quả giám định"}).status_code == 200
    row = Deadline.objects.get()
    assert row.suspensions == [["2026-11-03", "2026-11-05"]]
    # 3, 4 and 5 Nov did not count: the five working days are 6, 9, 10, 11 and 12 Nov.
    assert row.due_at.astimezone(HCM).date() == datetime.date(2026, 11, 12)
    status = public.get(f"/api/v1/petitions/{code}").json()
    assert status["suspended"] is False and status["due_at"].startswith("2026-11-12")
    assert any(h["text"].startswith("Tiếp tục giải quyết; hạn mới 12/11/2026") for h in status["history"])

    body = carol.post(f"/api/v1/cases/{case_id}/resume", {"reason": "không có gì để tiếp tục"}).json()
    assert "Hồ sơ không bị tạm dừng" in body["detail"]
    body = carol.post(
        f"/api/v1/cases/{case_id}/resume", {"reason": "không có gì để tiếp tục"}, HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert body["detail"] == "The case is not suspended, so it cannot be resumed"


def test_an_extension_is_asked_for_approved_by_a_leader_and_capped_by_the_rule(submit, public, clock, client_for):
    DeadlineRule.objects.filter(code="reflection.transfer").update(max_extensions=1, extension_days=5)
    code = submit()["tracking_code"]
    row = Deadline.objects.get()
    alice, carol = client_for("alice"), client_for("carol")

    asked = alice.post(
        f"/api/v1/deadlines/{row.pk}/extension-requests", {"reason": "Cần xác minh thêm tại hiện trường"}
    )
    assert asked.status_code == 201
    request_id = asked.json()["id"]
    assert alice.post(f"/api/v1/extension-requests/{request_id}/decision", {"approve": True}).status_code == 403
    decided = carol.post(f"/api/v1/extension-requests/{request_id}/decision", {"approve": True, "note": "Đồng ý"})
    assert decided.status_code == 200 and decided.json()["status"] == "approved"

    row.refresh_from_db()
    # Five more working days after 9 Nov: 10, 11, 12, 13 and 16 Nov.
    assert row.extensions == 1 and row.due_at.astimezone(HCM).date() == datetime.date(2026, 11, 16)
    status = public.get(f"/api/v1/petitions/{code}").json()
    assert status["due_at"].startswith("2026-11-16")
    assert any("gia hạn đến ngày 16/11/2026" in h["text"] for h in status["history"])

    refused = alice.post(f"/api/v1/deadlines/{row.pk}/extension-requests", {"reason": "Xin thêm lần nữa"})
    assert refused.status_code == 400
    assert "1" in refused.json()["detail"] and "/" in refused.json()["detail"]  # Vietnamese / English
    row.refresh_from_db()
    assert row.extensions == 1


def test_a_crash_between_claim_and_commit_loses_nothing_and_repeats_nothing(submit, clock, monkeypatch):
    for _ in range(3):
        submit()
    clock.move_to(at("2026-11-05"))

    def crash() -> None:
        raise RuntimeError("worker killed before commit")

    monkeypatch.setattr(sweep_module, "before_commit", crash)
    with pytest.raises(RuntimeError):
        sweep()
    assert events("deadline_reminder") == []
    assert Deadline.objects.filter(phase=DeadlinePhase.REMIND).count() == 3
    assert not Message.objects.filter(kind=MessageKind.DEADLINE_REMINDER).exists()  # no notice of undone work

    monkeypatch.setattr(sweep_module, "before_commit", lambda: None)
    assert sweep().acted == 3
    assert len(events("deadline_reminder")) == 3
    assert sweep().acted == 0
    assert Message.objects.filter(kind=MessageKind.DEADLINE_REMINDER).count() == 3


def test_the_worker_command_does_one_sweep(submit, clock):
    submit()
    clock.move_to(at("2026-11-05"))
    out = StringIO()
    call_command("run_deadlines", "--once", stdout=out)
    assert out.getvalue().startswith("deadlines: 1 done (remind 1), 0 failed")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps seeded rules and bindings
def test_two_workers_at_once_act_on_each_row_exactly_once(org, processes, public):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent workers need PostgreSQL (SQLite runs one writer at a time)")
    from cases.services import submit_petition

    with time_machine.travel(at("2026-11-02"), tick=False) as traveller:
        for i in range(40):
            submit_petition(
                petition_type="reflection",
                title=f"Phản ánh số {i}",
                content="Đèn đường hỏng đã hai tuần.",
                commune=org.dong_ha,
                petitioner_name="Nguyễn Văn An",
                petitioner_phone="0912345678",
            )
        traveller.move_to(at("2026-11-05"))
        results = []

        def work() -> None:
            try:
                results.append(sweep(batch_size=5).acted)
            finally:
                connection.close()

        workers = [threading.Thread(target=work) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)

    assert sum(results) == 40
    reminded = CaseEvent.objects.filter(kind="deadline_reminder").values_list("instance_id", flat=True)
    assert len(reminded) == 40 and len(set(reminded)) == 40


def with_classify_properties(**properties: str) -> str:
    """The reflection process with extra extension properties on its `classify` task."""
    extra = "".join(f'<spiffworkflow:property name="{name}" value="{value}" />' for name, value in properties.items())
    assert CLASSIFY_RULE in REFLECTION
    return REFLECTION.replace(CLASSIFY_RULE, CLASSIFY_RULE + extra, 1)


def test_a_step_can_remind_earlier_and_escalate_straight_to_the_level_above(
    submit, processes, clock, django_capture_on_commit_callbacks, mailoutbox
):
    validated = validate(with_classify_properties(remind_before="1", escalate_to="parent_leader"))
    publish_process(validated=validated, effective_from=datetime.date(2020, 1, 1))  # the newest version

    submit()
    row = Deadline.objects.get()
    assert (row.remind_before_days, row.escalate_to) == (1, EscalationTarget.PARENT_LEADER)
    # Due on Monday 9 Nov as before; one working day before is Friday 6 Nov (the rule says two: 5 Nov).
    assert row.due_at.astimezone(HCM).date() == datetime.date(2026, 11, 9)
    assert row.phase == DeadlinePhase.REMIND and row.remind_at == at("2026-11-06", 8)

    clock.move_to(at("2026-11-05"))
    assert sweep().acted == 0
    clock.move_to(at("2026-11-06"))
    assert sweep().acted == 1
    assert [e.data["to"] for e in events("deadline_reminder")] == [["alice"]]

    clock.move_to(at("2026-11-10", 0, 10))
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
    overdue = events("overdue")
    assert [(e.data["to"], e.data["level"]) for e in overdue] == [(["henry"], 1)]  # not carol
    assert "cấp trên của Phường Đông Hà" in overdue[0].summary
    assert [m.to for m in mailoutbox if "Quá hạn" in m.subject] == [["henry@langnghe.test"]]

    clock.move_to(at("2026-11-17", 0, 5))
    sweep()
    assert [(e.data["to"], e.data["level"]) for e in events("very_overdue")] == [(["henry"], 2)]


def test_a_reminder_is_never_before_the_day_after_the_start_and_survives_a_recomputation(
    submit, processes, clock, client_for
):
    publish_process(
        validated=validate(with_classify_properties(remind_before="30")), effective_from=datetime.date(2020, 1, 1)
    )
    submit()
    row = Deadline.objects.get()
    assert row.escalate_to == EscalationTarget.UNIT_LEADER  # the default
    assert row.remind_at == at("2026-11-03", 8)  # 30 working days before 9 Nov, kept after the 2 Nov start

    DeadlineRule.objects.filter(code="reflection.transfer").update(max_extensions=1, extension_days=5)
    asked = client_for("alice").post(f"/api/v1/deadlines/{row.pk}/extension-requests", {"reason": "Cần xác minh"})
    decided = client_for("carol").post(f"/api/v1/extension-requests/{asked.json()['id']}/decision", {"approve": True})
    assert decided.status_code == 200
    row.refresh_from_db()
    assert row.due_at.astimezone(HCM).date() == datetime.date(2026, 11, 16)
    assert row.remind_before_days == 30 and row.remind_at == at("2026-11-03", 8)


def test_a_minimum_notice_rule_is_refused_as_a_step_s_clock(db):
    # given the reflection process with its classify step timed by the dialogue notice (5 days BEFORE the dialogue)
    xml = REFLECTION.replace(
        CLASSIFY_RULE, CLASSIFY_RULE.replace("reflection.transfer", "complaint.dialogue_notice"), 1
    )

    # when / then
    with pytest.raises(BpmnInvalid) as caught, translation.override("en"):
        validate(xml)
    [error] = caught.value.errors
    assert error.element_id == "classify"
    assert "«complaint.dialogue_notice» is a minimum notice before a scheduled event" in error.reason


@pytest.mark.parametrize(
    ("properties", "reason"),
    [
        ({"remind_before": "31"}, "from 0 to 30"),
        ({"remind_before": "-1"}, "from 0 to 30"),
        ({"remind_before": "hai"}, "from 0 to 30"),
        ({"escalate_to": "director"}, "unit_leader, parent_leader"),
    ],
)
def test_bad_reminder_or_escalation_values_are_refused_on_their_element(db, tmp_path, properties, reason):
    xml = with_classify_properties(**properties)
    with pytest.raises(BpmnInvalid) as caught, translation.override("en"):
        validate(xml)
    [error] = caught.value.errors
    name = next(iter(properties))
    assert error.element_id == "classify" and f"«{name}»" in error.reason and reason in error.reason

    bad = tmp_path / "reflection.bpmn"
    bad.write_text(xml, encoding="utf-8")
    with pytest.raises(CommandError, match=f"reflection.bpmn: classify: «{name}»"):
        call_command("load_processes", str(bad), verbosity=0)
