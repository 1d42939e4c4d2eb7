"""Dispositions: one per published comment, in bulk for identical comments, progress per article; the report
cannot be approved while a published comment has none (or one still waits for moderation)."""

from __future__ import annotations

from consultation.models import Comment, Stage
from tests.consultation.conftest import articles_of, at, complete, consultation, only_task
from workflows.sweep import sweep

CAMPAIGN = "Đề nghị giữ nguyên mức hỗ trợ 50 triệu đồng cho gia cố móng và tường nhà."


def close_window(clock, docket_id: str) -> None:
    clock.move_to(at("2026-04-01", 0, 5))
    sweep()
    assert consultation(docket_id).stage == Stage.CLOSED


def test_identical_comments_are_disposed_at_once(open_docket, client_for, public, post_comment, clock):
    docket_id = open_docket()
    v1 = articles_of(public, docket_id)
    for n in range(3):
        post_comment(docket_id, text=CAMPAIGN, email=f"nguoi{n}@example.vn", phone="", article_id=v1["3"]["id"])
    post_comment(
        docket_id,
        text="Đề nghị  giữ nguyên mức hỗ trợ 50 triệu đồng cho gia cố móng và tường nhà!",
        email="khac@example.vn",
        phone="",
    )
    post_comment(
        docket_id, text="Một góp ý khác hẳn về Điều 1.", email="z@example.vn", phone="", article_id=v1["1"]["id"]
    )
    erin = client_for("erin")

    response = erin.post(
        f"/api/v1/dockets/{docket_id}/dispositions",
        {"same_as": 1, "disposition": "accepted", "explanation": "Giữ nguyên mức 50 triệu đồng."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["disposed"] == [f"{docket_id}-000{n}" for n in (1, 2, 3, 4)]  # spacing and "!" aside
    progress = {
        row["article"]: (row["answered"], row["published"])
        for row in erin.get(f"/api/v1/dockets/{docket_id}/progress").json()
    }
    assert progress["3"] == (3, 3) and progress[""] == (1, 1) and progress["1"] == (0, 1)


def test_the_report_cannot_be_approved_while_a_comment_lacks_a_disposition(
    open_docket, client_for, post_comment, clock
):
    docket_id = open_docket()
    post_comment(docket_id)
    post_comment(docket_id, text="Góp ý thứ hai về thủ tục xét duyệt hồ sơ.", email="b@example.vn", phone="")
    close_window(clock, docket_id)
    erin, frank = client_for("erin"), client_for("frank")
    erin.post(
        f"/api/v1/dockets/{docket_id}/dispositions",
        {"numbers": [1, 2], "disposition": "noted", "explanation": "Ghi nhận để hoàn thiện dự thảo."},
        format="json",
    )
    complete(erin, docket_id, {"summary": "Tổng hợp hai góp ý."})
    # A held comment sent before the close is published after the team finished its dispositions.
    late = Comment.objects.create(
        consultation=consultation(docket_id),
        number=3,
        version=consultation(docket_id).versions.get(),
        commenter_kind="person",
        author_name="Phan Văn Dũng",
        email="d@example.vn",
        text="Góp ý gửi trước hạn nhưng được đăng sau.",
        text_fingerprint="x",
        status="pending",
    )
    consultation_row = consultation(docket_id)
    consultation_row.comment_seq = 3
    consultation_row.save()
    assert (
        erin.post(f"/api/v1/comments/{docket_id}-0003/moderation", {"decision": "publish"}, format="json").status_code
        == 200
    )

    body = complete(frank, docket_id, {"approval": "approve"}, expect=409)
    assert body["code"] == "dispositions_incomplete"
    assert f"1 góp ý đã đăng chưa có tiếp thu, giải trình ({docket_id}-0003)" in body["detail"]
    assert only_task(frank, docket_id)["element_id"] == "review_report"  # nothing changed
    assert consultation(docket_id).report_approved_at is None

    late.refresh_from_db()
    erin.post(
        f"/api/v1/comments/{docket_id}-0003/disposition",
        {"disposition": "not_accepted", "explanation": "Đã có quy định tại Điều 3."},
        format="json",
    )
    complete(frank, docket_id, {"approval": "approve"})
    assert consultation(docket_id).stage == Stage.REPORT_PUBLISHED
    after = erin.post(
        f"/api/v1/comments/{docket_id}-0003/disposition",
        {"disposition": "accepted", "explanation": "Đổi ý sau khi công bố."},
        format="json",
    )
    assert after.status_code == 409  # the published report no longer changes


def test_a_comment_waiting_for_moderation_also_blocks_the_report(open_docket, client_for, post_comment, clock):
    docket_id = open_docket(moderation="pre")
    post_comment(docket_id)
    close_window(clock, docket_id)
    body = complete(client_for("erin"), docket_id, {"summary": "Chưa kiểm duyệt xong."}, expect=409)
    assert "1 góp ý đang chờ kiểm duyệt" in body["detail"]


def test_a_leader_returns_the_report_for_rework(open_docket, client_for, post_comment, clock):
    docket_id = open_docket()
    post_comment(docket_id)
    close_window(clock, docket_id)
    erin, frank = client_for("erin"), client_for("frank")
    erin.post(
        f"/api/v1/comments/{docket_id}-0001/disposition",
        {"disposition": "accepted", "explanation": "Tiếp thu."},
        format="json",
    )
    complete(erin, docket_id, {"summary": "Một góp ý."})
    complete(frank, docket_id, {"approval": "return"}, expect=400)  # comments are required to return
    complete(frank, docket_id, {"approval": "return", "comments": "Giải trình cụ thể hơn."})
    assert only_task(erin, docket_id)["element_id"] == "dispose"
