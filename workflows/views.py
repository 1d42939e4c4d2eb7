"""The engine's pages of the work every subject shares: the inbox and claiming a step (moved from `cases/`).

A row links to the task's page by its subject's adapter (`workflows.subjects`); the task page itself is the
subject's (a petition's in `cases/`, a consultation's in `consultation/`). A transfer is an action of
the subject's task page, done by the engine's `services.transfer_case`.
"""

from __future__ import annotations

from typing import cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.site import safe_next
from workflows import selectors, subjects
from workflows import services as workflow_services
from workflows.models import HumanTask


def may_claim(task: HumanTask, user: User) -> bool:
    """Whether to offer "claim": the task is unclaimed and the official may act on it (holds its role in its unit,
    `workflow_services.check_can_act`; a leader is not offered sub-units' steps of a role he lacks)."""
    if task.claimed_by_id:
        return False
    try:
        workflow_services.check_can_act(task, user)
    except workflow_services.WorkflowError:
        return False
    return True


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    filters = selectors.InboxFilters.from_params(request.GET)
    tasks = selectors.filter_inbox(selectors.inbox(user), filters, user)
    paginator = selectors.CappedPaginator(tasks.values_list("pk", flat=True), 25)
    page = paginator.get_page(request.GET.get("page"))
    rows = [
        (task, selectors.clock_of(selectors.legal_due_of(task)), selectors.work_urls(task)[0], may_claim(task, user))
        for task in selectors.inbox_tasks(page)
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workflows/inbox.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "facets": selectors.inbox_facets(user, filters, counted=paginator.counted),
            "query": query.urlencode(),
            "bulk_urls": subjects.bulk_urls(),
        },
    )


def visible_task_or_404(request: HttpRequest, task_id: UUID) -> HumanTask:
    task = selectors.visible_task(request.user, task_id)
    if task is None:
        raise Http404(_("Không có bước xử lý này trong hộp việc của bạn."))
    return task


@login_required
@require_POST
def claim(request: HttpRequest, task_id: UUID) -> HttpResponse:
    task = visible_task_or_404(request, task_id)
    try:
        workflow_services.claim_task(task=task, user=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Bạn đã nhận xử lý: %(title)s") % {"title": task.title})
    except workflow_services.WorkflowError as error:
        messages.error(request, str(error))
    return redirect(safe_next(request, reverse("work:inbox")))
