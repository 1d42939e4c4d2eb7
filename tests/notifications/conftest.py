"""Test servers for the notification outbox, started on 127.0.0.1 with free ports: a real SMTP receiver
(aiosmtpd) and a fake HTTP provider (Zalo OA, Facebook Send API, an SMS gateway, ZNS) that answers from a script."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.tools import requires_tool


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class SmtpReceiver:
    port: int
    refused: set[str] = field(default_factory=set)  # recipients answered 550
    received: list[tuple[list[str], bytes]] = field(default_factory=list)

    def messages(self) -> list[EmailMessage]:
        return [email.message_from_bytes(raw, policy=email.policy.default) for _rcpt, raw in self.received]


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpReceiver]:
    """A real SMTP server on a loopback port, and Django's SMTP backend pointed at it."""
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        requires_tool("aiosmtpd (pip install aiosmtpd, in the dev extra)")
    receiver = SmtpReceiver(port=free_port())

    class Handler:
        async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
            if address in receiver.refused:
                return f"550 5.1.1 <{address}>: user unknown"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            receiver.received.append((list(envelope.rcpt_tos), envelope.original_content))
            return "250 Message accepted"

    controller = Controller(Handler(), hostname="127.0.0.1", port=receiver.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", receiver.port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "tiepnhan@ubnd.test"
    try:
        yield receiver
    finally:
        controller.stop()


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeProvider:
    """Answers each POST from `script[path]` (a list of (status, body) consumed in order; the last one repeats),
    and records every request. `delivered` holds what the provider accepted, deduplicated by the idempotency key
    it was given (as eSMS does with RequestId, ZNS with tracking_id)."""

    url: str
    script: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    delivered: dict[str, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, path: str, body: Any) -> tuple[int, Any]:
        with self.lock:
            steps = self.script.get(path) or [(404, {"error": "unknown path"})]
            status, reply = steps.pop(0) if len(steps) > 1 else steps[0]
            if status == 200 and not isinstance(reply, bytes):
                key = str((body or {}).get("RequestId") or (body or {}).get("tracking_id") or len(self.requests))
                self.delivered.setdefault(key, body)
            return status, reply


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    fake = FakeProvider(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw
            with fake.lock:
                fake.requests.append(Request(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            status, reply = fake.answer(self.path, body)
            data = reply if isinstance(reply, bytes) else json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html" if isinstance(reply, bytes) else "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def real_adapters(settings: Any, provider: FakeProvider) -> FakeProvider:
    """Zalo, Facebook, SMS and ZNS adapters pointed at the fake provider; e-mail through Django (locmem)."""
    settings.NOTIFICATION_ADAPTERS = {
        "email": {"BACKEND": "email"},
        "zalo": {"BACKEND": "zalo", "BASE_URL": provider.url + "/zalo", "ACCESS_TOKEN": "oa-token"},
        "facebook": {
            "BACKEND": "facebook",
            "BASE_URL": provider.url + "/graph",
            "PAGE_ID": "1122",
            "PAGE_ACCESS_TOKEN": "page-token",
        },
        "sms": {
            "BACKEND": "sms",
            "BASE_URL": provider.url + "/sms",
            "API_KEY": "k",
            "SECRET_KEY": "s",
            "BRANDNAME": "UBND",
        },
        "zns": {
            "BACKEND": "zns",
            "BASE_URL": provider.url + "/zns",
            "ACCESS_TOKEN": "oa-token",
            "TEMPLATES": {"acknowledgement": "2301"},
        },
    }
    settings.NOTIFICATIONS_HTTP_TIMEOUT = 5
    return provider


ZALO_OK = (200, {"error": 0, "message": "Success", "data": {"message_id": "zmsg-1"}})
FACEBOOK_OK = (200, {"recipient_id": "psid-7", "message_id": "m_fb-1"})
SMS_OK = (200, {"CodeResult": "100", "SMSID": "sms-1"})
ZNS_OK = (200, {"error": 0, "message": "Success", "data": {"msg_id": "zns-1", "sent_time": "1"}})
