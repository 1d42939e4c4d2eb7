"""Pages: public consultations (list, a draft with its articles and comments, the comment form, the diff between
versions, the published report) and the drafting unit's pages (create, steps, moderation, dispositions)."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from citizens import links
from consultation import report as report_module
from consultation import selectors, services, versions
from consultation.api import PublicCommentThrottle
from consultation.errors import ConsultationError, InvalidInput
from consultation.models import (
    Article,
    Clause,
    Comment,
    CommenterKind,
    CommentStatus,
    Consultation,
    Disposition,
    DraftKind,
    ModerationMode,
    RejectionReason,
)
from consultation.parsing import DraftParseError
from core.files import serve as serve_file
from core.site import absolute_url, safe_next
from organisation.models import Membership
from workflows import forms as task_forms
from workflows import services as workflow_services
from workflows.models import CaseEvent, HumanTask

# A refused comment form never repeats these: the commenter types them again.
PRIVATE_COMMENT_FIELDS = ("author_name", "email", "phone")


def _public(reference: str) -> Consultation:
    consultation = selectors.public_consultation(reference)
    if consultation is None:
        raise Http404(_("Không có dự thảo lấy ý kiến với số hiệu này."))
    return consultation


def consultation_list(request: HttpRequest) -> HttpResponse:
    queryset = selectors.public_consultations()
    show = request.GET.get("show", "open")
    if show == "open":
        queryset = selectors.open_now(queryset)
    elif show == "closed":
        queryset = selectors.closed(queryset)
    if request.GET.get("unit"):
        queryset = queryset.filter(unit__code=request.GET["unit"])
    page = Paginator(queryset, 20).get_page(request.GET.get("page"))
    return render(request, "consultation/list.html", {"page": page, "show": show})


def _detail_context(consultation: Consultation, **extra: Any) -> dict[str, Any]:
    version = consultation.current_version
    articles = selectors.articles_with_counts(version) if version else []
    whole = selectors.published_comments(consultation).filter(article__isnull=True, article_made_on__isnull=True)
    return {
        "consultation": consultation,
        "version": version,
        "versions": consultation.versions.order_by("number"),
        "articles": articles,
        "whole_count": whole.count(),
        "files": consultation.files.all(),
        "history": CaseEvent.objects.filter(instance_id=consultation.workflow_id).exclude(public_text=""),
        "commenter_kinds": CommenterKind.choices,
        "values": {},
        "errors": {},
        **extra,
    }


def detail(request: HttpRequest, reference: str) -> HttpResponse:
    consultation = _public(reference)
    return render(request, "consultation/detail.html", _detail_context(consultation))


def comments_page(request: HttpRequest, reference: str) -> HttpResponse:
    consultation = _public(reference)
    comments = selectors.published_comments(consultation)
    article = request.GET.get("article", "")
    if article == "whole":
        comments = comments.filter(article__isnull=True, article_made_on__isnull=True)
    elif article:
        comments = comments.filter(article__number=article)
    page = Paginator(comments, 50).get_page(request.GET.get("page"))
    return render(
        request, "consultation/comments.html", {"consultation": consultation, "page": page, "article": article}
    )


@require_POST
def submit_comment(request: HttpRequest, reference: str) -> HttpResponse:
    consultation = _public(reference)
    errors: dict[str, str] = {}
    if not PublicCommentThrottle().allow_request(request, None):
        errors["form"] = _("Bạn gửi quá nhiều góp ý, vui lòng thử lại sau.")
        status = 429
    else:
        version = consultation.current_version
        article = clause = None
        target = request.POST.get("target", "")
        if target.startswith("a") and target[1:].isdigit() and version is not None:
            article = Article.objects.filter(pk=int(target[1:])).first()
        elif target.startswith("c") and target[1:].isdigit():
            clause = Clause.objects.select_related("article").filter(pk=int(target[1:])).first()
            article = clause.article if clause else None
        try:
            receipt = services.submit_comment(
                consultation=consultation,
                article=article,
                clause=clause,
                commenter_kind=request.POST.get("commenter_kind", ""),
                organisation_name=request.POST.get("organisation_name", ""),
                author_name=request.POST.get("author_name", ""),
                email=request.POST.get("email", ""),
                phone=request.POST.get("phone", ""),
                text=request.POST.get("text", ""),
            )
        except InvalidInput as error:
            errors, status = error.errors, 400
        except ConsultationError as error:
            errors, status = {"form": str(error)}, 400
        else:
            links.link_new(request, receipt.comment)  # on the citizen's My page when they are signed in
            status_url = absolute_url(reverse("consultation:my-comment"))
            return render(
                request,
                "consultation/comment_receipt.html",
                {
                    "comment": receipt.comment,
                    "access_key": receipt.access_key,
                    "status_url": status_url,
                    "consultation": consultation,
                },
                status=201,
            )
    values = {name: value for name, value in request.POST.items() if name not in PRIVATE_COMMENT_FIELDS}
    context = _detail_context(consultation, values=values, errors=errors, retype_personal=True)
    return render(request, "consultation/detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def my_comment(request: HttpRequest) -> HttpResponse:
    """The commenter enters the private key (POSTed, so it is in no URL and no access log) to see their comment."""
    if request.method == "GET":
        return render(request, "consultation/my_comment.html", {})
    comment = services.comment_by_key(request.POST.get("access_key", "").strip())
    if comment is None:
        error = _("Không tìm thấy góp ý với mã riêng này.")
        return render(request, "consultation/my_comment.html", {"key_error": error}, status=404)
    response = render(request, "consultation/my_comment.html", {"comment": comment})
    patch_cache_control(response, private=True, no_store=True)
    return response


def diff(request: HttpRequest, reference: str) -> HttpResponse:
    consultation = _public(reference)
    number = request.GET.get("version", "")
    version = (
        consultation.versions.filter(number=int(number)).first() if number.isdigit() else consultation.current_version
    )
    if version is None:
        raise Http404
    previous = consultation.versions.filter(number=version.number - 1).first()
    rows = []
    if previous is not None:
        rows = versions.diff_versions(
            list(previous.articles.prefetch_related("clauses")),
            list(version.articles.prefetch_related("clauses").select_related("previous")),
        )
    return render(
        request,
        "consultation/diff.html",
        {"consultation": consultation, "version": version, "previous": previous, "rows": rows},
    )


def report_page(request: HttpRequest, reference: str) -> HttpResponse:
    consultation = _public(reference)
    if not consultation.report_published:
        raise Http404(_("Báo cáo tiếp thu, giải trình chưa được công bố."))
    return render(request, "consultation/report.html", {"report": report_module.build(consultation)})


def report_pdf(request: HttpRequest, reference: str) -> HttpResponseBase:
    """The stored PDF of the published report; while the worker prepares it, 503 with a page that says so."""
    consultation = _public(reference)
    if not consultation.report_published:
        raise Http404
    if not consultation.report_pdf:
        response = render(request, "consultation/report_pdf_pending.html", {"consultation": consultation}, status=503)
        response["Retry-After"] = "60"
        return response
    return serve_file(
        consultation.report_pdf,
        filename=f"{consultation.reference}-bao-cao.pdf",
        content_type="application/pdf",
        as_attachment=False,
    )


def draft_file(request: HttpRequest, reference: str, file_id: int) -> HttpResponseBase:
    consultation = _public(reference)
    item = get_object_or_404(consultation.files, pk=file_id)
    return serve_file(item.file, filename=item.original_name, content_type=item.content_type)


# ---- the drafting unit -----------------------------------------------------------------------------------------


def _memberships(request: HttpRequest) -> Any:
    """The signed-in official's memberships (views that call this are behind login_required)."""
    return Membership.objects.filter(user=cast(User, request.user))


def _official(request: HttpRequest, reference: str) -> Consultation:
    consultation = selectors.visible_consultations(request.user).filter(reference=reference.upper()).first()
    if consultation is None:
        raise Http404(_("Không có lấy ý kiến này trong các đơn vị của bạn."))
    return consultation


@login_required
def manage_list(request: HttpRequest) -> HttpResponse:
    units = [m.unit for m in _memberships(request).select_related("unit")]
    page = Paginator(selectors.visible_consultations(request.user), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "consultation/manage_list.html",
        {
            "page": page,
            "units": {unit.pk: unit for unit in units}.values(),
            "kinds": DraftKind.choices,
            "modes": ModerationMode.choices,
            "values": {},
            "errors": {},
        },
    )


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


@login_required
@require_POST
def manage_create(request: HttpRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    opens_on, closes_on = _date(request.POST.get("opens_on", "")), _date(request.POST.get("closes_on", ""))
    upload = request.FILES.get("draft_file")
    draft: str | bytes = upload.read() if upload else request.POST.get("draft_text", "")
    unit = _memberships(request).filter(unit__code=request.POST.get("unit", "")).first()
    if opens_on is None or closes_on is None:
        errors["dates"] = _("Nhập ngày bắt đầu và kết thúc (YYYY-MM-DD).")
    elif unit is None:
        errors["unit"] = _("Chọn đơn vị của bạn.")
    else:
        try:
            consultation = services.create_consultation(
                user=request.user,
                unit=unit.unit,
                kind=request.POST.get("kind", ""),
                title=request.POST.get("title", ""),
                summary=request.POST.get("summary", ""),
                opens_on=opens_on,
                closes_on=closes_on,
                moderation=request.POST.get("moderation", ModerationMode.POST),
                draft=draft,
                source_name=upload.name or "" if upload else "",
            )
        except InvalidInput as error:
            errors = error.errors
        except (ConsultationError, DraftParseError) as error:
            errors = {"form": str(error)}
        else:
            messages.success(request, _("Đã tạo lấy ý kiến %(ref)s.") % {"ref": consultation.reference})
            return redirect("consultation:manage", consultation.reference)
    units = [m.unit for m in _memberships(request).select_related("unit")]
    return render(
        request,
        "consultation/manage_list.html",
        {
            "page": Paginator(selectors.visible_consultations(request.user), 25).get_page(1),
            "units": {u.pk: u for u in units}.values(),
            "kinds": DraftKind.choices,
            "modes": ModerationMode.choices,
            "values": request.POST,
            "errors": errors,
        },
        status=400,
    )


@login_required
def manage(request: HttpRequest, reference: str) -> HttpResponse:
    consultation = _official(request, reference)
    # The same rule as the API's moderation queue: only those who may see commenters' contacts see the comments.
    drafting = services.may_see_commenters(request.user, consultation)
    tasks = list(HumanTask.objects.open().filter(instance_id=consultation.workflow_id).select_related("instance"))
    comments = selectors.moderation_queue(consultation) if drafting else Comment.objects.none()
    status = request.GET.get("status", "")
    if status == "undisposed":
        comments = comments.filter(status=CommentStatus.PUBLISHED, disposition="")
    elif status in CommentStatus.values:
        comments = comments.filter(status=status)
    page = Paginator(selectors.with_disposition_history(comments), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "consultation/manage.html",
        {
            "consultation": consultation,
            "drafting": drafting,
            "tasks": [(task, workflow_services.task_fields(task)) for task in tasks],
            "page": page,
            "status": status,
            "progress": selectors.disposition_progress(consultation),
            "identical": selectors.identical_groups(consultation),
            "dispositions": Disposition.choices,
            "reasons": RejectionReason.choices,
            "versions": consultation.versions.order_by("number"),
            "events": CaseEvent.objects.filter(instance_id=consultation.workflow_id).select_related("actor"),
        },
    )


def _back(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    return redirect(safe_next(request, reverse("consultation:manage", args=[consultation.reference])))


def _run(request: HttpRequest, action: Any, success: str) -> None:
    try:
        action()
    except task_forms.FormErrors as error:
        messages.error(request, "; ".join(f"{name}: {reason}" for name, reason in error.errors.items()))
    except InvalidInput as error:
        messages.error(request, "; ".join(error.errors.values()))
    except (workflow_services.WorkflowError, DraftParseError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)


@login_required
@require_POST
def manage_task(request: HttpRequest, reference: str, task_id: Any) -> HttpResponse:
    consultation = _official(request, reference)
    task = get_object_or_404(HumanTask, task_id=task_id, instance_id=consultation.workflow_id)
    fields = workflow_services.task_fields(task)
    data = {f.name: request.POST.get(f.name) for f in fields if f.name in request.POST or f.type == "bool"}
    _run(
        request,
        lambda: services.complete_step(
            consultation=consultation, task_id=task.task_id, user=request.user, data=data, strict=False
        ),
        _("Đã hoàn thành: %(title)s") % {"title": task.title},
    )
    return _back(request, consultation)


@login_required
@require_POST
def manage_moderate(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    consultation = _official(request, reference)
    comment = get_object_or_404(Comment, consultation=consultation, number=number)
    _run(
        request,
        lambda: services.moderate_comment(
            comment=comment,
            user=request.user,
            publish=request.POST.get("decision") == "publish",
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        ),
        _("Đã kiểm duyệt góp ý %(id)s.") % {"id": comment.comment_id},
    )
    return _back(request, consultation)


@login_required
@require_POST
def manage_dispose(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    consultation = _official(request, reference)
    comment = get_object_or_404(Comment, consultation=consultation, number=number)
    disposition, explanation = request.POST.get("disposition", ""), request.POST.get("explanation", "")
    if request.POST.get("identical"):
        _run(
            request,
            lambda: services.dispose_comments(
                consultation=consultation,
                user=request.user,
                same_as=number,
                disposition=disposition,
                explanation=explanation,
            ),
            _("Đã tiếp thu, giải trình các góp ý trùng nội dung với %(id)s.") % {"id": comment.comment_id},
        )
    else:
        _run(
            request,
            lambda: services.dispose_comment(
                comment=comment, user=request.user, disposition=disposition, explanation=explanation
            ),
            _("Đã tiếp thu, giải trình góp ý %(id)s.") % {"id": comment.comment_id},
        )
    return _back(request, consultation)


@login_required
@require_POST
def manage_version(request: HttpRequest, reference: str) -> HttpResponse:
    consultation = _official(request, reference)
    upload = request.FILES.get("draft_file")
    draft: str | bytes = upload.read() if upload else request.POST.get("draft_text", "")
    _run(
        request,
        lambda: services.add_version(
            consultation=consultation,
            user=request.user,
            draft=draft,
            source_name=(upload.name or "") if upload else "",
            note=request.POST.get("note", ""),
        ),
        _("Đã đăng phiên bản dự thảo mới."),
    )
    return _back(request, consultation)


@login_required
@require_POST
def manage_file(request: HttpRequest, reference: str) -> HttpResponse:
    consultation = _official(request, reference)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Chọn tệp PDF hoặc DOCX."))
    else:
        _run(
            request,
            lambda: services.attach_file(consultation=consultation, user=request.user, upload=upload),
            _("Đã đính kèm %(name)s.") % {"name": upload.name},
        )
    return _back(request, consultation)


@login_required
@require_POST
def manage_extend(request: HttpRequest, reference: str) -> HttpResponse:
    consultation = _official(request, reference)
    closes_on = _date(request.POST.get("closes_on", ""))
    if closes_on is None:
        messages.error(request, _("Nhập ngày kết thúc mới (YYYY-MM-DD)."))
    else:
        _run(
            request,
            lambda: services.extend_window(
                consultation=consultation, user=request.user, closes_on=closes_on, reason=request.POST.get("reason", "")
            ),
            _("Đã gia hạn lấy ý kiến."),
        )
    return _back(request, consultation)


@login_required
def manage_report(request: HttpRequest, reference: str) -> HttpResponse:
    """The report as it stands (a preview before approval), HTML or PDF."""
    consultation = _official(request, reference)
    report = report_module.build(consultation)
    if request.GET.get("format") == "pdf":
        return HttpResponse(report_module.render_pdf(report), content_type="application/pdf")
    return render(request, "consultation/report.html", {"report": report, "preview": True})
