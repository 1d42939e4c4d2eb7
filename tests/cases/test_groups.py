"""Duplicates and group petitions: neighbours reporting the same broken culvert get one case, each keeping their own
tracking code, status page and channel; the figures count the case once and each petitioner once."""

from __future__ import annotations

import datetime
from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from rest_framework.test import APIClient

from cases import duplicates
from cases.models import OutcomeTally, Petition, PetitionStatus
from cases.outcomes import rebuild_tally
from notifications import adapters
from notifications.models import MessageKind
from workflows.models import CaseEvent, HumanTask, InstanceStatus

CULVERT = {
    "title": "Cống thoát nước bị vỡ ở đường Trần Hưng Đạo",
    "content": "Cống thoát nước trước nhà số 45 đường Trần Hưng Đạo bị vỡ, nước tràn ra đường gây ngập và mùi hôi.",
    "address": "",
}
NEIGHBOUR = {
    "title": "Cống thoát nước đường Trần Hưng Đạo bị vỡ",
    "content": "Cống thoát nước đoạn số 45 đường Trần Hưng Đạo bị vỡ, nước thải tràn ra đường gây ngập, mùi hôi.",
    "petitioner_name": "Trần Thị Bích",
    "petitioner_email": "bich.tran@example.vn",
    "petitioner_phone": "",
    "address": "",
}
THIRD = {
    "title": "Cong thoat nuoc Tran Hung Dao bi vo",  # typed without diacritics
    "content": "Cong thoat nuoc truoc so 45 duong Tran Hung Dao bi vo, nuoc tran ra duong gay ngap.",
    "petitioner_name": "Lê Văn Cường",
    "petitioner_email": "",
    "petitioner_phone": "0987 654 321",
    "address": "",
}


def run_outbox() -> None:
    call_command("run_outbox", "--once", stdout=StringIO())


def task_of(client: APIClient, code: str) -> dict[str, Any]:
    inbox = client.get("/api/v1/inbox").json()
    tasks = [task for task in inbox["results"] if task["reference"] == code]
    assert len(tasks) == 1, inbox
    return dict(tasks[0])


def complete(client: APIClient, code: str, data: dict[str, Any]) -> None:
    task = task_of(client, code)
    response = client.post(f"/api/v1/tasks/{task['task_id']}/complete", {"form": data}, format="json")
    assert response.status_code == 200, response.json()


def answer(client_for: Any, code: str, text: str) -> None:
    complete(client_for("alice"), code, {"decision": "accept"})
    complete(client_for("carol"), code, {"handler": "bob"})
    complete(client_for("bob"), code, {"answer": text})
    complete(client_for("carol"), code, {"approval": "approve"})


def join(client: APIClient, member: Petition, lead: Petition) -> Any:
    return client.post(f"/api/v1/cases/{member.pk}/join", {"into": lead.pk}, format="json")


@pytest.fixture
def culvert(submit: Any) -> tuple[Petition, Petition]:
    """Two neighbours' petitions about the same culvert in Đông Hà."""
    lead = Petition.objects.get(tracking_code=submit(**CULVERT)["tracking_code"])
    member = Petition.objects.get(tracking_code=submit(**NEIGHBOUR)["tracking_code"])
    return lead, member


def test_a_similar_open_petition_of_the_same_commune_is_suggested_and_not_one_of_another_commune(submit, culvert):
    lead, member = culvert
    other_commune = Petition.objects.get(tracking_code=submit(**CULVERT, commune="gio-linh")["tracking_code"])
    unrelated = Petition.objects.get(
        tracking_code=submit(title="Xin cấp giấy phép xây dựng", content="Hồ sơ xin phép xây nhà ở riêng lẻ.")[
            "tracking_code"
        ]
    )

    suggested = duplicates.similar_open(member, limit=5)

    assert [similar.petition for similar in suggested] == [lead]
    assert 0 < suggested[0].score <= 1
    assert other_commune not in [s.petition for s in duplicates.similar_open(lead)]
    assert unrelated not in [s.petition for s in duplicates.similar_open(lead)]
    assert [s.petition for s in duplicates.similar_open(other_commune)] == []


def test_a_text_typed_without_diacritics_still_finds_its_duplicate(submit, culvert):
    lead, _member = culvert
    third = Petition.objects.get(tracking_code=submit(**THIRD)["tracking_code"])

    assert lead in [s.petition for s in duplicates.similar_open(third)]


def test_the_api_lists_suggestions_with_their_score_without_personal_data(culvert, client_for):
    lead, member = culvert

    response = client_for("alice").get(f"/api/v1/cases/{member.pk}/similar")

    assert response.status_code == 200
    [item] = response.json()
    assert item["case"]["tracking_code"] == lead.tracking_code and item["score"] > 0
    assert "Nguyễn Văn An" not in response.content.decode()


def test_joined_petitioners_each_receive_the_answer_once_through_their_own_channel(
    submit, culvert, client_for, public, settings
):
    settings.NOTIFICATIONS_SEND_ON_COMMIT = False
    lead, member = culvert
    third = Petition.objects.get(tracking_code=submit(**THIRD)["tracking_code"])
    alice = client_for("alice")

    assert join(alice, member, lead).status_code == 200
    response = join(alice, third, lead)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["joined_to"] == lead.pk and body["tracking_code"] == third.tracking_code

    # one case left in the inbox: the lead's
    assert [t["reference"] for t in alice.get("/api/v1/inbox").json()["results"]] == [lead.tracking_code]
    member.refresh_from_db()
    assert member.workflow.status == InstanceStatus.COMPLETED
    assert not HumanTask.objects.open().filter(instance=member.workflow).exists()

    mail.outbox.clear()
    adapters.outbox.clear()
    answer(client_for, lead.tracking_code, "Kính gửi ông Nguyễn Văn An, cống đã được sửa ngày 02/12.")
    run_outbox()

    answers = Counter(to for message in mail.outbox for to in message.to if "Trả lời đơn" in message.subject) + Counter(
        sent.to for name, sent in adapters.outbox if sent.kind == MessageKind.ANSWER
    )
    assert answers == {"an.nguyen@example.vn": 1, "bich.tran@example.vn": 1, "0987 654 321": 1}
    acceptances = Counter(to for m in mail.outbox for to in m.to if "thụ lý" in m.subject.lower())
    assert acceptances == {"an.nguyen@example.vn": 1, "bich.tran@example.vn": 1}
    # each through their own tracking code, and the lead's name never reaches the others
    to_bich = next(m for m in mail.outbox if m.to == ["bich.tran@example.vn"] and "Trả lời đơn" in m.subject)
    assert member.tracking_code in to_bich.body and lead.tracking_code not in to_bich.body
    assert "cống đã được sửa" in to_bich.body and "Nguyễn Văn An" not in to_bich.body

    # the joined petitions' status pages show the group case's answer
    status = public.get(f"/api/v1/petitions/{member.tracking_code}").json()
    assert status["status"] == "answered" and status["grouped"] is True
    assert "cống đã được sửa" in status["answer"] and "Nguyễn Văn An" not in status["answer"]
    assert Petition.objects.get(pk=third.pk).status == PetitionStatus.ANSWERED


def test_the_figures_count_the_group_case_once_and_every_petitioner(culvert, client_for):
    lead, member = culvert
    assert join(client_for("alice"), member, lead).status_code == 200

    def figures() -> dict[str, int]:
        response = client_for("carol").get("/api/v1/stats")
        assert response.status_code == 200, response.json()
        [row] = response.json()
        return {key: row[key] for key in ("received", "petitioners", "open")}

    assert figures() == {"received": 1, "petitioners": 2, "open": 1}
    tally = OutcomeTally.objects.get()
    assert (tally.in_progress, tally.joined) == (1, 1)
    rebuild_tally()
    assert figures() == {"received": 1, "petitioners": 2, "open": 1}


def test_a_join_is_undone_with_an_audit_entry_and_a_running_case_of_its_own(culvert, client_for, public):
    lead, member = culvert
    alice = client_for("alice")
    assert join(alice, member, lead).status_code == 200

    response = alice.post(f"/api/v1/cases/{member.pk}/unjoin")

    assert response.status_code == 200, response.json()
    member.refresh_from_db()
    assert member.joined_to is None and member.status == PetitionStatus.RECEIVED
    assert member.workflow.status == InstanceStatus.RUNNING
    assert task_of(alice, member.tracking_code)["element_id"] == "classify"
    assert CaseEvent.objects.filter(instance=lead.workflow, kind="petition_unjoined", actor__username="alice").exists()
    assert CaseEvent.objects.filter(instance=lead.workflow, kind="petition_joined").exists()
    history = [item["text"] for item in public.get(f"/api/v1/petitions/{member.tracking_code}").json()["history"]]
    assert any("tách khỏi hồ sơ giải quyết chung" in text for text in history)
    stats = client_for("carol").get("/api/v1/stats").json()
    assert [(row["received"], row["petitioners"]) for row in stats] == [(2, 2)]


def test_an_unjoin_is_refused_once_the_group_case_is_answered(culvert, client_for):
    lead, member = culvert
    assert join(client_for("alice"), member, lead).status_code == 200
    answer(client_for, lead.tracking_code, "Đã sửa.")

    response = client_for("alice").post(f"/api/v1/cases/{member.pk}/unjoin")

    assert response.status_code == 400
    assert response.json()["code"] == "join_refused"
    assert Petition.objects.get(pk=member.pk).joined_to_id == lead.pk


def refused(client: APIClient, member: Petition, lead: Petition, status: int, field: str = "into") -> dict[str, Any]:
    before = (Petition.objects.get(pk=member.pk).joined_to_id, CaseEvent.objects.count())
    response = join(client, member, lead)
    assert response.status_code == status, response.json()
    body = dict(response.json())
    assert set(body) == {"code", "detail", "errors"} and field in body["errors"]
    assert (Petition.objects.get(pk=member.pk).joined_to_id, CaseEvent.objects.count()) == before
    return body


def test_a_join_to_itself_is_refused(culvert, client_for):
    lead, _member = culvert
    assert "chính nó" in refused(client_for("alice"), lead, lead, 400)["detail"]


def test_a_join_to_a_case_of_another_type_is_refused(submit, culvert, client_for):
    lead, _member = culvert
    recommendation = Petition.objects.get(
        tracking_code=submit(**NEIGHBOUR, petition_type="recommendation")["tracking_code"]
    )
    assert "cùng loại" in refused(client_for("alice"), recommendation, lead, 400)["detail"]


def test_a_join_to_a_case_of_another_unit_is_refused(culvert, client_for, submit):
    lead, member = culvert
    complete(client_for("alice"), lead.tracking_code, {"decision": "transfer", "transfer_to": "so-xay-dung"})
    # henry leads the province: he sees both cases, of two units
    assert "cùng một đơn vị" in refused(client_for("henry"), member, lead, 400)["detail"]


def test_a_join_to_an_answered_case_is_refused(culvert, client_for):
    lead, member = culvert
    answer(client_for, lead.tracking_code, "Đã sửa.")
    assert "đã kết thúc" in refused(client_for("alice"), member, lead, 400)["detail"]


def test_a_chain_is_refused_both_ways(submit, culvert, client_for):
    lead, member = culvert
    third = Petition.objects.get(tracking_code=submit(**THIRD)["tracking_code"])
    alice = client_for("alice")
    assert join(alice, member, lead).status_code == 200

    assert "đã được gộp vào hồ sơ khác" in refused(alice, third, member, 400)["detail"]
    assert "hồ sơ chung của các đơn khác" in refused(alice, lead, third, 400)["detail"]


def test_a_denunciation_is_never_joined(submit, culvert, client_for):
    lead, _member = culvert
    denunciation = Petition.objects.get(
        tracking_code=submit(**NEIGHBOUR, petition_type="denunciation")["tracking_code"]
    )
    assert duplicates.similar_open(denunciation) == []
    leader = client_for("carol")
    body = refused(leader, denunciation, lead, 400)
    assert "tố cáo" in body["detail"]


def test_a_second_join_of_the_same_petition_is_a_conflict(submit, culvert, client_for):
    lead, member = culvert
    other = Petition.objects.get(tracking_code=submit(**THIRD)["tracking_code"])
    assert join(client_for("alice"), member, lead).status_code == 200

    body = refused(client_for("carol"), member, other, 409)

    assert body["code"] == "conflict"


def test_only_reception_officers_and_leaders_of_the_unit_join(culvert, client_for):
    lead, member = culvert
    assert refused(client_for("bob"), member, lead, 403)["code"] == "permission_denied"
    # an officer of another unit does not even see the case
    assert join(client_for("grace"), member, lead).status_code == 404
    assert join(client_for("carol"), member, lead).status_code == 200


def test_bad_input_is_a_400_naming_the_field(culvert, client_for):
    _lead, member = culvert
    response = client_for("alice").post(f"/api/v1/cases/{member.pk}/join", {"into": "x"}, format="json")
    assert response.status_code == 400 and "into" in response.json()["errors"]
    response = client_for("alice").post(f"/api/v1/cases/{member.pk}/join", {"into": 999999}, format="json")
    assert response.status_code == 400 and "into" in response.json()["errors"]
    assert Petition.objects.get(pk=member.pk).joined_to_id is None


def test_no_member_s_personal_data_shows_on_another_member_s_pages(culvert, client_for, client):
    lead, member = culvert
    assert join(client_for("alice"), member, lead).status_code == 200
    answer(client_for, lead.tracking_code, "Kính gửi ông Nguyễn Văn An (0912 345 678), cống đã được sửa.")
    private = ("Nguyễn Văn An", "0912 345 678", "an.nguyen@example.vn", "Trần Thị Bích", "bich.tran@example.vn")

    # the member's public page, and the member's own page with their key, never show the lead's details
    public_page = client.get(f"/track/{member.tracking_code}/").content.decode()
    assert "cống đã được sửa" in public_page
    assert not [text for text in private if text in public_page]
    lead_page = client.get(f"/track/{lead.tracking_code}/").content.decode()
    assert not [text for text in private if text in lead_page]


def test_the_member_s_page_with_its_key_shows_its_own_details_and_not_the_lead_s(submit, client_for, client):
    lead = Petition.objects.get(tracking_code=submit(**CULVERT)["tracking_code"])
    receipt = submit(**NEIGHBOUR)
    member = Petition.objects.get(tracking_code=receipt["tracking_code"])
    assert join(client_for("alice"), member, lead).status_code == 200
    answer(client_for, lead.tracking_code, "Kính gửi ông Nguyễn Văn An, cống đã được sửa.")

    page = client.post("/track/", {"code": member.tracking_code, "access_key": receipt["access_key"]}).content.decode()

    assert "Trần Thị Bích" in page and "cống đã được sửa" in page
    assert "Nguyễn Văn An" not in page and "an.nguyen@example.vn" not in page


def test_a_case_older_than_the_window_is_not_suggested(culvert, settings):
    lead, member = culvert
    Petition.objects.filter(pk=lead.pk).update(received_at=lead.received_at - datetime.timedelta(days=400))
    assert duplicates.similar_open(member) == []


def test_a_clock_change_of_the_group_case_reaches_every_petitioner_once(culvert, client_for, settings):
    settings.NOTIFICATIONS_SEND_ON_COMMIT = False
    lead, member = culvert
    assert join(client_for("alice"), member, lead).status_code == 200
    mail.outbox.clear()

    response = client_for("carol").post(
        f"/api/v1/cases/{lead.pk}/suspend", {"reason": "Chờ kết quả khảo sát hiện trường"}, format="json"
    )
    assert response.status_code == 200, response.json()
    run_outbox()

    changes = Counter(to for m in mail.outbox for to in m.to if "Tạm dừng" in m.subject)
    assert changes == {"an.nguyen@example.vn": 1, "bich.tran@example.vn": 1}
