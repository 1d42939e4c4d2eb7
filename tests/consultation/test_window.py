"""The comment window: the legal minimum of rule draft.consult in force on the opening day, refused with the
citation when shorter; extended; closed to comments outside it."""

from __future__ import annotations

import time_machine

from consultation.models import Consultation, Stage
from tests.consultation.conftest import at, complete, consultation, docket_payload
from workflows.models import Deadline, DeadlineKind
from workflows.sweep import sweep


def test_a_window_shorter_than_the_2025_law_minimum_is_refused_with_its_citation(client_for, processes, lawyer, clock):
    response = client_for("erin").post(
        "/api/v1/dockets",
        docket_payload(comment_start_date="2026-03-02", comment_end_date="2026-03-20"),
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "window_too_short"
    # 20 days counted from 3 March end on Sunday 22 March, so the period ends on Monday 23 March.
    assert "tối thiểu 20 ngày" in body["detail"] and "64/2025/QH15" in body["detail"]
    assert "23/03/2026" in body["detail"]
    assert not Consultation.objects.exists()


def test_the_rule_in_force_on_the_opening_day_applies(client_for, processes, lawyer):
    erin = client_for("erin")
    # Law 64/2025/QH15 (at least 20 days) took effect on 1 April 2025; before it, Law 80/2015/QH13 (60 days)
    with time_machine.travel(at("2025-03-20"), tick=False):
        before = erin.post(
            "/api/v1/dockets",
            docket_payload(comment_start_date="2025-03-31", comment_end_date="2025-05-05"),
            format="json",
        )
        after = erin.post(
            "/api/v1/dockets",
            docket_payload(comment_start_date="2025-04-01", comment_end_date="2025-04-21"),
            format="json",
        )

    assert before.status_code == 400
    assert "tối thiểu 60 ngày" in before.json()["detail"] and "80/2015/QH13" in before.json()["detail"]
    assert after.status_code == 201, after.json()


def test_the_minimum_window_itself_is_accepted(create_docket, clock):
    assert create_docket(comment_end_date="2026-03-23")["comment_end_date"] == "2026-03-23"


def test_no_comment_before_the_window_opens_or_after_it_closes(open_docket, post_comment, clock):
    docket_id = open_docket(comment_start_date="2026-03-05", comment_end_date="2026-03-31")

    early = post_comment(docket_id, expect=400)
    assert early["code"] == "window_closed" and "05/03/2026" in early["detail"]

    clock.move_to(at("2026-03-05", 0, 1))
    post_comment(docket_id)
    clock.move_to(at("2026-03-31", 23, 59))
    post_comment(docket_id, text="Góp ý gửi phút cuối cùng của thời gian lấy ý kiến.")
    clock.move_to(at("2026-04-01", 0, 0))
    late = post_comment(docket_id, expect=400)
    assert late["code"] == "window_closed" and "31/03/2026" in late["detail"]
    assert consultation(docket_id).comments.count() == 2


def test_an_extension_moves_the_close_and_the_worker_closes_on_the_new_date(
    open_docket, client_for, public, post_comment, clock
):
    docket_id = open_docket()
    erin = client_for("erin")

    response = erin.post(
        f"/api/v1/dockets/{docket_id}/extension",
        {"comment_end_date": "2026-04-15", "reason": "Nhiều hiệp hội đề nghị thêm thời gian góp ý"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["comment_end_date"] == "2026-04-15"
    timer = Deadline.objects.get(kind=DeadlineKind.TIMER)
    assert timer.due_at.date().isoformat() == "2026-04-15"
    history = public.get(f"/consultations/{docket_id}/").content.decode()
    assert "Gia hạn lấy ý kiến đến hết ngày 15/04/2026" in history

    clock.move_to(at("2026-04-01", 10))
    sweep()
    assert consultation(docket_id).stage == Stage.PUBLISHED
    post_comment(docket_id)  # still open after the original close

    clock.move_to(at("2026-04-16", 0, 5))
    sweep()
    assert consultation(docket_id).stage == Stage.CLOSED
    erin = client_for("erin")
    refused = erin.post(
        f"/api/v1/dockets/{docket_id}/extension",
        {"comment_end_date": "2026-04-30", "reason": "Quá muộn để gia hạn"},
        format="json",
    )
    assert refused.status_code == 409


def test_an_extension_must_move_the_close_later_and_say_why(open_docket, client_for, clock):
    docket_id = open_docket()
    erin = client_for("erin")
    earlier = erin.post(
        f"/api/v1/dockets/{docket_id}/extension",
        {"comment_end_date": "2026-03-25", "reason": "Rút ngắn"},
        format="json",
    )
    assert earlier.status_code == 400 and "comment_end_date" in earlier.json()["errors"]
    assert consultation(docket_id).closes_on.isoformat() == "2026-03-31"
    bob = client_for("bob")
    assert (
        bob.post(
            f"/api/v1/dockets/{docket_id}/extension", {"comment_end_date": "2026-04-25", "reason": "Không phải đơn vị"}
        ).status_code
        == 404
    )


def test_the_window_step_cannot_be_closed_by_hand_before_the_close(open_docket, client_for, clock):
    docket_id = open_docket()
    body = complete(client_for("erin"), docket_id, {}, expect=400)
    assert "Chưa hết thời gian lấy ý kiến" in body["detail"]
    assert consultation(docket_id).stage == Stage.PUBLISHED
