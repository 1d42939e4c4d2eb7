"""The search contract suite runs against every backend in BACKENDS (for now the database's own).

To add a backend, add its name to `backend_names()` (e.g. "elasticsearch" when an emulator or a server is
reachable); every test that takes the `backend` fixture then runs against it too.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from cases.models import Petition
from organisation.models import Unit
from search.backends import get_backend, reset_backend
from search.backends.base import SearchBackend, SearchDocument
from workflows.models import ProcessVersion, WorkflowInstance

_codes = itertools.count(1)


def backend_names() -> list[str]:
    """The backends the contract suite runs against: the one of the current database (`make test` runs the
    suite on SQLite and on PostgreSQL)."""
    return ["postgres" if connection.vendor == "postgresql" else "sqlite"]


@pytest.fixture(params=backend_names())
def backend(request: pytest.FixtureRequest, db: None, settings: Any) -> Iterator[SearchBackend]:
    settings.SEARCH_BACKEND = request.param
    reset_backend()
    yield get_backend()
    reset_backend()


@pytest.fixture
def doc() -> Callable[..., SearchDocument]:
    """A document as a projection would make it; `doc("petition:1", title=…)`."""

    def make(doc_id: str, **fields: Any) -> SearchDocument:
        values: dict[str, Any] = {
            "doc_id": doc_id,
            "kind": doc_id.split(":")[0],
            "version": 1,
            "title": "Tiêu đề",
            "body": "Nội dung",
            "url": f"/track/{doc_id.replace(':', '-')}/",
            "date": datetime.date(2026, 1, 15),
            "petition_type": "reflection",
            "unit": "dong-ha",
            "unit_name": "Phường Đông Hà",
            "commune": "dong-ha",
            "commune_name": "Phường Đông Hà",
            "status": "answered",
        }
        values.update(fields)
        return SearchDocument(**values)

    return make


@pytest.fixture
def make_petition(org: Any) -> Callable[..., Petition]:
    """A petition row as the journey would leave it, without running the engine (fast, any type or state).

    Published and answered by Phường Đông Hà unless told otherwise.
    """
    version = ProcessVersion.objects.create(
        process_key="search-test", number=1, name="test", bpmn_xml="", sha256="", spec={}, effective_from="2020-01-01"
    )

    def make(**fields: Any) -> Petition:
        commune: Unit = fields.pop("commune", org.dong_ha)
        code = f"QT-2026-TEST-{next(_codes):04d}"
        now = timezone.now()
        values: dict[str, Any] = {
            "tracking_code": code,
            "access_key_hash": "x",
            "petition_type": "reflection",
            "title": "Đèn đường hỏng",
            "content": "Đèn đường trước nhà không sáng.",
            "commune": commune,
            "petitioner_name": "Nguyễn Văn An",
            "petitioner_phone": "0912 345 678",
            "petitioner_email": "an.nguyen@example.vn",
            "publish_consent": True,
            "status": "answered",
            "answer": "Đã thay bóng đèn.",
            "answered_at": now,
            "answered_by": commune,
            "published_at": now,
            "received_at": now,
        }
        values.update(fields)
        instance = WorkflowInstance(
            process_version=version, subject_type=values["petition_type"], unit=commune, reference=code
        )
        instance.title = values["title"]
        instance.state = {}
        instance.save()
        return Petition.objects.create(workflow=instance, **values)

    return make


def _step(petition: Petition, user: Any, data: dict[str, Any]) -> None:
    from workflows.models import HumanTask
    from workflows.services import complete_task

    task = HumanTask.objects.open().get(instance=petition.workflow)
    complete_task(task_id=task.task_id, user=user, data=data)


@pytest.fixture
def answer_through_the_journey(org: Any, processes: None) -> Callable[..., Petition]:
    """Submit a petition at Phường Đông Hà and carry it to a sent (and, with consent, published) answer,
    through the services the API calls: accept (alice), assign (carol), draft (bob), approve (carol)."""
    from cases.services import submit_petition

    def journey(*, answer: str = "Đã xử lý xong.", **submitted: Any) -> Petition:
        values: dict[str, Any] = {
            "petition_type": "reflection",
            "title": "Đèn đường hỏng",
            "content": "Đèn đường trước nhà không sáng.",
            "commune": org.dong_ha,
            "petitioner_name": "Nguyễn Văn An",
            "petitioner_phone": "0912 345 678",
            "publish_consent": True,
        }
        values.update(submitted)
        petition = submit_petition(**values).petition
        _step(petition, org.alice, {"decision": "accept"})
        _step(petition, org.carol, {"handler": "bob"})
        _step(petition, org.bob, {"answer": answer})
        _step(petition, org.carol, {"approval": "approve"})
        petition.refresh_from_db()
        return petition

    return journey
