from __future__ import annotations

from typing import Any

import pytest

from tests.channels.platform_fake import platform  # noqa: F401 - fixture

PAGE_ID = "104857600123456"
FB_APP_SECRET = "fb-app-secret-for-tests"
FB_VERIFY_TOKEN = "verify-me-please"
OA_ID = "4318492746190812345"
ZALO_APP_ID = "3482178216594085616"
ZALO_SECRET = "zalo-oa-secret-for-tests"


@pytest.fixture(autouse=True)
def _channel_accounts(settings: Any) -> None:
    settings.FACEBOOK_PAGES = {
        PAGE_ID: {"app_secret": FB_APP_SECRET, "verify_token": FB_VERIFY_TOKEN, "access_token": ""}
    }
    settings.ZALO_OAS = {OA_ID: {"secret_key": ZALO_SECRET, "app_id": ZALO_APP_ID, "access_token": ""}}
    settings.CHANNEL_ATTACHMENT_HOSTS = ["127.0.0.1"]
    settings.CHANNEL_ATTACHMENT_TIMEOUT = 5
