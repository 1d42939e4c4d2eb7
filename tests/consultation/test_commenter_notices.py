"""Commenters hear from the consultation through the notification outbox: the moderation decision on their
comment with its reason, then, when the report is published, the disposition of their comment."""

from __future__ import annotations

from django.core import mail

from tests.consultation.conftest import at
from tests.consultation.conftest import complete as complete_step
from workflows.sweep import sweep


def test_commenters_hear_the_moderation_decision_and_then_the_disposition_of_their_comment(
    open_docket, post_comment, client_for, clock, django_capture_on_commit_callbacks
):
    docket_id = open_docket()
    # given two comments, one rejected by the moderator with a reason
    kept = post_comment(docket_id)
    spam = post_comment(
        docket_id, email="ban.hang@example.vn", phone="", text="Mua bán vật liệu giá rẻ, liên hệ ngay hôm nay."
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("erin").post(
            f"/api/v1/comments/{spam['comment_id']}/moderation",
            {"decision": "reject", "reason": "spam", "note": "Nội dung quảng cáo."},
            format="json",
        )
        assert response.status_code == 200, response.json()

    # then its author is told why
    [rejected] = mail.outbox
    assert rejected.to == ["ban.hang@example.vn"]
    assert rejected.subject == f"[{spam['comment_id']}] Góp ý của ông/bà không được đăng"
    assert "Lý do: Quảng cáo, tin rác hoặc gửi lặp lại." in rejected.body and "Nội dung quảng cáo." in rejected.body

    # when the window closes and the report is published with the kept comment's disposition
    with django_capture_on_commit_callbacks(execute=True):
        clock.move_to(at("2026-04-01", 0, 5))
        sweep()
        erin = client_for("erin")
        response = erin.post(
            f"/api/v1/comments/{kept['comment_id']}/disposition",
            {"disposition": "partly_accepted", "explanation": "Nâng mức hỗ trợ sửa mái lên 35 triệu đồng."},
            format="json",
        )
        assert response.status_code == 200, response.json()
        complete_step(erin, docket_id, {"summary": "Tổng hợp 1 góp ý."})
        complete_step(client_for("frank"), docket_id, {"approval": "approve"})

    # then the kept comment's author hears what became of it; the rejected one hears nothing more
    to_commenters = [m for m in mail.outbox if not m.to[0].endswith("@langnghe.test")]  # not the officials' notices
    assert [m.to for m in to_commenters] == [["ban.hang@example.vn"], ["hoa.nguyen@example.vn"]]
    disposition = to_commenters[-1]
    assert disposition.subject == f"[{kept['comment_id']}] Tiếp thu, giải trình góp ý của ông/bà"
    assert "Tiếp thu một phần" in disposition.body and "35 triệu đồng" in disposition.body
    assert "Nguyễn Thị Hoà" not in disposition.body  # never the commenter's name
