"""Test runs of a draft on a fake clock: the path, every deadline with its explanation, nothing real touched."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core import mail
from rest_framework.test import APIClient

from bpmn.models import ProcessDraft
from tests.bpmn.conftest import PROCESSES
from workflows.models import CaseEvent, Deadline, HumanTask, WorkflowInstance
from workflows.simulation import Action, simulate
from workflows.validation import validate

START = datetime.date(2026, 11, 2)  # a Monday


def counts() -> tuple[int, int, int, int]:
    return (
        WorkflowInstance.objects.count(),
        HumanTask.objects.count(),
        Deadline.objects.count(),
        CaseEvent.objects.count(),
    )


def test_a_reflection_runs_to_its_answer_and_only_records_what_handlers_would_do(processes: None) -> None:
    before = counts()
    specs = validate((PROCESSES / "reflection.bpmn").read_bytes()).specs
    result = simulate(
        specs,
        start=START,
        data={"petition_type": "reflection", "publish_consent": True, "channel": "portal"},
        actions=[
            Action("wait", days=3),
            Action("complete", "classify", {"decision": "accept"}),
            Action("complete", "assign", {"handler": "bob"}),
            Action("complete", "draft_answer", {"answer": "Đã sửa đèn."}),
            Action("complete", "approve", {"approval": "approve"}),
        ],
    )
    assert result.error is None
    assert result.completed
    assert result.path[:5] == ["received", "merge_classify", "classify", "classified", "accept"]
    assert result.path[-1] == "answered"
    assert [call.handler for call in result.handler_calls] == ["accept_case", "send_answer", "publish_answer"]
    assert result.handler_calls[0].description == "Thụ lý đơn"
    classify = next(d for d in result.deadlines if d.element_id == "classify")
    assert classify.due_date == datetime.date(2026, 11, 9)
    assert classify.status_on(result.today) == "on_time"
    assert "5 ngày làm việc" in classify.explanation and "«Chuyển phản ánh, kiến nghị" in classify.explanation
    # Nothing real was created or sent.
    assert counts() == before
    assert mail.outbox == []


def test_time_travel_fires_a_legal_timer_when_the_fake_clock_passes_it(processes: None) -> None:
    specs = validate((PROCESSES / "complaint_first.bpmn").read_bytes()).specs
    accept = {"decision": "accept", "complexity": "normal"}
    waiting = simulate(
        specs,
        start=START,
        data={"petition_type": "complaint"},
        actions=[Action("complete", "accept_or_refuse", accept)],
    )
    assert waiting.error is None
    clock = next(d for d in waiting.deadlines if d.element_id == "resolve_clock")
    assert clock.kind == "timer" and clock.status_on(waiting.today) == "running"

    later = simulate(
        specs,
        start=START,
        data={"petition_type": "complaint"},
        actions=[Action("complete", "accept_or_refuse", accept), Action("wait", days=60)],
    )
    fired = next(d for d in later.deadlines if d.element_id == "resolve_clock")
    assert fired.fired and fired.closed_on == fired.due_date + datetime.timedelta(days=1)
    assert "overdue_report" in later.path
    assert "report_overdue" in [call.handler for call in later.handler_calls]
    assert any(line.kind == "timer_fired" for line in later.log)


def test_a_step_that_is_not_waiting_or_bad_data_stops_the_run_with_a_reason(processes: None) -> None:
    specs = validate((PROCESSES / "reflection.bpmn").read_bytes()).specs
    result = simulate(specs, start=START, data={}, actions=[Action("complete", "approve", {})])
    assert result.error is not None and result.error.element_id == "approve"
    assert "không chờ xử lý lúc này" in result.error.reason
    bad = simulate(specs, start=START, data={}, actions=[Action("complete", "classify", {"decision": "maybe"})])
    assert bad.error is not None and "decision" in bad.error.field_errors


def run(client: APIClient, draft: ProcessDraft, actions: list[dict[str, Any]]) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/bpmn/drafts/{draft.pk}/simulate",
        {"start_date": START.isoformat(), "subject_type": "reflection", "actions": actions},
        format="json",
    )
    assert response.status_code == 200, response.json()
    return dict(response.json())


def test_the_simulation_api_is_for_officials_and_reports_deadlines(
    draft: ProcessDraft, login: Callable[[str], APIClient], public: APIClient
) -> None:
    body = run(login("tam"), draft, [{"kind": "wait", "days": 10}])
    assert body["waiting"][0]["element_id"] == "classify"
    assert {f["name"] for f in body["waiting"][0]["fields"]} == {
        "decision",
        "transfer_to",
        "reason",
        "administrative_regulation",
    }
    (deadline,) = body["deadlines"]
    assert deadline["status"] == "overdue" and deadline["due_date"] == "2026-11-09"
    assert any(line["kind"] == "overdue" for line in body["log"])
    assert public.post(f"/api/v1/bpmn/drafts/{draft.pk}/simulate", {}, format="json").status_code == 403
