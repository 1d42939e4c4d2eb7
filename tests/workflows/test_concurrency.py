"""Two (or eight) officials completing the same task at once: one winner, clean 409s, a consistent case."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from organisation.models import Role
from tests.conftest import PASSWORD, make_official
from workflows.models import CaseEvent, HumanTask, WorkflowInstance

OFFICIALS = 8
ACCEPT = {"decision": "accept"}
REJECT = {"decision": "reject", "reason": "Không thuộc thẩm quyền."}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps seeded rules and bindings
def test_concurrent_completions_have_exactly_one_winner(org, processes, public):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions need PostgreSQL (SQLite serializes writers)")
    from tests.conftest import petition_payload

    assert public.post("/api/v1/petitions", petition_payload(), format="json").status_code == 201
    task = HumanTask.objects.get()
    before = WorkflowInstance.objects.get().lock_version
    clients = []
    for i in range(OFFICIALS):
        make_official(f"reception{i}", org.dong_ha, Role.RECEPTION_OFFICER)
        client = APIClient()
        assert client.login(username=f"reception{i}", password=PASSWORD)
        clients.append(client)

    barrier = threading.Barrier(OFFICIALS)
    statuses: list[int] = []
    bodies: list[dict] = []
    lock = threading.Lock()

    def complete(client: APIClient, data: dict) -> None:
        try:
            barrier.wait()
            response = client.post(f"/api/v1/tasks/{task.task_id}/complete", {"form": data}, format="json")
            with lock:
                statuses.append(response.status_code)
                bodies.append(response.json())
        finally:
            connection.close()

    # Half accept, half reject: if two won, the case would show both outcomes.
    threads = [threading.Thread(target=complete, args=(c, ACCEPT if i % 2 else REJECT)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [200] + [409] * (OFFICIALS - 1), bodies
    assert all(b["code"] == "conflict" for b in bodies if "code" in b)
    instance = WorkflowInstance.objects.get()
    assert instance.lock_version == before + 1
    completions = CaseEvent.objects.filter(kind="task_completed", element_id="classify")
    assert completions.count() == 1
    winner = completions.get().data["decision"]
    expected_next = {"accept": ["assign"], "reject": []}[winner]
    assert list(HumanTask.objects.open().values_list("element_id", flat=True)) == expected_next
