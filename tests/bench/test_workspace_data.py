"""The workspace benchmark's generated cases are what the product would show: a ward official's inbox lists his
unit's steps of his role, the provincial leader's lists every open step, the leaders' figures count every case.
No timing here: `bench/workspace.py` measures; this checks that what it measures is real."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from bench.workspace import DEPARTMENTS, build
from workflows.models import HumanTask

CASES, OPEN = 300, 60


@pytest.fixture
def generated(processes: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the generator writes with PostgreSQL's generate_series")
    build(cases=CASES, open_cases=OPEN, migrate=False)


def logged_in(username: str) -> Client:
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.mark.django_db
def test_ward_official_inbox_lists_his_units_steps(generated: None) -> None:
    ward = 1 + DEPARTMENTS
    expected = set(
        HumanTask.objects.open()
        .filter(unit__code="bench-xa-000", role="reception_officer")
        .values_list("task_id", flat=True)
    )
    response = logged_in(f"tiepnhan0.u{ward:03d}").get("/api/v1/inbox", {"page_size": 500})
    assert response.status_code == 200
    body = response.json()
    listed = {row["task_id"] for row in body["results"]} if "results" in body else {row["task_id"] for row in body}
    assert body.get("count", len(listed)) == len(expected) > 0
    assert {str(task_id) for task_id in expected} >= listed
    page = logged_in(f"tiepnhan0.u{ward:03d}").get(f"/tasks/{next(iter(expected))}/")
    assert page.status_code == 200


@pytest.mark.django_db
def test_provincial_leader_sees_every_open_step_and_every_case(generated: None) -> None:
    leader = logged_in("lanhdao0.u000")
    inbox = leader.get("/api/v1/inbox").json()
    # the generated open cases and the two real ones the generator drove through the engine
    assert inbox["count"] == OPEN + 2 == HumanTask.objects.open().count()
    today = timezone.localdate()
    stats = leader.get(
        "/api/v1/stats", {"date_from": (today - datetime.timedelta(days=400)).isoformat(), "date_to": today.isoformat()}
    ).json()
    assert sum(row["received"] for row in stats) == CASES + 2
    assert sum(row["open"] for row in stats) == OPEN + 2
