"""Steps shared by the process tests: legal dates, tasks by step, clocks and the public history of a case."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from rest_framework.test import APIClient

from cases.models import Petition
from workflows.models import Deadline

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: str, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """A moment in Vietnam's time zone (the legal calendar's)."""
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour, minute), tzinfo=HCM)


def task_of(client: APIClient, element_id: str) -> dict[str, Any]:
    """The one open task of this step in the official's inbox (log in again after travelling more than the
    session's two weeks)."""
    inbox = client.get("/api/v1/inbox", {"element_id": element_id}).json()
    assert inbox["count"] == 1, inbox
    return dict(inbox["results"][0])


def complete(client: APIClient, task: dict[str, Any], data: dict[str, Any], expect: int = 200) -> dict[str, Any]:
    response = client.post(f"/api/v1/tasks/{task['task_id']}/complete", {"form": data}, format="json")
    assert response.status_code == expect, response.json()
    return dict(response.json())


def do(client: APIClient, element_id: str, data: dict[str, Any], expect: int = 200) -> dict[str, Any]:
    """Complete the step `element_id` from the official's inbox, as they would in the app."""
    return complete(client, task_of(client, element_id), data, expect)


def due_date(value: datetime.datetime | str | None) -> datetime.date | None:
    """The legal due date (in Vietnam) of a due moment from the database or the API."""
    if value is None:
        return None
    moment = datetime.datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(HCM).date()


def clock_of(petition: Petition, element_id: str) -> Deadline:
    return Deadline.objects.filter(instance=petition.workflow_id, element_id=element_id).latest("pk")


def petition(code: str) -> Petition:
    return Petition.objects.select_related("workflow__unit", "workflow__process_version").get(tracking_code=code)


def history(public: APIClient, code: str) -> list[str]:
    return [item["text"] for item in public.get(f"/api/v1/petitions/{code}").json()["history"]]
