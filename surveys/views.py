"""Pages: public surveys (list, the answer form, results with charts, CSV/XLSX exports) and the owner unit's pages
under /surveys/manage/ (create with questions, the process's steps, moderation of free texts)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from organisation.models import Unit
from surveys import exports, identity, selectors, services
from surveys.errors import InvalidInput, SurveyError
from surveys.models import Answer, QuestionKind, RejectionReason, Survey, SurveyState, TextStatus
from surveys.throttles import PublicSurveyThrottle
from workflows import forms as task_forms
from workflows import services as workflow_services
from workflows.models import HumanTask

QUESTION_SLOTS = 8


def _public(pk: int, *, with_owner: bool = True) -> Survey:
    survey = selectors.public_survey(pk, with_owner=with_owner)
    if survey is None:
        raise Http404(_("Không có khảo sát này."))
    return survey


def survey_list(request: HttpRequest) -> HttpResponse:
    surveys = list(selectors.public_surveys())
    return render(
        request,
        "surveys/list.html",
        {
            "open_surveys": [s for s in surveys if s.state == SurveyState.OPEN],
            "published": [s for s in surveys if s.state == SurveyState.PUBLISHED],
        },
    )


def _answer_context(request: HttpRequest, survey: Survey, **extra: Any) -> dict[str, Any]:
    code = extra.pop("commune_code", None) or request.POST.get("commune") or request.GET.get("commune", "")
    commune = survey.communes.filter(code=code).first() if code else None
    context: dict[str, Any] = {
        "survey": survey,
        "communes": survey.communes.order_by("name"),
        "commune": commune,
        "questions": services.questions_for(survey, commune) if commune else [],
        "citizen_id": identity.current_citizen_id(request),
        "accepts": survey.accepts_answers(timezone.now()),
        "not_yet": timezone.now() < survey.opens_at,
        "errors": {},
        "values": {},
        "contact": "",
        "code_sent": False,
        "refused": False,
    }
    context.update(extra)
    shown = {question.field_name for question in context["questions"]} | {"form", "commune", "contact", "code"}
    context["other_errors"] = [reason for name, reason in context["errors"].items() if name not in shown]
    for question in context["questions"]:  # what the template shows next to each question
        question.error = context["errors"].get(question.field_name, "")
        question.selected = context["values"].get(question.field_name, [])
    return context


def _raw_answers(request: HttpRequest) -> dict[str, list[str]]:
    return {name: request.POST.getlist(name) for name in request.POST if name.startswith("q") and name[1:].isdigit()}


@require_http_methods(["GET", "POST"])
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The answer form: the commune first, then its questions; a signed-in citizen answers at once, anyone else
    asks for a one-time code (step 1) and sends it with the answers (step 2)."""
    survey = _public(pk, with_owner=request.method == "GET")
    if request.method == "GET":
        return render(request, "surveys/detail.html", _answer_context(request, survey))
    action = request.POST.get("action", "answer")
    raw = _raw_answers(request)
    contact = request.POST.get("contact", "").strip()
    errors: dict[str, str] = {}
    status = 400
    code_sent = request.POST.get("code_sent") == "1"
    if not PublicSurveyThrottle().allow_request(request, None):
        errors["form"] = _("Bạn gửi quá nhiều lần, vui lòng thử lại sau.")
        status = 429
    else:
        try:
            services.check_open(survey)
            commune = services.check_commune(survey, request.POST.get("commune", ""))
            citizen_id = identity.current_citizen_id(request)
            if action == "request_code":
                identity.normalize_destination(contact)
                identity.issue_code(contact, language=get_language() or "vi", request=request)
                return render(
                    request,
                    "surveys/detail.html",
                    _answer_context(request, survey, contact=contact, code_sent=True, values=raw),
                )
            cleaned = services.check_answers(services.questions_for(survey, commune), raw)
            if citizen_id is not None:
                key = identity.citizen_key(citizen_id)
            else:
                key = identity.verify_code(contact, request.POST.get("code", ""))
            services.submit_response(
                survey=survey,
                commune=commune,
                respondent_key=key,
                answers=cleaned,
                citizen_id=citizen_id,
                language=get_language() or "",
            )
            return render(request, "surveys/thanks.html", {"survey": survey}, status=201)
        except InvalidInput as error:
            errors = dict(error.errors)
        except SurveyError as error:
            errors["form"] = str(error)
            status = error.status
            if error.status == 409:  # answered already, or closed: nothing to correct, no form to fill again
                return render(
                    request,
                    "surveys/detail.html",
                    _answer_context(request, survey, errors=errors, refused=True),
                    status=status,
                )
    return render(
        request,
        "surveys/detail.html",
        _answer_context(request, survey, errors=errors, values=raw, contact=contact, code_sent=code_sent),
        status=status,
    )


def _official_view(request: HttpRequest, survey: Survey) -> bool:
    return services.may_manage(request.user, survey)


def results_page(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(Survey.objects.select_related("owner"), pk=pk)
    official = _official_view(request, survey)
    if not (survey.is_public or official) or not selectors.results_visible(survey, official=official):
        raise Http404(_("Kết quả khảo sát chưa được công bố."))
    result = selectors.results(survey, commune=request.GET.get("commune", ""))
    return render(
        request,
        "surveys/results.html",
        {"survey": survey, "result": result, "chart": selectors.chart_data(result), "official": official},
    )


def results_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404(_("Chỉ xuất CSV hoặc XLSX."))
    survey = get_object_or_404(Survey, pk=pk)
    official = _official_view(request, survey)
    if not selectors.results_visible(survey, official=official) or not (survey.is_public or official):
        raise Http404(_("Kết quả khảo sát chưa được công bố."))
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(survey), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.to_xlsx(survey),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{survey.reference}-ket-qua.{fmt}"'
    return response


# ---- the owner unit's pages --------------------------------------------------------------------------------


def _managed(request: HttpRequest, pk: int) -> Survey:
    survey = get_object_or_404(Survey.objects.select_related("owner"), pk=pk)
    if not services.may_manage(request.user, survey):
        raise Http404(_("Không có khảo sát này trong các đơn vị của bạn."))
    return survey


@login_required
def manage_list(request: HttpRequest) -> HttpResponse:
    units = Unit.objects.filter(memberships__user_id=int(request.user.pk or 0)).distinct()
    surveys = list(Survey.objects.filter(owner__in=units).select_related("owner").order_by("-created_at"))
    for survey in surveys:
        if survey.state == SurveyState.OPEN:
            survey.responses_count = services.live_responses(survey)
    return render(
        request,
        "surveys/manage_list.html",
        {"surveys": surveys, "can_create": bool(services.managed_units(request.user))},
    )


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        return None


def _int(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.lstrip("-").isdigit() else None


def _question_inputs(request: HttpRequest) -> list[services.QuestionInput]:
    items = []
    for slot in range(1, QUESTION_SLOTS + 1):
        text = request.POST.get(f"q{slot}_text", "").strip()
        if not text:
            continue
        items.append(
            services.QuestionInput(
                kind=request.POST.get(f"q{slot}_kind", ""),
                text=text,
                required=request.POST.get(f"q{slot}_required") == "1",
                choices=tuple(line.strip() for line in request.POST.get(f"q{slot}_choices", "").splitlines()),
                scale_min=_int(request.POST.get(f"q{slot}_scale_min", "")),
                scale_max=_int(request.POST.get(f"q{slot}_scale_max", "")),
                scale_min_label=request.POST.get(f"q{slot}_scale_min_label", ""),
                scale_max_label=request.POST.get(f"q{slot}_scale_max_label", ""),
                communes=tuple(request.POST.getlist(f"q{slot}_communes")),
            )
        )
    return items


@login_required
@require_http_methods(["GET", "POST"])
def manage_create(request: HttpRequest) -> HttpResponse:
    units = services.managed_units(request.user)
    if not units:
        raise Http404(_("Bạn không soạn khảo sát cho đơn vị nào."))
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        owner = next((u for u in units if u.code == request.POST.get("owner")), None)
        try:
            if owner is None:
                raise InvalidInput({"owner": _("Chọn đơn vị khảo sát")})
            survey = services.create_survey(
                user=request.user,
                owner=owner,
                title=request.POST.get("title", ""),
                description=request.POST.get("description", ""),
                open_from=_date(request.POST.get("open_from", "")),
                open_until=_date(request.POST.get("open_until", "")),
                communes=request.POST.getlist("communes"),
                questions=_question_inputs(request),
            )
        except InvalidInput as error:
            errors, status = dict(error.errors), 400
        except SurveyError as error:
            errors, status = {"form": str(error)}, error.status
        else:
            messages.success(request, _("Đã tạo khảo sát %(reference)s.") % {"reference": survey.reference})
            return redirect("surveys:manage", survey.pk)
    return render(
        request,
        "surveys/manage_create.html",
        {
            "units": units,
            "communes": Unit.objects.filter(is_commune=True).order_by("name"),
            "slots": range(1, QUESTION_SLOTS + 1),
            "kinds": QuestionKind.choices,
            "errors": errors,
            "post": request.POST,
        },
        status=status,
    )


@login_required
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _managed(request, pk)
    tasks = [(task, workflow_services.task_fields(task)) for task in services.open_tasks(survey)]
    status = request.GET.get("status", TextStatus.PENDING)
    if status not in TextStatus.values:
        status = TextStatus.PENDING
    queue = list(selectors.moderation_queue(survey, status)[:200])
    for answer in queue:
        answer.found = services.personal_data_found(answer.text)  # type: ignore[attr-defined]
    if survey.state == SurveyState.OPEN:
        survey.responses_count = services.live_responses(survey)
    return render(
        request,
        "surveys/manage.html",
        {
            "survey": survey,
            "tasks": tasks,
            "queue": queue,
            "status": status,
            "statuses": TextStatus.choices,
            "reasons": RejectionReason.choices,
            "questions": survey.questions.prefetch_related("choices", "communes"),
        },
    )


def _run(request: HttpRequest, action: Any, success: str) -> None:
    try:
        action()
    except task_forms.FormErrors as error:
        messages.error(request, "; ".join(f"{name}: {reason}" for name, reason in error.errors.items()))
    except InvalidInput as error:
        messages.error(request, "; ".join(error.errors.values()))
    except workflow_services.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)


@login_required
@require_POST
def manage_task(request: HttpRequest, pk: int, task_id: Any) -> HttpResponse:
    survey = _managed(request, pk)
    task = get_object_or_404(HumanTask, task_id=task_id, instance_id=survey.workflow_id)
    fields = workflow_services.task_fields(task)
    data = {f.name: request.POST.get(f.name) for f in fields if f.name in request.POST or f.type == "bool"}
    _run(
        request,
        lambda: services.complete_step(survey=survey, task_id=task.task_id, user=request.user, data=data, strict=False),
        _("Đã hoàn thành: %(title)s") % {"title": task.title},
    )
    return redirect("surveys:manage", survey.pk)


@login_required
@require_POST
def manage_moderate(request: HttpRequest, pk: int, answer_id: int) -> HttpResponse:
    survey = _managed(request, pk)
    answer = get_object_or_404(Answer, pk=answer_id, question__survey=survey)
    _run(
        request,
        lambda: services.moderate_text(
            answer=answer,
            user=request.user,
            approve=request.POST.get("decision") == "approve",
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        ),
        _("Đã kiểm duyệt ý kiến."),
    )
    status = request.POST.get("status", "")
    return redirect(
        reverse("surveys:manage", args=[survey.pk]) + (f"?status={status}" if status in TextStatus.values else "")
    )
