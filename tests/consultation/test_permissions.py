"""Who may do what: only the drafting unit creates, moderates and disposes; the public never sees a
commenter's name or contact (an organisation is shown as itself)."""

from __future__ import annotations

import json

from consultation.models import Consultation
from tests.consultation.conftest import at, complete, docket_payload
from workflows.sweep import sweep

CONTACTS = ("Nguyễn Thị Hoà", "hoa.nguyen@example.vn", "0912 345 678", "Trần Văn Bình", "binh@xaydungdongha.vn")


def test_only_officials_of_the_unit_open_a_consultation_for_it(client_for, public, processes, lawyer, clock):
    assert public.post("/api/v1/dockets", docket_payload(), format="json").status_code == 403
    assert client_for("bob").post("/api/v1/dockets", docket_payload(), format="json").status_code == 403
    assert client_for("henry").post("/api/v1/dockets", docket_payload(), format="json").status_code == 403
    assert not Consultation.objects.exists()


def test_only_the_drafting_unit_disposes(open_docket, client_for, post_comment, clock):
    docket_id = open_docket()
    comment_id = post_comment(docket_id)["comment_id"]
    answer = {"disposition": "accepted", "explanation": "Tiếp thu."}

    assert (
        client_for("bob").post(f"/api/v1/comments/{comment_id}/disposition", answer, format="json").status_code == 404
    )
    # The province's leader sees the consultation of a unit below, but the drafting unit answers for its draft.
    henry = client_for("henry")
    assert henry.get(f"/api/v1/dockets/{docket_id}/progress").status_code == 200
    assert henry.post(f"/api/v1/comments/{comment_id}/disposition", answer, format="json").status_code == 403
    assert henry.get(f"/api/v1/dockets/{docket_id}/moderation").status_code == 403
    assert (
        client_for("dave").post(f"/api/v1/comments/{comment_id}/disposition", answer, format="json").status_code == 403
    )
    assert (
        client_for("erin").post(f"/api/v1/comments/{comment_id}/disposition", answer, format="json").status_code == 200
    )


def test_steps_belong_to_their_lanes(create_docket, client_for, clock):
    docket_id = create_docket()["docket_id"]
    complete(client_for("erin"), docket_id, {})
    body = complete(client_for("erin"), docket_id, {"review": "approve"}, expect=403)  # legal staff's step
    assert body["code"] == "permission_denied"


def test_the_public_never_sees_a_commenters_contact(open_docket, client_for, public, post_comment, clock):
    docket_id = open_docket()
    person = post_comment(docket_id)
    post_comment(
        docket_id,
        commenter_kind="enterprise",
        organisation_name="Công ty Cổ phần Xây dựng Đông Hà",
        author_name="Trần Văn Bình",
        email="binh@xaydungdongha.vn",
        phone="",
        text="Đề nghị bổ sung hỗ trợ cho nhà ở xây dựng trước năm 2000.",
    )
    clock.move_to(at("2026-04-01", 0, 5))
    sweep()
    erin, frank = client_for("erin"), client_for("frank")
    erin.post(
        f"/api/v1/dockets/{docket_id}/dispositions",
        {"numbers": [1, 2], "disposition": "noted", "explanation": "Ghi nhận."},
        format="json",
    )
    complete(erin, docket_id, {"summary": "Hai góp ý."})
    complete(frank, docket_id, {"approval": "approve"})

    public_texts = [
        json.dumps(public.get("/api/v1/comments", {"docket": docket_id}).json(), ensure_ascii=False),
        json.dumps(public.get(f"/api/v1/comments/{person['comment_id']}").json(), ensure_ascii=False),
        json.dumps(public.get(f"/api/v1/dockets/{docket_id}").json(), ensure_ascii=False),
        json.dumps(public.get(f"/api/v1/documents/{docket_id}-v1").json(), ensure_ascii=False),
        json.dumps(public.get(f"/api/v1/dockets/{docket_id}/report").json(), ensure_ascii=False),
        public.get(f"/consultations/{docket_id}/").content.decode(),
        public.get(f"/consultations/{docket_id}/comments/").content.decode(),
        public.get(f"/consultations/{docket_id}/report/").content.decode(),
    ]
    for text in public_texts:
        for private in CONTACTS:
            assert private not in text
    assert "Công ty Cổ phần Xây dựng Đông Hà (Doanh nghiệp)" in public_texts[0]
    assert "Cá nhân" in public_texts[0]

    # The author, with the private key, and the drafting unit see them.
    own = public.get(f"/api/v1/comments/{person['comment_id']}", HTTP_X_ACCESS_KEY=person["access_key"]).json()
    assert own["email"] == "hoa.nguyen@example.vn"
    queue = json.dumps(erin.get(f"/api/v1/dockets/{docket_id}/moderation").json(), ensure_ascii=False)
    assert "hoa.nguyen@example.vn" in queue


def test_unpublished_consultations_are_not_public(create_docket, public, clock):
    docket_id = create_docket()["docket_id"]
    assert public.get(f"/api/v1/dockets/{docket_id}").status_code == 404
    assert public.get(f"/api/v1/documents/{docket_id}-v1").status_code == 404
    assert public.get(f"/consultations/{docket_id}/").status_code == 404
    assert public.get("/api/v1/dockets").json()["count"] == 0
