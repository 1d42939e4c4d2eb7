"""Step hooks: a subject type adjusts the clocks its cases' steps start, on the engine's one save path, so every
route (any API, a fired timer) goes through it; and the engine never imports the apps that register them."""

from __future__ import annotations

import ast
import dataclasses
import datetime
from pathlib import Path

import pytest
import time_machine

from deadlines import calendar
from tests.processes.steps import at, clock_of, do, petition
from workflows import clock, subjects
from workflows.models import CaseEvent, DeadlineKind
from workflows.services import load
from workflows.sweep import sweep

COMPLAINT = {
    "petition_type": "complaint",
    "title": "Khiếu nại quyết định xử phạt vi phạm hành chính",
    "content": "Tôi khiếu nại Quyết định xử phạt số 45/QĐ-XPHC vì không có hành vi lấn chiếm vỉa hè.",
}


def test_a_step_hook_moves_a_new_timer_and_the_engine_fires_it_then(submit, client_for, monkeypatch):
    seen: list[list[str]] = []

    def ten_days_later(step: subjects.Step) -> None:
        seen.append([row.element_id for row in step.new_clocks])
        for row in step.new_clocks:
            if row.kind == DeadlineKind.TIMER:
                due = clock.compute(row)
                later = due.due_date + datetime.timedelta(days=10)
                clock.schedule(row, dataclasses.replace(due, due_date=later, due_at=calendar.end_of_day(later)))
                step.context.record("moved_by_hook", f"Hạn {later:%d/%m/%Y}")

    with time_machine.travel(at("2026-11-02"), tick=False) as traveller:
        code = submit(**COMPLAINT)["tracking_code"]
        case = petition(code)
        adapter = subjects.adapter_for(case.workflow.subject_type)
        monkeypatch.setitem(
            subjects._ADAPTERS,
            case.workflow.subject_type,
            dataclasses.replace(adapter, step_hooks=(*adapter.step_hooks, ten_days_later)),
        )
        # given a complex complaint accepted on 4 November: 45 days end on Monday 21 December, moved to 31 December
        traveller.move_to(at("2026-11-04"))
        do(
            client_for("alice"),
            "accept_or_refuse",
            {
                "decision": "accept",
                "complexity": "complex",
                "criterion_several_places": True,
                "complexity_reasons": "Phải xác minh tại nhiều địa điểm.",
            },
        )
        resolve = clock_of(case, "resolve_clock_complex")
        assert resolve.due_at == calendar.end_of_day(datetime.date(2026, 12, 31))
        assert CaseEvent.objects.filter(instance=case.workflow, kind="moved_by_hook").count() == 1
        runner, _ = load(petition(code).workflow)
        [timer] = [timer for timer in runner.waiting_timers() if timer.element_id == "resolve_clock_complex"]
        assert datetime.datetime.fromisoformat(str(timer.due)) == resolve.due_at

        # when the worker runs after the rule's date, the timer waits; after the hook's date, it fires
        traveller.move_to(at("2026-12-22", 0, 10))
        sweep()
        assert not CaseEvent.objects.filter(instance=case.workflow, kind="overdue").exists()
        calls = len(seen)
        traveller.move_to(at("2027-01-01", 0, 10))
        sweep()
        resolve.refresh_from_db()
        assert resolve.closed_at is not None
        overdue = CaseEvent.objects.filter(instance=case.workflow, kind="overdue")
        assert [event.data["due"] for event in overdue] == ["2026-12-31"]
        assert len(seen) == calls + 1  # the fired timer's step went through the hook too


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("app", ["consultation", "cases"])
def test_the_engine_never_imports_the_apps_whose_subjects_it_runs(app):
    engine_files = (Path(__file__).resolve().parents[2] / "workflows").rglob("*.py")
    assert [path.name for path in engine_files if app in _imports(path)] == []
