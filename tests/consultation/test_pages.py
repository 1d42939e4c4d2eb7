"""Pages, the OpenAPI schema, the search projection and the demo data, as people and other apps see them."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from consultation.models import Comment, Consultation, Stage
from tests.conftest import PASSWORD
from tests.consultation.conftest import articles_of, at, consultation


def test_the_public_lists_open_and_closed_consultations(open_docket, public, clock):
    docket_id = open_docket()
    page = public.get("/consultations/").content.decode()
    assert "Dự thảo Nghị quyết hỗ trợ cải tạo nhà ở cũ" in page
    assert docket_id in public.get("/consultations/?show=all").content.decode()
    assert "Dự thảo Nghị quyết" not in public.get("/consultations/?show=closed").content.decode()


def test_a_citizen_comments_on_a_clause_through_the_page_and_follows_it_with_the_private_link(
    open_docket, public, clock
):
    docket_id = open_docket()
    clause = articles_of(public, docket_id)["3"]["clauses"][0]
    browser = Client()
    detail = browser.get(f"/consultations/{docket_id}/").content.decode()
    assert "Điều 3. Mức hỗ trợ" in detail and "Gửi góp ý" in detail

    response = browser.post(
        f"/consultations/{docket_id}/comment/",
        {
            "target": f"c{clause['id']}",
            "text": "Mức hỗ trợ sửa mái nên tính theo diện tích mái.",
            "commenter_kind": "person",
            "author_name": "Hồ Văn Sơn",
            "phone": "0935 111 222",
        },
    )
    assert response.status_code == 201
    body = response.content.decode()
    assert f"{docket_id}-0001" in body and "/consultations/my-comment/" in body
    comment = Comment.objects.get()
    assert comment.article is not None and comment.clause is not None
    assert (comment.article.number, comment.clause.number) == ("3", "1")

    invalid = browser.post(f"/consultations/{docket_id}/comment/", {"text": "", "commenter_kind": "person"})
    assert invalid.status_code == 400 and "quá ngắn" in invalid.content.decode()

    comments_page = browser.get(f"/consultations/{docket_id}/comments/?article=3").content.decode()
    assert "Mức hỗ trợ sửa mái nên tính theo diện tích mái." in comments_page and "Hồ Văn Sơn" not in comments_page


def test_the_drafting_unit_works_through_its_pages(create_docket, client_for, clock):
    docket_id = create_docket()["docket_id"]
    browser = Client()
    browser.login(username="erin", password=PASSWORD)
    page = browser.get(f"/consultations/manage/{docket_id}/")
    assert page.status_code == 200 and "Chuẩn bị dự thảo, hồ sơ lấy ý kiến" in page.content.decode()
    task_id = consultation(docket_id).workflow.tasks.get(completed_at__isnull=True).task_id
    response = browser.post(f"/consultations/manage/{docket_id}/tasks/{task_id}/", {"note": "Xong"}, follow=True)
    assert "Đã hoàn thành" in response.content.decode()
    assert "Thẩm định pháp chế" in response.content.decode()
    assert Client().get(f"/consultations/manage/{docket_id}/").status_code == 302  # sign in first
    outsider = Client()
    outsider.login(username="bob", password=PASSWORD)
    assert outsider.get(f"/consultations/manage/{docket_id}/").status_code == 404


def test_officials_create_a_consultation_from_a_page_and_see_a_malformed_draft_explained(
    client_for, processes, lawyer, clock
):
    browser = Client()
    browser.login(username="erin", password=PASSWORD)
    response = browser.post(
        "/consultations/manage/new/",
        {
            "unit": "so-xay-dung",
            "kind": "policy",
            "title": "Chính sách hỗ trợ nhà ở xã hội",
            "opens_on": "2026-03-02",
            "closes_on": "2026-03-31",
            "draft_text": "Điều 1. A\nĐiều 3. C\n",
        },
    )
    assert response.status_code == 400
    assert "Dòng 2" in response.content.decode() and not Consultation.objects.exists()
    ok = browser.post(
        "/consultations/manage/new/",
        {
            "unit": "so-xay-dung",
            "kind": "policy",
            "title": "Chính sách hỗ trợ nhà ở xã hội",
            "opens_on": "2026-03-02",
            "closes_on": "2026-03-31",
            "draft_text": "Điều 1. Phạm vi\nNội dung.\n",
        },
    )
    assert ok.status_code == 302 and Consultation.objects.count() == 1


def test_the_api_is_in_the_openapi_schema(public):
    schema = public.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in (
        "/api/v1/dockets",
        "/api/v1/documents/{document_id}",
        "/api/v1/comments",
        "/api/v1/comments/{comment_id}",
    ):
        assert path in schema["paths"], path
    names = {p["name"] for p in schema["paths"]["/api/v1/dockets"]["get"]["parameters"]}
    assert {"open_now", "comment_end_date", "unit", "page"} <= names
    assert "post" in schema["paths"]["/api/v1/comments"]
    comment_fields = set(schema["components"]["schemas"]["Comment"]["properties"])
    assert not comment_fields & {"author_name", "email", "phone"}


def test_only_public_comments_reach_the_search_index_without_their_authors(open_docket, post_comment, clock):
    projection = pytest.importorskip("consultation.search_projections")
    docket_id = open_docket()
    post_comment(docket_id, text="Tôi là Nguyễn Thị Hoà, gọi 0912 345 678 nếu cần.")
    held = post_comment(docket_id, text="Tôi đồng ý với dự thảo.", email="other@example.vn")
    assert held["status"] == "published"
    comments = {c.number: c for c in Comment.objects.all()}
    Comment.objects.filter(number=1).update(status="published", published_at=comments[2].published_at)
    documents = projection.CommentProjection().documents({str(c.pk): 1 for c in comments.values()})
    bodies = " ".join(doc.body + doc.title + str(doc.extra) for doc in documents.values())
    assert "Nguyễn Thị Hoà" not in bodies and "0912 345 678" not in bodies
    assert "Tôi đồng ý với dự thảo." in bodies
    drafts = projection.DraftProjection().documents({str(consultation(docket_id).pk): 1})
    assert next(iter(drafts.values())).extra["closes_on"] == "2026-03-31"
    articles = list(projection.ArticleProjection().public_objects())
    assert [a.number for a in articles] == ["1", "2", "3", "4"]


def test_the_demo_is_loaded_once(db, clock):
    call_command("seed_demo", verbosity=0)
    call_command("consultation_demo", verbosity=0)
    call_command("consultation_demo", verbosity=0)

    assert Consultation.objects.count() == 2
    closed = Consultation.objects.get(stage=Stage.REPORT_PUBLISHED)
    opened = Consultation.objects.get(stage=Stage.PUBLISHED)
    assert opened.accepts_comments() and not closed.accepts_comments()
    assert closed.comments.filter(disposition="").count() == 0 and closed.comments.count() == 4
    assert Client().get(f"/consultations/{closed.reference}/report/").status_code == 200
    clock.move_to(at("2026-03-03"))
    assert Client().get(f"/consultations/{opened.reference}/").status_code == 200
