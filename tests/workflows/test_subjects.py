"""Subject adapters: the engine finds a subject's pages, its step hooks and how its timers count through the
registry (`workflows.subjects`), so a new kind of case plugs in without the engine naming it."""

from __future__ import annotations

from cases import complaint_steps, notices, reflections
from documents.steps import draft_from_step
from workflows import subjects
from workflows.models import HumanTask, WorkflowInstance

COMPLAINT = {
    "petition_type": "complaint",
    "title": "Khiếu nại quyết định xử phạt vi phạm hành chính",
    "content": "Tôi khiếu nại Quyết định xử phạt số 45/QĐ-XPHC vì không có hành vi lấn chiếm vỉa hè.",
}


def _survey_adapter() -> subjects.SubjectAdapter:
    return subjects.SubjectAdapter(
        work_url=lambda task: f"/surveys/work/{task.task_id}/",
        case_url=lambda task: f"/surveys/{task.instance.reference}/",
    )


def test_a_registered_subject_type_gets_its_own_work_page_in_the_inbox(submit, client_for, monkeypatch):
    # given a case whose subject is a kind the engine has never heard of, registered by its own app
    code = submit(**COMPLAINT)["tracking_code"]
    WorkflowInstance.objects.filter(reference=code).update(subject_type="survey")
    monkeypatch.setitem(subjects._ADAPTERS, "survey", _survey_adapter())
    task = HumanTask.objects.get(instance__reference=code, completed_at__isnull=True)
    alice = client_for("alice")

    # then the inbox API links its task to the subject's pages
    [row] = [row for row in alice.get("/api/v1/inbox").json()["results"] if row["reference"] == code]
    assert row["task_url"] == f"/surveys/work/{task.task_id}/"
    assert row["case_url"] == f"/surveys/{code}/"
    # and the generic task page sends the official there
    alice.force_login(task.unit.memberships.get(user__username="alice").user)
    page = alice.get(f"/tasks/{task.task_id}/")
    assert page.status_code == 302
    assert page["Location"] == f"/surveys/work/{task.task_id}/"


def test_every_subject_type_the_apps_start_is_registered():
    registered = subjects.registered()
    # a petition of each type, its appeal and reception processes; a consultation
    for subject_type in ("reflection", "recommendation", "complaint", "denunciation", "complaint_appeal"):
        assert registered[subject_type].fired_timers_stay_due
        # the complaint's remote-area periods, the reflection's rule, due-date changes told, each step's documents
        assert registered[subject_type].step_hooks == (
            complaint_steps.apply_remote_periods,
            reflections.apply_regulation_rule,
            notices.notify_clock_change,
            draft_from_step,
        )
    assert registered["consultation"].step_hooks
    assert not registered["consultation"].fired_timers_stay_due
    assert subjects.adapter_for("unknown") is subjects.DEFAULT
