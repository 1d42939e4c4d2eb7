"""Moving running cases to a new version: a dry run, an explicit migration with an audit entry per case, and
cases that cannot move staying on their version with the reason."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser, User
from rest_framework.pagination import PageNumberPagination
from rest_framework.test import APIClient

from bpmn import services, views
from deadlines import calendar
from organisation.models import Membership
from tests.bpmn.conftest import PROCESSES, REFLECTION, with_rule
from tests.conftest import PASSWORD, Org
from workflows import migration
from workflows import services as workflow_services
from workflows.models import CaseEvent, Deadline, HumanTask, ProcessVersion, WorkflowInstance


def publish(xml: str, process_key: str, legal: dict[str, AbstractUser]) -> ProcessVersion:
    version = ProcessVersion.objects.filter(process_key=process_key).order_by("-number").first()
    draft = services.create_draft(author=legal["lan"], based_on=version)  # type: ignore[arg-type]
    services.save_draft(draft=draft, xml=xml, base_sha256=draft.sha256, user=legal["lan"])  # type: ignore[arg-type]
    draft.refresh_from_db()
    services.submit_draft(draft=draft, user=legal["lan"])  # type: ignore[arg-type]
    services.approve_draft(draft=draft, user=legal["minh"], note="ok")  # type: ignore[arg-type]
    return services.publish_draft(draft=draft, user=legal["lan"], effective_from=calendar.today())  # type: ignore[arg-type]


def open_task(instance: WorkflowInstance) -> HumanTask:
    return HumanTask.objects.open().get(instance=instance)


def test_a_case_waiting_at_a_kept_step_moves_and_its_deadline_is_recomputed(
    submit: Callable[..., dict[str, Any]], legal: dict[str, AbstractUser], login: Callable[[str], APIClient]
) -> None:
    submit()
    instance = WorkflowInstance.objects.get()
    task = open_task(instance)
    old_due = task.due_at
    v2 = publish(with_rule(REFLECTION, "reflection.transfer", "complaint.accept"), "reflection", legal)

    report = login("lan").get("/api/v1/bpmn/processes/reflection/versions/2/migration").json()
    assert report["count"] == 1
    (case,) = report["results"]
    assert case["can_move"] is True and case["from_version"] == 1 and case["to_version"] == 2
    assert case["steps"] == [
        {
            "element_id": "classify",
            "new_element_id": "classify",
            "title": "Phân loại đơn",
            "kind": "task",
            "outcome": "kept",
            "changed": ["extensions"],
        }
    ]
    (deadline,) = case["deadlines"]
    assert deadline["outcome"] == "recomputed"
    assert (deadline["rule_before"], deadline["rule_after"]) == ("reflection.transfer", "complaint.accept")
    assert "«Thụ lý hoặc không thụ lý khiếu nại" in deadline["explanation"]
    instance.refresh_from_db()
    assert instance.process_version.number == 1  # a dry run changes nothing

    assert (
        login("tam")
        .post("/api/v1/bpmn/processes/reflection/versions/2/migration", {"instances": [instance.pk]}, format="json")
        .status_code
        == 403
    )
    moved = login("lan").post(
        "/api/v1/bpmn/processes/reflection/versions/2/migration", {"instances": [instance.pk]}, format="json"
    )
    assert moved.status_code == 200 and moved.json()[0]["moved"] is True

    instance.refresh_from_db()
    assert instance.process_version == v2 and instance.lock_version == 2
    task.refresh_from_db()
    assert task.completed_at is None and task.element_id == "classify"  # the same inbox row, the same task id
    row = Deadline.objects.get(spiff_task_id=task.task_id)
    assert row.rule_code == "complaint.accept" and row.closed_at is None
    assert task.due_at == row.due_at != old_due
    event = CaseEvent.objects.filter(instance=instance, kind="migrated").get()
    assert event.actor is not None and event.actor.username == "lan"
    assert "phiên bản 2" in event.summary

    # The case goes on, on the new version.
    alice = User.objects.get(username="alice")
    workflow_services.complete_task(task_id=task.task_id, user=alice, data={"decision": "accept"})
    assert HumanTask.objects.open().get(instance=instance).element_id == "assign"


def test_a_case_whose_step_changed_type_stays_and_says_why(
    submit: Callable[..., dict[str, Any]], legal: dict[str, AbstractUser], login: Callable[[str], APIClient]
) -> None:
    submit()
    instance = WorkflowInstance.objects.get()
    manual = REFLECTION.replace(
        '<bpmn:userTask id="classify" name="Phân loại đơn">', '<bpmn:manualTask id="classify" name="Phân loại đơn">'
    ).replace(
        '</bpmn:userTask>\n    <bpmn:sequenceFlow id="flow_classify_done"',
        '</bpmn:manualTask>\n    <bpmn:sequenceFlow id="flow_classify_done"',
    )
    publish(manual, "reflection", legal)
    (case,) = login("lan").get("/api/v1/bpmn/processes/reflection/versions/2/migration").json()["results"]
    assert case["can_move"] is False
    assert "classify" in case["reasons"][0] and "đổi loại trong phiên bản 2" in case["reasons"][0]

    response = login("lan").post(
        "/api/v1/bpmn/processes/reflection/versions/2/migration", {"instances": [instance.pk]}, format="json"
    )
    assert response.json()[0]["moved"] is False and "đổi loại trong phiên bản 2" in response.json()[0]["reason"]
    instance.refresh_from_db()
    assert instance.process_version.number == 1
    assert not CaseEvent.objects.filter(instance=instance, kind="migrated").exists()


def test_a_waiting_legal_timer_moves_with_its_new_rule(
    submit: Callable[..., dict[str, Any]], org: Org, legal: dict[str, AbstractUser]
) -> None:
    submit(petition_type="complaint")
    instance = WorkflowInstance.objects.get()
    task = open_task(instance)
    actor = Membership.objects.filter(unit=task.unit, role=task.role).first().user  # type: ignore[union-attr]
    workflow_services.complete_task(
        task_id=task.task_id, user=actor, data={"decision": "accept", "complexity": "normal"}, strict=False
    )
    timer = Deadline.objects.get(instance=instance, element_id="resolve_clock", closed_at__isnull=True)
    xml = (PROCESSES / "complaint_first.bpmn").read_text(encoding="utf-8")
    publish(with_rule(xml, "complaint.resolve.first", "complaint.resolve.first.remote"), "complaint_first", legal)

    (outcome,) = services.migrate_cases(
        target=ProcessVersion.objects.get(process_key="complaint_first", number=2),
        user=legal["lan"],  # type: ignore[arg-type]
        instance_ids=[instance.pk],
    )
    assert outcome.moved, outcome.reason
    timer.refresh_from_db()
    assert timer.rule_code == "complaint.resolve.first.remote"
    runner, _ = workflow_services.load(WorkflowInstance.objects.get(pk=instance.pk))
    (waiting,) = [t for t in runner.waiting_timers() if t.element_id == "resolve_clock"]
    assert waiting.id == timer.spiff_task_id
    assert waiting.due is not None and datetime.datetime.fromisoformat(waiting.due) == timer.due_at


def test_only_the_newest_version_receives_cases(
    submit: Callable[..., dict[str, Any]], legal: dict[str, AbstractUser]
) -> None:
    submit()
    publish(with_rule(REFLECTION, "reflection.transfer", "complaint.accept"), "reflection", legal)
    old = ProcessVersion.objects.get(process_key="reflection", number=1)
    try:
        services.migrate_cases(target=old, user=legal["lan"], instance_ids=[1])  # type: ignore[arg-type]
    except workflow_services.WorkflowError as error:
        assert "phiên bản mới nhất" in str(error)
    else:  # pragma: no cover
        raise AssertionError("migrated to an old version")


MIGRATION_API = "/api/v1/bpmn/processes/{key}/versions/{number}/migration"


def test_only_legal_staff_see_the_migration_report(
    submit: Callable[..., dict[str, Any]], legal: dict[str, AbstractUser], login: Callable[[str], APIClient]
) -> None:
    case = submit()
    publish(with_rule(REFLECTION, "reflection.transfer", "complaint.accept"), "reflection", legal)
    api = MIGRATION_API.format(key="reflection", number=2)
    page = "/modeler/reflection/v2/migrate/"
    # An official of the legal unit who is not legal staff, and a reception officer of Xã Gio Linh.
    for username in ("tam", "grace"):
        client = APIClient()
        assert client.login(username=username, password=PASSWORD)
        response = client.get(api)
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
        assert case["tracking_code"] not in response.content.decode()
        assert client.get(page).status_code == 403
        version_page = client.get("/modeler/reflection/v2/")
        assert version_page.status_code == 200 and case["tracking_code"] not in version_page.content.decode()
        assert 'id="link-migration"' not in version_page.content.decode()

    lan = login("lan")
    assert lan.get(api).json()["results"][0]["reference"] == case["tracking_code"]
    assert case["tracking_code"] in lan.get(page).content.decode()
    assert 'id="link-migration"' in lan.get("/modeler/reflection/v2/").content.decode()


def test_the_migration_report_is_paginated_and_plans_only_its_page(
    submit: Callable[..., dict[str, Any]],
    legal: dict[str, AbstractUser],
    login: Callable[[str], APIClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    codes = [submit(title=f"Đơn số {i}")["tracking_code"] for i in range(5)]
    publish(with_rule(REFLECTION, "reflection.transfer", "complaint.accept"), "reflection", legal)
    monkeypatch.setattr(PageNumberPagination, "page_size", 2)
    monkeypatch.setattr(views, "MIGRATION_PAGE_SIZE", 2)
    planned: list[int] = []
    plan = migration.plan_instance

    def counting_plan(instance: WorkflowInstance, target: ProcessVersion) -> migration.CasePlan:
        planned.append(instance.pk)
        return plan(instance, target)

    monkeypatch.setattr(migration, "plan_instance", counting_plan)
    api = MIGRATION_API.format(key="reflection", number=2)

    first = login("lan").get(api).json()
    assert first["count"] == 5 and first["previous"] is None and first["next"].endswith("?page=2")
    assert [row["reference"] for row in first["results"]] == codes[:2]
    assert len(planned) == 2  # the three cases on other pages were not planned
    last = login("lan").get(api, {"page": 3}).json()
    assert [row["reference"] for row in last["results"]] == codes[4:] and last["next"] is None
    assert login("lan").get(api, {"page": 4}).status_code == 404

    planned.clear()
    html = login("lan").get("/modeler/reflection/v2/migrate/", {"page": 2}).content.decode()
    assert codes[2] in html and codes[3] in html and codes[0] not in html and codes[4] not in html
    assert "Trang 2/3" in html and len(planned) == 2


def test_a_sealed_case_never_shows_its_title_in_the_migration_report(
    submit: Callable[..., dict[str, Any]], legal: dict[str, AbstractUser], login: Callable[[str], APIClient]
) -> None:
    title = "Tố cáo cán bộ địa chính nhận tiền"
    case = submit(petition_type="denunciation", title=title, publish_consent=False)
    xml = (PROCESSES / "denunciation.bpmn").read_text(encoding="utf-8")
    publish(with_rule(xml, "denunciation.classify", "denunciation.transfer"), "denunciation", legal)

    (row,) = login("lan").get(MIGRATION_API.format(key="denunciation", number=2)).json()["results"]
    assert row["reference"] == case["tracking_code"] and row["sealed"] is True
    assert row["title"] != title and title not in str(row)
    html = login("lan").get("/modeler/denunciation/v2/migrate/").content.decode()
    assert case["tracking_code"] in html and title not in html
