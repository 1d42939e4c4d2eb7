"""Pages: the public process pages, and the modeler, test run, diff, version and history pages for officials.

The pages hand their data to the bundled scripts (`static/dist/bpmn-*.js`) with `json_script`; the scripts call
the API in `bpmn.api`. Legal staff edit; other officials see the same pages read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bpmn import frontend_messages, selectors, services
from bpmn.models import DraftStatus, ProcessDraft
from bpmn.permissions import is_legal_staff, is_official
from deadlines import calendar
from workflows.models import ProcessVersion
from workflows.validation import NS, BpmnInvalid, parse_xml


def _require_official(request: HttpRequest) -> None:
    if not is_official(request.user):
        raise PermissionDenied(_("Chỉ cán bộ được xem trang này."))


def public_list(request: HttpRequest) -> HttpResponse:
    return render(request, "bpmn/public_list.html", {"versions": selectors.published_processes()})


def public_process(request: HttpRequest, process_key: str) -> HttpResponse:
    version = ProcessVersion.objects.in_force(process_key)
    if version is None:
        raise Http404(_("Không có quy trình đang áp dụng với mã này."))
    return render(
        request,
        "bpmn/public_process.html",
        {
            "version": version,
            "steps": selectors.public_steps(version),
            "documentation": _documentation(version.bpmn_xml),
            "viewer": {"xml": version.bpmn_xml, "mode": "view", "messages": frontend_messages.catalogue()},
        },
    )


def _documentation(xml: str) -> str:
    process = parse_xml(xml).find("bpmn:process", NS)
    return "" if process is None else process.findtext("bpmn:documentation", default="", namespaces=NS).strip()


@login_required
def modeler_list(request: HttpRequest) -> HttpResponse:
    _require_official(request)
    return render(
        request,
        "bpmn/modeler_list.html",
        {"processes": selectors.processes(), "can_edit": is_legal_staff(request.user)},
    )


@login_required
@require_POST
def draft_create(request: HttpRequest) -> HttpResponse:
    based_on_id = request.POST.get("based_on", "")
    based_on = get_object_or_404(ProcessVersion, pk=based_on_id) if based_on_id.isdigit() else None
    try:
        draft = services.create_draft(
            author=request.user,  # type: ignore[arg-type]
            based_on=based_on,
            process_key=request.POST.get("process_key", "").strip(),
            name=request.POST.get("name", ""),
        )
    except services.WorkflowError as error:
        messages.error(request, str(error))
        return redirect("bpmn:modeler-list")
    return redirect("bpmn:draft", draft.pk)


def _draft(pk: int) -> ProcessDraft:
    return get_object_or_404(
        ProcessDraft.objects.select_related("author", "reviewer", "based_on", "published_version"), pk=pk
    )


@login_required
def draft_page(request: HttpRequest, pk: int) -> HttpResponse:
    _require_official(request)
    draft = _draft(pk)
    can_edit = is_legal_staff(request.user)
    config: dict[str, Any] = {
        "draft": {
            "id": draft.pk,
            "process_key": draft.process_key,
            "sha256": draft.sha256,
            "status": draft.status,
            "editable": can_edit and draft.is_editable,
        },
        "xml": draft.xml,
        "api": {
            "draft": reverse("bpmn:api-draft", args=[draft.pk]),
            "save": reverse("bpmn:api-draft-save", args=[draft.pk]),
            "validate": reverse("bpmn:api-draft-validate", args=[draft.pk]),
            "expression": reverse("bpmn:api-expression-check"),
        },
        "options": selectors.editor_options(),
        "mode": "edit" if can_edit and draft.is_editable else "view",
        "autosave_seconds": 20,
        "messages": frontend_messages.catalogue(),
    }
    return render(
        request,
        "bpmn/modeler.html",
        {
            "draft": draft,
            "config": config,
            "can_edit": can_edit,
            "can_review": can_edit and draft.status == DraftStatus.SUBMITTED and draft.author_id != request.user.pk,
            "compare_to": draft.based_on,
            "versions": ProcessVersion.objects.filter(process_key=draft.process_key).defer("spec", "bpmn_xml"),
            "audit": draft.audit.select_related("actor").order_by("-created_at", "-pk")[:30],
        },
    )


@login_required
def simulate_page(request: HttpRequest, pk: int) -> HttpResponse:
    _require_official(request)
    draft = _draft(pk)
    return render(
        request,
        "bpmn/simulate.html",
        {
            "draft": draft,
            "config": {
                "xml": draft.xml,
                "mode": "simulate",
                "api": {"simulate": reverse("bpmn:api-draft-simulate", args=[draft.pk])},
                "subject_types": selectors.subject_types(draft.process_key),
                "messages": frontend_messages.catalogue(),
            },
        },
    )


@login_required
def diff_page(request: HttpRequest, process_key: str) -> HttpResponse:
    _require_official(request)
    from bpmn.api import diff_json, resolve_ref
    from bpmn.diff import diff

    old_ref, new_ref = request.GET.get("from", ""), request.GET.get("to", "")
    try:
        old_label, old_xml = resolve_ref(process_key, old_ref)
        new_label, new_xml = resolve_ref(process_key, new_ref)
        result = diff(old_xml, new_xml)
    except services.WorkflowError as error:
        raise Http404(str(error)) from None
    except BpmnInvalid as invalid:
        raise Http404(str(invalid)) from None
    return render(
        request,
        "bpmn/diff.html",
        {
            "process_key": process_key,
            "old_label": old_label,
            "new_label": new_label,
            "result": result,
            "config": {
                "mode": "diff",
                "old": old_xml,
                "new": new_xml,
                "diff": diff_json(result),
                "messages": frontend_messages.catalogue(),
            },
        },
    )


@login_required
def version_page(request: HttpRequest, process_key: str, number: int) -> HttpResponse:
    _require_official(request)
    version = get_object_or_404(
        ProcessVersion.objects.select_related("published_by"), process_key=process_key, number=number
    )
    newest = ProcessVersion.objects.filter(process_key=process_key).order_by("-number").first()
    is_newest = newest is not None and newest.pk == version.pk
    can_edit = is_legal_staff(request.user)
    return render(
        request,
        "bpmn/version.html",
        {
            "version": version,
            "newest": newest,
            "is_newest": is_newest,
            # The report itself (`version_migrate`) is for legal staff only: it lists cases of every unit.
            "cases_to_move": selectors.count_cases_to_move(version) if is_newest and can_edit else 0,
            "can_edit": can_edit,
            "viewer": {"xml": version.bpmn_xml, "mode": "view", "messages": frontend_messages.catalogue()},
        },
    )


@login_required
@require_POST
def version_rollback(request: HttpRequest, process_key: str, number: int) -> HttpResponse:
    from bpmn.api import RollbackApi

    version = get_object_or_404(ProcessVersion, process_key=process_key, number=number)
    serializer = RollbackApi.InputSerializer(data=request.POST)
    if not serializer.is_valid():
        messages.error(request, _("Cần ngày có hiệu lực và lý do."))
        return redirect("bpmn:version", process_key, number)
    try:
        new_version = services.rollback_to(
            version=version,
            user=request.user,  # type: ignore[arg-type]
            effective_from=serializer.validated_data.get("effective_from") or calendar.today(),
            note=serializer.validated_data["note"],
        )
    except services.WorkflowError as error:
        messages.error(request, str(error))
        return redirect("bpmn:version", process_key, number)
    messages.success(request, _("Đã ban hành lại thành phiên bản %(n)s.") % {"n": new_version.number})
    return redirect("bpmn:version", process_key, new_version.number)


MIGRATION_PAGE_SIZE = 25


@login_required
@require_http_methods(["GET", "POST"])
def version_migrate(request: HttpRequest, process_key: str, number: int) -> HttpResponse:
    """The migration report (GET, one page of running cases on older versions, each planned) and the move (POST).

    Legal staff only: the report lists cases of every unit; a sealed case shows a placeholder, not its title.
    """
    if not is_legal_staff(request.user):
        raise PermissionDenied(_("Chỉ cán bộ pháp chế được xem và chuyển hồ sơ giữa các phiên bản."))
    version = get_object_or_404(
        ProcessVersion.objects.select_related("published_by"), process_key=process_key, number=number
    )
    if request.method == "GET":
        return _migration_page(request, version)
    ids = [int(value) for value in request.POST.getlist("instances") if value.isdigit()]
    back = reverse("bpmn:version-migrate", args=[process_key, number])
    if not ids:
        messages.error(request, _("Chưa chọn hồ sơ nào để chuyển."))
        return redirect(back)
    try:
        outcomes = services.migrate_cases(target=version, user=request.user, instance_ids=ids)  # type: ignore[arg-type]
    except services.WorkflowError as error:
        messages.error(request, str(error))
        return redirect(back)
    moved = [o.instance.reference for o in outcomes if o.moved]
    messages.success(request, _("Đã chuyển %(n)s hồ sơ: %(refs)s") % {"n": len(moved), "refs": ", ".join(moved) or "—"})
    for outcome in outcomes:
        if not outcome.moved:
            messages.warning(request, f"{outcome.instance.reference}: {outcome.reason}")
    return redirect(back)


def _migration_page(request: HttpRequest, version: ProcessVersion) -> HttpResponse:
    newest = ProcessVersion.objects.filter(process_key=version.process_key).order_by("-number").first()
    is_newest = newest is not None and newest.pk == version.pk
    page = Paginator(selectors.cases_to_move(version), MIGRATION_PAGE_SIZE).get_page(request.GET.get("page"))
    report = services.migration_report(target=version, instances=page.object_list) if is_newest else []
    return render(
        request,
        "bpmn/migration.html",
        {
            "version": version,
            "newest": newest,
            "is_newest": is_newest,
            "page": page,
            "rows": [(instance, selectors.report_title(instance), plan) for instance, plan in report],
            "movable": [instance.pk for instance, plan in report if plan.can_move],
        },
    )


@login_required
def history_page(request: HttpRequest, process_key: str) -> HttpResponse:
    _require_official(request)
    return render(
        request, "bpmn/history.html", {"process_key": process_key, "entries": selectors.audit_trail(process_key)}
    )
