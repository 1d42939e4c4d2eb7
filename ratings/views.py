"""Pages: the petitioner rates an answer (signed link, or tracking code + secret key POSTed); a visitor rates a
desk's reception (receipt code or one-time token); the desk's screen token; the desk's printed QR card."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.models import Petition
from cases.selectors import petition_by_code
from core.throttles import CountingThrottle
from organisation.selectors import work_visibility_q
from ratings import links, services
from ratings.models import SCORES, AnswerRating, Desk, Solved, Waiting
from ratings.pdf import desk_card_pdf, desk_rating_url

TOKEN_SCREEN_REFRESH_SECONDS = 15
SCORE_CHOICES = [(score, str(score)) for score in SCORES]


class PublicRatingThrottle(CountingThrottle):
    """Ratings per client address (PUBLIC_RATING_RATE): the desk form, and each try of a code and key."""

    scope = "public_rating"


def _throttled(request: HttpRequest) -> bool:
    return not PublicRatingThrottle().allow_request(request, None)


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    return response


# ---- the answer ---------------------------------------------------------------------------------------------


def _answer_context(petition: Petition, rating: AnswerRating | None, **extra: Any) -> dict[str, Any]:
    values = extra.pop("values", None)
    if values is None:
        values = {"score": str(rating.score), "solved": rating.solved, "comment": rating.comment} if rating else {}
    return {
        "petition": petition,
        "rating": rating,
        "locked": rating is not None and rating.is_locked(),
        "can_rate": services.can_rate(petition),
        "scores": SCORE_CHOICES,
        "solved_choices": Solved.choices,
        "values": values,
        "errors": {},
        **extra,
    }


def _answer_form(request: HttpRequest, petition: Petition, *, hidden: dict[str, str], action: str) -> HttpResponse:
    """Show (GET, or the proof just given) or store (POST with a score) the rating of `petition`'s answer."""
    rating = services.rating_for(petition)
    context = _answer_context(petition, rating, hidden=hidden, action=action)
    if request.method == "POST" and "score" in request.POST:
        try:
            rating = services.rate_answer(petition=petition, data=request.POST)
        except services.RatingError as error:
            context.update(errors={error.field: error.message}, values=request.POST)
            return _private(render(request, "ratings/answer.html", context, status=error.status))
        context = _answer_context(petition, rating, hidden=hidden, action=action, saved=True)
    elif not context["can_rate"]:
        context["errors"] = {"form": _("Đơn này chưa được trả lời: chỉ đánh giá được sau khi nhận trả lời.")}
        return _private(render(request, "ratings/answer.html", context, status=409))
    return _private(render(request, "ratings/answer.html", context))


@require_http_methods(["GET", "POST"])
def answer_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the answer's messages: the signed token names the case; no key is asked."""
    found = links.read_answer_token(token)
    petition = None
    if found is not None:
        petition = Petition.objects.select_related("workflow__unit").filter(pk=found[0], tracking_code=found[1]).first()
    if petition is None:
        response = render(
            request,
            "ratings/answer_lookup.html",
            {
                "errors": {
                    "form": _("Đường dẫn đánh giá không hợp lệ hoặc đã hết hạn: hãy nhập mã tra cứu và mã bí mật.")
                }
            },
            status=404,
        )
        return _private(response)
    if request.method == "POST" and _throttled(request):
        return _too_many(request, "ratings/answer_lookup.html")
    return _answer_form(request, petition, hidden={}, action=reverse("ratings:answer-link", args=[token]))


def _too_many(request: HttpRequest, template: str, **context: Any) -> HttpResponse:
    context["errors"] = {"form": _("Bạn gửi quá nhiều lần, vui lòng thử lại sau.")}
    return _private(render(request, template, context, status=429))


@require_http_methods(["GET", "POST"])
def answer_lookup(request: HttpRequest) -> HttpResponse:
    """Rate with the tracking code and the secret key, POSTed (never in a URL, so never in an access log)."""
    if request.method == "GET":
        return render(request, "ratings/answer_lookup.html", {"values": {"code": request.GET.get("code", "")}})
    if _throttled(request):
        return _too_many(request, "ratings/answer_lookup.html")
    code, key = request.POST.get("code", "").strip(), request.POST.get("access_key", "").strip()
    petition = petition_by_code(code) if code else None
    if petition is None or not petition.check_access_key(key):
        errors = {"access_key": _("Mã tra cứu hoặc mã bí mật không đúng.")}
        return _private(
            render(request, "ratings/answer_lookup.html", {"errors": errors, "values": {"code": code}}, status=403)
        )
    return _answer_form(
        request,
        petition,
        hidden={"code": petition.tracking_code, "access_key": key},
        action=reverse("ratings:answer-lookup"),
    )


# ---- desks --------------------------------------------------------------------------------------------------


def _desk_context(desk: Desk, **extra: Any) -> dict[str, Any]:
    return {
        "desk": desk,
        "scores": SCORE_CHOICES,
        "waiting_choices": Waiting.choices,
        "values": {},
        "errors": {},
        **extra,
    }


@require_http_methods(["GET", "POST"])
def desk_rate(request: HttpRequest, pk: int) -> HttpResponse:
    """The form the desk's QR code opens: how was the reception today?"""
    desk = get_object_or_404(Desk.objects.select_related("unit"), pk=pk, active=True)
    if request.method == "GET":
        values = {"token": request.GET.get("token", "")[:16]}
        return render(request, "ratings/desk_rate.html", _desk_context(desk, values=values))
    values = {key: request.POST.get(key, "") for key in ("code", "token", "courtesy", "waiting", "comment")}
    if _throttled(request):
        return _too_many(request, "ratings/desk_rate.html", **_desk_context(desk, values=values))
    try:
        services.rate_desk(desk=desk, data=request.POST)
    except services.RatingError as error:
        context = _desk_context(desk, values=values, errors={error.field: error.message})
        return _private(render(request, "ratings/desk_rate.html", context, status=error.status))
    return _private(render(request, "ratings/desk_thanks.html", {"desk": desk}))


def _officer_desks(user: Any) -> Any:
    """Desks of the units an official works in, and of those below the units they lead."""
    if getattr(user, "is_superuser", False):
        return Desk.objects.select_related("unit")
    return Desk.objects.filter(work_visibility_q(user, role_field=None)).select_related("unit")


@login_required
def desk_list(request: HttpRequest) -> HttpResponse:
    """The desks of my units, each with its screen (one-time tokens) and its printed QR card."""
    return render(request, "ratings/desks.html", {"desks": _officer_desks(request.user)})


def _desk_for_officer(request: HttpRequest, pk: int) -> Desk:
    """A desk of a unit the official works in (any role), or leads from above; administrators see every desk."""
    desk = get_object_or_404(Desk.objects.select_related("unit"), pk=pk)
    if not _officer_desks(request.user).filter(pk=desk.pk).exists():
        raise PermissionDenied(_("Chỉ cán bộ của đơn vị có bàn này được xem."))
    return desk


@login_required
def desk_token(request: HttpRequest, pk: int) -> HttpResponse:
    """The desk's screen: a one-time token (text and QR) for the visitor in front of it; the page refreshes itself
    and shows a new token once this one is used."""
    desk = _desk_for_officer(request, pk)
    token = services.current_token(desk)
    url = f"{desk_rating_url(desk)}?token={token.token}"
    context = {
        "desk": desk,
        "token": token,
        "qr": segno.make(url, error="m").svg_data_uri(scale=5, border=2),
        "expires_at": timezone.localtime(token.expires_at),
    }
    response = _private(render(request, "ratings/desk_token.html", context))
    response["Refresh"] = str(TOKEN_SCREEN_REFRESH_SECONDS)  # shows the next token once this one is used
    return response


@login_required
def desk_card(request: HttpRequest, pk: int) -> HttpResponse:
    """The desk's printed QR code: an A6 PDF."""
    desk = _desk_for_officer(request, pk)
    if not desk.active:
        raise Http404(_("Bàn này không còn hoạt động."))
    response = HttpResponse(desk_card_pdf(desk), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ma-qr-danh-gia-{desk.pk}.pdf"'
    return response
