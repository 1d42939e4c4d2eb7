"""The bulk page (`cases:bulk`, /inbox/bulk/): an official's open petition tasks of one step, chosen by
checkbox, done in one action: assign them to one handling officer, answer them with one template (each petition
gets the text rendered for itself), or approve the drafted answers.

Every task goes through the engine's `complete_task` (the single-task API's service: the same permission check,
each with its own optimistic lock). Not all-or-nothing: a task that fails is reported by its tracking code and
reason while the others are done (`cases.services.bulk_*`).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases import selectors, services
from cases.models import AnswerTemplate, PetitionType
from organisation.models import Membership, Role, Unit
from organisation.names import official_name
from workflows import selectors as work_selectors
from workflows.models import HumanTask


def _step_labels() -> dict[str, str]:
    return {
        "assign": _("Phân công cán bộ xử lý"),
        "draft_answer": _("Soạn văn bản trả lời"),
        "approve": _("Duyệt văn bản trả lời"),
    }


def _tasks(user: Any, step: str, unit: str, petition_type: str) -> QuerySet[HumanTask]:
    tasks = (
        work_selectors.inbox(user)
        .filter(element_id=step, instance__petition__isnull=False)
        .select_related("instance__petition")
    )
    if unit:
        tasks = tasks.filter(unit__code=unit)
    if petition_type:
        tasks = tasks.filter(instance__petition__petition_type=petition_type)
    return tasks


def _items(request: HttpRequest) -> list[services.BulkItem]:
    items = []
    for value in request.POST.getlist("tasks"):
        try:
            task_id = UUID(value)
        except ValueError:
            continue
        lock = request.POST.get(f"lock_{task_id}", "")
        items.append(services.BulkItem(task_id, int(lock) if lock.isdigit() else None))
    return items


@login_required
@require_http_methods(["GET", "POST"])
def bulk(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # login_required
    source = request.POST if request.method == "POST" else request.GET
    step = source.get("step", "")
    if step not in services.BULK_STEPS:
        step = "draft_answer"
    unit, petition_type = source.get("unit", ""), source.get("petition_type", "")
    outcomes: list[services.BulkOutcome] = []
    error = ""
    status = 200
    if request.method == "POST":
        items = _items(request)
        if not items:
            error, status = _("Hãy chọn ít nhất một đơn."), 400
        elif step == "assign":
            official = User.objects.filter(username=request.POST.get("official", ""), is_active=True).first()
            if official is None:
                error, status = _("Hãy chọn cán bộ xử lý."), 400
            else:
                outcomes = services.bulk_assign(user=user, items=items, official=official)
        elif step == "draft_answer":
            template_id = request.POST.get("template", "")
            template = (
                AnswerTemplate.objects.filter(pk=template_id, active=True).first() if template_id.isdigit() else None
            )
            if template is None:
                error, status = _("Hãy chọn mẫu trả lời."), 400
            else:
                outcomes = services.bulk_answer(user=user, items=items, template=template)
        else:
            outcomes = services.bulk_approve(user=user, items=items)
    tasks = list(_tasks(user, step, unit, petition_type))
    # What the leader approves: each petition's drafted answer, shown in its row.
    drafts = (
        {task.pk: selectors.draft_under_approval(task, ["approval"]) for task in tasks} if step == "approve" else {}
    )
    rows = [(task, drafts.get(task.pk)) for task in tasks]
    unit_ids = {task.unit_id for task in tasks}
    types = {task.instance.petition.petition_type for task in tasks}
    officials: list[User] = []
    templates: list[AnswerTemplate] = []
    if step == "assign":
        members = Membership.objects.filter(unit_id__in=unit_ids, role=Role.HANDLING_OFFICER, user__is_active=True)
        officials = sorted({m.user for m in members.select_related("user")}, key=official_name)
    elif step == "draft_answer":
        templates = list(
            AnswerTemplate.objects.filter(Q(unit__isnull=True) | Q(unit_id__in=unit_ids), active=True)
            .filter(petition_type__in=types)
            .select_related("unit")
        )
    return render(
        request,
        "cases/bulk.html",
        {
            "step": step,
            "steps": _step_labels(),
            "filters": {"unit": unit, "petition_type": petition_type},
            "units": Unit.objects.filter(pk__in=work_selectors.inbox(user).values("unit_id")).order_by("name"),
            "types": PetitionType.choices,
            "tasks": tasks,
            "rows": rows,
            "officials": officials,
            "templates": templates,
            "outcomes": outcomes,
            "done": [o for o in outcomes if o.done],
            "failed": [o for o in outcomes if not o.done],
            "error": error,
        },
        status=status,
    )
