"""Shared by the places tests: the conftest's units given real points, and petitions made public."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from cases.models import Petition, PetitionStatus
from cases.services import submit_petition
from organisation.models import Unit
from tests.conftest import Org

# Approximate points (places/data/44-quang-tri.csv): Đồng Hới (the province's seat), Đông Hà, Gio Linh.
DONG_HOI = (Decimal("17.468"), Decimal("106.622"))
DONG_HA = (Decimal("16.816"), Decimal("107.100"))
GIO_LINH = (Decimal("16.920"), Decimal("107.070"))

# Personal data that must never reach a public surface (the PII canary).
CANARY_NAME = "Hoàng Thị Canary"
CANARY_PHONE = "0987 111 333"
CANARY_EMAIL = "canary.hoang@example.vn"


def set_point(unit: Unit, point: tuple[Decimal, Decimal]) -> None:
    unit.latitude, unit.longitude = point
    unit.save()


@pytest.fixture
def placed(org: Org) -> Org:
    set_point(org.province, DONG_HOI)
    set_point(org.dong_ha, DONG_HA)
    set_point(org.gio_linh, GIO_LINH)
    return org


@pytest.fixture
def make_public(placed: Org, processes: None) -> Callable[..., Petition]:
    """A petition submitted through the intake, then answered and published as the workflow leaves it."""

    def make(
        *,
        commune: Unit | None = None,
        published: bool = True,
        consent: bool = True,
        petition_type: str = "reflection",
        latitude: Decimal | None = None,
        longitude: Decimal | None = None,
        title: str = "Ổ gà trên đường Hùng Vương",
        **fields: Any,
    ) -> Petition:
        petition = submit_petition(
            petition_type=petition_type,
            title=title,
            content=f"Gặp {CANARY_NAME}, gọi {CANARY_PHONE} hoặc {CANARY_EMAIL}: ổ gà sâu trước chợ.",
            commune=commune or placed.dong_ha,
            petitioner_name=CANARY_NAME,
            petitioner_phone=CANARY_PHONE,
            petitioner_email=CANARY_EMAIL,
            publish_consent=consent,
            latitude=latitude,
            longitude=longitude,
        ).petition
        if published:
            Petition.objects.filter(pk=petition.pk).update(
                status=PetitionStatus.ANSWERED,
                answer=f"Đã vá ổ gà; cảm ơn {CANARY_NAME} ({CANARY_PHONE}).",
                answered_at=timezone.now(),
                published_at=timezone.now(),
                **fields,
            )
        petition.refresh_from_db()
        return petition

    return make
