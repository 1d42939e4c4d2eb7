"""The officials' pages do the same work as the API: inbox, task form, case page with its audit trail."""

from __future__ import annotations

from cases.models import Petition, PetitionStatus
from tests.conftest import PASSWORD


def login(client, username):
    assert client.login(username=username, password=PASSWORD)


def test_an_official_completes_the_journey_through_the_pages(client, submit):
    code = submit()["tracking_code"]
    petition = Petition.objects.get()

    login(client, "alice")
    inbox = client.get("/inbox/").content.decode()
    assert code in inbox and "Phân loại đơn" in inbox
    task_id = petition.workflow.tasks.open().get().task_id
    page = client.get(f"/tasks/{task_id}/").content.decode()
    assert "Kết quả phân loại" in page and "Nguyễn Văn An" not in page
    assert client.post(f"/tasks/{task_id}/", {"decision": "accept", "lock_version": 1}).status_code == 302

    login(client, "carol")
    task_id = petition.workflow.tasks.open().get().task_id
    bad = client.post(f"/tasks/{task_id}/", {"handler": ""})
    assert bad.status_code == 400 and "bắt buộc" in bad.content.decode()
    client.post(f"/tasks/{task_id}/", {"handler": "bob"})

    login(client, "bob")
    client.post(f"/tasks/{petition.workflow.tasks.open().get().task_id}/", {"answer": "Đã sửa xong."})
    login(client, "carol")
    client.post(f"/tasks/{petition.workflow.tasks.open().get().task_id}/", {"approval": "approve"})

    petition.refresh_from_db()
    assert petition.status == PetitionStatus.ANSWERED
    case_page = client.get(f"/cases/{petition.pk}/").content.decode()
    assert "Nguyễn Văn An" in case_page  # officials of the unit see who wrote
    assert "Hoàn thành: Duyệt văn bản trả lời" in case_page
    status_page = client.get(f"/track/{code}/").content.decode()
    assert "Đã sửa xong." in status_page and "Nguyễn Văn An" not in status_page


def test_a_stale_task_form_gets_a_clear_message_not_an_overwrite(client, submit):
    submit()
    petition = Petition.objects.get()
    task_id = petition.workflow.tasks.open().get().task_id
    login(client, "alice")
    response = client.post(f"/tasks/{task_id}/", {"decision": "accept", "lock_version": 0}, follow=True)
    assert "tải lại" in response.content.decode()
    assert petition.workflow.tasks.open().get().element_id == "classify"


def test_the_api_schema_and_docs_are_served(client, db):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
