"""One-time codes: sent through the outbox, short-lived, single-use, limited tries, rate-limited."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import RequestFactory
from django.utils import timezone

from citizens import codes
from citizens.models import OneTimeCode
from notifications import adapters
from notifications.models import Message
from tests.citizens.helpers import last_code_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ALICE = "an.nguyen@example.vn"
PHONE = "0912 345 678"


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_it_sends_a_code_by_email_and_accepts_it_once() -> None:
    codes.issue(ALICE, purpose="sign_in", language="vi")
    assert len(mail.outbox) == 1
    code = last_code_for(ALICE)
    assert "10 phút" in mail.outbox[0].body

    assert codes.verify(" An.Nguyen@Example.vn ", purpose="sign_in", code=code) is True
    with pytest.raises(codes.CodeError) as error:
        codes.verify(ALICE, purpose="sign_in", code=code)
    assert error.value.field == "code"
    assert "đã được dùng" in str(error.value)


def test_it_sends_a_code_by_sms_whatever_the_phone_is_written_like() -> None:
    codes.issue("+84 912.345.678", purpose="survey", language="en")
    name, outbound = adapters.outbox[-1]
    assert name == "sms"
    assert outbound.to == "0912345678"
    code = last_code_for(PHONE)
    assert codes.verify("0912345678", purpose="survey", code=code)


def test_it_stores_neither_the_destination_nor_the_code() -> None:
    codes.issue(ALICE, purpose="sign_in", language="vi")
    code = last_code_for(ALICE)
    row = OneTimeCode.objects.get()
    stored = " ".join(str(value) for value in row.__dict__.values())
    assert ALICE not in stored and code not in stored
    assert row.destination_hash == codes.destination_hash(ALICE.upper())
    assert len(row.destination_hash) == 64


def test_the_hash_of_a_destination_depends_on_the_secret_key(settings: Any) -> None:
    before = codes.destination_hash(PHONE)
    settings.SECRET_KEY = "another-secret-key-for-this-test-only"
    assert codes.destination_hash(PHONE) != before


def test_an_expired_code_is_refused() -> None:
    codes.issue(ALICE, purpose="sign_in", language="vi")
    code = last_code_for(ALICE)
    later = timezone.now() + datetime.timedelta(minutes=10, seconds=1)
    with time_machine.travel(later), pytest.raises(codes.CodeError, match="hết hạn"):
        codes.verify(ALICE, purpose="sign_in", code=code)


def test_five_wrong_tries_kill_the_code() -> None:
    codes.issue(ALICE, purpose="sign_in", language="vi")
    code = last_code_for(ALICE)
    for left in (4, 3, 2, 1):
        with pytest.raises(codes.CodeError, match=f"Còn {left} lần thử"):
            codes.verify(ALICE, purpose="sign_in", code=wrong(code))
    with pytest.raises(codes.CodeError, match="quá nhiều lần"):
        codes.verify(ALICE, purpose="sign_in", code=wrong(code))
    with pytest.raises(codes.CodeError, match="quá nhiều lần"):
        codes.verify(ALICE, purpose="sign_in", code=code)  # even the right one now
    assert OneTimeCode.objects.get().used_at is None


def test_a_code_sent_to_another_destination_does_not_verify() -> None:
    codes.issue(ALICE, purpose="sign_in", language="vi")
    codes.issue("binh@example.vn", purpose="sign_in", language="vi")
    code_of_binh = last_code_for("binh@example.vn")
    with pytest.raises(codes.CodeError) as error:
        codes.verify(ALICE, purpose="sign_in", code=code_of_binh)
    assert error.value.field == "code"
    assert codes.verify("binh@example.vn", purpose="sign_in", code=code_of_binh)


def test_a_code_for_one_purpose_does_not_serve_another() -> None:
    codes.issue(ALICE, purpose="survey", language="vi")
    with pytest.raises(codes.CodeError, match="Chưa có mã"):
        codes.verify(ALICE, purpose="sign_in", code=last_code_for(ALICE))


def test_a_new_code_replaces_the_earlier_one() -> None:
    codes.issue(ALICE, purpose="sign_in", language="vi")
    first = last_code_for(ALICE)
    codes.issue(ALICE, purpose="sign_in", language="vi")
    second = last_code_for(ALICE)
    if first != second:
        with pytest.raises(codes.CodeError):
            codes.verify(ALICE, purpose="sign_in", code=first)
    assert codes.verify(ALICE, purpose="sign_in", code=second)


def test_codes_are_rate_limited_per_destination(settings: Any) -> None:
    settings.CITIZEN_CODE_RATE_PER_DESTINATION = "3/hour"
    for _ in range(3):
        codes.issue(ALICE, purpose="sign_in", language="vi")
    with pytest.raises(codes.CodeError) as error:
        codes.issue("AN.NGUYEN@example.vn", purpose="survey", language="vi")
    assert error.value.field == "destination"
    assert "quá nhiều mã" in str(error.value)
    assert OneTimeCode.objects.count() == 3
    assert len(mail.outbox) == 3
    codes.issue("binh@example.vn", purpose="sign_in", language="vi")  # another destination is not held back


def test_codes_are_rate_limited_per_client_address(settings: Any) -> None:
    settings.CITIZEN_CODE_RATE_PER_CLIENT = "2/hour"
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")
    codes.issue("a@example.vn", purpose="sign_in", language="vi", request=request)
    codes.issue("b@example.vn", purpose="sign_in", language="vi", request=request)
    with pytest.raises(codes.CodeError, match="quá nhiều mã"):
        codes.issue("c@example.vn", purpose="sign_in", language="vi", request=request)
    other = RequestFactory().post("/", REMOTE_ADDR="203.0.113.10")
    codes.issue("c@example.vn", purpose="sign_in", language="vi", request=other)


@pytest.mark.parametrize("destination", ["", "not an address", "12345", "an@", "+1 555 0100"])
def test_a_bad_destination_is_refused_with_nothing_sent(destination: str) -> None:
    with pytest.raises(codes.CodeError) as error:
        codes.issue(destination, purpose="sign_in", language="vi")
    assert error.value.field == "destination"
    assert not OneTimeCode.objects.exists() and not Message.objects.exists()


def test_messages_speak_the_citizens_language() -> None:
    codes.issue(ALICE, purpose="sign_in", language="en")
    assert "minutes" in mail.outbox[0].body
