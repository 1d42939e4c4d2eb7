"""The survey's BPMN process: draft → leader's review (return, approve) → open → closed by the timer at the end of
its period (the deadline worker) or early → results approved and published."""

from __future__ import annotations

from typing import Any

import pytest

from surveys import services
from surveys.errors import NotAllowed
from surveys.models import SurveyState
from tests.surveys.conftest import at, make_survey, step, task
from workflows import services as workflow_services
from workflows.models import CaseEvent, Deadline, DeadlineKind


def test_it_goes_from_draft_through_review_to_open(org, survey):
    assert survey.state == SurveyState.DRAFT
    assert survey.reference.startswith("QT-KS-2026-")
    step(survey, "prepare", org.bob)
    survey.refresh_from_db()
    step(survey, "review", org.carol, review="return", review_note="Thêm câu hỏi về họp dân")
    assert task(survey, "prepare")  # back to the drafter
    step(survey, "prepare", org.bob)
    survey = step(survey, "review", org.carol, review="approve")
    assert survey.state == SurveyState.OPEN
    assert survey.tallies.count() > 0
    timer = Deadline.objects.get(instance_id=survey.workflow_id, element_id="close_period")
    assert timer.kind == DeadlineKind.TIMER
    assert timer.due_at == at("2026-03-20", 23).replace(minute=59, second=59, microsecond=999999)


def test_a_handling_officer_cannot_approve_the_review(org, survey):
    step(survey, "prepare", org.bob)
    with pytest.raises(workflow_services.WorkflowError):
        step(survey, "review", org.bob, review="approve")
    survey.refresh_from_db()
    assert survey.state == SurveyState.DRAFT


def test_the_timer_closes_it_at_the_end_of_the_period_and_the_leader_publishes(org, open_survey, clock):
    survey = open_survey
    clock.move_to(at("2026-03-21", 0))
    from workflows import sweep

    sweep.sweep()
    survey.refresh_from_db()
    assert survey.state == SurveyState.CLOSED
    assert task(survey, "approve_results")
    survey = step(survey, "approve_results", org.carol, summary="Đa số hài lòng")
    assert survey.state == SurveyState.PUBLISHED
    assert survey.results_published_at is not None
    kinds = list(CaseEvent.objects.filter(instance_id=survey.workflow_id).values_list("kind", flat=True))
    assert {"survey_opened", "survey_closed", "results_published"} <= set(kinds)


def test_closing_early_needs_the_box_ticked(org, open_survey):
    survey = open_survey
    with pytest.raises(workflow_services.WorkflowError, match="Kết thúc sớm"):
        step(survey, "collect", org.bob)
    survey.refresh_from_db()
    assert survey.state == SurveyState.OPEN
    survey = step(survey, "collect", org.bob, close_early=True)
    assert survey.state == SurveyState.CLOSED


def test_only_the_owner_units_officials_create_and_act(org, processes, clock):
    with pytest.raises(NotAllowed):
        make_survey(org, user=org.erin)  # Sở Xây dựng's officer, for Phường Đông Hà
    survey = make_survey(org)
    with pytest.raises(NotAllowed):
        services.complete_step(survey=survey, task_id=task(survey, "prepare").task_id, user=org.erin, data={})


def test_the_manage_pages_of_another_unit_are_not_found(org, survey, client: Any):
    client.force_login(org.erin)
    assert client.get(f"/surveys/manage/{survey.pk}/").status_code == 404
    response = client.post(f"/surveys/manage/{survey.pk}/tasks/{task(survey, 'prepare').task_id}/")
    assert response.status_code == 404
    survey.refresh_from_db()
    assert survey.state == SurveyState.DRAFT
