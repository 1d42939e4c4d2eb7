"""Fixtures for the process modeler: two legal officers (lan, minh), an official who may only look (tam), and a
draft of the reflection process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from rest_framework.test import APIClient

from bpmn import services
from bpmn.models import ProcessDraft
from organisation.models import Role, Unit
from tests.conftest import PASSWORD, Org, make_official
from workflows.models import ProcessVersion

PROCESSES = Path(__file__).resolve().parents[2] / "bpmn" / "processes"
REFLECTION = (PROCESSES / "reflection.bpmn").read_text(encoding="utf-8")


@pytest.fixture
def legal(org: Org) -> dict[str, AbstractUser]:
    legal_unit = Unit.objects.create(code="so-tu-phap", name="Sở Tư pháp", kind="sở", parent=org.province)
    return {
        "lan": make_official("lan", legal_unit, Role.LEGAL_STAFF),
        "minh": make_official("minh", legal_unit, Role.LEGAL_STAFF),
        "tam": make_official("tam", legal_unit, Role.HANDLING_OFFICER),
    }


@pytest.fixture
def login(legal: dict[str, AbstractUser]) -> Callable[[str], APIClient]:
    def client(username: str) -> APIClient:
        api = APIClient()
        assert api.login(username=username, password=PASSWORD)
        return api

    return client


@pytest.fixture
def reflection_v1(processes: None) -> ProcessVersion:
    return ProcessVersion.objects.get(process_key="reflection", number=1)


@pytest.fixture
def draft(legal: dict[str, AbstractUser], reflection_v1: ProcessVersion) -> ProcessDraft:
    return services.create_draft(author=legal["lan"], based_on=reflection_v1)  # type: ignore[arg-type]


def with_rule(xml: str, old: str, new: str) -> str:
    """The XML with one deadline_rule value replaced (first occurrence)."""
    needle = f'name="deadline_rule" value="{old}"'
    assert needle in xml
    return xml.replace(needle, f'name="deadline_rule" value="{new}"', 1)


@pytest.fixture(autouse=True)
def _fresh_spec_cache() -> None:
    """Specs are cached by version id for the life of the process; SQLite reuses ids after a test's rollback."""
    from workflows import services as workflow_services

    workflow_services._specs_cache.clear()
