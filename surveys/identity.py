"""Who answers a survey, without keeping who they are: a signed-in citizen, or a phone number / e-mail address
that received a one-time code. Either becomes a salted HMAC (`respondent_key`); the contact itself is never stored.

One-time codes and the contact's hash are the `citizens` app's (`citizens.codes`: `issue`, `verify`,
`destination_hash`). Until that app is installed, a minimal stand-in below keeps the same API: a six-digit code,
hashed in the cache for ten minutes, single use, five tries, sent through the notification outbox.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext

from surveys.errors import InvalidInput

PURPOSE = "survey"
CODE_TTL_SECONDS = 600
MAX_TRIES = 5
_PHONE = re.compile(r"^\+?[0-9 .\-]{8,20}$")

try:  # the citizens app (issue #16) owns codes and the destination hash
    from citizens import codes as _codes  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - depends on the checkout
    _codes = None


def normalize_destination(destination: str) -> tuple[str, str]:
    """(adapter, normalized address) of a phone number or an e-mail; raises InvalidInput on the `contact` field."""
    value = destination.strip()
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            raise InvalidInput({"contact": gettext("Địa chỉ thư điện tử không hợp lệ")}) from None
        return "email", value.lower()
    if _PHONE.match(value):
        digits = re.sub(r"\D", "", value)
        if digits.startswith("84"):
            digits = "0" + digits[2:]
        if 9 <= len(digits) <= 11:
            return "sms", digits
    raise InvalidInput({"contact": gettext("Nhập số điện thoại hoặc địa chỉ thư điện tử")})


def _hmac(value: str) -> str:
    salt = getattr(settings, "SURVEY_RESPONDENT_SALT", "") or settings.SECRET_KEY
    return hmac.new(f"langnghe-survey:{salt}".encode(), value.encode(), hashlib.sha256).hexdigest()


def destination_hash(destination: str) -> str:
    _, address = normalize_destination(destination)
    if _codes is not None:
        return str(_codes.destination_hash(address))
    return _hmac(f"destination:{address}")


def citizen_key(citizen_id: int) -> str:
    return _hmac(f"citizen:{citizen_id}")


def _cache_key(address: str) -> str:
    return f"surveys:code:{_hmac(address)}"


def issue_code(destination: str, *, language: str) -> None:
    """Send a one-time code to a phone or an e-mail (through the outbox, after commit)."""
    adapter, address = normalize_destination(destination)
    if _codes is not None:
        _codes.issue(address, purpose=PURPOSE, language=language)
        return
    from notifications import services as notifications

    code = f"{secrets.randbelow(1_000_000):06d}"
    cache.set(_cache_key(address), {"code": _hmac(code), "tries": 0}, CODE_TTL_SECONDS)
    text = gettext("Mã xác nhận trả lời khảo sát của bạn: %(code)s (dùng một lần, trong 10 phút).") % {"code": code}
    notifications.enqueue(
        key=f"survey-code:{secrets.token_hex(8)}",
        kind="acknowledgement",
        about=None,
        addresses=[notifications.Address(adapter=adapter, to=address)],
        subject=gettext("Mã xác nhận khảo sát"),
        body=text,
        short_text=text,
        language=language,
    )


def verify_code(destination: str, code: str) -> str:
    """Check a one-time code (single use); returns the destination's hash or raises InvalidInput on `code`."""
    _, address = normalize_destination(destination)
    code = (code or "").strip()
    if _codes is not None:
        try:
            _codes.verify(address, code, purpose=PURPOSE)
        except _codes.CodeError as error:
            raise InvalidInput({"code" if error.field != "destination" else "contact": str(error.message)}) from None
        return destination_hash(address)
    entry: dict[str, Any] | None = cache.get(_cache_key(address))
    if not code:
        raise InvalidInput({"code": gettext("Nhập mã xác nhận đã gửi tới bạn")})
    if entry is None or entry["tries"] >= MAX_TRIES:
        raise InvalidInput({"code": gettext("Mã xác nhận đã hết hạn hoặc đã dùng; hãy xin mã mới")})
    if not hmac.compare_digest(entry["code"], _hmac(code)):
        entry["tries"] += 1
        cache.set(_cache_key(address), entry, CODE_TTL_SECONDS)
        raise InvalidInput({"code": gettext("Mã xác nhận không đúng")})
    cache.delete(_cache_key(address))
    return destination_hash(address)


def current_citizen_id(request: Any) -> int | None:
    """The signed-in citizen's id (`citizens.auth.current_citizen`), or None."""
    try:
        from citizens.auth import current_citizen  # type: ignore[import-not-found,unused-ignore]
    except ImportError:  # pragma: no cover - depends on the checkout
        return None
    citizen = current_citizen(request)
    return int(citizen.pk) if citizen is not None else None
