"""Pages of documents: an official's preview and edit of a draft, a leader's approval, the PDF (private: officials
who may see the case; the petitioner with the access key), the drafts waiting for a leader, a new draft from the
case page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.selectors import petition_by_code, visible_petitions
from core.files import StorageRefused
from core.files import serve as serve_file
from documents import selectors, services
from documents.models import Document, DocumentState, RecipientRole
from documents.placeholders import PLACEHOLDERS, used_names

# What an official may type into a draft; the case's own values (name, code, dates, unit) come from the case.
EDITABLE = (
    "noi_dung",
    "ly_do",
    "ket_qua",
    "don_vi_nhan",
    "thoi_gian",
    "dia_diem",
    "han_moi",
    "can_cu",
    "nguoi_bi_to_cao",
)


def _official(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _extra_recipients(text: str) -> list[dict[str, Any]]:
    """One recipient a line: «Sở Tư pháp» or «Ông Trần Văn B <b@example.vn>» (sent by e-mail when an address is given)."""
    found: list[dict[str, Any]] = []
    for line in text.splitlines():
        line = line.strip().strip(";").strip()
        if not line:
            continue
        label, _sep, rest = line.partition("<")
        email = rest.rstrip(">").strip()
        found.append({"role": RecipientRole.OTHER, "label": label.strip(), "email": email, "send": bool(email)})
    return found


def _extra_text(document: Document) -> str:
    lines = []
    for item in document.recipients:
        if item.get("role") == RecipientRole.OTHER:
            email = item.get("email")
            lines.append(f"{item.get('label', '')} <{email}>" if email else str(item.get("label", "")))
    return "\n".join(lines)


def _context(request: HttpRequest, document: Document, **extra: Any) -> dict[str, Any]:
    values = extra.pop("values", None) or {name: document.values.get(name, "") for name in EDITABLE}
    asked = used_names(f"{document.form.title}\n{document.form.body}")  # only what this form's text uses
    return {
        "document": document,
        "fields": [(name, PLACEHOLDERS[name], values.get(name, "")) for name in EDITABLE if name in asked],
        "extra_recipients": extra.pop("extra_recipients", None) or _extra_text(document),
        "may_approve": services.may_approve(request.user, document),
        "errors": extra.pop("errors", {}),
        "number": extra.pop("number", ""),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft's preview (its PDF inline), its values to edit, and the leader's approval; an issued document's
    number, recipients and PDF. A refused input keeps what was typed: 400 (input), 403 (not a leader), 409 (a
    number already used, or someone approved it meanwhile)."""
    document = get_object_or_404(selectors.visible_documents(request.user), pk=pk)
    if request.method == "GET":
        return render(request, "documents/detail.html", _context(request, document))
    user = _official(request)
    action = request.POST.get("action", "save")
    values = {name: request.POST.get(name, "") for name in EDITABLE}
    extra = request.POST.get("extra_recipients", "")
    number_text = request.POST.get("number", "").strip()
    try:
        with transaction.atomic():  # a refused approval keeps nothing of what was typed either
            document = _save_and_approve(request, document, user, action, values, extra, number_text)
    except (services.DocumentError, StorageRefused) as error:  # refused, or the PDF not stored: no number taken
        document.refresh_from_db()
        errors = dict(error.errors or {"form": str(error)})
        context = _context(request, document, values=values, extra_recipients=extra, errors=errors, number=number_text)
        return render(request, "documents/detail.html", context, status=error.status)
    return redirect("documents:detail", document.pk)


def _save_and_approve(
    request: HttpRequest,
    document: Document,
    user: User,
    action: str,
    values: dict[str, str],
    extra: str,
    number_text: str,
) -> Document:
    """Save what was typed into a draft, then (`action` "approve") issue it. Raises DocumentError."""
    if document.state != DocumentState.DRAFT:
        raise services.WrongState(_("Văn bản này đã được duyệt và ban hành."))
    recipients = None
    if "extra_recipients" in request.POST:
        kept = [item for item in document.recipients if item.get("role") != RecipientRole.OTHER]
        recipients = kept + _extra_recipients(extra)
    typed = {name: value for name, value in values.items() if name in request.POST}
    document = services.update_draft(document=document, by=user, values=typed, recipients=recipients)
    if action != "approve":
        messages.success(request, _("Đã lưu dự thảo."))
        return document
    if number_text and not number_text.isdigit():
        raise services.InvalidForm(_("Số văn bản phải là số nguyên dương."), field="number")
    number = int(number_text) if number_text else None
    document = services.issue_document(document=document, by=user, number=number)
    messages.success(request, _("Đã duyệt và ban hành văn bản số %(number)s.") % {"number": document.number_and_symbol})
    return document


def _pdf_response(content: Any, filename: str) -> FileResponse:
    response = FileResponse(content, content_type="application/pdf", filename=filename)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    patch_cache_control(response, private=True, no_store=True)
    return response


def _filename(document: Document) -> str:
    number = document.number_and_symbol.replace("/", "-") or "du-thao"
    return f"{document.kind}-{number}.pdf"


@login_required
def pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The stored PDF of an issued document; a draft's rendered now, marked «DỰ THẢO»."""
    document = get_object_or_404(selectors.visible_documents(request.user), pk=pk)
    if document.state == DocumentState.ISSUED and document.file:
        return serve_file(
            document.file, filename=_filename(document), content_type="application/pdf", as_attachment=False
        )
    from io import BytesIO

    return _pdf_response(BytesIO(services.render_pdf(document, draft=True)), _filename(document))


@require_http_methods(["GET", "POST"])
def public(request: HttpRequest, code: str, pk: int) -> HttpResponseBase:
    """The link in the petitioner's message: the PDF once they give the access key (POSTed, never in a URL)."""
    petition = petition_by_code(code)
    document = (
        Document.objects.filter(petition=petition, pk=pk, state=DocumentState.ISSUED).select_related("unit").first()
        if petition
        else None
    )
    if petition is None or document is None:
        raise Http404(_("Không có văn bản này."))
    if request.method == "POST":
        if petition.check_access_key(request.POST.get("access_key", "").strip()):
            return serve_file(
                document.file, filename=_filename(document), content_type="application/pdf", as_attachment=False
            )
        context = {
            "document": document,
            "code": petition.tracking_code,
            "key_error": _("Mã bí mật không đúng với mã tra cứu này."),
        }
        return render(request, "documents/public.html", context, status=403)
    return render(request, "documents/public.html", {"document": document, "code": petition.tracking_code})


@login_required
def pending(request: HttpRequest) -> HttpResponse:
    """The drafts waiting for the approval of a leader: the units I lead and those below."""
    return render(request, "documents/pending.html", {"documents": selectors.drafts_to_approve(request.user)})


@login_required
@require_POST
def new(request: HttpRequest, pk: int) -> HttpResponse:
    """An official drafts a document of the case (a dialogue invitation, a decision…) from the case page."""
    petition = get_object_or_404(visible_petitions(request.user), pk=pk)
    kind = request.POST.get("kind", "")
    try:
        document = services.draft_document(case=petition, kind=kind, by=_official(request))
    except services.DocumentError as error:
        messages.error(request, str(error))
        return redirect("cases:case", petition.pk)
    return redirect("documents:detail", document.pk)
