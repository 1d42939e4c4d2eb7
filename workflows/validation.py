"""Validation of a BPMN process before it may be published: one function for `load_processes` and the editor.

Every problem is reported with the id of the element it is on (or the line, for XML errors) and a reason
in Vietnamese and English. Nothing in a diagram is ever executed here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext
from lxml import etree

from organisation.models import Role
from workflows import clock, engine, expressions, forms
from workflows.handlers import HANDLERS

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF}
MAX_BYTES = 2 * 1024 * 1024
FORBIDDEN_IDS = {"start", "end"}  # SpiffWorkflow 3.2 silently breaks specs with these element ids
FLOW_NODE_TAGS = {
    f"{{{BPMN}}}{tag}"
    for tag in (
        "startEvent",
        "endEvent",
        "intermediateCatchEvent",
        "intermediateThrowEvent",
        "boundaryEvent",
        "task",
        "userTask",
        "manualTask",
        "serviceTask",
        "sendTask",
        "receiveTask",
        "businessRuleTask",
        "callActivity",
        "subProcess",
        "exclusiveGateway",
        "parallelGateway",
        "inclusiveGateway",
        "eventBasedGateway",
    )
}

# Checks of extension properties: each takes the property value and raises ValueError with the reason.
PROPERTY_CHECKS: dict[str, Callable[[str], None]] = {
    clock.RULE_PROPERTY: clock.check_rule_code,
    clock.START_PROPERTY: clock.check_start,
    clock.REMIND_PROPERTY: clock.check_remind_before,
    clock.ESCALATE_PROPERTY: clock.check_escalate_to,
}
TIMER_EXPRESSION = "deadline_at"


@dataclass(frozen=True)
class BpmnError:
    element_id: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.element_id or (f"line {self.line}" if self.line else "document")
        return f"{where}: {self.reason}"


class BpmnInvalid(ValueError):
    def __init__(self, errors: list[BpmnError]) -> None:
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors


@dataclass
class ValidatedProcess:
    process_id: str
    name: str
    xml: str
    sha256: str
    specs: engine.Specs
    documentation: str = ""
    user_tasks: list[str] = field(default_factory=list)


def parse_xml(xml: str | bytes) -> etree._Element:
    """Parse untrusted XML: no DTDs, no entities, no network. Raises BpmnInvalid with the line."""
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    if len(data) > MAX_BYTES:
        raise BpmnInvalid([BpmnError("", gettext("Tệp lớn quá %(value)s KB") % {"value": MAX_BYTES // 1024})])
    upper = data.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        doctype_line = data[: upper.find(b"<!")].count(b"\n") + 1
        raise BpmnInvalid([BpmnError("", gettext("Không chấp nhận DOCTYPE/ENTITY trong BPMN"), doctype_line)])
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        line = error.lineno if isinstance(error.lineno, int) else None
        raise BpmnInvalid([BpmnError("", gettext("XML không hợp lệ: %(msg)s") % {"msg": error.msg}, line)]) from None


def _id_at_line(root: etree._Element, line: int | None) -> str:
    for element in root.iter():
        if isinstance(element.tag, str) and element.sourceline == line and element.get("id"):
            return str(element.get("id"))
    return ""


def _properties(element: etree._Element) -> dict[str, str]:
    return {
        str(p.get("name")): str(p.get("value", ""))
        for p in element.iterfind("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)
    }


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def validate(xml: str | bytes, *, filename: str = "process.bpmn") -> ValidatedProcess:
    """Validate a BPMN document and parse it for the engine; raise BpmnInvalid listing every problem."""
    root = parse_xml(xml)
    text = xml.decode("utf-8") if isinstance(xml, bytes) else xml
    errors: list[BpmnError] = []

    schema = engine.VALIDATOR.validator
    if not schema.validate(root):
        for entry in schema.error_log:
            errors.append(
                BpmnError(
                    _id_at_line(root, entry.line),
                    gettext("Sai lược đồ BPMN: %(message)s") % {"message": entry.message},
                    entry.line,
                )
            )
        raise BpmnInvalid(errors)

    processes = root.findall("bpmn:process", NS)
    executable = [p for p in processes if p.get("isExecutable") == "true"] or processes
    if len(executable) != 1:
        raise BpmnInvalid([BpmnError("", gettext("Cần đúng một quy trình thực thi (isExecutable)"))])
    process = executable[0]
    process_id = str(process.get("id"))

    seen_ids: set[str] = set()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        element_id = str(element.get("id", ""))
        if element_id and element_id in seen_ids:
            # Handler names count too: SpiffWorkflow finds elements by id anywhere in the document.
            errors.append(BpmnError(element_id, gettext("Mã phần tử bị trùng (kể cả tên xử lý tự động)")))
        seen_ids.add(element_id)
        if element_id.lower() in FORBIDDEN_IDS:
            errors.append(BpmnError(element_id, gettext("Mã phần tử «Start»/«End» không được dùng")))
        local = _local(element.tag)
        if element.tag == f"{{{BPMN}}}scriptTask" or (
            element.tag.startswith(f"{{{SPIFF}}}") and local in ("preScript", "postScript")
        ):
            owner = element_id or str(element.getparent().getparent().get("id", ""))  # type: ignore[union-attr]
            errors.append(BpmnError(owner, gettext("Quy trình không được chứa mã lệnh (script)")))
        if element.tag == f"{{{BPMN}}}script":
            errors.append(BpmnError(element_id or _owner_id(element), gettext("Không được chứa mã lệnh")))

    errors += _check_expressions(process)
    errors += _check_tasks(root, process)
    errors += _check_reachability(process)
    if errors:
        raise BpmnInvalid(errors)

    try:
        specs = engine.parse(root, process_id, filename=filename)
    except engine.EngineError as error:
        element_id = str(getattr(error, "id", "") or "")
        raise BpmnInvalid(
            [BpmnError(element_id, gettext("Lỗi phân tích quy trình: %(error)s") % {"error": error})]
        ) from None

    documentation = process.findtext("bpmn:documentation", default="", namespaces=NS).strip()
    user_tasks = [str(t.get("id")) for t in process.iter(f"{{{BPMN}}}userTask")]
    return ValidatedProcess(
        process_id=process_id,
        name=str(process.get("name") or process_id),
        xml=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        specs=specs,
        documentation=documentation,
        user_tasks=user_tasks,
    )


def _owner_id(element: etree._Element) -> str:
    node: etree._Element | None = element
    while node is not None:
        if node.get("id"):
            return str(node.get("id"))
        node = node.getparent()
    return ""


def _check_expression(element_id: str, expression: str | None, what: str) -> list[BpmnError]:
    try:
        expressions.check_expression((expression or "").strip())
    except expressions.ExpressionError as error:
        return [BpmnError(element_id, f"{what}: {error}")]
    return []


def _check_expressions(process: etree._Element) -> list[BpmnError]:
    errors: list[BpmnError] = []
    for flow in process.iter(f"{{{BPMN}}}sequenceFlow"):
        condition = flow.find("bpmn:conditionExpression", NS)
        if condition is not None:
            errors += _check_expression(str(flow.get("id")), condition.text, gettext("Điều kiện"))
    for gateway in process.iter(f"{{{BPMN}}}exclusiveGateway", f"{{{BPMN}}}inclusiveGateway"):
        outgoing = [f for f in process.iter(f"{{{BPMN}}}sequenceFlow") if f.get("sourceRef") == gateway.get("id")]
        if len(outgoing) > 1:
            for flow in outgoing:
                if flow.find("bpmn:conditionExpression", NS) is None and flow.get("id") != gateway.get("default"):
                    errors.append(BpmnError(str(flow.get("id")), gettext("Nhánh rẽ thiếu điều kiện")))
    for timer in process.iter(f"{{{BPMN}}}timerEventDefinition"):
        owner = _owner_id(timer)
        event = timer.getparent()
        time_date = timer.find("bpmn:timeDate", NS)
        if clock.RULE_PROPERTY not in _properties(event) or time_date is None:  # type: ignore[arg-type]
            errors.append(
                BpmnError(
                    owner,
                    gettext(
                        "Hẹn giờ phải dùng quy tắc thời hạn (thuộc tính deadline_rule, timeDate «deadline_at»), không dùng khoảng thời gian ISO"
                    ),
                )
            )
        elif (time_date.text or "").strip() != TIMER_EXPRESSION:
            errors.append(
                BpmnError(
                    owner,
                    gettext("timeDate của hẹn giờ phải là «%(timer_expression)s»")
                    % {"timer_expression": TIMER_EXPRESSION},
                )
            )
    for operator in process.iter(f"{{{SPIFF}}}serviceTaskOperator"):
        owner = _owner_id(operator)
        for param in operator.iterfind("spiffworkflow:parameters/spiffworkflow:parameter", NS):
            errors += _check_expression(
                owner, param.get("value"), gettext("Tham số «%(value)s»") % {"value": param.get("id")}
            )
    return errors


def _check_tasks(root: etree._Element, process: etree._Element) -> list[BpmnError]:
    errors: list[BpmnError] = []
    lane_of: dict[str, str] = {}
    for lane in process.iter(f"{{{BPMN}}}lane"):
        name = str(lane.get("name") or "")
        if Role.from_lane(name) is None:
            roles = ", ".join(str(role.label) for role in Role)
            errors.append(
                BpmnError(
                    str(lane.get("id")),
                    gettext("Làn «%(name)s» không ứng với vai trò nào (%(roles)s)") % {"name": name, "roles": roles},
                )
            )
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            lane_of[(ref.text or "").strip()] = name

    for task in process.iter(f"{{{BPMN}}}userTask"):
        task_id = str(task.get("id"))
        properties = _properties(task)
        if task_id not in lane_of:
            errors.append(BpmnError(task_id, gettext("Bước xử lý phải nằm trong một làn (vai trò)")))
        if not properties.get("public_status"):
            errors.append(
                BpmnError(
                    task_id,
                    gettext("Thiếu thuộc tính «public_status» (trạng thái cho người dân)"),
                )
            )
        try:
            forms.parse_fields(properties)
        except forms.FormSpecError as error:
            errors.append(BpmnError(task_id, str(error)))
        assignee = properties.get("assignee")
        if assignee is not None and not assignee.isidentifier():
            errors.append(BpmnError(task_id, gettext("«assignee» phải là tên một trường dữ liệu")))

    for element in process.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in _properties(element).items():
            check = PROPERTY_CHECKS.get(name)
            if check is not None:
                try:
                    check(value)
                except ValueError as error:
                    errors.append(BpmnError(str(element.get("id")), f"«{name}»: {error}"))

    for service in process.iter(f"{{{BPMN}}}serviceTask"):
        service_id = str(service.get("id"))
        operator = service.find("bpmn:extensionElements/spiffworkflow:serviceTaskOperator", NS)
        if operator is None:
            errors.append(BpmnError(service_id, gettext("Bước tự động phải chọn một xử lý có sẵn")))
        elif operator.get("id") not in HANDLERS:
            known = ", ".join(sorted(HANDLERS))
            errors.append(
                BpmnError(
                    service_id,
                    gettext("Không có xử lý «%(value)s» (có: %(known)s)")
                    % {"value": operator.get("id"), "known": known},
                )
            )
    return errors


def _check_reachability(process: etree._Element) -> list[BpmnError]:
    nodes = {str(e.get("id")): e for e in process if isinstance(e.tag, str) and e.tag in FLOW_NODE_TAGS}
    forward: dict[str, set[str]] = {node_id: set() for node_id in nodes}
    backward: dict[str, set[str]] = {node_id: set() for node_id in nodes}

    def link(source: str, target: str) -> None:
        if source in nodes and target in nodes:
            forward[source].add(target)
            backward[target].add(source)

    for flow in process.iterfind("bpmn:sequenceFlow", NS):
        link(str(flow.get("sourceRef")), str(flow.get("targetRef")))
    for node_id, element in nodes.items():
        if element.get("attachedToRef"):
            link(str(element.get("attachedToRef")), node_id)

    def closure(seeds: list[str], edges: dict[str, set[str]]) -> set[str]:
        seen, stack = set(seeds), list(seeds)
        while stack:
            for nxt in edges[stack.pop()] - seen:
                seen.add(nxt)
                stack.append(nxt)
        return seen

    starts = [i for i, e in nodes.items() if _local(e.tag) == "startEvent"]
    ends = [i for i, e in nodes.items() if _local(e.tag) == "endEvent"]
    errors: list[BpmnError] = []
    if not starts:
        errors.append(BpmnError(str(process.get("id")), gettext("Quy trình không có sự kiện bắt đầu")))
    if not ends:
        errors.append(BpmnError(str(process.get("id")), gettext("Quy trình không có sự kiện kết thúc")))
    if errors:
        return errors
    reachable = closure(starts, forward)
    finishing = closure(ends, backward)
    for node_id in nodes:
        if node_id not in reachable:
            errors.append(BpmnError(node_id, gettext("Không thể đi tới bước này từ điểm bắt đầu")))
        elif node_id not in finishing:
            errors.append(BpmnError(node_id, gettext("Từ bước này không thể đi tới kết thúc")))
    return errors
