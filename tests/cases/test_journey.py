"""A petition travels from the portal to a sent answer, through the API, as officials and citizens see it."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from cases.models import Petition, PetitionStatus


def only_task(client: APIClient) -> dict[str, Any]:
    inbox = client.get("/api/v1/inbox").json()
    assert inbox["count"] == 1, inbox
    return dict(inbox["results"][0])


def complete(client: APIClient, task: dict[str, Any], data: dict[str, Any], expect: int = 200) -> dict[str, Any]:
    response = client.post(f"/api/v1/tasks/{task['task_id']}/complete", {"form": data}, format="json")
    assert response.status_code == expect, response.json()
    return dict(response.json())


def test_it_carries_a_petition_from_submission_to_a_published_answer(submit, client_for, public):
    receipt = submit()
    code = receipt["tracking_code"]

    status = public.get(f"/api/v1/petitions/{code}").json()
    assert status["status"] == "received"
    assert status["current_step"] == "Đang phân loại đơn"

    alice = client_for("alice")
    task = only_task(alice)
    assert task["element_id"] == "classify" and task["reference"] == code
    complete(alice, task, {"decision": "accept"})
    assert public.get(f"/api/v1/petitions/{code}").json()["status"] == "in_progress"

    carol = client_for("carol")
    task = only_task(carol)
    assert task["element_id"] == "assign"
    complete(carol, task, {"handler": "bob", "instructions": "Kiểm tra hiện trường"})

    bob = client_for("bob")
    task = only_task(bob)
    assert task["element_id"] == "draft_answer" and task["assignee"] == "bob"
    complete(bob, task, {"answer": "Đã thay bóng đèn ngày 20/11."})

    task = only_task(carol)
    assert task["element_id"] == "approve"
    complete(carol, task, {"approval": "approve"})

    status = public.get(f"/api/v1/petitions/{code}").json()
    assert status["status"] == "answered"
    assert status["answer"] == "Đã thay bóng đèn ngày 20/11."
    assert status["answered_by"] == "Phường Đông Hà"
    texts = [item["text"] for item in status["history"]]
    assert texts[0] == "Đã tiếp nhận phản ánh"
    assert "Phường Đông Hà đã trả lời đơn" in texts
    assert texts[-1] == "Trả lời đã được công khai"
    petition = Petition.objects.get(tracking_code=code)
    assert petition.published_at is not None
    assert alice.get("/api/v1/inbox").json()["count"] == 0
    assert carol.get("/api/v1/inbox").json()["count"] == 0


def test_it_does_not_publish_without_the_petitioners_consent(submit, client_for, public):
    code = submit(publish_consent=False)["tracking_code"]
    complete(client_for("alice"), only_task(client_for("alice")), {"decision": "accept"})
    complete(client_for("carol"), only_task(client_for("carol")), {"handler": "bob"})
    complete(client_for("bob"), only_task(client_for("bob")), {"answer": "Trả lời riêng."})
    complete(client_for("carol"), only_task(client_for("carol")), {"approval": "approve"})

    petition = Petition.objects.get(tracking_code=code)
    assert petition.status == PetitionStatus.ANSWERED
    assert petition.published_at is None
    assert "Trả lời đã được công khai" not in [
        i["text"] for i in public.get(f"/api/v1/petitions/{code}").json()["history"]
    ]


def test_a_leader_returns_the_draft_and_the_handler_reworks_it(submit, client_for, public):
    code = submit()["tracking_code"]
    alice, bob, carol = client_for("alice"), client_for("bob"), client_for("carol")
    complete(alice, only_task(alice), {"decision": "accept"})
    complete(carol, only_task(carol), {"handler": "bob"})
    complete(bob, only_task(bob), {"answer": "Sẽ xem xét."})

    complete(carol, only_task(carol), {"approval": "return"}, expect=400)  # comments are required to return
    complete(carol, only_task(carol), {"approval": "return", "comments": "Nêu rõ ngày thay đèn."})

    task = only_task(bob)
    assert task["element_id"] == "draft_answer"
    assert public.get(f"/api/v1/petitions/{code}").json()["status"] == "in_progress"
    complete(bob, task, {"answer": "Đèn đã được thay ngày 20/11."})
    complete(carol, only_task(carol), {"approval": "approve"})

    assert public.get(f"/api/v1/petitions/{code}").json()["answer"] == "Đèn đã được thay ngày 20/11."
    case = carol.get(f"/api/v1/cases/{Petition.objects.get(tracking_code=code).pk}").json()
    returned = [e for e in case["events"] if e["element_id"] == "approve"]
    assert [e["data"]["approval"] for e in returned] == ["return", "approve"]
    assert returned[0]["data"]["comments"] == "Nêu rõ ngày thay đèn."


def test_a_petition_transferred_to_another_unit_lands_in_that_units_inbox(submit, client_for, public):
    code = submit()["tracking_code"]
    alice = client_for("alice")
    complete(alice, only_task(alice), {"decision": "transfer", "transfer_to": "so-xay-dung"})

    assert alice.get("/api/v1/inbox").json()["count"] == 0
    dave = client_for("dave")
    task = only_task(dave)
    assert task["element_id"] == "classify" and task["unit"] == "so-xay-dung"
    status = public.get(f"/api/v1/petitions/{code}").json()
    assert status["handling_unit"] == "Sở Xây dựng"
    assert "Đơn được chuyển đến Sở Xây dựng (đơn vị có thẩm quyền)" in [i["text"] for i in status["history"]]

    complete(dave, task, {"decision": "accept"})
    frank = client_for("frank")
    complete(frank, only_task(frank), {"handler": "erin"})
    erin = client_for("erin")
    complete(erin, only_task(erin), {"answer": "Sở đã yêu cầu chủ công trình dọn vật liệu."})
    complete(frank, only_task(frank), {"approval": "approve"})
    assert public.get(f"/api/v1/petitions/{code}").json()["answered_by"] == "Sở Xây dựng"


def test_a_transfer_to_the_same_unit_is_refused_and_changes_nothing(submit, client_for):
    submit()
    alice = client_for("alice")
    task = only_task(alice)
    body = complete(alice, task, {"decision": "transfer", "transfer_to": "dong-ha"}, expect=400)
    assert "đơn vị này" in body["detail"]
    assert only_task(alice)["task_id"] == task["task_id"]
    assert only_task(alice)["lock_version"] == task["lock_version"]


def test_a_rejection_tells_the_petitioner_why(submit, client_for, public):
    code = submit()["tracking_code"]
    alice = client_for("alice")
    complete(alice, only_task(alice), {"decision": "reject"}, expect=400)  # a reason is required
    complete(alice, only_task(alice), {"decision": "reject", "reason": "Không thuộc thẩm quyền địa phương."})

    status = public.get(f"/api/v1/petitions/{code}").json()
    assert status["status"] == "rejected"
    assert status["answer"] == "Không thuộc thẩm quyền địa phương."
    assert alice.get("/api/v1/inbox").json()["count"] == 0


def test_task_forms_are_validated_against_the_fields_the_diagram_declares(submit, client_for):
    submit()
    alice = client_for("alice")
    task = only_task(alice)

    unknown = complete(alice, task, {"decision": "accept", "priority": "high"}, expect=400)
    assert unknown["code"] == "invalid" and "priority" in unknown["errors"]
    missing = complete(alice, task, {}, expect=400)
    assert "decision" in missing["errors"]
    wrong_choice = complete(alice, task, {"decision": "maybe"}, expect=400)
    assert "accept" in wrong_choice["errors"]["decision"]
    wrong_type = complete(alice, task, {"decision": "accept", "reason": 42}, expect=400)
    assert "reason" in wrong_type["errors"]

    assert only_task(alice)["task_id"] == task["task_id"]  # nothing moved
