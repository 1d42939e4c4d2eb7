"""Shared by the ratings tests: answered petitions, desks, a petition recorded at a counter."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from cases.models import Petition, PetitionStatus
from ratings.models import Desk, DeskKind


def answer(code: str, *, at: datetime.datetime | None = None) -> Petition:
    """Mark the petition answered (the handling steps are tested elsewhere: tests/notifications)."""
    petition = Petition.objects.select_related("workflow__unit").get(tracking_code=code)
    petition.status = PetitionStatus.ANSWERED
    petition.answer = "Đã sửa xong đèn đường."
    petition.answered_at = at or timezone.now()
    petition.answered_by = petition.workflow.unit
    petition.save()
    return petition


@pytest.fixture
def answered(submit: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    def make(**overrides: Any) -> dict[str, Any]:
        receipt = submit(**overrides)
        return {**receipt, "petition": answer(receipt["tracking_code"])}

    return make


@pytest.fixture
def desk(org: Any) -> Desk:
    return Desk.objects.create(unit=org.dong_ha, name="Quầy số 1", kind=DeskKind.ONE_STOP)


RATING = {"score": "4", "solved": "partly", "comment": "Cán bộ trả lời rõ ràng."}
VISIT = {"courtesy": "5", "waiting": "under_15", "comment": "Nhanh chóng."}
