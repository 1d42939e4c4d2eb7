"""What changed between two versions of a process, computed from their XML (the browser only colours it).

Elements are matched by id. An element is "changed" when one of its properties in our own terms differs: name,
lane (role), documentation, each `spiffworkflow:property` (deadline rule, public status, form fields, …), the
service-task handler and its parameters, a flow's condition, ends or default branch, a timer's expression.
Layout (diagram interchange) is not a change.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from lxml import etree

from deadlines import calendar
from deadlines.models import DayKind, DeadlineRule
from workflows.validation import BPMN, FLOW_NODE_TAGS, NS, parse_xml

_DESCRIBED_TAGS = FLOW_NODE_TAGS | {f"{{{BPMN}}}{tag}" for tag in ("sequenceFlow", "lane", "process")}
_TIMER_TAGS = ("timeDate", "timeDuration", "timeCycle")

_LABELS: dict[str, tuple[str, str]] = {
    "type": ("loại", "type"),
    "name": ("tên", "name"),
    "documentation": ("mô tả", "documentation"),
    "lane": ("làn (vai trò)", "lane (role)"),
    "handler": ("xử lý tự động", "handler"),
    "condition": ("điều kiện", "condition"),
    "timer": ("hẹn giờ", "timer"),
    "source": ("nối từ", "source"),
    "target": ("nối đến", "target"),
    "default": ("nhánh mặc định", "default branch"),
    "attached_to": ("gắn vào bước", "attached to"),
    "cancel_activity": ("dừng bước khi hết giờ", "interrupting"),
    "property:deadline_rule": ("quy tắc thời hạn", "deadline rule"),
    "property:deadline_start": ("tính hạn từ", "deadline counted from"),
    "property:remind_before": ("nhắc trước (ngày làm việc)", "reminder (working days before)"),
    "property:escalate_to": ("khi quá hạn báo", "when overdue, tell"),
    "property:public_status": ("trạng thái cho người dân", "public status"),
    "property:public_done": ("thông báo khi xong", "public text when done"),
    "property:assignee": ("người được giao", "assignee"),
}


@dataclass(frozen=True)
class ElementInfo:
    element_id: str
    type: str
    name: str
    attributes: dict[str, str]


@dataclass(frozen=True)
class PropertyChange:
    key: str
    before: str
    after: str
    text: str
    text_en: str


@dataclass(frozen=True)
class ElementChange:
    element_id: str
    type: str
    name: str
    changes: list[PropertyChange] = field(default_factory=list)


@dataclass
class ProcessDiff:
    added: list[ElementChange] = field(default_factory=list)
    removed: list[ElementChange] = field(default_factory=list)
    changed: list[ElementChange] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(element: etree._Element | None) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""


def describe(xml: str | bytes) -> dict[str, ElementInfo]:
    """Every element of the executable process that a legal officer edits, with its properties, by id."""
    root = parse_xml(xml)
    lanes: dict[str, str] = {}
    for lane in root.iter(f"{{{BPMN}}}lane"):
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            lanes[(ref.text or "").strip()] = str(lane.get("name") or lane.get("id"))
    described: dict[str, ElementInfo] = {}
    for element in root.iter(*_DESCRIBED_TAGS):
        element_id = element.get("id")
        if not element_id:
            continue
        attributes: dict[str, str] = {}
        documentation = _text(element.find("bpmn:documentation", NS))
        if documentation:
            attributes["documentation"] = documentation
        if element_id in lanes:
            attributes["lane"] = lanes[element_id]
        for prop in element.iterfind("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS):
            attributes[f"property:{prop.get('name')}"] = str(prop.get("value", ""))
        operator = element.find("bpmn:extensionElements/spiffworkflow:serviceTaskOperator", NS)
        if operator is not None:
            attributes["handler"] = str(operator.get("id", ""))
            for param in operator.iterfind("spiffworkflow:parameters/spiffworkflow:parameter", NS):
                attributes[f"param:{param.get('id')}"] = str(param.get("value", ""))
        condition = element.find("bpmn:conditionExpression", NS)
        if condition is not None:
            attributes["condition"] = _text(condition)
        for tag in _TIMER_TAGS:
            timer = element.find(f"bpmn:timerEventDefinition/bpmn:{tag}", NS)
            if timer is not None:
                attributes["timer"] = f"{tag}: {_text(timer)}"
        for attribute, key in (
            ("sourceRef", "source"),
            ("targetRef", "target"),
            ("default", "default"),
            ("attachedToRef", "attached_to"),
            ("cancelActivity", "cancel_activity"),
        ):
            if element.get(attribute) is not None:
                attributes[key] = str(element.get(attribute))
        described[element_id] = ElementInfo(
            element_id=element_id,
            type=_local(element.tag),
            name=str(element.get("name") or ""),
            attributes=attributes,
        )
    return described


class _Rules:
    """Rule codes shown with their days: «complaint.accept (10 ngày làm việc)»."""

    def __init__(self, on: datetime.date) -> None:
        self.on = on
        self.cache: dict[str, tuple[str, str]] = {}

    def show(self, code: str) -> tuple[str, str]:
        if not code:
            return "—", "—"
        if code not in self.cache:
            versions = list(DeadlineRule.objects.filter(code=code).order_by("-effective_from"))
            rule = next((v for v in versions if v.effective_from <= self.on), versions[-1] if versions else None)
            if rule is None:
                self.cache[code] = (f"{code} (không có quy tắc này)", f"{code} (no such rule)")
            else:
                working = rule.day_kind == DayKind.WORKING
                self.cache[code] = (
                    f"{code} ({rule.days} {'ngày làm việc' if working else 'ngày'})",
                    f"{code} ({rule.days} {'WD' if working else 'days'})",
                )
        return self.cache[code]


def _label(key: str) -> tuple[str, str]:
    if key in _LABELS:
        return _LABELS[key]
    if key.startswith("property:field:"):
        name = key.removeprefix("property:field:")
        return f"trường biểu mẫu «{name}»", f"form field «{name}»"
    if key.startswith("param:"):
        name = key.removeprefix("param:")
        return f"tham số «{name}»", f"parameter «{name}»"
    name = key.removeprefix("property:")
    return f"thuộc tính «{name}»", f"property «{name}»"


def _change(key: str, before: str, after: str, title: str, rules: _Rules) -> PropertyChange:
    label_vi, label_en = _label(key)
    if key == "property:deadline_rule":
        (before_vi, before_en), (after_vi, after_en) = rules.show(before), rules.show(after)
    else:
        before_vi = before_en = before or "—"
        after_vi = after_en = after or "—"
    return PropertyChange(
        key=key,
        before=before,
        after=after,
        text=f"{label_vi[:1].upper()}{label_vi[1:]} của «{title}»: {before_vi} → {after_vi}",
        text_en=f"{label_en[:1].upper()}{label_en[1:]} of «{title}»: {before_en} → {after_en}",
    )


def diff(old_xml: str | bytes, new_xml: str | bytes, *, on: datetime.date | None = None) -> ProcessDiff:
    """Added, removed and changed elements from `old_xml` to `new_xml`; rules are shown as in force on `on`."""
    old, new = describe(old_xml), describe(new_xml)
    rules = _Rules(on or calendar.today())
    result = ProcessDiff()
    for element_id, info in new.items():
        if element_id not in old:
            result.added.append(ElementChange(element_id, info.type, info.name))
    for element_id, info in old.items():
        if element_id not in new:
            result.removed.append(ElementChange(element_id, info.type, info.name))
            continue
        after = new[element_id]
        title = after.name or info.name or element_id
        changes: list[PropertyChange] = []
        if info.type != after.type:
            changes.append(_change("type", info.type, after.type, title, rules))
        if info.name != after.name:
            changes.append(_change("name", info.name, after.name, title, rules))
        keys = list(info.attributes) + [key for key in after.attributes if key not in info.attributes]
        for key in keys:
            before_value, after_value = info.attributes.get(key, ""), after.attributes.get(key, "")
            if before_value != after_value:
                changes.append(_change(key, before_value, after_value, title, rules))
        if changes:
            result.changed.append(ElementChange(element_id, after.type, title, changes))
    return result
