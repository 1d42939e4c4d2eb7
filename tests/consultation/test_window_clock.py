"""The window's clocks follow the published close whichever route opens the window: the legal officer's approval
through this app's API, its manage page, the generic task API, or a service called directly. The engine's step
hook sets them, so no route can leave them at the rule's legal minimum (23 March for a window opening on 2 March),
where the timer would fire while the window is still open and the worker would escalate it."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any
from uuid import UUID

import pytest
from django.contrib.auth.models import User
from django.test import Client

from consultation import services
from consultation.models import Stage
from deadlines import calendar
from tests.conftest import PASSWORD
from tests.consultation.conftest import at, consultation, only_task
from workflows import services as workflow_services
from workflows.models import CaseEvent, Deadline, DeadlineKind, HumanTask
from workflows.services import load
from workflows.sweep import sweep

APPROVE = {"review": "approve"}


def _generic_task_api(client_for: Callable[[str], Any], docket_id: str, task_id: str) -> None:
    response = client_for("lan").post(f"/api/v1/tasks/{task_id}/complete", {"form": APPROVE}, format="json")
    assert response.status_code == 200, response.json()


def _consultation_api(client_for: Callable[[str], Any], docket_id: str, task_id: str) -> None:
    response = client_for("lan").post(
        f"/api/v1/dockets/{docket_id}/tasks/{task_id}/complete", {"form": APPROVE}, format="json"
    )
    assert response.status_code == 200, response.json()


def _manage_page(client_for: Callable[[str], Any], docket_id: str, task_id: str) -> None:
    browser = Client()
    assert browser.login(username="lan", password=PASSWORD)
    response = browser.post(f"/consultations/manage/{docket_id}/tasks/{task_id}/", APPROVE)
    assert response.status_code == 302


def _consultation_service(client_for: Callable[[str], Any], docket_id: str, task_id: str) -> None:
    services.complete_step(consultation=consultation(docket_id), task_id=UUID(task_id), user=_lan(), data=APPROVE)


def _engine_service(client_for: Callable[[str], Any], docket_id: str, task_id: str) -> None:
    workflow_services.complete_task(task_id=UUID(task_id), user=_lan(), data=APPROVE)


def _lan() -> User:
    return User.objects.get(username="lan")


ROUTES = {
    "generic task API": _generic_task_api,
    "consultation API": _consultation_api,
    "manage page": _manage_page,
    "consultation service": _consultation_service,
    "engine service": _engine_service,
}


@pytest.mark.parametrize("route", ROUTES.values(), ids=ROUTES.keys())
def test_the_window_closes_on_the_published_date_whichever_route_opened_it(
    route, create_docket, client_for, post_comment, clock
):
    # given a consultation from Monday 2 March to Tuesday 31 March 2026 (legal minimum: end of Monday 23 March)
    docket_id = str(create_docket(comment_start_date="2026-03-02", comment_end_date="2026-03-31")["docket_id"])
    erin = client_for("erin")
    prepare = only_task(erin, docket_id)
    assert erin.post(f"/api/v1/tasks/{prepare['task_id']}/complete", {"form": {}}, format="json").status_code == 200

    # when the legal officer approves it through this route
    route(client_for, docket_id, only_task(client_for("lan"), docket_id)["task_id"])

    # then the timer closes the window at the end of 31 March and the window step is due the working day after
    case = consultation(docket_id)
    assert case.stage == Stage.PUBLISHED
    timer = Deadline.objects.get(instance_id=case.workflow_id, element_id="close_window", closed_at__isnull=True)
    window = Deadline.objects.get(instance_id=case.workflow_id, element_id="window", closed_at__isnull=True)
    assert timer.kind == DeadlineKind.TIMER and timer.due_at == calendar.end_of_day(datetime.date(2026, 3, 31))
    assert window.due_at == calendar.end_of_day(datetime.date(2026, 4, 1))
    assert HumanTask.objects.get(task_id=window.spiff_task_id).due_at == window.due_at
    # the engine's own timer agrees with its row
    runner, _ = load(case.workflow)
    [engine_timer] = runner.waiting_timers()
    assert datetime.datetime.fromisoformat(str(engine_timer.due)) == timer.due_at
    scheduled = CaseEvent.objects.get(instance_id=case.workflow_id, kind="window_scheduled")
    assert "31/03/2026" in scheduled.summary and scheduled.actor is not None and scheduled.actor.username == "lan"

    # and the worker neither closes nor escalates the window after the legal minimum
    clock.move_to(at("2026-03-25", 10))
    sweep()
    assert consultation(docket_id).stage == Stage.PUBLISHED
    assert not CaseEvent.objects.filter(instance_id=case.workflow_id, kind__in=["overdue", "very_overdue"]).exists()
    post_comment(docket_id)  # the public can still comment

    # but it closes the window once the published close has passed
    clock.move_to(at("2026-04-01", 0, 5))
    sweep()
    assert consultation(docket_id).stage == Stage.CLOSED
