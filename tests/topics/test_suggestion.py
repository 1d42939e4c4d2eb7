"""Every petition gets a suggested topic when it arrives, with its confidence and the words behind it; a reception
officer of the handling unit confirms or corrects it, nobody else can, and a topic outside the taxonomy changes
nothing."""

from __future__ import annotations

from django.utils import translation

from cases.models import Petition
from topics.models import Topic
from workflows.models import CaseEvent

TAXONOMY = [
    "land",
    "environment",
    "traffic",
    "electricity",
    "water",
    "education",
    "health",
    "social",
    "administrative",
    "public_order",
    "other",
]


def petition_of(receipt: dict) -> Petition:
    return Petition.objects.select_related("topic").get(tracking_code=receipt["tracking_code"])


def test_the_taxonomy_is_there_in_vietnamese_with_english_names(db):
    topics = list(Topic.objects.all())
    assert [t.code for t in topics] == TAXONOMY
    assert all(t.active for t in topics)
    water = Topic.objects.get(code="water")
    assert water.label == "Cấp nước"
    assert "mất nước" in water.keyword_list()
    with translation.override("en"):
        assert water.label == "Water supply"
        assert Topic.objects.get(code="public_order").label == "Public order"


def test_a_petition_arrives_with_a_suggested_topic_its_confidence_and_evidence(submit):
    receipt = submit(title="Mất nước sinh hoạt", content="Khu dân cư mất nước ba ngày, công ty cấp nước không báo.")
    petition = petition_of(receipt)
    assert petition.topic is not None and petition.topic.code == "water"
    assert petition.topic_confidence is not None and 0.5 < petition.topic_confidence <= 1
    assert "mất nước" in petition.topic_evidence
    assert petition.topic_confirmed is False
    # The default petition is about street lights.
    default = petition_of(submit())
    assert default.topic is not None and default.topic.code == "electricity"


def test_the_reception_officer_sees_the_suggestion_on_the_case_and_task_pages(submit, client_for):
    petition = petition_of(submit(title="Rác thải ven sông", content="Rác đổ bừa bãi, bốc mùi hôi."))
    alice = client_for("alice")
    page = alice.get(f"/cases/{petition.pk}/").content.decode()
    assert 'id="topic-name">Môi trường và rác thải<' in page
    assert "Gợi ý, chưa xác nhận" in page
    assert petition.topic_confidence is not None
    assert f'id="topic-confidence">{round(petition.topic_confidence * 100)}<' in page
    assert 'id="topic-form"' in page
    task = alice.get("/api/v1/inbox").json()["results"][0]
    task_page = alice.get(f"/tasks/{task['task_id']}/").content.decode()
    assert 'id="topic-name">Môi trường và rác thải<' in task_page and 'id="topic-form"' in task_page
    # A handling officer sees the topic, without the form.
    bob_page = client_for("bob").get(f"/cases/{petition.pk}/").content.decode()
    assert 'id="topic-name">' in bob_page and 'id="topic-form"' not in bob_page


def test_a_reception_officer_corrects_the_topic_and_the_trail_says_who(submit, client_for):
    petition = petition_of(submit())  # suggested: electricity
    response = client_for("alice").post(f"/api/v1/cases/{petition.pk}/topic", {"topic": "traffic"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["topic"] == "traffic" and body["topic_confirmed"] is True and body["topic_confirmed_by"] == "alice"
    petition.refresh_from_db()
    assert petition.topic is not None
    assert petition.topic.code == "traffic" and petition.topic_confirmed and petition.topic_confirmed_at is not None
    event = CaseEvent.objects.filter(instance=petition.workflow, kind="topic_corrected").get()
    assert event.actor.username == "alice"
    assert event.data == {"topic": "traffic", "suggested": "electricity", "confidence": petition.topic_confidence}
    assert "Điện và chiếu sáng → Giao thông và đường sá" in event.summary


def test_confirming_the_suggestion_keeps_it_and_records_the_confirmation(submit, client_for):
    petition = petition_of(submit())
    response = client_for("carol").post(f"/api/v1/cases/{petition.pk}/topic", {"topic": "electricity"}, format="json")
    assert response.status_code == 200
    assert CaseEvent.objects.filter(instance=petition.workflow, kind="topic_confirmed").count() == 1
    detail = client_for("carol").get(f"/api/v1/cases/{petition.pk}").json()
    assert detail["topic"] == "electricity" and detail["topic_confirmed"] is True


def test_officials_outside_the_handling_units_reception_cannot_change_the_topic(submit, client_for):
    petition = petition_of(submit())
    for username, status in (("dave", 404), ("grace", 404), ("bob", 403)):
        response = client_for(username).post(f"/api/v1/cases/{petition.pk}/topic", {"topic": "land"}, format="json")
        assert response.status_code == status, username
    petition.refresh_from_db()
    assert petition.topic is not None and petition.topic.code == "electricity" and not petition.topic_confirmed
    assert not CaseEvent.objects.filter(instance=petition.workflow, kind__startswith="topic_").exists()
    # A leader of the province (above the handling unit) may.
    response = client_for("henry").post(f"/api/v1/cases/{petition.pk}/topic", {"topic": "land"}, format="json")
    assert response.status_code == 200


def test_an_unknown_or_retired_topic_is_refused_with_the_field_and_nothing_changes(submit, client_for):
    petition = petition_of(submit())
    Topic.objects.filter(code="health").update(active=False)
    alice = client_for("alice")
    for payload in ({"topic": "weather"}, {"topic": "health"}, {"topic": ""}, {}):
        response = alice.post(f"/api/v1/cases/{petition.pk}/topic", payload, format="json")
        assert response.status_code == 400, payload
        assert "topic" in response.json()["errors"], payload
    petition.refresh_from_db()
    assert petition.topic is not None and petition.topic.code == "electricity" and not petition.topic_confirmed
    assert not CaseEvent.objects.filter(instance=petition.workflow, kind__startswith="topic_").exists()


def test_the_page_form_confirms_and_a_forged_choice_shows_the_error(submit, client_for):
    petition = petition_of(submit())
    alice = client_for("alice")
    case_url = f"/cases/{petition.pk}/"
    response = alice.post(f"/cases/{petition.pk}/topic/", {"topic": "water", "next": case_url})
    assert response.status_code == 302 and response["Location"] == case_url
    page = alice.get(case_url).content.decode()
    assert 'id="topic-name">Cấp nước<' in page and "Đã xác nhận" in page
    refused = alice.post(f"/cases/{petition.pk}/topic/", {"topic": "weather", "next": case_url})
    assert refused.status_code == 400
    assert "Không có lĩnh vực này trong danh mục đang dùng." in refused.content.decode()
    petition.refresh_from_db()
    assert petition.topic is not None and petition.topic.code == "water"
    assert client_for("bob").post(f"/cases/{petition.pk}/topic/", {"topic": "land"}).status_code == 403
    petition.refresh_from_db()
    assert petition.topic is not None and petition.topic.code == "water"


def test_the_reception_queue_shows_each_waiting_messages_suggested_topic(org, processes):
    from tests.channels.test_queue import CONFIRM, logged_in, mail_draft

    draft = mail_draft()
    page = logged_in("alice").get("/reception/").content.decode()
    assert 'class="suggested-topic">Điện và chiếu sáng' in page
    # Confirmed into a petition, it arrives with the same suggestion.
    response = logged_in("alice").post(f"/reception/{draft.pk}/", CONFIRM)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.petition is not None and draft.petition.topic is not None
    assert draft.petition.topic.code == "electricity"
