"""The generic work moved from `cases/` to the engine keeps its URLs, and the names templates used still reverse."""

from __future__ import annotations

import uuid

import pytest
from django.urls import resolve, reverse

TASK = uuid.UUID("12345678-1234-5678-1234-567812345678")


@pytest.mark.parametrize(
    ("path", "module"),
    [
        ("/api/v1/inbox", "workflows.api"),
        (f"/api/v1/tasks/{TASK}", "workflows.api"),
        (f"/api/v1/tasks/{TASK}/claim", "workflows.api"),
        (f"/api/v1/tasks/{TASK}/complete", "workflows.api"),
        ("/inbox/", "workflows.views"),
        (f"/tasks/{TASK}/claim/", "workflows.views"),
        ("/api/v1/cases/1/suspend", "cases.api"),
        ("/api/v1/cases/1/resume", "cases.api"),
        ("/api/v1/deadlines/1/extension-requests", "workflows.api"),
        ("/api/v1/work/1/suspend", "workflows.api"),
        ("/api/v1/work/1/resume", "workflows.api"),
        ("/api/v1/extension-requests/1/decision", "workflows.api"),
        (f"/tasks/{TASK}/", "cases.views"),
    ],
)
def test_the_moved_work_keeps_its_paths(path, module):
    assert resolve(path).func.__module__ == module


def test_the_old_page_names_still_reverse_to_the_same_paths():
    assert reverse("cases:inbox") == reverse("work:inbox") == "/inbox/"
    assert reverse("cases:claim", args=[TASK]) == reverse("work:claim", args=[TASK]) == f"/tasks/{TASK}/claim/"
    assert reverse("api-inbox") == "/api/v1/inbox"
    assert reverse("api-task-complete", args=[TASK]) == f"/api/v1/tasks/{TASK}/complete"


def test_the_inbox_page_still_lists_an_officials_work(client_for, submit):
    code = submit(petition_type="reflection", title="Đèn đường hỏng", content="Đèn đường trước nhà số 5 hỏng.")[
        "tracking_code"
    ]
    page = client_for("alice").get("/inbox/")
    assert page.status_code == 200
    assert code in page.content.decode()
