"""Test runs of a process on a fake clock: the engine in memory, handlers that only say what they would do.

Legal staff try a draft before it is published: start a case of a chosen type on a chosen day, complete steps,
jump N days, and see the path taken and every legal deadline with its explanation. Nothing here writes to the
database: no `WorkflowInstance`, `HumanTask`, `Deadline` or `CaseEvent` is created, no registered handler runs
(its name, description and evaluated parameters are recorded instead), nothing is sent.

Time travel: the engine compares timer due moments with the real clock, so in a test run every timer that names
a `deadline_rule` is parked in the far future; its due date is computed here with `deadlines.services.compute_due`
against the fake clock, and when the fake clock passes it, the timer is moved into the past and fired.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.utils.translation import gettext
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

from deadlines import calendar
from deadlines.errors import DeadlineError
from deadlines.services import compute_due
from workflows import clock, engine, expressions, forms
from workflows.handlers import HANDLER_DESCRIPTIONS, HANDLERS

PARKED = "9999-12-31T00:00:00+00:00"  # a timer the fake clock has not reached yet
FIRE_NOW = "2000-01-01T00:00:00+00:00"  # a timer the fake clock has passed
MAX_WAIT_DAYS = 3660
MAX_ACTIONS = 500


class SimulationError(ValueError):
    """A step of the scenario that could not run, with the element it is about."""

    def __init__(self, element_id: str, reason: str, *, field_errors: dict[str, str] | None = None) -> None:
        super().__init__(f"{element_id}: {reason}" if element_id else reason)
        self.element_id = element_id
        self.reason = reason
        self.field_errors = field_errors or {}


@dataclass(frozen=True)
class Action:
    """One step of a scenario: complete the waiting step `element_id` with `data`, or let `days` days pass."""

    kind: str  # "complete" | "wait"
    element_id: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    days: int = 0


@dataclass
class SimulatedDeadline:
    element_id: str
    title: str
    kind: str  # "task" | "timer"
    rule_code: str
    start_date: datetime.date
    due_date: datetime.date
    remind_date: datetime.date
    explanation: str
    explanation_en: str
    citation: str
    closed_on: datetime.date | None = None
    fired: bool = False
    escalate_to: str = "unit_leader"

    def status_on(self, today: datetime.date) -> str:
        if self.fired:
            return "fired"
        if self.closed_on is not None:
            return "on_time" if self.closed_on <= self.due_date else "late"
        return "overdue" if today > self.due_date else "running"


@dataclass(frozen=True)
class HandlerCall:
    day: datetime.date
    element_id: str
    handler: str
    description: str
    params: dict[str, Any]


@dataclass(frozen=True)
class WaitingStep:
    element_id: str
    title: str
    lane: str | None
    public_status: str
    fields: list[forms.FormField]
    documentation: str


@dataclass(frozen=True)
class LogLine:
    day: datetime.date
    kind: str  # started, completed, timer_fired, handler, reminder, overdue, waited, finished
    element_id: str
    text: str


@dataclass
class SimulationResult:
    start: datetime.date
    today: datetime.date
    path: list[str]
    waiting: list[WaitingStep]
    deadlines: list[SimulatedDeadline]
    handler_calls: list[HandlerCall]
    log: list[LogLine]
    completed: bool
    error: SimulationError | None = None


class _RecordingScriptEngine(engine.SafeScriptEngine):
    """The product's safe evaluator, but service tasks are recorded, not run, and rule timers are parked."""

    def __init__(self, run: _Run) -> None:
        super().__init__(None)
        self.run = run

    def evaluate(self, task: Any, expression: str, external_context: dict[str, Any] | None = None) -> Any:
        spec = task.task_spec
        if engine.CLOCK_PROPERTY in _properties(spec) and engine._is_timer(spec):
            return PARKED
        return super().evaluate(task, expression, external_context)

    def call_service(
        self, task: Any, operation_name: str = "", operation_params: dict[str, Any] | None = None, **_: Any
    ) -> str:
        element_id = task.task_spec.bpmn_id
        if operation_name not in HANDLERS:
            raise engine.EngineError(f"{element_id}: no service-task handler named {operation_name!r}")
        params = {name: param["value"] for name, param in (operation_params or {}).items()}
        self.run.record_call(element_id, operation_name, params)
        return "null"


def _properties(spec: Any) -> dict[str, str]:
    return dict(getattr(spec, "extensions", {}).get("properties", {}))


class _Run:
    def __init__(self, specs: engine.Specs, start: datetime.date, data: dict[str, Any]) -> None:
        self.start = start
        self.today = start
        self.deadlines: dict[UUID, SimulatedDeadline] = {}
        self.calls: list[HandlerCall] = []
        self.log: list[LogLine] = []
        workflow = BpmnWorkflow(specs.spec, specs.subprocess_specs, script_engine=_RecordingScriptEngine(self))
        workflow.data.update(data)
        workflow.task_tree.data.update(data)
        self.runner = engine.Runner(workflow, fresh=True)

    def begin(self) -> None:
        self.note(
            "started", "", gettext("Bắt đầu hồ sơ thử ngày %(start)s") % {"start": format(self.start, "%d/%m/%Y")}
        )
        self._step(self.runner.advance, "")

    # ---- bookkeeping

    def note(self, kind: str, element_id: str, text: str) -> None:
        self.log.append(LogLine(self.today, kind, element_id, text))

    def record_call(self, element_id: str, handler: str, params: dict[str, Any]) -> None:
        description = HANDLER_DESCRIPTIONS.get(handler, "")
        self.calls.append(HandlerCall(self.today, element_id, handler, description, params))
        self.note(
            "handler",
            element_id,
            gettext("Sẽ chạy «%(handler)s»: %(description)s (không chạy thật")
            % {"handler": handler, "description": description},
        )

    def _step(self, act: Any, element_id: str) -> None:
        """Run engine work; an expression that cannot be evaluated stops the scenario at its element."""
        try:
            act()
        except (engine.EngineError, expressions.ExpressionError) as error:
            where = str(getattr(error, "id", "") or "") or element_id
            raise SimulationError(where, str(error)) from None
        self._track()

    def _track(self) -> None:
        """Start a fake-clock deadline for each new step or timer that names a rule; close those that ended."""
        live: set[UUID] = set()
        for ready in self.runner.ready_tasks():
            live.add(ready.id)
            self._open(ready.id, ready.element_id, ready.title, "task", ready.properties)
        for timer in self.runner.waiting_timers():
            live.add(timer.id)
            if engine.CLOCK_PROPERTY in timer.properties and timer.id not in self.deadlines:
                self._open(timer.id, timer.element_id, timer.title, "timer", timer.properties)
                self.runner.set_timer_due(timer.id, PARKED)
        for task_id, row in self.deadlines.items():
            if task_id not in live and row.closed_on is None:
                row.closed_on = self.today

    def _open(self, task_id: UUID, element_id: str, title: str, kind: str, properties: dict[str, str]) -> None:
        if task_id in self.deadlines or engine.CLOCK_PROPERTY not in properties:
            return
        rule_code = properties[engine.CLOCK_PROPERTY]
        begins = self.start if properties.get(clock.START_PROPERTY) == "case" else self.today
        try:
            due = compute_due(rule_code=rule_code, start=begins, today=self.today)
        except DeadlineError as error:
            raise SimulationError(element_id, str(error)) from None
        self.deadlines[task_id] = SimulatedDeadline(
            element_id=element_id,
            title=title,
            kind=kind,
            rule_code=rule_code,
            start_date=due.start_date,
            due_date=due.due_date,
            remind_date=clock.remind_date(due, clock.remind_before_of(properties)),
            explanation=due.explanation,
            explanation_en=due.explanation_en,
            citation=due.rule.citation,
            escalate_to=properties.get(clock.ESCALATE_PROPERTY) or "unit_leader",
        )

    # ---- actions

    def complete(self, element_id: str, data: dict[str, Any]) -> None:
        ready = next((t for t in self.runner.ready_tasks() if t.element_id == element_id), None)
        if ready is None:
            waiting = ", ".join(t.element_id for t in self.runner.ready_tasks()) or "—"
            raise SimulationError(
                element_id, gettext("Bước này không chờ xử lý lúc này (đang chờ: %(waiting)s)") % {"waiting": waiting}
            )
        try:
            # A test case has no unit: a unit code or an official's username is taken as written.
            fields = [
                dataclasses.replace(f, type="string") if f.type in ("unit", "official") else f
                for f in forms.parse_fields(ready.properties)
            ]
            cleaned = forms.clean(fields, data, strict=False)
        except forms.FormErrors as error:
            raise SimulationError(element_id, gettext("Dữ liệu không hợp lệ"), field_errors=error.errors) from None
        except forms.FormSpecError as error:
            raise SimulationError(element_id, str(error)) from None
        self.note("completed", element_id, gettext("Hoàn thành «%(ready_title)s»") % {"ready_title": ready.title})
        self._step(lambda: self.runner.complete(ready.id, cleaned), element_id)

    def wait(self, days: int) -> None:
        if not 0 < days <= MAX_WAIT_DAYS:
            raise SimulationError(
                "", gettext("Số ngày phải từ 1 đến %(max_wait_days)s") % {"max_wait_days": MAX_WAIT_DAYS}
            )
        self.note("waited", "", gettext("Tua nhanh %(days)s ngày") % {"days": days})
        for _ in range(days):
            self.today += datetime.timedelta(days=1)
            self._notices_of_the_day()
            self._fire_due_timers()
            if self.runner.completed:
                break

    def _notices_of_the_day(self) -> None:
        for row in self.deadlines.values():
            if row.closed_on is not None or row.kind != "task":
                continue
            if self.today == row.remind_date:
                self.note("reminder", row.element_id, f"Sẽ nhắc hạn «{row.title}» (hạn {row.due_date:%d/%m/%Y})")
            if self.today == row.due_date + datetime.timedelta(days=1):
                leaders = "lãnh đạo cấp trên" if row.escalate_to == "parent_leader" else "lãnh đạo đơn vị"
                self.note(
                    "overdue",
                    row.element_id,
                    gettext("Quá hạn «%(row_title)s»: sẽ báo %(leaders)s")
                    % {"row_title": row.title, "leaders": leaders},
                )

    def _fire_due_timers(self) -> None:
        for _ in range(100):  # a fired timer may start another one that is already due
            due = [
                timer
                for timer in self.runner.waiting_timers()
                if timer.id in self.deadlines and self.deadlines[timer.id].due_date < self.today
            ]
            if not due:
                return
            for timer in due:
                self.deadlines[timer.id].fired = True
                self.deadlines[timer.id].closed_on = self.today
                self.runner.set_timer_due(timer.id, FIRE_NOW)
                self.note(
                    "timer_fired",
                    timer.element_id,
                    gettext("Hết hạn, hẹn giờ «%(timer_title)s» chạy") % {"timer_title": timer.title},
                )
            self._step(self.runner.advance, due[0].element_id)

    def result(self, error: SimulationError | None = None) -> SimulationResult:
        waiting = [
            WaitingStep(
                element_id=t.element_id,
                title=t.title,
                lane=t.lane,
                public_status=t.properties.get("public_status", ""),
                fields=_fields(t.properties),
                documentation=t.documentation,
            )
            for t in self.runner.ready_tasks()
        ]
        return SimulationResult(
            start=self.start,
            today=self.today,
            path=self.runner.path(),
            waiting=waiting,
            deadlines=list(self.deadlines.values()),
            handler_calls=self.calls,
            log=self.log,
            completed=self.runner.completed,
            error=error,
        )


def _fields(properties: dict[str, str]) -> list[forms.FormField]:
    try:
        return forms.parse_fields(properties)
    except forms.FormSpecError:
        return []


def simulate(
    specs: engine.Specs,
    *,
    start: datetime.date,
    data: dict[str, Any],
    actions: Iterable[Action] = (),
) -> SimulationResult:
    """Run a scenario from its start; the first action that cannot run stops it and is reported in `error`.

    A run is replayed from the start each time (it is deterministic for the same rule table), so a browser
    holds no engine state: it sends the start and the list of actions.
    """
    if start > calendar.today() + datetime.timedelta(days=MAX_WAIT_DAYS):
        raise SimulationError("", gettext("Ngày bắt đầu quá xa"))
    actions = list(actions)
    if len(actions) > MAX_ACTIONS:
        raise SimulationError("", gettext("Tối đa %(max_actions)s bước") % {"max_actions": MAX_ACTIONS})
    run = _Run(specs, start, data)
    try:
        run.begin()
    except SimulationError as error:
        return run.result(error)
    for action in actions:
        try:
            if run.runner.completed:
                raise SimulationError(action.element_id, gettext("Hồ sơ thử đã kết thúc"))
            if action.kind == "complete":
                run.complete(action.element_id, action.data)
            elif action.kind == "wait":
                run.wait(action.days)
            else:
                raise SimulationError("", gettext("Không hiểu bước «%(kind)s»") % {"kind": action.kind})
        except SimulationError as error:
            return run.result(error)
    if run.runner.completed:
        run.note("finished", "", gettext("Hồ sơ thử kết thúc"))
    return run.result()
