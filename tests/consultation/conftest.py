"""Fixtures for consultations: a legal officer in the drafting unit (Sở Xây dựng), a draft, and API helpers."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.test import APIClient

from consultation.models import Consultation
from organisation.models import Role
from tests.conftest import Org, make_official

HCM = ZoneInfo("Asia/Ho_Chi_Minh")

DRAFT = """# Nghị quyết quy định mức hỗ trợ cải tạo nhà ở cũ trên địa bàn tỉnh

Căn cứ Luật Tổ chức chính quyền địa phương;
Căn cứ Luật Nhà ở.

## Chương I. QUY ĐỊNH CHUNG

### Điều 1. Phạm vi điều chỉnh
Nghị quyết này quy định mức hỗ trợ cải tạo nhà ở cũ.

### Điều 2. Đối tượng áp dụng
1. Hộ gia đình có nhà ở xây dựng trước năm 1995.
2. Cơ quan, tổ chức có liên quan.

## Chương II. MỨC HỖ TRỢ

### Điều 3. Mức hỗ trợ
1. Hỗ trợ 30 triệu đồng mỗi hộ để sửa chữa mái nhà.
2. Hỗ trợ 50 triệu đồng mỗi hộ để gia cố móng và tường:
a) nhà cấp bốn;
b) nhà bán kiên cố.

### Điều 4. Hiệu lực thi hành
Nghị quyết này có hiệu lực từ ngày 01 tháng 7 năm 2026.
"""


def at(day: str, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour, minute), tzinfo=HCM)


@pytest.fixture
def lawyer(org: Org) -> Any:
    """A legal officer (cán bộ pháp chế) of the drafting unit."""
    user = make_official("lan", org.so_xay_dung, Role.LEGAL_STAFF)
    org.users["lan"] = user
    return user


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(at("2026-03-02"), tick=False) as traveller:
        yield traveller


def docket_payload(**overrides: Any) -> dict[str, Any]:
    payload = {
        "unit": "so-xay-dung",
        "kind": "legal_document",
        "title": "Dự thảo Nghị quyết hỗ trợ cải tạo nhà ở cũ",
        "summary": "Quy định mức hỗ trợ của tỉnh cho hộ gia đình cải tạo nhà ở cũ.",
        "comment_start_date": "2026-03-02",
        "comment_end_date": "2026-03-31",
        "moderation": "post",
        "draft_text": DRAFT,
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def create_docket(
    client_for: Callable[[str], APIClient], processes: None, lawyer: Any
) -> Callable[..., dict[str, Any]]:
    def create(**overrides: Any) -> dict[str, Any]:
        response = client_for("erin").post("/api/v1/dockets", docket_payload(**overrides), format="json")
        assert response.status_code == 201, response.json()
        return dict(response.json())

    return create


def only_task(client: APIClient, docket_id: str) -> dict[str, Any]:
    tasks = client.get(f"/api/v1/dockets/{docket_id}/tasks").json()
    assert len(tasks) == 1, tasks
    return dict(tasks[0])


def complete(client: APIClient, docket_id: str, form: dict[str, Any], expect: int = 200) -> dict[str, Any]:
    task = only_task(client, docket_id)
    response = client.post(
        f"/api/v1/dockets/{docket_id}/tasks/{task['task_id']}/complete", {"form": form}, format="json"
    )
    assert response.status_code == expect, response.json()
    return dict(response.json())


@pytest.fixture
def open_docket(
    create_docket: Callable[..., dict[str, Any]], client_for: Callable[[str], APIClient]
) -> Callable[..., str]:
    """A published consultation, open for comment; returns its docket id."""

    def make(**overrides: Any) -> str:
        docket_id = str(create_docket(**overrides)["docket_id"])
        complete(client_for("erin"), docket_id, {"note": "Đã đủ hồ sơ"})
        complete(client_for("lan"), docket_id, {"review": "approve"})
        return docket_id

    return make


def articles_of(public: APIClient, docket_id: str, version: int = 1) -> dict[str, dict[str, Any]]:
    document = public.get(f"/api/v1/documents/{docket_id}-v{version}").json()
    return {article["number"]: article for article in document["articles"]}


def comment_payload(docket_id: str, **overrides: Any) -> dict[str, Any]:
    payload = {
        "docket_id": docket_id,
        "commenter_kind": "person",
        "author_name": "Nguyễn Thị Hoà",
        "email": "hoa.nguyen@example.vn",
        "phone": "0912 345 678",
        "text": "Đề nghị nâng mức hỗ trợ sửa mái nhà lên 40 triệu đồng vì giá vật liệu đã tăng.",
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def post_comment(public: APIClient) -> Callable[..., dict[str, Any]]:
    def post(docket_id: str, expect: int = 201, **overrides: Any) -> dict[str, Any]:
        response = public.post("/api/v1/comments", comment_payload(docket_id, **overrides), format="json")
        assert response.status_code == expect, response.json()
        return dict(response.json())

    return post


def consultation(docket_id: str) -> Consultation:
    return Consultation.objects.get(reference=docket_id)
