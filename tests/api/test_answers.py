"""Answers of the API that schemathesis found undocumented or wrong, each pinned by a plain test."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_an_api_url_that_matches_nothing_is_a_json_404(public: APIClient) -> None:
    response = public.get("/api/v1/bpmn/drafts/-1")  # `<int:pk>` takes no sign: no view matches

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


def test_a_page_url_that_matches_nothing_is_still_the_site_s_page(public: APIClient) -> None:
    response = public.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_comment_on_an_unknown_consultation_is_a_400_naming_the_field(public: APIClient) -> None:
    response = public.post(
        "/api/v1/comments",
        {"docket_id": "QT-DT-2099-0001", "commenter_kind": "person", "author_name": "Lê Văn Tám", "text": "Góp ý."},
        format="json",
    )

    assert response.status_code == 400  # was a 404, which the URL /api/v1/comments does not deserve
    assert set(response.json()["errors"]) == {"docket_id"}


def schema_of(name: str) -> dict[str, Any]:
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    return dict(schema["components"]["schemas"][name])


def test_people_and_places_that_may_be_missing_are_nullable_in_the_schema() -> None:
    task = schema_of("Task")["properties"]
    assert all(task[name]["nullable"] for name in ("assignee", "claimed_by", "completed_by"))
    assert schema_of("Event")["properties"]["actor"]["nullable"]
    comment = schema_of("Comment")["properties"]
    assert comment["article"]["nullable"] and comment["clause"]["nullable"]
    docket = schema_of("Docket")["properties"]
    assert docket["published_at"]["nullable"] and docket["report_published_at"]["nullable"]


def test_a_comment_read_without_its_key_need_not_carry_the_author_s_details() -> None:
    comment = schema_of("CommentRead")

    assert {"author_name", "email", "phone", "status"} <= set(comment["properties"])
    assert not {"author_name", "email", "phone", "status"} & set(comment["required"])
    assert {"comment_id", "text"} <= set(comment["required"])


def test_the_petition_status_documents_the_petitioner_s_private_part() -> None:
    status = schema_of("PetitionStatus")

    assert "private" in status["properties"] and "private" not in status["required"]
    private = schema_of(status["properties"]["private"]["allOf"][0]["$ref"].rsplit("/", 1)[-1])
    assert {"petitioner_name", "petitioner_phone", "content"} <= set(private["properties"])
