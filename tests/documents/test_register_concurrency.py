"""Two leaders approving at the same moment on PostgreSQL (two connections): the register's counter row is locked,
so they get two numbers, never the same one (Decree 30/2020/NĐ-CP, Art. 15(1): a number is given once a year)."""

from __future__ import annotations

import threading

import pytest
import time_machine
from django.db import connection

from documents import services
from documents.models import Document, DocumentKind, DocumentState
from organisation.models import Role
from tests.conftest import make_official
from tests.processes.steps import at, complete

COMPLAINT = {"petition_type": "complaint", "title": "Khiếu nại quyết định xử phạt", "content": "Tôi khiếu nại."}
LEADERS = 6


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps seeded forms, rules and bindings
def test_concurrent_approvals_never_share_a_number(org, processes, submit, client_for):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions need PostgreSQL (SQLite serializes writers)")
    with time_machine.travel(at("2026-11-04"), tick=False):
        # given six acceptance notices waiting, and six leaders of Phường Đông Hà
        codes = [submit(**COMPLAINT)["tracking_code"] for _ in range(LEADERS)]
        alice = client_for("alice")
        for task in alice.get("/api/v1/inbox", {"element_id": "accept_or_refuse"}).json()["results"]:
            complete(alice, task, {"decision": "accept", "complexity": "normal"})
        drafts = list(Document.objects.filter(kind=DocumentKind.ACCEPTANCE).order_by("pk"))
        assert len(drafts) == len(codes)
        leaders = [make_official(f"leader{i}", org.dong_ha, Role.UNIT_LEADER) for i in range(LEADERS)]

        # when they all approve at once, each in its own connection
        barrier = threading.Barrier(LEADERS)
        errors: list[BaseException] = []

        def approve(document: Document, leader) -> None:
            try:
                barrier.wait()
                services.issue_document(document=document, by=leader)
            except BaseException as error:
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=approve, args=pair) for pair in zip(drafts, leaders, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    # then every notice has its own number, 01 to 06, with no gap
    assert errors == []
    numbers = sorted(
        number
        for number in Document.objects.filter(state=DocumentState.ISSUED).values_list("number", flat=True)
        if number is not None
    )
    assert numbers == list(range(1, LEADERS + 1))
