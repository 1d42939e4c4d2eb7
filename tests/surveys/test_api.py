"""The public survey API: list, detail with questions, a one-time code, an answer (once; refused after close; bad
values → 400 naming the field, in the project's {"code","detail","errors"} shape), results once published."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from surveys.models import Response
from tests.surveys.conftest import code_from_outbox, q, step

CONTACT = "0912 345 678"


def api_answers(survey, **overrides: Any) -> dict[str, Any]:
    answers = {
        str(q(survey, 1).pk): q(survey, 1).choices.get(position=1).pk,
        str(q(survey, 2).pk): [c.pk for c in q(survey, 2).choices.all()[:2]],
        str(q(survey, 3).pk): 5,
        str(q(survey, 4).pk): "Tốt",
    }
    answers.update(overrides)
    return answers


def send(public: APIClient, survey, answers: dict[str, Any], contact: str = CONTACT) -> Any:
    asked = public.post(f"/api/v1/surveys/{survey.pk}/codes", {"contact": contact}, format="json")
    assert asked.status_code == 202, asked.content
    body = {"commune": "dong-ha", "contact": contact, "code": code_from_outbox(contact), "answers": answers}
    return public.post(f"/api/v1/surveys/{survey.pk}/answers", body, format="json")


def test_the_list_and_the_detail_show_open_surveys_with_their_questions(open_survey, survey_list_public=None):
    public = APIClient()
    listed = public.get("/api/v1/surveys").json()
    assert [s["reference"] for s in listed] == [open_survey.reference]
    detail = public.get(f"/api/v1/surveys/{open_survey.pk}").json()
    assert [c["code"] for c in detail["communes"]] == ["dong-ha", "gio-linh"]
    assert detail["questions"][2]["kind"] == "scale" and detail["questions"][2]["scale_max"] == 5
    assert detail["questions"][4]["communes"] == ["gio-linh"]


def test_an_answer_by_api_is_taken_once(open_survey):
    public = APIClient()
    first = send(public, open_survey, api_answers(open_survey))
    assert first.status_code == 201, first.json()
    second = send(public, open_survey, api_answers(open_survey))
    assert second.status_code == 409
    assert second.json()["code"] == "already_answered"
    assert Response.objects.filter(survey=open_survey).count() == 1


def test_a_scale_value_out_of_range_is_a_400_naming_the_question(open_survey):
    public = APIClient()
    response = send(public, open_survey, api_answers(open_survey, **{str(q(open_survey, 3).pk): 9}))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == {f"answers.{q(open_survey, 3).pk}": "Chọn một mức từ 1 đến 5"}
    assert not Response.objects.exists()


def test_an_unknown_choice_and_an_unknown_question_are_400(open_survey):
    public = APIClient()
    wrong_choice = send(public, open_survey, api_answers(open_survey, **{str(q(open_survey, 1).pk): 424242}))
    assert wrong_choice.status_code == 400
    assert f"answers.{q(open_survey, 1).pk}" in wrong_choice.json()["errors"]
    unknown = send(public, open_survey, api_answers(open_survey, **{"999999": 1}), contact="x@example.vn")
    assert unknown.status_code == 400
    assert "answers.999999" in unknown.json()["errors"]
    assert not Response.objects.exists()


def test_an_answer_after_close_is_refused(org, open_survey):
    step(open_survey, "collect", org.bob, close_early=True)
    public = APIClient()
    response = public.post(f"/api/v1/surveys/{open_survey.pk}/codes", {"contact": CONTACT}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "survey_closed"


def test_an_answer_in_english_gets_english_errors(open_survey):
    public = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    response = send(public, open_survey, api_answers(open_survey, **{str(q(open_survey, 3).pk): 0}))
    assert response.status_code == 400
    assert response.json()["errors"][f"answers.{q(open_survey, 3).pk}"] == "Choose a level from 1 to 5"


def test_results_by_api_once_published(org, open_survey):
    public = APIClient()
    assert send(public, open_survey, api_answers(open_survey)).status_code == 201
    assert public.get(f"/api/v1/surveys/{open_survey.pk}/results").status_code == 404
    step(open_survey, "collect", org.bob, close_early=True)
    step(open_survey, "approve_results", org.carol)
    body = public.get(f"/api/v1/surveys/{open_survey.pk}/results").json()
    assert body["responses"] == 1
    assert body["questions"][2]["choices"][4] == {"key": 5, "label": "5 (Rất hài lòng)", "count": 1, "percent": 100.0}
    assert body["questions"][3]["approved_texts"] == []  # "Tốt" waits for moderation
