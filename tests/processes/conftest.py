"""Fixtures of the process tests: the officials of the province, who handle second-instance complaints."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser

from organisation.models import Role
from tests.conftest import Org, make_official


@pytest.fixture
def province_staff(org: Org) -> dict[str, AbstractUser]:
    """The province handles second-instance complaints: a reception officer and a handling officer there."""
    return {
        "ivan": make_official("ivan", org.province, Role.RECEPTION_OFFICER),
        "judy": make_official("judy", org.province, Role.HANDLING_OFFICER),
    }
