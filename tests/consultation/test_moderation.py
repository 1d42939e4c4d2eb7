"""Moderation: pre- or post-moderation per consultation, the admin's word list and link/spam heuristics hold a
comment for review, and every rejection has a reason its author sees; a rejected comment is kept."""

from __future__ import annotations

from consultation.models import BlockedTerm, Comment, CommentStatus
from tests.consultation.conftest import consultation


def test_pre_moderation_holds_every_comment_until_a_moderator_publishes_it(
    open_docket, client_for, public, post_comment, clock
):
    docket_id = open_docket(moderation="pre")
    receipt = post_comment(docket_id)
    assert receipt["status"] == "pending"
    assert public.get("/api/v1/comments", {"docket": docket_id}).json()["count"] == 0
    assert public.get(f"/api/v1/comments/{receipt['comment_id']}").status_code == 404

    dave = client_for("dave")  # a reception officer of the drafting unit moderates
    queue = dave.get(f"/api/v1/dockets/{docket_id}/moderation", {"status": "pending"}).json()
    assert [c["comment_id"] for c in queue["results"]] == [receipt["comment_id"]]
    response = dave.post(f"/api/v1/comments/{receipt['comment_id']}/moderation", {"decision": "publish"}, format="json")
    assert response.status_code == 200, response.json()

    assert public.get("/api/v1/comments", {"docket": docket_id}).json()["count"] == 1


def test_a_word_from_the_list_or_a_spray_of_links_holds_a_comment_in_post_moderation(
    open_docket, public, post_comment, clock
):
    BlockedTerm.objects.create(term="đồ ngốc", reason="abusive")
    docket_id = open_docket()

    clean = post_comment(docket_id)
    abusive = post_comment(docket_id, text="Ai viết điều này đúng là Đồ Ngốc, phải sửa ngay.", email="x@example.vn")
    spam = post_comment(
        docket_id,
        text="Mua vật liệu giá rẻ tại http://vatlieu.example.com và http://giare.example.net ngay hôm nay!",
        email="spam@example.vn",
    )
    private = post_comment(docket_id, text="Liên hệ tôi qua số 0905 123 456 để trao đổi thêm.", email="y@example.vn")

    assert clean["status"] == "published"
    assert [abusive["status"], spam["status"], private["status"]] == ["pending", "pending", "pending"]
    flags = {c.number: [f["code"] for f in c.flags] for c in Comment.objects.all()}
    assert flags == {1: [], 2: ["blocked_term"], 3: ["links"], 4: ["personal_data"]}
    assert public.get("/api/v1/comments", {"docket": docket_id}).json()["count"] == 1


def test_the_same_text_twice_from_one_contact_is_held_as_a_repeat(open_docket, post_comment, clock):
    docket_id = open_docket()
    assert post_comment(docket_id)["status"] == "published"
    again = post_comment(docket_id)
    assert again["status"] == "pending"
    assert Comment.objects.get(number=2).flags[0]["code"] == "duplicate"
    other_person = post_comment(docket_id, email="khac@example.vn", phone="")
    assert other_person["status"] == "published"  # a campaign of identical comments from different people is fine


def test_a_rejection_has_a_reason_the_author_sees_and_the_comment_is_kept(
    open_docket, client_for, public, post_comment, clock
):
    docket_id = open_docket()
    receipt = post_comment(docket_id, text="Bài viết này chẳng liên quan gì, tôi muốn bán đất ở Cam Lộ.")
    erin = client_for("erin")

    no_reason = erin.post(f"/api/v1/comments/{receipt['comment_id']}/moderation", {"decision": "reject"}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    rejected = erin.post(
        f"/api/v1/comments/{receipt['comment_id']}/moderation",
        {"decision": "reject", "reason": "off_topic", "note": "Nội dung rao bán đất, không góp ý cho dự thảo."},
        format="json",
    )
    assert rejected.status_code == 200, rejected.json()

    assert public.get(f"/api/v1/comments/{receipt['comment_id']}").status_code == 404
    own = public.get(f"/api/v1/comments/{receipt['comment_id']}", HTTP_X_ACCESS_KEY=receipt["access_key"]).json()
    assert own["status"] == "rejected" and own["rejection_reason"] == "off_topic"
    assert own["rejection_reason_display"] == "Không liên quan đến dự thảo"
    assert own["moderation_note"] == "Nội dung rao bán đất, không góp ý cho dự thảo."
    page = public.post("/consultations/my-comment/", {"access_key": receipt["access_key"]}).content.decode()
    assert "Không liên quan đến dự thảo" in page and "Nội dung rao bán đất" in page
    wrong_key = public.get(f"/api/v1/comments/{receipt['comment_id']}", HTTP_X_ACCESS_KEY="not-the-key")
    assert wrong_key.status_code == 404

    comment = consultation(docket_id).comments.get()
    assert comment.status == CommentStatus.REJECTED and comment.text.startswith("Bài viết này")


def test_a_published_comment_taken_down_loses_its_disposition_but_stays(
    open_docket, client_for, public, post_comment, clock
):
    docket_id = open_docket()
    receipt = post_comment(docket_id)
    erin = client_for("erin")
    erin.post(
        f"/api/v1/comments/{receipt['comment_id']}/disposition",
        {"disposition": "noted", "explanation": "Ghi nhận."},
        format="json",
    )
    erin.post(
        f"/api/v1/comments/{receipt['comment_id']}/moderation",
        {"decision": "reject", "reason": "personal_data", "note": "Có thông tin cá nhân của người khác."},
        format="json",
    )
    comment = Comment.objects.get()
    assert (comment.status, comment.disposition, comment.rejection_reason) == ("rejected", "", "personal_data")
    assert public.get("/api/v1/comments", {"docket": docket_id}).json()["count"] == 0
