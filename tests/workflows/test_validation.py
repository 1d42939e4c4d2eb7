"""A bad BPMN file is refused with the element id and the reason, and nothing is published or run."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from workflows import expressions
from workflows.models import ProcessVersion
from workflows.validation import BpmnInvalid, validate

SHIPPED = Path(__file__).resolve().parents[2] / "bpmn" / "processes" / "reflection.bpmn"
GOOD = SHIPPED.read_text(encoding="utf-8")


def errors_of(xml: str) -> list[tuple[str, str]]:
    with pytest.raises(BpmnInvalid) as caught:
        validate(xml)
    return [(e.element_id, e.reason) for e in caught.value.errors]


def test_the_shipped_process_is_valid(db):
    process = validate(GOOD)
    assert process.process_id == "reflection"
    assert process.user_tasks == ["classify", "assign", "draft_answer", "approve"]


def test_a_script_task_is_refused(db):
    xml = GOOD.replace(
        '<bpmn:serviceTask id="reject" name="Thông báo từ chối kèm lý do">',
        '<bpmn:scriptTask id="reject" name="x"><bpmn:script>import os</bpmn:script></bpmn:scriptTask><bpmn:serviceTask id="reject2" name="y">',
    )
    assert any(element == "reject" and "script" in reason for element, reason in errors_of(xml))


@pytest.mark.parametrize(
    "condition",
    [
        "__import__('os').system('id')",
        "decision.__class__",
        "open('/etc/passwd')",
        "[x for x in decision]",
        "'a' * 10**9",
        "decision ==",
    ],
)
def test_a_dangerous_or_broken_condition_is_refused_on_its_flow(db, condition):
    xml = GOOD.replace('decision == "accept"', condition.replace("<", "&lt;"))
    found = errors_of(xml)
    assert [element for element, _ in found] == ["flow_accept"], found


@pytest.mark.parametrize(
    ("condition", "reason"),
    [
        ("int(1e400) > 0", "too large"),
        ("min() == decision", "min() takes ≥ 1 arguments, got 0"),
        ("len(decision, decision) > 0", "len() takes 1 arguments, got 2"),
        ("max(decision, key=len) == 'a'", "no keyword arguments"),
        ("decision == 'accept' and len(5) > 0", "always fails at run time: TypeError"),
        ("decision == 'accept' and int('abc') > 0", "always fails at run time: ValueError"),
        ("decision == ['accept'][1]", "IndexError"),
        ("len(decision) / 0 > 1", "Division by zero"),
        ("decision == 'accept' if len(decision) else 1 // (2 - 2)", "ZeroDivisionError"),
        ("'a' < 1 or decision == 'accept'", "TypeError"),
        ("len(decision) > 10000000000000000", "too large"),
    ],
)
def test_a_condition_that_would_fail_whenever_it_runs_is_refused_on_its_flow(db, condition, reason):
    xml = GOOD.replace('decision == "accept"', condition.replace("<", "&lt;"))
    with translation.override("en"):  # the reasons come back in the active language: here English
        found = errors_of(xml)
    assert [element for element, _ in found] == ["flow_accept"], found
    assert reason in found[0][1]


@pytest.mark.parametrize(
    "condition",
    ["decision == 'accept'", "max(len(decision), 2) > 3", "int('12') + 1 == 13", "str(1) + decision == '1accept'"],
)
def test_a_condition_whose_constant_parts_run_is_accepted(db, condition):
    expressions.check_expression(condition)
    validate(GOOD.replace('decision == "accept"', condition))


def test_an_expression_that_fails_on_the_case_data_is_an_expression_error_never_a_crash():
    cases: list[tuple[str, dict[str, object]]] = [
        ("int(amount) > 0", {"amount": 1e400}),
        ("int(reason) > 0", {"reason": "Ông Nguyễn Văn An, 0912 345 678"}),
        ("amount / count > 1", {"amount": 1, "count": 0}),
        ("min(items) > 1", {"items": []}),
    ]
    for expression, data in cases:
        with pytest.raises(expressions.ExpressionError) as caught:
            expressions.evaluate(expression, data)
        assert "0912" not in str(caught.value)  # the case's data is never quoted back


def test_an_unknown_handler_is_refused(db):
    xml = GOOD.replace('serviceTaskOperator id="publish_answer"', 'serviceTaskOperator id="rm_rf"')
    found = errors_of(xml)
    assert [element for element, _ in found] == ["publish"]
    assert found[0][1].startswith("Không có xử lý «rm_rf» (có: accept_case,") and "publish_answer" in found[0][1]


def test_an_unreachable_task_is_refused(db):
    xml = GOOD.replace(
        '<bpmn:endEvent id="rejected"',
        '<bpmn:userTask id="orphan" name="Mồ côi"><bpmn:extensionElements><spiffworkflow:properties>'
        '<spiffworkflow:property name="public_status" value="x" /></spiffworkflow:properties></bpmn:extensionElements>'
        '</bpmn:userTask><bpmn:endEvent id="rejected"',
    ).replace(
        "<bpmn:flowNodeRef>classify</bpmn:flowNodeRef>",
        "<bpmn:flowNodeRef>classify</bpmn:flowNodeRef><bpmn:flowNodeRef>orphan</bpmn:flowNodeRef>",
    )
    assert [e for e, _ in errors_of(xml)] == ["orphan"]


def test_a_path_that_never_ends_is_refused(db):
    xml = GOOD.replace('<bpmn:sequenceFlow id="flow_rejected" sourceRef="reject" targetRef="rejected" />', "")
    found = [e for e, _ in errors_of(xml)]
    assert "reject" in found


def test_a_lane_must_name_a_role(db):
    xml = GOOD.replace('name="Cán bộ xử lý">', 'name="Phòng bí ẩn">')
    assert [e for e, _ in errors_of(xml)] == ["lane_handling"]


def test_a_user_task_needs_its_public_status(db):
    xml = GOOD.replace('<spiffworkflow:property name="public_status" value="Đang phân công cán bộ xử lý" />', "")
    assert (
        "assign",
        "Thiếu thuộc tính «public_status» (trạng thái cho người dân)",
    ) in errors_of(xml)


def test_a_form_field_of_unknown_type_is_refused(db):
    xml = GOOD.replace('value="text; required; label=Nội dung trả lời"', 'value="html; required"')
    assert [e for e, _ in errors_of(xml)] == ["draft_answer"]


def test_reserved_ids_are_refused(db):
    xml = GOOD.replace('id="received"', 'id="Start"').replace('sourceRef="received"', 'sourceRef="Start"')
    assert "Start" in [e for e, _ in errors_of(xml)]


def test_malformed_xml_is_refused_with_its_line():
    with pytest.raises(BpmnInvalid) as caught:
        validate(GOOD.replace("</bpmn:process>", "</bpmn:proces>"))
    assert caught.value.errors[0].line is not None and caught.value.errors[0].line > 100


def test_entities_are_refused_before_parsing():
    xxe = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    with pytest.raises(BpmnInvalid) as caught:
        validate(xxe)
    assert "DOCTYPE" in caught.value.errors[0].reason


def test_a_schema_violation_names_the_element(db):
    xml = GOOD.replace(
        '<bpmn:userTask id="approve" name="Duyệt văn bản trả lời">',
        '<bpmn:userTask id="approve" name="Duyệt" bogus="1">',
    )
    assert "approve" in [e for e, _ in errors_of(xml)]


def test_load_processes_refuses_a_bad_file_and_publishes_nothing(db, tmp_path):
    bad = tmp_path / "bad.bpmn"
    bad.write_text(GOOD.replace('decision == "reject"', "exec('x')"), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("load_processes", str(SHIPPED), str(bad))
    assert "bad.bpmn: flow_reject:" in str(caught.value)
    assert not ProcessVersion.objects.exists()


def test_load_processes_publishes_once_and_versions_a_change(db, tmp_path):
    call_command("load_processes", verbosity=0)
    call_command("load_processes", verbosity=0)
    assert list(ProcessVersion.objects.filter(process_key="reflection").values_list("number", flat=True)) == [1]

    changed = tmp_path / "reflection.bpmn"
    changed.write_text(GOOD.replace("Phân loại đơn", "Phân loại đơn thư"), encoding="utf-8")
    call_command("load_processes", str(changed), verbosity=0)
    assert ProcessVersion.objects.filter(process_key="reflection").count() == 2
    with pytest.raises(ValueError, match="immutable"):
        ProcessVersion.objects.first().save()  # type: ignore[union-attr]


def test_expressions_evaluate_only_whitelisted_code():
    assert expressions.evaluate('decision == "accept" and not urgent', {"decision": "accept", "urgent": False}) is True
    assert expressions.evaluate("len(items) > 2", {"items": [1, 2, 3]}) is True
    for bad in ["__import__('os')", "().__class__.__bases__", "getattr(x, 'y')", "lambda: 1", "x.y", "'%s' % x"]:
        with pytest.raises(expressions.ExpressionError):
            expressions.evaluate(bad, {"x": 1})
