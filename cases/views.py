"""Pages: the citizens' portal (submit, track) and the officials' inbox, task and case pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode
from uuid import UUID

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from rest_framework.exceptions import ValidationError

from cases import complaints, duplicates, exports, groups, selectors, services
from cases.api import (
    PetitionSubmitApi,
    PublicSubmitThrottle,
    bound_petition_types,
    drill_down_for,
    leader_figures_for,
)
from cases.models import OPEN_STATUSES, Channel, Petition, PetitionType, normalize_tracking_code
from citizens import links
from core.files import StorageRefused
from core.files import serve as serve_file
from core.site import absolute_url
from organisation.models import Role, Unit
from organisation.names import official_name
from places import selectors as place_selectors
from topics.models import Topic
from workflows import forms as task_forms
from workflows import selectors as work_selectors
from workflows import services as workflow_services
from workflows import subjects
from workflows.api import ExtensionDecisionApi, ReasonSerializer, TaskTransferApi
from workflows.clock import very_overdue_working_days
from workflows.models import ExtensionRequest, HumanTask
from workflows.views import visible_task_or_404

# An answer to a refused form never repeats these: the petitioner types them again.
PERSONAL_FIELDS = ("petitioner_name", "petitioner_phone", "petitioner_email", "address", "latitude", "longitude")


def _without_personal_data(values: Any) -> dict[str, Any]:
    return {name: value for name, value in values.items() if name not in PERSONAL_FIELDS}


def _portal_context(**extra: Any) -> dict[str, Any]:
    return {
        "petition_types": bound_petition_types(),
        "communes": Unit.objects.filter(is_commune=True).order_by("name"),
        "place_config": place_selectors.map_config(),  # the location picker (places/)
        "place_communes": place_selectors.commune_points(),
        "place_max_km": settings.PLACES_MAX_DISTANCE_KM,
        **extra,
    }


def portal(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/portal.html", _portal_context(values={}, errors={}))


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return redirect("cases:portal")
    if not PublicSubmitThrottle().allow_request(request, None):
        return render(
            request,
            "cases/portal.html",
            _portal_context(
                values=_without_personal_data(request.POST),
                errors={"form": _("Bạn gửi quá nhiều đơn, vui lòng thử lại sau.")},
            ),
            status=429,
        )
    data: Any = request.POST.copy()
    data.setlist("attachments", request.FILES.getlist("attachments"))
    for name in ("latitude", "longitude"):  # the map's point is optional: its empty fields mean none
        if not data.get(name, "").strip():
            data.pop(name, None)
    serializer = PetitionSubmitApi.InputSerializer(data=data)
    errors: dict[str, Any] = {}
    if serializer.is_valid():
        validated = dict(serializer.validated_data)
        files = validated.pop("attachments", [])
        try:
            receipt = services.submit_petition(**validated, channel=Channel.PORTAL, files=files)
        except services.IntakeError as error:
            errors = error.errors
        except StorageRefused as error:  # the object store refused a file: nothing was recorded, try again later
            context = _portal_context(
                values=_without_personal_data(request.POST), errors={"attachments": error.detail}, retype_personal=True
            )
            return render(request, "cases/portal.html", context, status=error.status)
        else:
            links.link_new(request, receipt.petition)  # on the citizen's My page when they are signed in
            status_url = absolute_url(reverse("cases:track", args=[receipt.petition.tracking_code]))
            qr = segno.make(status_url, error="m").svg_data_uri(scale=4)
            return render(
                request,
                "cases/receipt.html",
                {"petition": receipt.petition, "access_key": receipt.access_key, "status_url": status_url, "qr": qr},
            )
    else:
        errors = {field: " ".join(str(e) for e in messages_) for field, messages_ in serializer.errors.items()}
    context = _portal_context(values=_without_personal_data(request.POST), errors=errors, retype_personal=True)
    return render(request, "cases/portal.html", context, status=400)


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """The public status (personal data redacted). The petitioner POSTs the secret key (never in a URL, so never in
    an access log) to see the texts as written and their own details."""
    code = code or request.POST.get("code", "") or request.GET.get("code", "")
    if not code:
        return render(request, "cases/track_lookup.html")
    petition = selectors.petition_by_code(code)
    if petition is None:
        return render(request, "cases/not_found.html", {"code": code}, status=404)
    if request.method == "GET" and normalize_tracking_code(code) != code:
        return redirect("cases:track", petition.tracking_code)
    if request.method == "POST":
        if petition.check_access_key(request.POST.get("access_key", "").strip()):
            status = selectors.public_status(petition, for_petitioner=True)
            response = render(request, "cases/track.html", {"status": status, "petition": petition})
            patch_cache_control(response, private=True, no_store=True)
            return response
        context = {
            "status": selectors.public_status(petition),
            "key_error": _("Mã bí mật không đúng với mã tra cứu này."),
        }
        return render(request, "cases/track.html", context, status=403)
    return render(request, "cases/track.html", {"status": selectors.public_status(petition)})


class _PageError(Exception):
    """A refused action of the task page: the message goes next to `field`, the page answers `status`."""

    def __init__(self, field: str, message: str, status: int) -> None:
        super().__init__(message)
        self.field, self.status = field, status


# The field next to which each action of the task page shows its error.
ACTION_FIELDS = {
    "complete": "form",
    "suspend": "clock_reason",
    "resume": "clock_reason",
    "request_extension": "extension_reason",
    "decide_extension": "extension_note",
    "transfer": "transfer_unit",
}


def _serializer_errors(errors: Any, field_by_name: dict[str, str]) -> dict[str, str]:
    return {field_by_name.get(name, name): " ".join(str(e) for e in reasons) for name, reasons in errors.items()}


def _task_action(request: HttpRequest, task: HumanTask, action: str) -> str:
    """Do one action of the task page with the same services (and input rules) as the API; the success message.
    Raises task_forms.FormErrors, _PageError or a WorkflowError."""
    user: Any = request.user
    post = request.POST
    if task.completed_at is not None:
        raise workflow_services.Conflict(
            _("Bước này vừa được cán bộ khác xử lý xong; những gì bạn nhập vẫn còn dưới đây, hãy tải lại trang.")
        )
    if action == "complete":
        fields = workflow_services.task_fields(task)
        submitted = {f.name: post.get(f.name) for f in fields if f.name in post or f.type == "bool"}
        workflow_services.complete_task(
            task_id=task.task_id,
            user=user,
            data=submitted,
            strict=False,
            expected_lock_version=int(post.get("lock_version") or task.instance.lock_version),
        )
        return _("Đã hoàn thành: %(title)s") % {"title": task.title}
    if action in ("suspend", "resume"):
        reason = ReasonSerializer(data={"reason": post.get("clock_reason", "")})
        if not reason.is_valid():
            raise task_forms.FormErrors(_serializer_errors(reason.errors, {"reason": "clock_reason"}))
        complaint = Petition.objects.filter(
            workflow=task.instance, petition_type__in=complaints.COMPLAINT_TYPES
        ).first()
        if complaint is not None:  # a complaint's clock moves only by its Art. 11a decisions, with their documents
            try:
                complaints.decide_clock(
                    petition=complaint, user=user, suspend=action == "suspend", reason=reason.validated_data["reason"]
                )
            except complaints.ComplaintError as error:
                raise task_forms.FormErrors({"clock_reason": " ".join(error.errors.values())}) from None
            if action == "suspend":
                return _("Đã ghi quyết định tạm đình chỉ giải quyết khiếu nại; thời hạn dừng từ hôm nay.")
            return _("Đã ghi quyết định tiếp tục giải quyết khiếu nại; thời hạn tính lại từ hôm nay.")
        change = workflow_services.suspend_case if action == "suspend" else workflow_services.resume_case
        change(instance=task.instance, user=user, reason=reason.validated_data["reason"])
        return _("Đã tạm dừng tính thời hạn.") if action == "suspend" else _("Đã tiếp tục tính thời hạn.")
    if action == "request_extension":
        deadline = get_object_or_404(task.instance.deadlines, pk=post.get("deadline") or 0)
        reason = ReasonSerializer(data={"reason": post.get("extension_reason", "")})
        if not reason.is_valid():
            raise task_forms.FormErrors(_serializer_errors(reason.errors, {"reason": "extension_reason"}))
        workflow_services.request_extension(deadline=deadline, user=user, reason=reason.validated_data["reason"])
        return _("Đã gửi đề nghị gia hạn.")
    if action == "decide_extension":
        extension = get_object_or_404(
            ExtensionRequest.objects.filter(deadline__instance=task.instance), pk=post.get("extension") or 0
        )
        decision = ExtensionDecisionApi.InputSerializer(
            data={"approve": post.get("approve", ""), "note": post.get("extension_note", "")}
        )
        if not decision.is_valid():
            raise task_forms.FormErrors(
                _serializer_errors(decision.errors, {"approve": "extension_note", "note": "extension_note"})
            )
        workflow_services.decide_extension(extension=extension, user=user, **decision.validated_data)
        return _("Đã duyệt gia hạn.") if decision.validated_data["approve"] else _("Đã từ chối gia hạn.")
    if action == "transfer":
        transfer = TaskTransferApi.InputSerializer(
            data={
                "unit": post.get("transfer_unit", ""),
                "reason": post.get("transfer_reason", ""),
                "lock_version": post.get("lock_version") or task.instance.lock_version,
            }
        )
        if not transfer.is_valid():
            raise task_forms.FormErrors(
                _serializer_errors(
                    transfer.errors,
                    {"unit": "transfer_unit", "reason": "transfer_reason", "lock_version": "transfer_unit"},
                )
            )
        data = transfer.validated_data
        workflow_services.transfer_case(
            instance=task.instance,
            user=user,
            unit=data["unit"],
            reason=data["reason"],
            expected_lock_version=data["lock_version"],
        )
        return _("Đã chuyển hồ sơ đến %(unit)s.") % {"unit": data["unit"].name}
    raise _PageError("form", _("Thao tác không hợp lệ."), 400)


@login_required
@require_http_methods(["GET", "POST"])
def task_page(request: HttpRequest, task_id: UUID) -> HttpResponse:
    """Everything an official needs to decide a petition's step, and every action on it (the form, the clock,
    extensions, a transfer). A refused action re-renders the page with what was typed and the error next to the
    field: 400 (input), 403 (role), 409 (someone else acted first)."""
    task = visible_task_or_404(request, task_id)
    work_url = work_selectors.work_urls(task)[0]
    if work_url and work_url != request.path:  # a subject with a task page of its own
        return redirect(work_url)
    if task.completed_at is not None and request.method == "GET":
        messages.info(request, _("Bước này đã được xử lý."))
        return redirect(work_selectors.work_urls(task)[1])
    errors: dict[str, str] = {}
    values: Any = selectors.answer_prefill(task, user=request.user, template_id=request.GET.get("template"))
    status = 200
    if request.method == "POST":
        values = request.POST
        action = request.POST.get("action", "complete")
        try:
            done = _task_action(request, task, action)
        except task_forms.FormErrors as error:
            errors, status = dict(error.errors), 400
        except _PageError as error:
            errors, status = {error.field: str(error)}, error.status
        except workflow_services.WorkflowError as error:
            errors, status = {ACTION_FIELDS.get(action, "form"): str(error)}, error.status
            if isinstance(error, workflow_services.NotAllowed):
                errors["form"] = str(error)  # a leader's form the official does not see: say it at the top
        else:
            messages.success(request, done)
            if action in ("complete", "transfer"):
                return redirect(work_selectors.work_urls(task)[1])
            return redirect(request.path)
    fields = workflow_services.task_fields(task)
    # Only officials who hold the role of the step a field assigns (`assignable_officials`).
    officials = {
        official.username: official
        for field in fields
        if field.type == "official"
        for official in work_selectors.assignable_officials(task, field.name)
    }
    petition = task.instance.petition
    leads = workflow_services.leads(request.user, task.instance.unit)  # type: ignore[arg-type]
    # The reception officer classifying a petition sees the open cases like it, to join it to one of them.
    show_duplicates = (
        task.role == Role.RECEPTION_OFFICER
        and petition.status in OPEN_STATUSES
        and not petition.identity_sealed
        and not petition.members.exists()
        and groups.may_group(request.user, task.instance.unit_id)  # type: ignore[arg-type]
    )
    return render(
        request,
        "cases/task.html",
        {
            "task": task,
            **subjects.adapter_for(task.instance.subject_type).task_context(task),
            "identity_visible": selectors.may_see_contact(request.user, petition),
            "identity_sealed": petition.identity_sealed,
            "draft": selectors.draft_under_approval(task, [field.name for field in fields]),
            "fields": fields,
            "form_rows": [(f, values.get(f.name, ""), errors.get(f.name, "")) for f in fields],
            "values": values,
            "errors": errors,
            "leads": leads,
            "transfer_units": workflow_services.competent_units(task.instance) if leads else [],
            "officials": sorted(officials.values(), key=official_name),
            "units": Unit.objects.exclude(pk=task.unit_id).order_by("path"),
            "show_duplicates": show_duplicates,
            "suggestions": duplicates.similar_open(petition, limit=5) if show_duplicates else [],
        },
        status=status,
    )


@login_required
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    petition = get_object_or_404(selectors.visible_petitions(request.user), pk=pk)
    lead = petition.joined_to
    group_unit = (lead or petition).workflow.unit_id
    return render(
        request,
        "cases/case.html",
        {
            "lead": lead,
            "members": petition.members.order_by("joined_at", "pk"),
            "may_unjoin": lead is not None
            and lead.status in OPEN_STATUSES
            and groups.may_group(request.user, group_unit),  # type: ignore[arg-type]
            "petition": petition,
            "tasks": petition.workflow.tasks.open().select_related("assignee", "claimed_by"),
            "events": petition.workflow.events.select_related("actor"),
            "attachments": petition.attachments.all(),
            "identity_visible": selectors.may_see_identity(request.user, petition),
        },
    )


@login_required
@require_http_methods(["POST"])
def group_action(request: HttpRequest, pk: int) -> HttpResponse:
    """The pages' join ("join", with `into`: the case to join this petition to) and undo ("unjoin") of a group
    petition (`cases.groups`). Success: to the group case's page; refused: back (`next`) with the reason."""
    petition = get_object_or_404(selectors.visible_petitions(request.user), pk=pk)
    user: Any = request.user
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("cases:case", args=[petition.pk])
    try:
        if request.POST.get("action") == "unjoin":
            lead_code = petition.joined_to.tracking_code if petition.joined_to else ""
            groups.unjoin_petition(petition=petition, user=user)
            messages.success(
                request,
                _(
                    "Đã tách đơn %(code)s khỏi hồ sơ chung %(lead)s; đơn được giải quyết riêng, thời hạn tính lại từ hôm nay."
                )
                % {"code": petition.tracking_code, "lead": lead_code},
            )
            return redirect("cases:case", petition.pk)
        into_pk = request.POST.get("into", "")
        into = selectors.visible_petitions(user).filter(pk=int(into_pk)).first() if into_pk.isdigit() else None
        if into is None:
            raise groups.GroupError("into", _("Hãy chọn một hồ sơ của đơn vị bạn để gộp đơn vào."))
        groups.join_petition(petition=petition, into=into, user=user)
    except groups.GroupError as error:
        messages.error(request, str(error))
        return redirect(back)
    messages.success(
        request,
        _("Đã gộp đơn %(code)s vào hồ sơ %(lead)s: một hồ sơ, mỗi người gửi vẫn theo dõi bằng mã của mình.")
        % {"code": petition.tracking_code, "lead": into.tracking_code},
    )
    return redirect("cases:case", into.pk)


@login_required
def attachment(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponseBase:
    """Attachments are served only to officials who may see the case, never from a public media URL (on object
    storage: a redirect to a URL signed for a minute, after this check)."""
    petition = get_object_or_404(selectors.visible_petitions(request.user), pk=pk)
    item = get_object_or_404(petition.attachments, pk=attachment_id)
    # The task page previews images and PDFs (`?inline=1`); anything else is always a download.
    preview = selectors.attachment_preview(item.content_type) if request.GET.get("inline") == "1" else ""
    return serve_file(
        item.file,
        filename=item.original_name,
        content_type=item.content_type,
        as_attachment=not preview,
        redirect=preview != "image",  # an <img> on the page: streamed here, the CSP allows images only from us
    )


FIGURES = ("received", *selectors.BUCKETS)


def _figure_labels() -> dict[str, str]:
    return {
        "received": _("Tiếp nhận"),
        "answered_on_time": _("Đã trả lời đúng hạn"),
        "answered_late": _("Đã trả lời trễ hạn"),
        "open_on_time": _("Đang xử lý, trong hạn"),
        "overdue": _("Đang xử lý, quá hạn"),
        "very_overdue": _("Đang xử lý, quá hạn nhiều"),
    }


def _drill_base(filters: dict[str, Any], *, scoped: bool) -> str:
    """The drill-down list's URL for the page's period, with its unit and type filters if `scoped` (a figure's
    link then narrows it: `_drill`)."""
    params = {"date_from": filters["date_from"].isoformat(), "date_to": filters["date_to"].isoformat()}
    if scoped:
        params.update(unit=filters.get("unit") or "", petition_type=filters.get("petition_type") or "")
    return reverse("cases:leaders-cases") + "?" + urlencode({k: v for k, v in params.items() if v})


def _drill(base: str, key: str, **narrowed: str) -> str:
    """The drill-down of one figure (`key`: a bucket or "received"), narrowed to a unit and type if given."""
    if key != "received":
        narrowed["bucket"] = key
    return base + "".join(f"&{name}={quote(value)}" for name, value in narrowed.items())


def _percent(rate: float | None) -> int | None:
    return None if rate is None else round(rate * 100)


TABLE_ROWS = 50  # a page of the leaders' table; the totals, charts and downloads cover every row
CHART_UNITS = 8  # the rate chart draws the units with the most petitions: more lines cannot be read apart


def _chart(months: list[dict[str, Any]], types: dict[str, Any]) -> dict[str, Any]:
    """The charts' data: per month, the figures of each of the CHART_UNITS busiest units (all types) and of each
    petition type (all units), summed from the monthly rows (`selectors.leader_figures`)."""
    keys = ("received", *selectors.BUCKETS)

    def summed(group_of: Any) -> dict[tuple[str, str], dict[str, Any]]:
        sums: dict[tuple[str, str], dict[str, Any]] = {}
        for row in months:
            group, label = group_of(row)
            total = sums.setdefault(
                (row["month"], group), {"month": row["month"], "label": label, **dict.fromkeys(keys, 0)}
            )
            for key in keys:
                total[key] += row[key]
        return sums

    received: dict[str, int] = {}
    for row in months:
        received[row["unit"]] = received.get(row["unit"], 0) + row["received"]
    busiest = set(sorted(received, key=lambda unit: (-received[unit], unit))[:CHART_UNITS])
    by_unit = summed(lambda row: (row["unit"], row["unit_name"]))
    by_type = summed(lambda row: (row["petition_type"], types.get(row["petition_type"], row["petition_type"])))

    def listed(sums: dict[tuple[str, str], dict[str, Any]], field: str, label: str) -> list[dict[str, Any]]:
        return [
            {field: group, label: row.pop("label"), **row, "on_time_rate": selectors.on_time_rate(row)}
            for (_month, group), row in sorted(sums.items())
            if field != "unit" or group in busiest
        ]

    return {
        "months": sorted({row["month"] for row in months}),
        "unit_rows": listed(by_unit, "unit", "unit_name"),
        "type_rows": listed(by_type, "petition_type", "type_label"),
        "more_units": max(0, len(received) - CHART_UNITS),
        "labels": {"rate": _("Tỉ lệ đúng hạn (%)"), "volume": _("Số đơn tiếp nhận")},
    }


@login_required
def leaders(request: HttpRequest) -> HttpResponse:
    """Leaders' view: on-time figures per unit and petition type over a period (a page of the table at a time);
    each figure links to the petitions behind it; the whole table downloads as CSV or XLSX; the charts draw the
    same figures by month."""
    try:
        filters, stats, months = leader_figures_for(request.user, request.GET)
    except ValidationError as error:
        return render(
            request, "cases/leaders.html", {"errors": error.detail, "stats": [], "filters": request.GET}, status=400
        )
    types = dict(PetitionType.choices)
    labels = _figure_labels()
    fmt = request.GET.get("export")
    if fmt in exports.FORMATS:
        header = [_("Mã đơn vị"), _("Đơn vị"), _("Loại đơn"), *labels.values(), _("Tỉ lệ đúng hạn (%)")]
        rows = [
            [row.unit, row.unit_name, types.get(row.petition_type, row.petition_type)]
            + [getattr(row, key) for key in FIGURES]
            + [_percent(row.on_time_rate)]
            for row in stats
        ]
        return exports.download(filename="so-lieu", fmt=fmt, header=header, rows=rows)
    totals = {
        key: sum(getattr(row, key) for row in stats)
        for key in ("received", "petitioners", "open", "answered", *selectors.BUCKETS)
    }
    base = _drill_base(filters, scoped=False)
    page = Paginator(stats, TABLE_ROWS).get_page(request.GET.get("page"))
    table = [
        {
            "row": row,
            "type_label": types.get(row.petition_type, row.petition_type),
            "cells": [
                (getattr(row, key), _drill(base, key, unit=row.unit, exact_unit="1", petition_type=row.petition_type))
                for key in FIGURES
            ],
        }
        for row in page.object_list
    ]
    scoped = _drill_base(filters, scoped=True)
    total_links = [(labels[key], totals[key], _drill(scoped, key)) for key in FIGURES]
    query = {
        key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in filters.items() if value
    }
    return render(
        request,
        "cases/leaders.html",
        {
            "stats": stats,
            "table": table,
            "page": page,
            "query": urlencode(query),  # the page's filters, kept by its pagination and downloads
            "totals": totals,
            "total_links": total_links,
            "rate": _percent(selectors.on_time_rate(totals)),
            "chart": _chart(months, types),
            "very_overdue_days": very_overdue_working_days(),
            "filters": filters,
            "types": types,
            "units": selectors.led_units(request.user),
        },
    )


@login_required
def leaders_cases(request: HttpRequest) -> HttpResponse:
    """The petitions behind one figure of the leaders' page (unit, type, bucket, period, month), paginated, with
    a CSV / XLSX download; no petitioner's contact in either."""
    try:
        filters, petitions = drill_down_for(request.user, request.GET)
    except ValidationError as error:
        return render(request, "cases/leaders_cases.html", {"errors": error.detail, "page": None}, status=400)
    types = dict(PetitionType.choices)
    fmt = request.GET.get("export")
    if fmt in exports.FORMATS:
        header = [_("Mã tra cứu"), _("Tiêu đề"), _("Loại đơn"), _("Đơn vị"), _("Tiếp nhận lúc"), _("Trạng thái")]
        rows = (
            [
                petition.tracking_code,
                petition.title,
                types.get(petition.petition_type, petition.petition_type),
                petition.workflow.unit.name,
                timezone.localtime(petition.received_at).strftime("%Y-%m-%d %H:%M"),
                petition.get_status_display(),
            ]
            for petition in petitions.iterator(chunk_size=2000)
        )
        return exports.download(filename="danh-sach-don", fmt=fmt, header=header, rows=rows)
    page = Paginator(petitions, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    kept = {key: value for key, value in query.items() if key in ("date_from", "date_to", "unit", "petition_type")}
    return render(
        request,
        "cases/leaders_cases.html",
        {
            "page": page,
            "filters": filters,
            "figure": _figure_labels()[filters.get("bucket") or "received"],
            "topic": Topic.objects.filter(code=filters["topic"]).first() if filters.get("topic") else None,
            "types": types,
            "query": query.urlencode(),
            "back": reverse("cases:leaders") + "?" + urlencode(kept),
        },
    )
