"""A consultation travels from the drafting unit's draft to a published report, through the API, as officials
and the public see it, with frozen time and the deadline worker closing the window."""

from __future__ import annotations

import io
import unicodedata

import pypdf

from consultation import report_renders
from consultation.models import Stage
from tests.consultation.conftest import articles_of, at, complete, consultation, only_task
from workflows.models import CaseEvent, Deadline, DeadlineKind
from workflows.sweep import sweep


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def test_it_carries_a_draft_from_preparation_to_a_published_report(
    create_docket, client_for, public, post_comment, clock
):
    docket_id = create_docket()["docket_id"]
    assert public.get(f"/api/v1/dockets/{docket_id}").status_code == 404  # not public before publication
    erin, lan, frank = client_for("erin"), client_for("lan"), client_for("frank")

    assert only_task(erin, docket_id)["element_id"] == "prepare"
    complete(erin, docket_id, {"note": "Đã đủ hồ sơ"})
    assert only_task(lan, docket_id)["element_id"] == "legal_review"
    complete(lan, docket_id, {"review": "approve"})

    docket = public.get(f"/api/v1/dockets/{docket_id}").json()
    assert docket["status"] == "open" and docket["open_for_comment"] is True
    assert docket["comment_end_date"] == "2026-03-31"
    listed = public.get("/api/v1/dockets", {"open_now": "true"}).json()
    assert [d["docket_id"] for d in listed["results"]] == [docket_id]
    # The window's clocks run to the published close, not to the legal minimum (23 March).
    timer = Deadline.objects.get(kind=DeadlineKind.TIMER)
    assert timer.element_id == "close_window" and timer.due_at == at("2026-03-31", 23, 59).replace(
        second=59, microsecond=999999
    )
    window = Deadline.objects.get(kind=DeadlineKind.TASK, closed_at__isnull=True)
    assert window.element_id == "window" and window.remind_at == at("2026-03-27", 8)

    articles = articles_of(public, docket_id)
    assert list(articles) == ["1", "2", "3", "4"]
    assert [c["number"] for c in articles["3"]["clauses"]] == ["1", "2"]
    roof = articles["3"]["clauses"][0]
    person = post_comment(docket_id, article_id=articles["3"]["id"], clause_id=roof["id"])
    assert person["status"] == "published" and person["comment_id"] == f"{docket_id}-0001"
    post_comment(
        docket_id,
        commenter_kind="enterprise",
        organisation_name="Công ty Cổ phần Xây dựng Đông Hà",
        author_name="Trần Văn Bình",
        email="binh@xaydungdongha.vn",
        phone="",
        text="Đề nghị bổ sung hỗ trợ cho nhà ở xây dựng trước năm 2000.",
    )
    post_comment(
        docket_id,
        commenter_kind="association",
        organisation_name="Hội Cựu chiến binh phường Đông Hà",
        author_name="Lê Văn Công",
        email="cong@example.vn",
        article_id=articles["2"]["id"],
        text="Đề nghị ưu tiên hộ gia đình chính sách, người cao tuổi sống một mình.",
    )
    assert public.get(f"/api/v1/dockets/{docket_id}").json()["comment_count"] == 3
    assert articles_of(public, docket_id)["3"]["comment_count"] == 1

    clock.move_to(at("2026-03-27", 8, 30))
    sweep()
    reminders = CaseEvent.objects.filter(kind="deadline_reminder")
    assert [e.data["to"] for e in reminders] == [["erin"]]

    clock.move_to(at("2026-04-01", 0, 5))
    sweep()
    assert consultation(docket_id).stage == Stage.CLOSED
    assert public.get(f"/api/v1/dockets/{docket_id}").json()["status"] == "closed"
    assert not CaseEvent.objects.filter(kind="overdue").exists()
    late = post_comment(docket_id, expect=400, text="Góp ý gửi sau khi đã hết thời gian lấy ý kiến.")
    assert late["code"] == "window_closed"

    erin, frank = client_for("erin"), client_for("frank")  # sessions last two weeks: sign in again
    assert only_task(erin, docket_id)["element_id"] == "dispose"
    body = complete(erin, docket_id, {"summary": "Tổng hợp 3 góp ý."}, expect=409)
    assert body["code"] == "dispositions_incomplete" and "3 góp ý đã đăng chưa có tiếp thu" in body["detail"]
    answers = {
        1: ("partly_accepted", "Nâng mức hỗ trợ sửa mái lên 35 triệu đồng."),
        2: ("not_accepted", "Nhà xây trước năm 2000 đã được hỗ trợ theo chương trình khác."),
        3: ("accepted", "Bổ sung khoản 3 Điều 2 về đối tượng ưu tiên."),
    }
    for number, (disposition, explanation) in answers.items():
        response = erin.post(
            f"/api/v1/comments/{docket_id}-{number:04d}/disposition",
            {"disposition": disposition, "explanation": explanation},
            format="json",
        )
        assert response.status_code == 200, response.json()
    progress = {
        row["article"]: (row["answered"], row["published"])
        for row in erin.get(f"/api/v1/dockets/{docket_id}/progress").json()
    }
    assert progress["3"] == (1, 1) and progress[""] == (1, 1)
    complete(erin, docket_id, {"summary": "Sở Xây dựng nhận được 3 góp ý; tiếp thu 1, tiếp thu một phần 1."})

    assert only_task(frank, docket_id)["element_id"] == "review_report"
    complete(frank, docket_id, {"approval": "approve"})
    assert consultation(docket_id).stage == Stage.REPORT_PUBLISHED

    report = public.get(f"/api/v1/dockets/{docket_id}/report").json()
    assert report["total"] == 3
    assert {row["value"]: row["count"] for row in report["by_disposition"]} == {
        "accepted": 1,
        "partly_accepted": 1,
        "not_accepted": 1,
        "noted": 0,
    }
    assert {row["value"]: row["count"] for row in report["by_commenter_kind"]} == {
        "person": 1,
        "agency": 0,
        "enterprise": 1,
        "association": 1,
    }
    page = public.get(f"/consultations/{docket_id}/report/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Nâng mức hỗ trợ sửa mái lên 35 triệu đồng." in html and "Nguyễn Thị Hoà" not in html
    assert public.get(f"/consultations/{docket_id}/report.pdf").status_code == 503  # being prepared
    report_renders.run_pending()  # the report worker
    pdf = public.get(f"/consultations/{docket_id}/report.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(pdf.streaming_content))
    for sentence in (
        "Đề nghị nâng mức hỗ trợ sửa mái nhà lên 40 triệu đồng vì giá vật liệu đã tăng.",
        "Đề nghị ưu tiên hộ gia đình chính sách, người cao tuổi sống một mình.",
        "Bổ sung khoản 3 Điều 2 về đối tượng ưu tiên.",
        "Công ty Cổ phần Xây dựng Đông Hà",
    ):
        assert sentence in text
    assert "Nguyễn Thị Hoà" not in text and "hoa.nguyen@example.vn" not in text

    comments = public.get("/api/v1/comments", {"docket": docket_id}).json()
    by_id = {c["comment_id"]: c for c in comments["results"]}
    assert by_id[f"{docket_id}-0003"]["disposition"] == "accepted"
    assert by_id[f"{docket_id}-0001"]["commenter"] == "Cá nhân"
