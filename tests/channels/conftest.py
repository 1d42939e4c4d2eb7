"""A real IMAP server (Dovecot) for the mailbox tests: one per test session on a free loopback port, a fresh
mailbox (user) per test; the Zalo and Facebook accounts of the webhook tests and their fake platform."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from imapclient import IMAPClient

from channels.mailbox import MailboxConfig
from tests.channels.dovecot import Dovecot, DovecotUnavailable
from tests.channels.platform_fake import platform  # noqa: F401 - fixture
from tests.tools import requires_tool

_numbers = itertools.count(1)
USERS = 200


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    server = Dovecot()
    for number in range(1, USERS + 1):  # Dovecot re-reads its passwd-file by mtime (1 s): users are added up front
        server.add_user(f"tiepnhan{number}@ubnd.test", "secret123")
    try:
        server.start()
    except (DovecotUnavailable, OSError) as error:
        requires_tool(f"the Dovecot IMAP server cannot run here: {error}")
    try:
        yield server
    finally:
        server.stop()


@dataclass
class TestMailbox:
    server: Dovecot
    username: str
    password: str
    config: MailboxConfig

    def deliver(self, raw: bytes, when: Any = None) -> int:
        with self.server.client(self.username, self.password) as client:
            response = client.append("INBOX", raw, msg_time=when)
        return int(response.split(b"]")[0].split()[-1])

    def client(self) -> IMAPClient:
        return self.server.client(self.username, self.password)

    def flags(self, folder: str = "INBOX") -> dict[int, set[bytes]]:
        with self.client() as client:
            if not client.folder_exists(folder):
                return {}
            client.select_folder(folder, readonly=True)
            uids = client.search(["ALL"])
            return {uid: set(data[b"FLAGS"]) for uid, data in client.fetch(uids, ["FLAGS"]).items()} if uids else {}


@pytest.fixture
def mailbox(dovecot: Dovecot, settings: Any) -> TestMailbox:
    number = next(_numbers)
    assert number <= USERS, "more mailbox tests than test users: raise USERS"
    username = f"tiepnhan{number}@ubnd.test"
    values = {
        "name": "tiepnhan",
        "host": dovecot.host,
        "port": dovecot.port,
        "username": username,
        "password": "secret123",
        "security": "plain",
        "folder": "INBOX",
        "processed_folder": "Processed",
        "unit": "",
    }
    settings.CHANNEL_MAILBOXES = [values]
    return TestMailbox(dovecot, username, "secret123", MailboxConfig.from_settings(values))


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
