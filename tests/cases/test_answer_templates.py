"""Answer templates per unit and petition type, with placeholders filled for each petition; picked when drafting
an answer; and the bulk page: assign, answer with one template and approve several petitions at once."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone

from cases import selectors, services
from cases.models import AnswerTemplate, Petition, PetitionStatus
from tests.cases.test_journey import complete
from tests.conftest import PASSWORD
from workflows.models import CaseEvent, HumanTask

BODY = (
    "Kính gửi {xung_ho},\n{don_vi} đã nhận đơn mã {ma_don} ngày {ngay_nhan}. "
    "Hôm nay {ngay_hom_nay}, hạn xử lý {han_xu_ly}."
)


def answer_box(page: str) -> str:
    """The text of the task page's answer textarea."""
    match = re.search(r'<textarea[^>]*name="answer"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, page
    return html.unescape(match.group(1)).strip()


def page_client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def to_step(client_for: Any, code: str, step: str) -> HumanTask:
    """Take the petition `code` through its steps until `step` is open (classify by alice, assign to bob)."""
    petition = Petition.objects.get(tracking_code=code)
    order = ["classify", "assign", "draft_answer", "approve"]
    forms = {"classify": ("alice", {"decision": "accept"}), "assign": ("carol", {"handler": "bob"})}
    for name in order[: order.index(step)]:
        username, data = forms[name]
        task = HumanTask.objects.open().get(instance=petition.workflow, element_id=name)
        complete(client_for(username), {"task_id": str(task.task_id)}, data)
    return HumanTask.objects.open().get(instance=petition.workflow, element_id=step)


def test_placeholders_render_for_each_petition(submit, client_for, org):
    first = submit(petitioner_name="Trần Thị Bình")["tracking_code"]
    second = submit(petitioner_name="Lê Văn Cường")["tracking_code"]
    template = services.save_answer_template(title="Đã xử lý", body=BODY, petition_type="reflection")
    today = timezone.localdate().strftime("%d/%m/%Y")
    for code, name in ((first, "Trần Thị Bình"), (second, "Lê Văn Cường")):
        task = to_step(client_for, code, "draft_answer")
        petition = task.instance.petition
        text = selectors.render_answer_template(template, petition, user=org.bob, task=task)
        due = selectors.legal_due_of(task)
        assert text == (
            f"Kính gửi Ông/Bà {name},\nPhường Đông Hà đã nhận đơn mã {code} "
            f"ngày {timezone.localtime(petition.received_at):%d/%m/%Y}. "
            f"Hôm nay {today}, hạn xử lý {timezone.localtime(due):%d/%m/%Y}."
        )


def test_a_template_with_an_unknown_placeholder_is_refused_naming_it(org):
    with pytest.raises(services.TemplateError) as error:
        services.save_answer_template(
            title="Sai", body="Kính gửi {xung_ho}, đơn {ma_ho_so} {ngay}", petition_type="reflection"
        )
    assert "{ma_ho_so}" in str(error.value) and "{ngay}" in str(error.value)
    assert "{xung_ho}" not in str(error.value)
    assert not AnswerTemplate.objects.exists()
    with pytest.raises(ValidationError) as invalid:  # the admin's form runs the model's clean
        AnswerTemplate(title="Sai", body="{ho_ten_nguoi_gui}", petition_type="reflection").full_clean()
    assert "{ho_ten_nguoi_gui}" in str(invalid.value.message_dict["body"])


def test_the_admin_refuses_an_unknown_placeholder(org, django_user_model):
    django_user_model.objects.create_superuser("root", "root@langnghe.test", PASSWORD)
    client = page_client("root")
    response = client.post(
        "/admin/cases/answertemplate/add/",
        {"title": "Sai", "body": "Kính gửi {xung_ho_sai}", "petition_type": "reflection", "active": "on"},
    )
    assert response.status_code == 200
    assert "{xung_ho_sai}" in response.content.decode()
    assert not AnswerTemplate.objects.exists()


def test_the_picker_lists_only_the_units_and_types_templates_and_prefills_without_javascript(submit, client_for, org):
    code = submit(petitioner_name="Trần Thị Bình")["tracking_code"]
    task = to_step(client_for, code, "draft_answer")
    mine = services.save_answer_template(
        title="Mẫu phường", body="Kính gửi {xung_ho}: {ma_don}", petition_type="reflection", unit=org.dong_ha
    )
    services.save_answer_template(title="Mẫu chung", body="Chung {ma_don}", petition_type="reflection")
    services.save_answer_template(title="Mẫu sở", body="Sở {ma_don}", petition_type="reflection", unit=org.so_xay_dung)
    services.save_answer_template(title="Mẫu khiếu nại", body="KN {ma_don}", petition_type="complaint")
    services.save_answer_template(title="Mẫu cũ", body="Cũ", petition_type="reflection", active=False)

    request = RequestFactory().get("/")
    request.user = org.bob
    picker = render_to_string("cases/_answer_template_picker.html", {"task": task}, request=request)
    assert "Mẫu phường" in picker and "Mẫu chung" in picker
    assert "Mẫu sở" not in picker and "Mẫu khiếu nại" not in picker and "Mẫu cũ" not in picker
    assert f'data-text="Kính gửi Ông/Bà Trần Thị Bình: {code}"' in picker
    assert f'href="?template={mine.pk}"' in picker

    api = client_for("bob").get(f"/api/v1/tasks/{task.task_id}/answer-templates").json()
    assert {item["title"]: item["text"] for item in api} == {
        "Mẫu phường": f"Kính gửi Ông/Bà Trần Thị Bình: {code}",
        "Mẫu chung": f"Chung {code}",
    }

    page = page_client("bob").get(f"/tasks/{task.task_id}/?template={mine.pk}").content.decode()
    assert answer_box(page) == f"Kính gửi Ông/Bà Trần Thị Bình: {code}"
    sxd = services.save_answer_template(title="Khác", body="X", petition_type="reflection", unit=org.so_xay_dung)
    page = page_client("bob").get(f"/tasks/{task.task_id}/?template={sxd.pk}").content.decode()
    assert answer_box(page) == ""  # another unit's template pre-fills nothing


def bulk_post(client: Client, step: str, tasks: list[HumanTask], **data: Any) -> Any:
    payload: dict[str, Any] = {"step": step, "tasks": [str(t.task_id) for t in tasks], **data}
    for task in tasks:
        payload.setdefault(f"lock_{task.task_id}", str(task.instance.lock_version))
    return client.post("/inbox/bulk/", payload)


def test_bulk_assign_reports_a_task_not_allowed_and_assigns_the_others(submit, client_for, org):
    here = submit()["tracking_code"]
    there = submit(commune="dong-ha")["tracking_code"]
    complete(
        client_for("alice"),
        only_task_for(client_for("alice"), there),
        {"decision": "transfer", "transfer_to": "so-xay-dung"},
    )
    complete(client_for("alice"), only_task_for(client_for("alice"), here), {"decision": "accept"})
    other = Petition.objects.get(tracking_code=there)
    complete(
        client_for("dave"),
        {"task_id": str(HumanTask.objects.open().get(instance=other.workflow).task_id)},
        {"decision": "accept"},
    )
    tasks = list(HumanTask.objects.open().filter(element_id="assign"))
    assert len(tasks) == 2

    henry = page_client("henry")  # the province's leader sees both units' assign steps
    page = henry.get("/inbox/bulk/?step=assign").content.decode()
    assert here in page and there in page
    response = bulk_post(henry, "assign", tasks, official="bob")  # bob handles in Đông Hà only
    assert response.status_code == 200
    failed = response.context["failed"]
    assert [o.reference for o in failed] == [there]
    assert "không phải cán bộ xử lý của Sở Xây dựng" in failed[0].reason
    assert [o.reference for o in response.context["done"]] == [here]
    draft = HumanTask.objects.open().get(element_id="draft_answer")
    assert draft.instance.reference == here and draft.assignee == org.bob
    assert HumanTask.objects.open().get(instance=other.workflow).element_id == "assign"


def only_task_for(client: Any, code: str) -> dict[str, Any]:
    rows = [row for row in client.get("/api/v1/inbox").json()["results"] if row["reference"] == code]
    assert len(rows) == 1
    return dict(rows[0])


def test_bulk_answer_with_one_template_then_one_approval(submit, client_for, org):
    codes = {submit(petitioner_name=name)["tracking_code"]: name for name in ("Trần Thị Bình", "Lê Văn Cường")}
    drafts = [to_step(client_for, code, "draft_answer") for code in codes]
    template = services.save_answer_template(
        title="Đã sửa", body="Kính gửi {xung_ho}, đơn {ma_don} đã xử lý.", petition_type="reflection"
    )

    bob = page_client("bob")
    page = bob.get("/inbox/bulk/?step=draft_answer").content.decode()
    assert "Đã sửa" in page
    response = bulk_post(bob, "draft_answer", drafts, template=str(template.pk))
    assert response.status_code == 200 and not response.context["failed"]
    for code, name in codes.items():
        event = CaseEvent.objects.filter(
            instance__reference=code, element_id="draft_answer", kind="task_completed"
        ).get()
        assert event.data["answer"] == f"Kính gửi Ông/Bà {name}, đơn {code} đã xử lý."

    approvals = list(HumanTask.objects.open().filter(element_id="approve"))
    assert len(approvals) == 2
    carol = page_client("carol")
    page = carol.get("/inbox/bulk/?step=approve").content.decode()
    for code, name in codes.items():  # the leader reads each petition's own drafted text before approving
        assert f"Kính gửi Ông/Bà {name}, đơn {code} đã xử lý." in page
    bob_try = bulk_post(bob, "approve", approvals)  # not a leader: refused per task, by the same check as the API
    assert len(bob_try.context["failed"]) == 2 and not bob_try.context["done"]
    response = bulk_post(carol, "approve", approvals)
    assert {o.reference for o in response.context["done"]} == set(codes)
    for code, name in codes.items():
        petition = Petition.objects.get(tracking_code=code)
        assert petition.status == PetitionStatus.ANSWERED
        assert petition.answer == f"Kính gửi Ông/Bà {name}, đơn {code} đã xử lý."


def test_bulk_approve_reports_a_stale_task_and_approves_the_others(submit, client_for, org):
    codes = [submit()["tracking_code"] for _ in range(2)]
    approvals = [to_step_approve(client_for, code) for code in codes]
    carol = page_client("carol")
    stale = approvals[0]
    response = bulk_post(carol, "approve", approvals, **{f"lock_{stale.task_id}": str(stale.instance.lock_version - 1)})
    assert [o.reference for o in response.context["failed"]] == [codes[0]]
    assert "hãy tải lại" in response.context["failed"][0].reason
    assert [o.reference for o in response.context["done"]] == [codes[1]]
    assert codes[0] in response.content.decode()
    assert Petition.objects.get(tracking_code=codes[0]).status == PetitionStatus.IN_PROGRESS
    assert Petition.objects.get(tracking_code=codes[1]).status == PetitionStatus.ANSWERED


def to_step_approve(client_for: Any, code: str) -> HumanTask:
    task = to_step(client_for, code, "draft_answer")
    complete(client_for("bob"), {"task_id": str(task.task_id)}, {"answer": "Đã xử lý."})
    return HumanTask.objects.open().get(instance=task.instance, element_id="approve")


def test_the_inbox_links_the_petitions_bulk_page(org, processes):
    officer = Client()
    assert officer.login(username="bob", password=PASSWORD)
    page = officer.get("/inbox/").content.decode()
    assert 'href="/inbox/bulk/"' in page and "Xử lý hàng loạt" in page
