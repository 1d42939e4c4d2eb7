"""The only module that talks to SpiffWorkflow.

It parses BPMN into specs, runs workflows with the safe script engine, and (de)serializes their state.
A case's state never repeats the process definition: the spec is stored once per `ProcessVersion`,
restored once per process and kept in memory, and handed to the deserializer directly.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import DatabaseError
from django.utils.translation import gettext
from lxml import etree
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from workflows import expressions
from workflows.handlers import HANDLERS, HandlerContext, HandlerError

logger = logging.getLogger(__name__)
EngineError = SpiffWorkflowException
CLOCK_PROPERTY = "deadline_rule"  # a step or timer that runs a legal clock (see workflows.clock)


class StepError(SpiffWorkflowException):
    """A diagram's expression or a service-task handler failed while a case ran through `element_id`: the case
    cannot pass this step as the diagram stands. The reason never quotes the case's data."""

    def __init__(self, element_id: str, reason: str) -> None:
        super().__init__(f"{element_id}: {reason}")
        self.element_id = element_id
        self.id = element_id  # the attribute SpiffWorkflow's own errors name their element with
        self.reason = reason


class SafeScriptEngine(PythonScriptEngine):
    """Evaluates whitelisted expressions only; runs no scripts; calls registered handlers for service tasks."""

    def __init__(self, context: HandlerContext | None = None) -> None:
        super().__init__()
        self.context = context

    def evaluate(self, task: Any, expression: str, external_context: dict[str, Any] | None = None) -> Any:
        properties = _properties(task.task_spec)
        if CLOCK_PROPERTY in properties and _is_timer(task.task_spec) and self.context is not None:
            return self.context.timer_due(properties)  # legal calendar, not the diagram, decides when it is due
        data = dict(task.data)
        if external_context:
            data.update(external_context)
        try:
            return expressions.evaluate(expression, data)
        except expressions.ExpressionError as error:
            raise StepError(
                task.task_spec.bpmn_id,
                gettext("biểu thức «%(value)s» lỗi: %(error)s") % {"value": expression.strip(), "error": error},
            ) from None

    def execute(self, task: Any, script: str, external_context: dict[str, Any] | None = None) -> Any:
        raise EngineError(f"{task.task_spec.bpmn_id}: scripts are not allowed in Lắng Nghe processes")

    def call_service(
        self, task: Any, operation_name: str = "", operation_params: dict[str, Any] | None = None, **_: Any
    ) -> str:
        handler = HANDLERS.get(operation_name)
        if handler is None:
            raise EngineError(f"{task.task_spec.bpmn_id}: no service-task handler named {operation_name!r}")
        if self.context is None:
            raise EngineError(f"{task.task_spec.bpmn_id}: service tasks need a case context")
        self.context.data = task.data
        self.context.element_id = task.task_spec.bpmn_id
        params = {name: param["value"] for name, param in (operation_params or {}).items()}
        try:
            result = handler(self.context, **params)
        except (HandlerError, DatabaseError):
            raise  # a refusal the official can correct; the database's own errors stay what they are
        except Exception as error:
            from workflows.services import WorkflowError  # services import this module

            if isinstance(error, WorkflowError):
                raise
            logger.error(
                "Handler %s failed at %s of %s: %s\n%s",
                operation_name,
                task.task_spec.bpmn_id,
                self.context.instance.reference,
                type(error).__name__,  # not its text: it may quote a sealed petitioner's data
                "".join(traceback.format_tb(error.__traceback__)),
            )
            raise StepError(
                task.task_spec.bpmn_id,
                gettext("xử lý tự động «%(operation_name)s» gặp lỗi: %(name)s")
                % {"operation_name": operation_name, "name": type(error).__name__},
            ) from error
        return json.dumps(result)


class _SharedSpecConverter(BpmnWorkflowConverter):
    """Leaves the process definition out of each case's state; it is given back from the version's cache."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], spec: Any = None, subprocess_specs: Any = None, **_: Any) -> BpmnWorkflow:
        _parents_first(dct)
        for sub in dct["subprocesses"].values():
            _parents_first(sub)
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _parents_first(dct: dict[str, Any]) -> None:
    """Order tasks so that each comes after its parent.

    SpiffWorkflow stores a task's data as a delta from its parent and restores tasks in mapping order, so
    a parent must be restored first. PostgreSQL's jsonb does not keep key order: without this, a case
    loaded from PostgreSQL silently loses its data.
    """
    tasks = dct["tasks"]
    ordered: dict[str, Any] = {}
    queue = [dct["root"]]
    while queue:
        task_id = queue.pop()
        if task_id in tasks and task_id not in ordered:
            ordered[task_id] = tasks[task_id]
            queue.extend(reversed(tasks[task_id]["children"]))
    ordered.update((task_id, task) for task_id, task in tasks.items() if task_id not in ordered)
    dct["tasks"] = ordered


_spec_serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
_state_serializer = BpmnWorkflowSerializer(
    BpmnWorkflowSerializer.configure({**SPIFF_CONFIG, BpmnWorkflow: _SharedSpecConverter})
)
STATE_FORMAT = _state_serializer.VERSION


@dataclass(frozen=True)
class Specs:
    """A parsed process, ready to run."""

    spec: Any
    subprocess_specs: dict[str, Any]

    def serialize(self) -> dict[str, Any]:
        return {
            "spec": _spec_serializer.to_dict(self.spec),
            "subprocess_specs": {name: _spec_serializer.to_dict(s) for name, s in self.subprocess_specs.items()},
        }

    @classmethod
    def restore(cls, stored: dict[str, Any]) -> Specs:
        registry = _spec_serializer.registry
        return cls(
            registry.restore(stored["spec"]),
            {name: registry.restore(s) for name, s in stored["subprocess_specs"].items()},
        )


def parse(root: etree._Element, process_id: str, *, filename: str = "process.bpmn") -> Specs:
    """Parse an already safely-parsed BPMN document (see `workflows.validation`); raises EngineError."""
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_xml(root, filename=filename)
    return Specs(parser.get_spec(process_id), parser.get_subprocess_specs(process_id))


@dataclass(frozen=True)
class ReadyTask:
    id: UUID
    element_id: str
    title: str
    lane: str | None
    properties: dict[str, str]
    data: dict[str, Any]
    documentation: str


@dataclass(frozen=True)
class Live:
    """What waits in a workflow: ready user tasks, and the steps and timers that run a legal clock."""

    ready: frozenset[UUID] = frozenset()
    timed: frozenset[UUID] = frozenset()


class Runner:
    """One workflow in memory: start or load it, complete tasks, dump the state.

    `baseline` is what was waiting when the runner was created, so a save writes only what changed.
    """

    def __init__(self, workflow: BpmnWorkflow, *, fresh: bool = False) -> None:
        self.workflow = workflow
        self.baseline = Live() if fresh else self.live()

    def live(self, ready: list[ReadyTask] | None = None) -> Live:
        """`ready`: the ready tasks if the caller has just listed them."""
        ready = self.ready_tasks() if ready is None else ready
        timed = {t.id for t in ready if CLOCK_PROPERTY in t.properties}
        timed |= {t.id for t in self.waiting_timers() if CLOCK_PROPERTY in t.properties}
        return Live(frozenset(t.id for t in ready), frozenset(timed))

    @classmethod
    def start(cls, specs: Specs, data: dict[str, Any], context: HandlerContext | None = None) -> Runner:
        workflow = BpmnWorkflow(specs.spec, specs.subprocess_specs, script_engine=SafeScriptEngine(context))
        workflow.data.update(data)
        start = workflow.task_tree
        start.data.update(data)
        runner = cls(workflow, fresh=True)
        runner.advance()
        return runner

    @classmethod
    def load(cls, specs: Specs, state: dict[str, Any], context: HandlerContext | None = None) -> Runner:
        workflow = _state_serializer.from_dict(state, spec=specs.spec, subprocess_specs=specs.subprocess_specs)
        workflow.script_engine = SafeScriptEngine(context)
        return cls(workflow)

    def dump(self) -> dict[str, Any]:
        return _state_serializer.to_dict(self.workflow)

    @property
    def completed(self) -> bool:
        return bool(self.workflow.is_completed())

    @property
    def data(self) -> dict[str, Any]:
        return dict(self.workflow.data)

    def advance(self) -> None:
        """Run until waiting: fire timers that are due, step, then let new timers compute their due time."""
        self.workflow.refresh_waiting_tasks()
        self.workflow.do_engine_steps()
        self.workflow.refresh_waiting_tasks()
        self.workflow.do_engine_steps()

    def waiting_timers(self) -> list[WaitingTimer]:
        return [
            WaitingTimer(
                id=task.id,
                element_id=task.task_spec.bpmn_id,
                title=task.task_spec.bpmn_name or task.task_spec.bpmn_id,
                properties=_properties(task.task_spec),
                due=task._get_internal_data("event_value"),
            )
            for task in self.workflow.get_tasks(state=TaskState.WAITING)
            if _is_timer(task.task_spec)
        ]

    def set_timer_due(self, task_id: UUID, due_iso: str) -> None:
        """Move a waiting timer (extension, suspension): it fires when the legal clock says, not before."""
        task = self.workflow.get_task_from_id(task_id)
        task._set_internal_data(event_value=due_iso, event_fired=False)

    def ready_tasks(self) -> list[ReadyTask]:
        return [_ready(task) for task in self.workflow.get_tasks(state=TaskState.READY, manual=True)]

    def ready_task(self, task_id: UUID) -> ReadyTask | None:
        task = self.workflow.get_task_from_id(task_id)
        if task is None or task.state != TaskState.READY or not task.task_spec.manual:
            return None
        return _ready(task)

    def cancel(self) -> None:
        """End the workflow where it stands (a case stopped by a decision): every open task and timer is
        cancelled, so the save closes its inbox rows and clocks."""
        self.workflow.cancel()

    def complete(self, task_id: UUID, data: dict[str, Any]) -> None:
        task = self.workflow.get_task_from_id(task_id)
        task.data.update(data)
        task.run()
        self.advance()

    def path(self) -> list[str]:
        """Element ids of the steps completed so far, in order."""
        done = [t for t in self.workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id]
        return [t.task_spec.bpmn_id for t in sorted(done, key=lambda t: t.last_state_change)]


def _properties(spec: Any) -> dict[str, str]:
    return dict(getattr(spec, "extensions", {}).get("properties", {}))


def _is_timer(spec: Any) -> bool:
    return isinstance(getattr(spec, "event_definition", None), TimerEventDefinition)


@dataclass(frozen=True)
class WaitingTimer:
    id: UUID
    element_id: str
    title: str
    properties: dict[str, str]
    due: str | None


def _ready(task: Any) -> ReadyTask:
    spec = task.task_spec
    return ReadyTask(
        id=task.id,
        element_id=spec.bpmn_id,
        title=spec.bpmn_name or spec.bpmn_id,
        lane=spec.lane,
        properties=_properties(spec),
        data=task.data,
        documentation=spec.documentation or "",
    )


def element_properties(specs: Specs) -> dict[str, dict[str, str]]:
    """Extension properties of every element, by element id."""
    return {spec.bpmn_id: _properties(spec) for spec in _all_task_specs(specs) if getattr(spec, "bpmn_id", None)}


def assignee_lanes(specs: Specs) -> dict[str, set[str]]:
    """For each data field that names a step's assignee (the step's `assignee` property), the lanes of the steps
    it assigns (the role the assigned official must hold)."""
    lanes: dict[str, set[str]] = {}
    for spec in _all_task_specs(specs):
        variable = _properties(spec).get("assignee") if getattr(spec, "bpmn_id", None) else None
        if variable and getattr(spec, "lane", None):
            lanes.setdefault(variable, set()).add(spec.lane)
    return lanes


def _all_task_specs(specs: Specs) -> Iterable[Any]:
    yield from specs.spec.task_specs.values()
    for sub in specs.subprocess_specs.values():
        yield from sub.task_specs.values()
