"""Every change of a comment's disposition stays in the trail — who, when, the old and the new answer — however it
was made (one comment, in bulk, on the manage page, withdrawn by moderation), and officials see it on the manage
page; the public sees only the current answer, once the report is published."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from consultation.models import Disposition, DispositionChange
from tests.conftest import PASSWORD
from tests.consultation.conftest import at


def test_every_change_of_a_disposition_is_kept_and_shown_to_officials(
    open_docket, client_for, public, post_comment, clock
):
    # given a published comment
    docket_id = open_docket()
    post_comment(docket_id)
    comment_id = f"{docket_id}-0001"
    erin = client_for("erin")
    page = Client()
    assert page.login(username="frank", password=PASSWORD)

    # when the drafting unit answers it, changes its mind twice, then moderation withdraws the comment
    clock.move_to(at("2026-03-10", 9))
    response = erin.post(
        f"/api/v1/comments/{comment_id}/disposition",
        {"disposition": "accepted", "explanation": "Tiếp thu, nâng mức hỗ trợ lên 40 triệu đồng."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    clock.move_to(at("2026-03-11", 14))
    page.post(
        f"/consultations/manage/{docket_id}/comments/1/dispose/",
        {"disposition": "not_accepted", "explanation": "Không tiếp thu: ngân sách tỉnh không đủ."},
    )
    clock.move_to(at("2026-03-12", 8))
    response = erin.post(
        f"/api/v1/dockets/{docket_id}/dispositions",
        {"numbers": [1], "disposition": "partly_accepted", "explanation": "Nâng lên 35 triệu đồng."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    clock.move_to(at("2026-03-13", 10))
    response = client_for("dave").post(
        f"/api/v1/comments/{comment_id}/moderation", {"decision": "reject", "reason": "off_topic"}, format="json"
    )
    assert response.status_code == 200, response.json()

    # then each change is in the trail, in order, with who made it and what it replaced
    trail = [
        (
            c.changed_at,
            c.changed_by.username,
            c.old_disposition,
            c.old_explanation,
            c.new_disposition,
            c.new_explanation,
        )
        for c in DispositionChange.objects.filter(comment__number=1).order_by("changed_at")
    ]
    assert trail == [
        (at("2026-03-10", 9), "erin", "", "", "accepted", "Tiếp thu, nâng mức hỗ trợ lên 40 triệu đồng."),
        (
            at("2026-03-11", 14),
            "frank",
            "accepted",
            "Tiếp thu, nâng mức hỗ trợ lên 40 triệu đồng.",
            "not_accepted",
            "Không tiếp thu: ngân sách tỉnh không đủ.",
        ),
        (
            at("2026-03-12", 8),
            "erin",
            "not_accepted",
            "Không tiếp thu: ngân sách tỉnh không đủ.",
            "partly_accepted",
            "Nâng lên 35 triệu đồng.",
        ),
        (at("2026-03-13", 10), "dave", "partly_accepted", "Nâng lên 35 triệu đồng.", "", ""),
    ]
    manage = page.get(f"/consultations/manage/{docket_id}/?status=rejected").content.decode()
    assert "Lịch sử tiếp thu, giải trình (4)" in manage
    assert "Không tiếp thu: ngân sách tỉnh không đủ." in manage and "11/03/2026 14:00 · frank" in manage
    assert "ngân sách tỉnh" not in public.get(f"/consultations/{docket_id}/comments/").content.decode()


def test_saving_the_same_answer_again_adds_nothing_and_the_trail_cannot_be_rewritten(
    open_docket, client_for, post_comment, clock
):
    docket_id = open_docket()
    post_comment(docket_id)
    answer = {"disposition": Disposition.NOTED, "explanation": "Ghi nhận."}
    erin = client_for("erin")
    for _ in range(2):
        assert erin.post(f"/api/v1/comments/{docket_id}-0001/disposition", answer, format="json").status_code == 200

    [change] = DispositionChange.objects.all()
    change.new_explanation = "Sửa lại lịch sử"
    with pytest.raises(ValueError, match="append-only"):
        change.save()
    with pytest.raises(ValueError, match="append-only"):
        change.delete()
    with pytest.raises(ValueError, match="append-only"):
        DispositionChange.objects.update(new_explanation="Sửa lại lịch sử")
    if connection.vendor == "postgresql":  # and not even raw SQL can rewrite it there
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE consultation_dispositionchange SET new_explanation = 'Sửa lại lịch sử'")
    assert DispositionChange.objects.get().new_explanation == "Ghi nhận."
