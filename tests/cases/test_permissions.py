"""Every read and write checks who may do it: officials see their unit's work, leaders also the units below."""

from __future__ import annotations

from cases.models import Petition
from tests.cases.test_journey import complete, only_task


def test_an_official_of_another_unit_sees_nothing_and_cannot_act(submit, client_for):
    submit()
    task = only_task(client_for("alice"))
    petition = Petition.objects.get()
    grace = client_for("grace")  # reception officer of another commune

    assert grace.get("/api/v1/inbox").json()["count"] == 0
    assert grace.get(f"/api/v1/tasks/{task['task_id']}").status_code == 404
    assert (
        grace.post(
            f"/api/v1/tasks/{task['task_id']}/complete", {"form": {"decision": "accept"}}, format="json"
        ).status_code
        == 404
    )
    assert grace.get(f"/api/v1/cases/{petition.pk}").status_code == 404
    assert only_task(client_for("alice"))["lock_version"] == task["lock_version"]


def test_a_leader_sees_the_tasks_of_the_units_below(submit, client_for):
    submit()
    henry = client_for("henry")  # leader of the province
    inbox = henry.get("/api/v1/inbox").json()
    assert [t["element_id"] for t in inbox["results"]] == ["classify"]
    assert henry.get("/api/v1/cases").json()["count"] == 1


def test_a_leader_above_cannot_do_a_reception_officers_step(submit, client_for):
    submit()
    task = only_task(client_for("henry"))
    response = client_for("henry").post(
        f"/api/v1/tasks/{task['task_id']}/complete", {"form": {"decision": "accept"}}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_a_handling_officer_cannot_do_a_leaders_step(submit, client_for):
    submit()
    complete(client_for("alice"), only_task(client_for("alice")), {"decision": "accept"})
    task = only_task(client_for("carol"))
    assert (
        client_for("bob")
        .post(f"/api/v1/tasks/{task['task_id']}/complete", {"form": {"handler": "bob"}}, format="json")
        .status_code
        == 404
    )


def test_an_assigned_draft_belongs_to_its_assignee(submit, client_for):
    submit()
    complete(client_for("alice"), only_task(client_for("alice")), {"decision": "accept"})
    complete(client_for("carol"), only_task(client_for("carol")), {"handler": "bob"})
    task = only_task(client_for("bob"))

    bella = client_for("bella")  # the other handling officer of the unit
    response = bella.post(f"/api/v1/tasks/{task['task_id']}/complete", {"form": {"answer": "x"}}, format="json")
    assert response.status_code == 403


def test_the_handler_must_be_an_official_of_the_unit(submit, client_for):
    submit()
    complete(client_for("alice"), only_task(client_for("alice")), {"decision": "accept"})
    body = complete(client_for("carol"), only_task(client_for("carol")), {"handler": "erin"}, expect=400)
    assert "handler" in body["errors"]


def test_anonymous_users_get_no_inbox_and_no_case(submit, public):
    submit()
    assert public.get("/api/v1/inbox").status_code == 403
    assert public.get(f"/api/v1/cases/{Petition.objects.get().pk}").status_code == 403


def test_claiming_is_first_come_and_the_loser_gets_a_409(submit, client_for):
    submit()
    task = only_task(client_for("carol"))  # leaders see it too, but claim needs the role
    alice = client_for("alice")
    first = alice.post(f"/api/v1/tasks/{task['task_id']}/claim")
    assert first.status_code == 200 and first.json()["claimed_by"] == "alice"

    from organisation.models import Role, Unit
    from tests.conftest import make_official

    make_official("alex", Unit.objects.get(code="dong-ha"), Role.RECEPTION_OFFICER)
    alex = client_for("alex")
    second = alex.post(f"/api/v1/tasks/{task['task_id']}/claim")
    assert second.status_code == 409 and second.json()["code"] == "conflict"
    blocked = alex.post(f"/api/v1/tasks/{task['task_id']}/complete", {"form": {"decision": "accept"}}, format="json")
    assert blocked.status_code == 409


def test_officials_pages_need_a_login(client, submit):
    submit()
    assert client.get("/inbox/").status_code == 302
    assert client.get(f"/cases/{Petition.objects.get().pk}/").status_code == 302
