"""Group petitions on the officials' pages: the classification step and the reception queue suggest the open cases
like this one with their score, and join to one; the case page shows the group and undoes a join."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cases.models import Channel, Petition
from channels.models import Draft, DraftStatus
from channels.services import add_message
from tests.cases.test_groups import CULVERT, NEIGHBOUR
from tests.conftest import PASSWORD


def logged_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def culvert(submit: Any) -> tuple[Petition, Petition]:
    lead = Petition.objects.get(tracking_code=submit(**CULVERT)["tracking_code"])
    member = Petition.objects.get(tracking_code=submit(**NEIGHBOUR)["tracking_code"])
    return lead, member


def classify_url(petition: Petition) -> str:
    return f"/tasks/{petition.workflow.tasks.open().get().task_id}/"


def test_the_classification_step_suggests_the_similar_case_and_joins_to_it(culvert):
    lead, member = culvert
    alice = logged_in("alice")

    page = alice.get(classify_url(member)).content.decode()

    assert 'id="duplicates"' in page and f'data-suggestion="{lead.tracking_code}"' in page
    assert "Gộp vào hồ sơ này" in page
    response = alice.post(
        f"/cases/{member.pk}/group/", {"action": "join", "into": lead.pk, "next": classify_url(member)}
    )
    assert response.status_code == 302 and response["Location"] == f"/cases/{lead.pk}/"
    lead_page = alice.get(response["Location"]).content.decode()
    assert "Đã gộp đơn" in lead_page and member.tracking_code in lead_page
    assert Petition.objects.get(pk=member.pk).joined_to_id == lead.pk


def test_the_handling_steps_show_no_suggestions(culvert, client_for):
    lead, _member = culvert
    response = client_for("alice").post(
        f"/api/v1/tasks/{lead.workflow.tasks.open().get().task_id}/complete",
        {"form": {"decision": "accept"}},
        format="json",
    )
    assert response.status_code == 200
    page = logged_in("carol").get(classify_url(lead)).content.decode()
    assert 'id="duplicates"' not in page


def test_a_refused_join_from_the_page_says_why_and_changes_nothing(culvert):
    _lead, member = culvert
    alice = logged_in("alice")

    response = alice.post(
        f"/cases/{member.pk}/group/", {"action": "join", "into": member.pk, "next": classify_url(member)}, follow=True
    )

    assert "Không thể gộp một đơn vào chính nó." in response.content.decode()
    assert Petition.objects.get(pk=member.pk).joined_to_id is None


def test_the_case_page_shows_the_group_and_undoes_the_join(culvert):
    lead, member = culvert
    alice = logged_in("alice")
    alice.post(f"/cases/{member.pk}/group/", {"action": "join", "into": lead.pk})

    page = alice.get(f"/cases/{member.pk}/").content.decode()
    assert "Đơn này được gộp vào hồ sơ" in page and lead.tracking_code in page
    response = alice.post(f"/cases/{member.pk}/group/", {"action": "unjoin"}, follow=True)

    assert "Đã tách đơn" in response.content.decode()
    member.refresh_from_db()
    assert member.joined_to_id is None and member.workflow.tasks.open().exists()


def _draft(org: Any) -> Draft:
    draft, _refused = add_message(
        channel=Channel.EMAIL,
        sender_address="cuong.le@example.vn",
        sender_name="Lê Văn Cường",
        message_id="<culvert@mail.example.vn>",
        subject="Cống thoát nước Trần Hưng Đạo bị vỡ",
        text="Cống thoát nước số 45 đường Trần Hưng Đạo bị vỡ, nước tràn ra đường gây ngập.",
        received_at=timezone.now() - datetime.timedelta(hours=2),
        files=[],
    )
    draft.unit = org.dong_ha
    draft.save()
    return draft


def test_the_reception_queue_draft_suggests_the_case_and_confirms_it_joined(culvert, org):
    lead, _member = culvert
    draft = _draft(org)
    alice = logged_in("alice")

    page = alice.get(f"/reception/{draft.pk}/").content.decode()
    assert f'data-suggestion="{lead.tracking_code}"' in page
    response = alice.post(
        f"/reception/{draft.pk}/",
        {
            "action": "confirm",
            "unit": "dong-ha",
            "petition_type": "reflection",
            "title": draft.subject,
            "content": draft.text,
            "commune": "dong-ha",
            "petitioner_name": "Lê Văn Cường",
            "petitioner_email": "cuong.le@example.vn",
            "join_to": str(lead.pk),
        },
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == DraftStatus.CONFIRMED
    assert draft.petition is not None and draft.petition.joined_to_id == lead.pk


def test_a_refused_join_from_the_reception_queue_keeps_the_draft_open(culvert, org):
    lead, member = culvert
    alice = logged_in("alice")
    alice.post(f"/cases/{member.pk}/group/", {"action": "join", "into": lead.pk})
    draft = _draft(org)
    count = Petition.objects.count()

    response = alice.post(
        f"/reception/{draft.pk}/",
        {
            "action": "confirm",
            "unit": "dong-ha",
            "petition_type": "reflection",
            "title": draft.subject,
            "content": draft.text,
            "commune": "dong-ha",
            "petitioner_name": "Lê Văn Cường",
            "join_to": str(member.pk),  # itself joined: no chains
        },
    )

    assert response.status_code == 400
    assert "đã được gộp vào hồ sơ khác" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == DraftStatus.OPEN and Petition.objects.count() == count


def test_the_leaders_page_counts_petitioners_and_cases(culvert):
    lead, member = culvert
    logged_in("alice").post(f"/cases/{member.pk}/group/", {"action": "join", "into": lead.pk})

    page = logged_in("carol").get("/leaders/").content.decode()

    assert '<strong id="petitioners">2</strong>' in page


def test_the_reception_queue_suggests_no_case_of_a_unit_the_officer_does_not_belong_to(culvert, org):
    lead, _member = culvert
    draft = _draft(org)

    # grace receives for Gio Linh only: a form naming Đông Hà as the receiving unit lists none of its cases
    draft.unit = None
    draft.save()
    page = logged_in("grace").post(
        f"/reception/{draft.pk}/",
        {"action": "confirm", "unit": "dong-ha", "commune": "dong-ha", "title": draft.subject, "content": draft.text},
    )

    assert lead.tracking_code not in page.content.decode()


def test_the_suggestions_and_the_join_read_in_english(culvert):
    _lead, member = culvert
    alice = logged_in("alice")

    page = alice.get(classify_url(member), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    refused = alice.post(
        f"/cases/{member.pk}/group/", {"action": "join", "into": member.pk}, HTTP_ACCEPT_LANGUAGE="en", follow=True
    ).content.decode()

    assert "Open cases with the same content" in page and "Join to this case" in page
    assert "A petition cannot be joined to itself." in refused
