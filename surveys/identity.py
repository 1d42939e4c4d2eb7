"""Who answers a survey, without keeping who they are: a signed-in citizen (`citizens.auth.current_citizen`), or a
phone number / e-mail address that received a one-time code (`citizens.codes`, purpose "survey"). Either becomes a
salted HMAC (`Response.respondent_key`); the contact itself is never stored.

The citizens app's errors become this app's: a wrong destination or code is an InvalidInput on the `contact` or
`code` field (HTTP 400 / a form error), a refused rate a `Throttled` (429).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext

from citizens import codes
from citizens.auth import current_citizen
from citizens.models import Citizen, CodePurpose
from surveys.errors import InvalidInput, SurveyError

PURPOSE = CodePurpose.SURVEY


class Throttled(SurveyError):
    code = "throttled"
    status = 429


def _refused(error: codes.CodeError) -> SurveyError:
    if error.throttled:
        return Throttled(error.message)
    return InvalidInput({"contact" if error.field == "destination" else "code": error.message})


def normalize_destination(destination: str) -> tuple[str, str]:
    """(kind, normalized address) of a phone number or an e-mail; InvalidInput on the `contact` field."""
    try:
        return codes.normalise(destination)
    except codes.CodeError as error:
        raise _refused(error) from None


def destination_hash(destination: str) -> str:
    try:
        return codes.destination_hash(destination)
    except codes.CodeError as error:
        raise _refused(error) from None


def citizen_key(citizen_id: int) -> str:
    """The respondent key of a signed-in citizen's account (an HMAC of its number, never its contacts)."""
    salt = f"langnghe-survey-citizen:{settings.SECRET_KEY}"
    return hmac.new(salt.encode(), str(citizen_id).encode(), hashlib.sha256).hexdigest()


def issue_code(destination: str, *, language: str, request: HttpRequest | None = None) -> None:
    """Send a one-time code to a phone or an e-mail (through the outbox, after commit; rate-limited)."""
    try:
        codes.issue(destination, purpose=PURPOSE, language=language, request=request)
    except codes.CodeError as error:
        raise _refused(error) from None


def verify_code(destination: str, code: str) -> str:
    """Check a one-time code (single use); returns the destination's hash or raises InvalidInput."""
    if not (code or "").strip():
        raise InvalidInput({"code": gettext("Nhập mã xác nhận đã gửi tới bạn")})
    try:
        codes.verify(destination, purpose=PURPOSE, code=code)
    except codes.CodeError as error:
        raise _refused(error) from None
    return destination_hash(destination)


def signed_in(request: Any) -> Citizen | None:
    """The signed-in citizen, or None."""
    return current_citizen(request)


def current_citizen_id(request: Any) -> int | None:
    citizen = signed_in(request)
    return int(citizen.pk) if citizen is not None else None
