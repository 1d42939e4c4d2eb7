"""The signed rating link of a petition's answer: it names the case (its id and tracking code), expires after
RATINGS_LINK_MAX_AGE_DAYS, and is all a petitioner needs to rate that one answer. Imported by `cases.notices`
(the answer's messages carry it), so it imports nothing of `cases`."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

from core.site import absolute_url

SALT = "ratings.answer"


def answer_token(subject: Any) -> str:
    """A token for the petition `subject` (anything with `pk` and `tracking_code`)."""
    return signing.dumps({"p": subject.pk, "c": subject.tracking_code}, salt=SALT, compress=True)


def read_answer_token(token: str) -> tuple[int, str] | None:
    """(petition id, tracking code) of a valid, unexpired token, else None."""
    try:
        data = signing.loads(token, salt=SALT, max_age=datetime.timedelta(days=settings.RATINGS_LINK_MAX_AGE_DAYS))
    except signing.BadSignature:  # SignatureExpired is one
        return None
    if not isinstance(data, dict) or not isinstance(data.get("p"), int) or not isinstance(data.get("c"), str):
        return None
    return data["p"], data["c"]


def answer_rating_path(subject: Any) -> str:
    return reverse("ratings:answer-link", args=[answer_token(subject)])


def answer_rating_link(subject: Any) -> str:
    return absolute_url(answer_rating_path(subject))
