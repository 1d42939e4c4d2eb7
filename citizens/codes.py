"""One-time codes sent to an e-mail address or a phone (SMS), for signing in and for answering a survey.

Public API (keyword-only after the destination):

- ``issue(destination, *, purpose, language, request=None) -> None`` — normalises `destination` (an e-mail
  address, or a Vietnamese phone number: "+84 912 345 678" and "0912.345.678" are the same), makes a 6-digit
  code and queues it through the notification outbox (`notifications.services.enqueue`: e-mail, or SMS) in
  `language`. A new code replaces the destination's earlier ones for that purpose. `purpose` is a short key
  ("sign_in", "survey": `citizens.models.CodePurpose`, whose label the message names; add yours there); a code
  of one purpose never verifies for another. Refused with `CodeError`
  (field "destination") when the destination is neither an e-mail nor a phone number, or when more codes were
  asked for it (CITIZEN_CODE_RATE_PER_DESTINATION) or from the client address of `request`
  (CITIZEN_CODE_RATE_PER_CLIENT) than allowed. Call it inside a transaction that commits (the message is sent
  after commit).
- ``verify(destination, *, purpose, code) -> bool`` — True, and the code is used up, when `code` is the latest
  code sent to `destination` for `purpose`, not expired (CITIZEN_CODE_TTL, 10 minutes) and not used; otherwise
  raises `CodeError` (field "code") saying which: wrong, expired, used, none sent, or too many wrong tries (after
  CITIZEN_CODE_MAX_ATTEMPTS, 5, the code is dead: ask for a new one). A wrong try is counted even though the
  error is raised. A code sent to another destination never verifies.
- ``destination_hash(destination) -> str`` — the salted HMAC-SHA256 (hex, 64 characters) of the normalised
  destination, keyed from settings.SECRET_KEY: store it to know "who" (e.g. who answered a survey) without
  storing the e-mail or phone. Raises `CodeError` like `issue` for an invalid destination.
- ``normalise(destination) -> tuple[str, str]`` — ("email" | "phone", normalised value), or `CodeError`.
- ``CodeError(field, message, *, throttled=False)`` — `field` is "destination" or "code"; `message` is translated
  in the active language (str(error) is the message); `throttled` is True when a rate limit refused it (answer
  HTTP 429), False when what was typed is wrong (answer HTTP 400).

Neither the destination nor the code is stored: `OneTimeCode` keeps their HMACs. Nothing here logs either.
"""

from __future__ import annotations

import datetime
import hmac
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from citizens.models import CodePurpose, OneTimeCode
from core import throttles
from core.proxies import client_address
from notifications.models import MessageKind
from notifications.services import Address, enqueue

CODE_DIGITS = 6
_PHONE = re.compile(r"^0[0-9]{9,10}$")


class CodeError(Exception):
    """A refused destination or code: `field` ("destination" or "code") and a message in the user's language."""

    def __init__(self, field: str, message: str, *, throttled: bool = False) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.throttled = throttled  # refused by a rate limit (HTTP 429), not for what was typed

    def __str__(self) -> str:
        return self.message


def normalise(destination: str) -> tuple[str, str]:
    """("email", "an@example.vn") or ("phone", "0912345678"); CodeError otherwise."""
    value = (destination or "").strip()
    if "@" in value:
        value = value.lower()
        try:
            validate_email(value)
        except ValidationError:
            raise CodeError("destination", _("Địa chỉ thư điện tử không hợp lệ.")) from None
        return "email", value
    digits = re.sub(r"[\s.\-()]", "", value)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    if not _PHONE.match(digits):
        raise CodeError(
            "destination", _("Hãy nhập một địa chỉ thư điện tử hoặc một số điện thoại (ví dụ 0912 345 678).")
        )
    return "phone", digits


def _hash_normalised(value: str) -> str:
    return salted_hmac("citizens.codes.destination", value, algorithm="sha256").hexdigest()


def destination_hash(destination: str) -> str:
    """Salted HMAC of the normalised destination (never the destination itself)."""
    return _hash_normalised(normalise(destination)[1])


def _code_hash(dest_hash: str, purpose: str, code: str) -> str:
    return salted_hmac("citizens.codes.code", f"{dest_hash}:{purpose}:{code}", algorithm="sha256").hexdigest()


def _purpose_label(purpose: str) -> str:
    labels = dict(CodePurpose.choices)
    return str(labels.get(purpose, purpose))


def issue(destination: str, *, purpose: str, language: str, request: HttpRequest | None = None) -> None:
    """Send a new code to `destination` for `purpose` (see the module)."""
    kind, value = normalise(destination)
    dest_hash = _hash_normalised(value)
    client = client_address(request) if request is not None else ""
    if client and not throttles.allow("code-client", client, settings.CITIZEN_CODE_RATE_PER_CLIENT):
        raise CodeError("destination", _("Bạn đã yêu cầu quá nhiều mã, vui lòng thử lại sau."), throttled=True)
    limit, seconds = throttles.parse_rate(settings.CITIZEN_CODE_RATE_PER_DESTINATION)
    now = timezone.now()
    recent = OneTimeCode.objects.filter(
        destination_hash=dest_hash, created_at__gt=now - datetime.timedelta(seconds=seconds)
    ).count()
    if recent >= limit:
        raise CodeError("destination", _("Đã gửi quá nhiều mã đến địa chỉ này, vui lòng thử lại sau."), throttled=True)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    ttl = settings.CITIZEN_CODE_TTL
    with transaction.atomic():
        row = OneTimeCode.objects.create(
            destination_hash=dest_hash,
            purpose=purpose,
            code_hash=_code_hash(dest_hash, purpose, code),
            created_at=now,
            expires_at=now + ttl,
        )
        minutes = int(ttl.total_seconds() // 60)
        with translation.override(language):
            subject = _("Mã xác nhận Lắng Nghe: %(code)s") % {"code": code}
            body = _(
                "Mã xác nhận của ông/bà để %(purpose)s là %(code)s.\n\nMã có hiệu lực trong %(minutes)s phút và chỉ "
                "dùng được một lần. Nếu ông/bà không yêu cầu mã này, xin bỏ qua thư này."
            ) % {"purpose": _purpose_label(purpose).lower(), "code": code, "minutes": minutes}
            short_text = _("Mã xác nhận Lắng Nghe: %(code)s (hiệu lực %(minutes)s phút)") % {
                "code": code,
                "minutes": minutes,
            }
        address = Address("email", value) if kind == "email" else Address("sms", value)
        enqueue(
            key=f"one-time-code:{row.pk}",
            kind=MessageKind.ONE_TIME_CODE,
            about=None,
            addresses=[address],
            subject=subject,
            body=body,
            short_text=short_text,
            language=language,
            sealed=True,
        )


def verify(destination: str, *, purpose: str, code: str) -> bool:
    """True when `code` is right (and it is used up); CodeError otherwise (see the module)."""
    try:
        dest_hash = destination_hash(destination)
    except CodeError as error:
        raise CodeError("destination", error.message) from None
    code = re.sub(r"\s", "", code or "")
    now = timezone.now()
    failure: CodeError | None = None
    with transaction.atomic():
        row = (
            OneTimeCode.objects.select_for_update()
            .filter(destination_hash=dest_hash, purpose=purpose)
            .order_by("-created_at", "-pk")
            .first()
        )
        if row is None:
            failure = CodeError("code", _("Chưa có mã nào được gửi đến địa chỉ này: hãy yêu cầu mã."))
        elif row.used_at is not None:
            failure = CodeError("code", _("Mã này đã được dùng: hãy yêu cầu mã mới."))
        elif row.attempts >= settings.CITIZEN_CODE_MAX_ATTEMPTS:
            failure = CodeError("code", _("Nhập sai quá nhiều lần, mã này không còn dùng được: hãy yêu cầu mã mới."))
        elif row.expires_at <= now:
            failure = CodeError("code", _("Mã đã hết hạn: hãy yêu cầu mã mới."))
        elif not (code.isdigit() and hmac.compare_digest(row.code_hash, _code_hash(dest_hash, purpose, code))):
            OneTimeCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
            left = settings.CITIZEN_CODE_MAX_ATTEMPTS - row.attempts - 1
            if left > 0:
                failure = CodeError("code", _("Mã không đúng. Còn %(left)s lần thử.") % {"left": left})
            else:
                failure = CodeError(
                    "code", _("Nhập sai quá nhiều lần, mã này không còn dùng được: hãy yêu cầu mã mới.")
                )
        else:
            OneTimeCode.objects.filter(pk=row.pk).update(used_at=now)
    if failure is not None:
        raise failure  # after the transaction: the wrong try stays counted
    return True
