"""Shared fixtures: a small province with named officials, the shipped processes published, API clients."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation
from rest_framework.test import APIClient

from notifications import adapters as notification_adapters
from organisation.models import Membership, Role, Unit
from tests.tools import (  # noqa: F401 - hooks: in CI a skip for a missing tool (requires_tool) fails the run
    pytest_collectreport,
    pytest_runtest_makereport,
    pytest_sessionfinish,
    pytest_terminal_summary,
)
from workflows.services import _specs_cache as specs_cache

PASSWORD = "s3cret-pass-phrase"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()  # rate limits and cached lookups must not leak between tests
    # A request in English leaves its language active in the thread: each test starts in the default language.
    translation.activate(django_settings.LANGUAGE_CODE)
    # Restored specs are cached by version id; a rolled-back test lets SQLite hand the same id to another version.
    specs_cache.clear()


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never in production
    # Notifications: e-mail through Django's test backend (mail.outbox), every other channel kept in memory
    # (notifications.adapters.outbox); a test of a provider's adapter sets its own.
    settings.NOTIFICATION_ADAPTERS = {
        "email": {"BACKEND": "email"},
        **{name: {"BACKEND": "locmem"} for name in ("zalo", "facebook", "sms", "zns")},
    }
    settings.NOTIFICATIONS_SEND_ON_COMMIT = True
    notification_adapters.outbox.clear()


@dataclass
class Org:
    province: Unit
    dong_ha: Unit
    gio_linh: Unit
    so_xay_dung: Unit
    users: dict[str, AbstractUser]

    def __getattr__(self, name: str) -> AbstractUser:
        try:
            return self.users[name]
        except KeyError:
            raise AttributeError(name) from None


def make_official(username: str, unit: Unit, *roles: Role) -> AbstractUser:
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, email=f"{username}@langnghe.test")
    for role in roles:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def org(db: None) -> Org:
    province = Unit.objects.create(code="tinh", name="UBND tỉnh", kind="tỉnh")
    dong_ha = Unit.objects.create(
        code="dong-ha", name="Phường Đông Hà", kind="phường", parent=province, is_commune=True
    )
    gio_linh = Unit.objects.create(code="gio-linh", name="Xã Gio Linh", kind="xã", parent=province, is_commune=True)
    so_xay_dung = Unit.objects.create(code="so-xay-dung", name="Sở Xây dựng", kind="sở", parent=province)
    users = {
        "alice": make_official("alice", dong_ha, Role.RECEPTION_OFFICER),
        "bob": make_official("bob", dong_ha, Role.HANDLING_OFFICER),
        "bella": make_official("bella", dong_ha, Role.HANDLING_OFFICER),
        "carol": make_official("carol", dong_ha, Role.UNIT_LEADER),
        "dave": make_official("dave", so_xay_dung, Role.RECEPTION_OFFICER),
        "erin": make_official("erin", so_xay_dung, Role.HANDLING_OFFICER),
        "frank": make_official("frank", so_xay_dung, Role.UNIT_LEADER),
        "grace": make_official("grace", gio_linh, Role.RECEPTION_OFFICER),
        "henry": make_official("henry", province, Role.UNIT_LEADER),
    }
    return Org(province, dong_ha, gio_linh, so_xay_dung, users)


@pytest.fixture
def processes(db: None) -> None:
    # In force long before any frozen date a test travels to.
    call_command("load_processes", "--effective-from", "2020-01-01", verbosity=0)


@pytest.fixture
def public() -> APIClient:
    return APIClient()


@pytest.fixture
def client_for(org: Org) -> Callable[[str], APIClient]:
    def login(username: str) -> APIClient:
        client = APIClient()
        assert client.login(username=username, password=PASSWORD)
        return client

    return login


def petition_payload(**overrides: Any) -> dict[str, Any]:
    payload = {
        "petition_type": "reflection",
        "title": "Đèn đường hỏng trên đường Lê Duẩn",
        "content": "Ba cột đèn trước số 120 Lê Duẩn không sáng đã hai tuần.",
        "commune": "dong-ha",
        "address": "120 Lê Duẩn",
        "petitioner_name": "Nguyễn Văn An",
        "petitioner_phone": "0912 345 678",
        "petitioner_email": "an.nguyen@example.vn",
        "publish_consent": True,
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def submit(public: APIClient, org: Org, processes: None) -> Callable[..., dict[str, Any]]:
    def do_submit(**overrides: Any) -> dict[str, Any]:
        response = public.post("/api/v1/petitions", petition_payload(**overrides), format="json")
        assert response.status_code == 201, response.json()
        return dict(response.json())

    return do_submit


# The browser tests' Chromium (Playwright), a fixture for every module that needs it (`tests/browser.py`).
from tests.browser import browser  # noqa: E402, F401
