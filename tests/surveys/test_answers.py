"""Answering a survey on its page: the commune first, a one-time code (or a signed-in citizen), once per person,
only while it is open; every wrong answer is a form error naming its question and nothing is stored."""

from __future__ import annotations

import pytest

from citizens.auth import SESSION_KEY
from citizens.models import Citizen
from surveys import identity, services
from surveys.models import Answer, Choice, Question, Response, SurveyState, Tally, TallyKind
from tests.surveys.conftest import at, code_from_outbox, good_answers, q, step

CONTACT = "an.nguyen@example.vn"


def tally(survey, question=None, kind=TallyKind.RESPONSES, bucket=0) -> int:
    return sum(
        Tally.objects.filter(survey=survey, question=question, kind=kind, bucket=bucket).values_list("count", flat=True)
    )


def nothing_stored(survey) -> bool:
    return not Response.objects.filter(survey=survey).exists() and tally(survey) == 0


def test_a_citizen_answers_with_a_code_sent_to_their_email(open_survey, answer_by_code):
    response = answer_by_code(open_survey, CONTACT, good_answers(open_survey))
    assert response.status_code == 201
    assert "Cảm ơn bạn đã trả lời khảo sát" in response.content.decode()
    stored = Response.objects.get(survey=open_survey)
    assert stored.commune.code == "dong-ha"
    assert CONTACT not in stored.respondent_key and len(stored.respondent_key) == 64
    assert stored.respondent_key == identity.destination_hash(CONTACT)
    assert tally(open_survey) == 1
    first = q(open_survey, 1)
    assert tally(open_survey, first, TallyKind.BUCKET, first.choices.get(position=1).pk) == 1
    assert tally(open_survey, q(open_survey, 3), TallyKind.BUCKET, 4) == 1
    assert services.live_responses(open_survey) == 1


def test_the_form_asks_for_the_commune_first_and_shows_its_own_questions(open_survey, client):
    page = client.get(f"/surveys/{open_survey.pk}/").content.decode()
    assert 'name="commune"' in page and "q1" not in page
    dong_ha = client.get(f"/surveys/{open_survey.pk}/?commune=dong-ha").content.decode()
    gio_linh = client.get(f"/surveys/{open_survey.pk}/?commune=gio-linh").content.decode()
    only_there = q(open_survey, 5).text
    assert only_there not in dong_ha
    assert only_there in gio_linh


def test_a_second_answer_by_the_same_contact_is_refused(open_survey, answer_by_code):
    assert answer_by_code(open_survey, CONTACT, good_answers(open_survey)).status_code == 201
    again = answer_by_code(open_survey, CONTACT.upper(), good_answers(open_survey))
    assert again.status_code == 409
    assert "mỗi người chỉ trả lời một lần" in again.content.decode()
    assert Response.objects.filter(survey=open_survey).count() == 1
    assert tally(open_survey) == 1


def test_a_phone_number_gets_its_code_by_sms_and_answers_once(open_survey, answer_by_code):
    assert answer_by_code(open_survey, "0912 345 678", good_answers(open_survey)).status_code == 201
    assert answer_by_code(open_survey, "+84912345678", good_answers(open_survey)).status_code == 409
    assert Response.objects.filter(survey=open_survey).count() == 1


def test_a_signed_in_citizen_answers_once_without_a_code(open_survey, client):
    citizen = Citizen.objects.create(email="an.nguyen@example.vn")
    session = client.session
    session[SESSION_KEY] = citizen.pk
    session.save()
    url = f"/surveys/{open_survey.pk}/"
    page = client.get(url + "?commune=dong-ha").content.decode()
    assert "Nhận mã xác nhận" not in page
    first = client.post(url, {"action": "answer", "commune": "dong-ha", **good_answers(open_survey)})
    assert first.status_code == 201
    second = client.post(url, {"action": "answer", "commune": "dong-ha", **good_answers(open_survey)})
    assert second.status_code == 409
    stored = Response.objects.get(survey=open_survey)
    assert stored.citizen == citizen and stored.respondent_key == identity.citizen_key(citizen.pk)
    assert citizen.email not in stored.respondent_key
    me = client.get("/me/").content.decode()
    assert open_survey.title in me  # "my survey answers" on My page


def test_a_wrong_code_is_refused_and_nothing_is_stored(open_survey, client):
    url = f"/surveys/{open_survey.pk}/"
    client.post(url, {"action": "request_code", "commune": "dong-ha", "contact": CONTACT})
    code = code_from_outbox(CONTACT)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(
        url,
        {
            "action": "answer",
            "commune": "dong-ha",
            "contact": CONTACT,
            "code": wrong,
            "code_sent": "1",
            **good_answers(open_survey),
        },
    )
    assert response.status_code == 400
    assert "Mã không đúng" in response.content.decode()
    assert nothing_stored(open_survey)


def test_a_code_is_used_once(open_survey, client):
    url = f"/surveys/{open_survey.pk}/"
    client.post(url, {"action": "request_code", "commune": "dong-ha", "contact": CONTACT})
    code = code_from_outbox(CONTACT)
    data = {"action": "answer", "commune": "dong-ha", "contact": CONTACT, "code": code, "code_sent": "1"}
    assert client.post(url, {**data, **good_answers(open_survey)}).status_code == 201
    again = client.post(url, {**data, **good_answers(open_survey)})
    assert again.status_code == 400
    assert "Mã này đã được dùng" in again.content.decode()


def test_an_answer_after_the_period_is_refused(open_survey, client, clock):
    url = f"/surveys/{open_survey.pk}/"
    client.post(url, {"action": "request_code", "commune": "dong-ha", "contact": CONTACT})
    code = code_from_outbox(CONTACT)
    clock.move_to(at("2026-03-21", 0))
    response = client.post(
        url,
        {
            "action": "answer",
            "commune": "dong-ha",
            "contact": CONTACT,
            "code": code,
            "code_sent": "1",
            **good_answers(open_survey),
        },
    )
    assert response.status_code == 409
    assert "Khảo sát đã kết thúc" in response.content.decode()
    assert nothing_stored(open_survey)


def test_an_answer_after_it_closed_is_refused(org, open_survey, answer_by_code):
    step(open_survey, "collect", org.bob, close_early=True)
    open_survey.refresh_from_db()
    assert open_survey.state == SurveyState.CLOSED
    response = answer_by_code(open_survey, CONTACT, good_answers(open_survey)) if False else None
    from django.test import Client

    page = Client().post(
        f"/surveys/{open_survey.pk}/", {"action": "request_code", "commune": "dong-ha", "contact": CONTACT}
    )
    assert page.status_code == 409
    assert "Khảo sát đã kết thúc" in page.content.decode()
    assert response is None and nothing_stored(open_survey)


def first_choice(question: Question) -> Choice:
    choice = question.choices.first()
    assert choice is not None
    return choice


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda s: {q(s, 3).field_name: ["6"]}, "Chọn một mức từ 1 đến 5"),
        (lambda s: {q(s, 3).field_name: ["0"]}, "Chọn một mức từ 1 đến 5"),
        (lambda s: {q(s, 3).field_name: ["bốn"]}, "Chọn một mức từ 1 đến 5"),
        (lambda s: {q(s, 1).field_name: ["999999"]}, "Phương án không có trong câu hỏi"),
        (
            lambda s: {q(s, 1).field_name: [str(c.pk) for c in q(s, 1).choices.all()]},
            "Chỉ chọn một phương án",
        ),
        (lambda s: {q(s, 2).field_name: [str(first_choice(q(s, 1)).pk)]}, "Phương án không có trong câu hỏi"),
        (
            lambda s: {q(s, 2).field_name: [str(first_choice(q(s, 2)).pk)] * 2},
            "Một phương án được chọn hai lần",
        ),
        (lambda s: {q(s, 1).field_name: []}, "Câu hỏi bắt buộc"),
        (lambda s: {q(s, 5).field_name: [str(first_choice(q(s, 5)).pk)]}, "không dành cho xã, phường đã chọn"),
    ],
)
def test_a_wrong_answer_is_a_form_error_naming_its_question(open_survey, answer_by_code, change, error):
    answers = {**good_answers(open_survey), **change(open_survey)}
    response = answer_by_code(open_survey, CONTACT, answers)
    assert response.status_code == 400
    page = response.content.decode()
    assert error in page
    assert 'data-error-for="q' in page or "không dành cho" in page
    assert nothing_stored(open_survey)


def test_a_question_of_another_commune_is_required_there(open_survey, answer_by_code):
    response = answer_by_code(open_survey, CONTACT, good_answers(open_survey), commune="gio-linh")
    assert response.status_code == 400
    assert f'data-error-for="{q(open_survey, 5).field_name}"' in response.content.decode()
    ok = answer_by_code(
        open_survey, "binh@example.vn", good_answers(open_survey, commune="gio-linh"), commune="gio-linh"
    )
    assert ok.status_code == 201
    assert Answer.objects.filter(question=q(open_survey, 5)).count() == 1


def test_a_commune_outside_the_survey_is_refused(org, open_survey, answer_by_code, client):
    response = client.post(
        f"/surveys/{open_survey.pk}/", {"action": "request_code", "commune": "so-xay-dung", "contact": CONTACT}
    )
    assert response.status_code == 400
    assert "Chọn xã, phường nơi bạn sinh sống" in response.content.decode()


def test_a_draft_survey_is_not_public(survey, client):
    assert client.get(f"/surveys/{survey.pk}/").status_code == 404
    assert client.get("/surveys/").status_code == 200


def test_a_code_sent_to_another_contact_is_refused(open_survey, client):
    url = f"/surveys/{open_survey.pk}/"
    client.post(url, {"action": "request_code", "commune": "dong-ha", "contact": CONTACT})
    code = code_from_outbox(CONTACT)
    response = client.post(
        url,
        {
            "action": "answer",
            "commune": "dong-ha",
            "contact": "someone.else@example.vn",
            "code": code,
            "code_sent": "1",
            **good_answers(open_survey),
        },
    )
    assert response.status_code == 400
    assert 'name="code"' in response.content.decode()
    assert nothing_stored(open_survey)


def test_my_survey_answers_are_in_the_data_download_and_unlinked_when_the_account_closes(open_survey, client):
    from surveys import mypage

    citizen = Citizen.objects.create(email="an.nguyen@example.vn")
    session = client.session
    session[SESSION_KEY] = citizen.pk
    session.save()
    client.post(f"/surveys/{open_survey.pk}/", {"action": "answer", "commune": "dong-ha", **good_answers(open_survey)})
    exported = mypage.export(citizen)
    assert exported[0]["survey"] == open_survey.reference
    assert {"question": q(open_survey, 3).text, "answer": 4} in exported[0]["answers"]
    mypage.forget(citizen)
    assert Response.objects.get(survey=open_survey).citizen is None
    assert tally(open_survey) == 1  # still counted
