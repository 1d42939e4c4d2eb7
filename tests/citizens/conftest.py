from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.citizens.provider import CLIENT_ID, CLIENT_SECRET, Provider, Running
from tests.consultation.conftest import clock, create_docket, lawyer, open_docket  # noqa: F401 - fixtures of comments


@pytest.fixture(scope="session")
def _running_provider() -> Iterator[Running]:
    running = Running()
    yield running
    running.stop()


@pytest.fixture
def provider(_running_provider: Running, settings: Any) -> Provider:
    """The local e-ID provider, and the site configured to sign in with it."""
    running = _running_provider
    running.provider.reset()
    issuer = running.provider.issuer
    settings.CITIZEN_OIDC_ISSUER = issuer
    settings.CITIZEN_OIDC_DISCOVERY_URL = f"{issuer}/.well-known/openid-configuration"
    settings.CITIZEN_OIDC_CLIENT_ID = CLIENT_ID
    settings.CITIZEN_OIDC_CLIENT_SECRET = CLIENT_SECRET
    return running.provider
