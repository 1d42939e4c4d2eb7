"""Adapters: one interface for every way a message leaves (`Adapter.send`), chosen in settings.

`settings.NOTIFICATION_ADAPTERS` maps the adapter names an address chain uses ("email", "zalo", "facebook",
"sms", "zns") to a backend and its options:

    NOTIFICATION_ADAPTERS = {"sms": {"BACKEND": "sms", "BASE_URL": "https://…", "API_KEY": "…", …}, …}

`BACKEND` is a short name (`email`, `zalo`, `facebook`, `sms`, `zns`, `console`, `locmem`) or a dotted path to an
`Adapter` subclass; an empty or missing backend disables the name, and the worker moves on to the next address.

An adapter answers a send with the provider's message id, or raises:
- `Temporary`: the provider is down, slow, throttling, or answered something unreadable: retry later (backoff);
- `Undeliverable`: this address cannot be reached this way (refused recipient, Facebook's 24-hour window closed,
  no approved ZNS template for this kind): go on to the next address of the chain.

Reasons are written by the adapter and never contain an address or a text; a provider's own words go in
`detail`, which the worker scrubs of addresses and drops for a sealed (denouncer's) message.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
import smtplib
import sys
import unicodedata
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, ClassVar, TextIO

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 64 * 1024
FACEBOOK_WINDOW = datetime.timedelta(hours=24)


class DeliveryError(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


class Temporary(DeliveryError):
    """Retry the same address later."""


class Undeliverable(DeliveryError):
    """Give up this address; try the next one of the chain."""


@dataclass(frozen=True)
class Outbound:
    """What an adapter sends: one message to one address."""

    pk: int
    idempotency_key: str
    kind: str
    reference: str
    to: str
    address: dict[str, Any]
    language: str
    subject: str
    text: str
    html: str = ""
    short_text: str = ""
    link: str = ""
    thread: str = ""
    references: list[str] = field(default_factory=list)


class Adapter:
    """Base class. `name` is the chain's adapter name this instance serves ("email", "sms", …)."""

    # Whether a retry of the same message is recognised by the provider (idempotency key), so a crash between
    # the send and its record never delivers twice.
    idempotent: ClassVar[bool] = False

    def __init__(self, name: str, **options: Any) -> None:
        self.name = name
        self.options = options
        self.timeout = float(options.get("TIMEOUT") or getattr(settings, "NOTIFICATIONS_HTTP_TIMEOUT", 10) or 10)

    def send(self, message: Outbound) -> str:
        raise NotImplementedError

    def close(self) -> None:
        """End of a worker pass: release connections."""

    def option(self, key: str) -> str:
        value = str(self.options.get(key) or "")
        if not value:
            raise Temporary(f"{self.name}: setting {key} is missing")
        return value


# ---- helpers -------------------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Vietnamese without diacritics (đ → d), for SMS: a Unicode SMS carries 70 characters, a plain one 160."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def international_phone(phone: str) -> str:
    """0912 345 678 / +84 912… → 84912345678 (the format SMS gateways and ZNS take)."""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("0"):
        digits = "84" + digits[1:]
    if not digits.startswith("84") or not 10 <= len(digits) <= 12:
        raise Undeliverable("not a Vietnamese phone number")
    return digits


def post_json(url: str, payload: dict[str, Any], *, headers: dict[str, str], timeout: float) -> tuple[int, Any]:
    """POST JSON; return (status, parsed body). Raises Temporary when the provider cannot be reached, answers 5xx
    or 429, or answers something that is not JSON."""
    request = urllib.request.Request(  # noqa: S310 - the URL comes from settings, https in production
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8", "Accept": "application/json", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status, body = response.status, response.read(MAX_RESPONSE_BYTES)
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read(MAX_RESPONSE_BYTES)
        if status >= 500 or status == 429:
            raise Temporary(f"HTTP {status}", body.decode("utf-8", "replace")[:300]) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise Temporary(f"unreachable: {type(reason).__name__}", str(reason)[:200]) from None
    try:
        return status, json.loads(body)
    except ValueError:
        raise Temporary(
            f"garbage response: HTTP {status}, {len(body)} bytes, not JSON", body.decode("utf-8", "replace")[:200]
        ) from None


def _field(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


# ---- e-mail ----------------------------------------------------------------------------------------------------


class EmailAdapter(Adapter):
    """Django's e-mail framework (settings.EMAIL_BACKEND, or the option `EMAIL_BACKEND`): text and HTML, marked
    as automatic (RFC 3834) so auto-replies do not answer it, threaded per case, `[CODE]` in the subject."""

    def __init__(self, name: str, **options: Any) -> None:
        super().__init__(name, **options)
        self.connection: Any = None

    def message_id(self, message: Outbound) -> str:
        return message_id_for(message.pk, message.thread)

    def send(self, message: Outbound) -> str:
        subject = message.subject
        if message.reference and f"[{message.reference}]" not in subject:
            subject = f"[{message.reference}] {subject}"
        message_id = self.message_id(message)
        headers = {
            "Message-ID": message_id,
            # An acknowledgement answers the citizen's own message; everything else is generated by the system.
            "Auto-Submitted": "auto-replied" if message.kind == "acknowledgement" else "auto-generated",
            "X-Auto-Response-Suppress": "All",
        }
        if message.references:
            headers["In-Reply-To"] = message.references[-1]
            headers["References"] = " ".join(message.references)
        mail = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=message.text,
            from_email=self.options.get("FROM") or settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            headers=headers,
        )
        if message.html:
            mail.attach_alternative(message.html, "text/html")
        try:
            if self.connection is None:
                # A mail server that hangs must not hold the worker (Django's SMTP default is no timeout).
                timeout = getattr(settings, "EMAIL_TIMEOUT", None) or self.timeout
                self.connection = get_connection(self.options.get("EMAIL_BACKEND") or None, timeout=timeout)
                self.connection.open()
            mail.connection = self.connection
            mail.send()
        except smtplib.SMTPRecipientsRefused as error:
            self.close()
            codes = ",".join(str(code) for code, _text in error.recipients.values())
            raise Undeliverable(f"recipient refused ({codes})") from None
        except smtplib.SMTPResponseException as error:
            self.close()
            if 500 <= error.smtp_code < 600:
                raise Undeliverable(f"refused by the mail server ({error.smtp_code})", str(error.smtp_error)) from None
            raise Temporary(f"mail server busy ({error.smtp_code})", str(error.smtp_error)) from None
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise Temporary(f"mail server unreachable: {type(error).__name__}") from None
        return message_id.strip("<>")

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:  # a broken connection is dropped either way
                logger.debug("Closing the mail connection failed", exc_info=True)
            self.connection = None


def message_id_domain() -> str:
    configured = getattr(settings, "NOTIFICATIONS_MESSAGE_ID_DOMAIN", "")
    return configured or settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "localhost"


def message_id_for(pk: int, thread: str) -> str:
    """The Message-ID of outbox row `pk`: the same on every retry, `<case-QT-2026-7KX4-M9PA.12@domain>`."""
    return f"<{thread or 'notification'}.{pk}@{message_id_domain()}>"


# ---- chat: Zalo Official Account, Facebook Page -----------------------------------------------------------------


class ZaloOAAdapter(Adapter):
    """Zalo OA customer-care message (`POST /v3.0/oa/message/cs`) to the user id the citizen wrote from."""

    def send(self, message: Outbound) -> str:
        url = self.option("BASE_URL").rstrip("/") + "/v3.0/oa/message/cs"
        payload = {"recipient": {"user_id": message.to}, "message": {"text": chat_text(message, 2000)}}
        status, data = post_json(
            url, payload, headers={"access_token": self.option("ACCESS_TOKEN")}, timeout=self.timeout
        )
        error = _field(data, "error")
        if error == 0 and _field(data, "data", "message_id"):
            return str(_field(data, "data", "message_id"))
        if error == 0 or not isinstance(error, int):
            raise Temporary(f"garbage response from Zalo: HTTP {status}, no message id", json.dumps(data)[:200])
        # Uncertain (no official list found): -216 is an invalid or expired access token; an operator renews it.
        raise Temporary(f"Zalo error {error}", str(_field(data, "message") or ""))


class FacebookAdapter(Adapter):
    """Facebook Send API (`POST /{page-id}/messages`) to the page-scoped id the citizen wrote from.

    Free-form messages are allowed only within 24 hours of the citizen's last message (the address carries it as
    `last_inbound_at`); outside the window the address is given up and the chain goes on (e-mail, SMS)."""

    def send(self, message: Outbound) -> str:
        last = message.address.get("last_inbound_at")
        last_at = datetime.datetime.fromisoformat(last) if last else None
        if last_at is None or timezone.now() - last_at > FACEBOOK_WINDOW:
            raise Undeliverable("outside Facebook's 24-hour window")
        url = f"{self.option('BASE_URL').rstrip('/')}/{self.option('PAGE_ID')}/messages"
        payload = {
            "recipient": {"id": message.to},
            "messaging_type": "RESPONSE",
            "message": {"text": chat_text(message, 2000)},
            "access_token": self.option("PAGE_ACCESS_TOKEN"),  # in the body, so never in a URL that is logged
        }
        status, data = post_json(url, payload, headers={}, timeout=self.timeout)
        if status < 300 and _field(data, "message_id"):
            return str(data["message_id"])
        code, subcode = _field(data, "error", "code"), _field(data, "error", "error_subcode")
        detail = str(_field(data, "error", "message") or "")
        if code is None:
            raise Temporary(f"garbage response from Facebook: HTTP {status}, no message id", json.dumps(data)[:200])
        if code == 10 and subcode == 2018278:
            raise Undeliverable("outside Facebook's 24-hour window (refused by Facebook)", detail)
        if code in (551, 200) or (code == 100 and subcode == 2018001):
            raise Undeliverable(f"Facebook cannot reach this person (error {code})", detail)
        raise Temporary(f"Facebook error {code}" + (f"/{subcode}" if subcode else ""), detail)


def chat_text(message: Outbound, limit: int) -> str:
    """The plain text for a chat, without the e-mail signature (it speaks of mail subjects)."""
    body = message.text.split("\n-- \n", 1)[0].strip()
    text = f"[{message.reference}] {body}" if message.reference else body
    if len(text) <= limit:
        return text
    tail = f"… {message.link}" if message.link else "…"
    return text[: limit - len(tail)].rstrip() + tail


# ---- phone: SMS gateway, Zalo ZNS -------------------------------------------------------------------------------


class SmsGatewayAdapter(Adapter):
    """A brandname SMS through an HTTP gateway speaking eSMS's JSON (`SendMultipleMessage_V4_post_json`).

    The text is the short one (the case code and a link: no personal data), without diacritics. The outbox row's
    idempotency key is the gateway's `RequestId`, so a retry after a crash is not sent twice."""

    idempotent = True

    def send(self, message: Outbound) -> str:
        payload = {
            "ApiKey": self.option("API_KEY"),
            "SecretKey": self.option("SECRET_KEY"),
            "Phone": international_phone(message.to),
            "Content": fold(message.short_text or message.subject)[:459],
            "Brandname": self.option("BRANDNAME"),
            "SmsType": "2",  # customer care
            "IsUnicode": "0",
            "Sandbox": "1" if self.options.get("SANDBOX") else "0",
            "RequestId": message.idempotency_key[:100],
        }
        status, data = post_json(self.option("BASE_URL"), payload, headers={}, timeout=self.timeout)
        code = str(_field(data, "CodeResult") or "")
        if code == "100" and _field(data, "SMSID"):
            return str(data["SMSID"])
        if not code:
            raise Temporary(f"garbage response from the SMS gateway: HTTP {status}", json.dumps(data)[:200])
        raise Temporary(f"SMS gateway error {code}", str(_field(data, "ErrorMessage") or ""))


class ZaloZnsAdapter(Adapter):
    """A Zalo Notification Service template message to the citizen's phone. Each kind of message needs a template
    approved by Zalo (`TEMPLATES`: kind → template id); a kind without one moves on to the next address.
    Parameters are the case code and the link only (`PARAMS`: template parameter → "code" or "link")."""

    idempotent = True

    def send(self, message: Outbound) -> str:
        templates = self.options.get("TEMPLATES") or {}
        template_id = templates.get(message.kind)
        if not template_id:
            raise Undeliverable(f"no approved ZNS template for {message.kind}")
        fields = {"code": message.reference, "link": message.link}
        params = self.options.get("PARAMS") or {"ma_ho_so": "code", "duong_dan": "link"}
        payload: dict[str, Any] = {
            "phone": international_phone(message.to),
            "template_id": str(template_id),
            "template_data": {name: fields.get(source, "") for name, source in params.items()},
            "tracking_id": message.idempotency_key[:48],
        }
        if self.options.get("MODE"):
            payload["mode"] = self.options["MODE"]
        url = self.option("BASE_URL").rstrip("/") + "/message/template"
        status, data = post_json(
            url, payload, headers={"access_token": self.option("ACCESS_TOKEN")}, timeout=self.timeout
        )
        error = _field(data, "error")
        if error == 0 and _field(data, "data", "msg_id"):
            return str(_field(data, "data", "msg_id"))
        if error == 0 or not isinstance(error, int):
            raise Temporary(f"garbage response from ZNS: HTTP {status}, no msg_id", json.dumps(data)[:200])
        raise Temporary(f"ZNS error {error}", str(_field(data, "message") or ""))


# ---- development and tests --------------------------------------------------------------------------------------


class ConsoleAdapter(Adapter):
    """Prints each message (development only: it writes addresses and texts; refused when DEBUG is off)."""

    stream: TextIO | None = None

    def send(self, message: Outbound) -> str:
        out = self.stream or sys.stdout
        out.write(f"--- {self.name} → {message.to} [{message.kind}] {message.subject}\n{message.text}\n---\n")
        out.flush()
        return f"console-{message.pk}"


# What the locmem adapter sent, like django.core.mail.outbox: (adapter name, message) pairs.
outbox: list[tuple[str, Outbound]] = []


class LocmemAdapter(Adapter):
    """Keeps each message in `notifications.adapters.outbox` (tests, benchmarks)."""

    idempotent = True

    def send(self, message: Outbound) -> str:
        outbox.append((self.name, message))
        return f"locmem-{message.pk}"


SHORT_NAMES = {
    "email": EmailAdapter,
    "zalo": ZaloOAAdapter,
    "facebook": FacebookAdapter,
    "sms": SmsGatewayAdapter,
    "zns": ZaloZnsAdapter,
    "console": ConsoleAdapter,
    "locmem": LocmemAdapter,
}


def adapter_class(backend: str) -> type[Adapter]:
    found = SHORT_NAMES.get(backend)
    return found if found is not None else import_string(backend)


class Adapters:
    """The adapters of one worker pass, built from settings on first use and closed together."""

    def __init__(self, config: dict[str, dict[str, Any]] | None = None) -> None:
        self.config = getattr(settings, "NOTIFICATION_ADAPTERS", {}) if config is None else config
        self.built: dict[str, Adapter | None] = {}

    def get(self, name: str) -> Adapter | None:
        """The adapter for `name`, or None if it is not configured (its addresses are skipped)."""
        if name not in self.built:
            options = dict(self.config.get(name) or {})
            backend = str(options.pop("BACKEND", "") or "")
            self.built[name] = adapter_class(backend)(name, **options) if backend else None
        return self.built[name]

    def close(self) -> None:
        for adapter in self.built.values():
            if adapter is not None:
                adapter.close()
