"""The reception queue (`/reception/`): what arrived by the official mailbox and the social pages, waiting for a
reception officer to confirm it into a petition (type, handling unit, commune) or discard it with a reason."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases import duplicates, groups
from cases import selectors as case_selectors
from cases import services as case_services
from cases.api import bound_petition_types
from cases.models import Channel
from cases.recording import reception_units
from channels import selectors, services
from channels.forms import ConfirmInput, DiscardInput
from channels.models import Draft, DraftStatus
from core.files import serve as serve_file
from organisation.models import Unit
from topics.services import suggest_many as suggest_topics
from workflows import services as workflow_services

PAGE_SIZE = 25


def _officer(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not selectors.reception_unit_ids(user):
        raise PermissionDenied(_("Chỉ cán bộ tiếp nhận của một đơn vị được xem hàng chờ đơn."))
    return user


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    _officer(request)
    page = Paginator(selectors.open_drafts(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    # The topic each message will be suggested when it is confirmed into a petition (`topics.services.suggest_many`).
    drafts = list(page.object_list)
    rows = list(zip(drafts, suggest_topics([(draft.subject, draft.text) for draft in drafts]), strict=True))
    return render(request, "channels/queue.html", {"page": page, "rows": rows})


def _initial(draft: Draft, units: list[Unit]) -> dict[str, Any]:
    """The form as the draft suggests it: title from the subject (or the text's first line), the sender as the
    petitioner, publication not consented."""
    first_line = next((line.strip() for line in draft.text.splitlines() if line.strip()), "")
    unit = draft.unit if draft.unit in units else units[0]
    return {
        "unit": unit.code,
        "commune": unit.code if unit.is_commune else "",
        "title": (draft.subject or first_line)[:200],
        "content": draft.text,
        "petitioner_name": draft.sender_name,
        "petitioner_email": draft.sender_address if draft.channel == Channel.EMAIL else "",
        "publish_consent": False,
        "keep": [item.pk for item in draft.attachments.all()],
    }


def _values(post: QueryDict) -> dict[str, Any]:
    """What the officer typed, to fill the form again."""
    values: dict[str, Any] = {key: post.get(key, "") for key in post if key not in ("csrfmiddlewaretoken", "keep")}
    values["publish_consent"] = post.get("publish_consent") in ("true", "on", "1")
    values["keep"] = [int(pk) for pk in post.getlist("keep") if pk.isdigit()]
    return values


def _suggestions(draft: Draft, units: list[Unit], values: dict[str, Any]) -> list[duplicates.Similar]:
    """Open cases like the draft in the commune the form names, of its type (if chosen), handled by the receiving
    unit the form names: only one of the officer's own units, whose cases they may see."""
    commune = Unit.objects.filter(code=values.get("commune") or "", is_commune=True).first()
    unit = next((unit for unit in units if unit.code == values.get("unit")), None)
    if commune is None or unit is None or draft.status != DraftStatus.OPEN:
        return []
    return duplicates.similar_to_text(
        text=f"{values.get('title', '')} {values.get('content', '')}",
        commune_id=commune.pk,
        petition_type=values.get("petition_type") or None,
        unit_id=unit.pk,
    )


def _render(
    request: HttpRequest, draft: Draft, units: list[Unit], values: dict[str, Any], errors: dict[str, str], status: int
) -> HttpResponse:
    context = {
        "suggestions": _suggestions(draft, units, values),
        "draft": draft,
        "attachments": draft.attachments.order_by("pk"),
        "petition_types": bound_petition_types(),
        "communes": Unit.objects.filter(is_commune=True).order_by("name"),
        "units": units,
        "values": values,
        "errors": errors,
        "open": draft.status == DraftStatus.OPEN,
    }
    response = render(request, "channels/draft.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def draft_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _officer(request)
    draft = get_object_or_404(selectors.visible_drafts(user), pk=pk)
    units = reception_units(user)
    if request.method == "GET":
        return _render(request, draft, units, _initial(draft, units), {}, 200)
    if request.POST.get("action") == "discard":
        return _discard(request, user, draft, units)
    data: Any = request.POST.copy()
    serializer = ConfirmInput(data=data)
    errors: dict[str, str] = {}
    if serializer.is_valid():
        validated = dict(serializer.validated_data)
        keep = validated.pop("keep", [])
        unit = validated.pop("unit", None) or units[0]
        join_to = request.POST.get("join_to", "")
        into = case_selectors.visible_petitions(user).filter(pk=int(join_to)).first() if join_to.isdigit() else None
        if unit not in units:
            errors["unit"] = _("Bạn không phải cán bộ tiếp nhận của đơn vị này.")
        elif join_to and into is None:
            errors["join_to"] = _("Không tìm thấy hồ sơ này trong các hồ sơ của đơn vị bạn.")
        else:
            try:
                with transaction.atomic():  # a refused join records nothing: the draft stays in the queue
                    receipt = services.confirm_draft(draft=draft, by=user, unit=unit, attachment_ids=keep, **validated)
                    if into is not None:
                        groups.join_petition(petition=receipt.petition, into=into, user=user)
            except groups.GroupError as error:
                draft.refresh_from_db()
                errors = {"join_to": str(error)}
                return _render(request, draft, units, _values(request.POST), errors, error.status)
            except case_services.IntakeError as error:
                errors = {("non_field_errors" if k == "received_at" else k): v for k, v in error.errors.items()}
            except (services.DraftConflict, services.DraftNotAllowed, workflow_services.NotAllowed) as error:
                draft.refresh_from_db()
                errors = {"non_field_errors": str(error)}
                return _render(request, draft, units, _values(request.POST), errors, error.status)
            else:
                petition = receipt.petition
                messages.success(
                    request,
                    format_html(
                        '{} <a href="{}">{}</a>',
                        _("Đã ghi nhận thành đơn:"),
                        reverse("cases:case", args=[petition.pk]),
                        petition.tracking_code,
                    ),
                )
                if into is not None:
                    messages.success(
                        request,
                        _("Đơn %(code)s được gộp vào hồ sơ %(lead)s để giải quyết chung.")
                        % {"code": petition.tracking_code, "lead": into.tracking_code},
                    )
                return redirect("channels:queue")
    else:
        errors = {field: " ".join(str(e) for e in reasons) for field, reasons in serializer.errors.items()}
    return _render(request, draft, units, _values(request.POST), errors, 400)


def _discard(request: HttpRequest, user: User, draft: Draft, units: list[Unit]) -> HttpResponse:
    serializer = DiscardInput(data=request.POST)
    if not serializer.is_valid():
        errors = {field: " ".join(str(e) for e in reasons) for field, reasons in serializer.errors.items()}
        return _render(request, draft, units, _values(request.POST), errors, 400)
    try:
        services.discard_draft(draft=draft, by=user, reason=serializer.validated_data["discard_reason"])
    except case_services.IntakeError as error:
        return _render(request, draft, units, _values(request.POST), error.errors, 400)
    except (services.DraftConflict, services.DraftNotAllowed) as error:
        draft.refresh_from_db()
        return _render(request, draft, units, _values(request.POST), {"non_field_errors": str(error)}, error.status)
    messages.success(request, _("Đã loại đơn khỏi hàng chờ."))
    return redirect("channels:queue")


@login_required
@require_GET
def draft_attachment(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponseBase:
    """A draft's file, only to the officers who may decide the draft; always a download (never rendered inline)."""
    user = _officer(request)
    draft = get_object_or_404(selectors.visible_drafts(user), pk=pk)
    item = get_object_or_404(draft.attachments, pk=attachment_id)
    return serve_file(item.file, filename=item.name, content_type=item.content_type, as_attachment=True)
