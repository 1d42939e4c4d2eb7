"""The citizens' pages under /me/: sign-in (e-ID or a one-time code), My page, a case's full record, claiming
an older case, preferences, the data download and closing the account."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from citizens import auth, codes, links, mypage, oidc, services
from citizens.models import Citizen, CodePurpose, PreferredChannel
from core import throttles
from core.proxies import client_address

CODE_DESTINATION = "citizen_code_destination"
NEXT = "citizen_next"


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    return response


def _next_of(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("citizens:me")


def citizen_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        citizen = auth.current_citizen(request)
        if citizen is None:
            if request.method != "GET":
                return redirect("citizens:sign-in")
            return redirect(f"{reverse('citizens:sign-in')}?next={request.path}")
        return view(request, citizen, *args, **kwargs)

    return wrapper


def _sign_in_page(request: HttpRequest, *, status: int = 200, **context: Any) -> HttpResponse:
    context.setdefault("errors", {})
    context.setdefault("step", "destination")
    context.update(
        oidc_enabled=oidc.configured(),
        oidc_label=settings.CITIZEN_OIDC_LABEL,
        next=_next_of(request),
    )
    return _private(render(request, "citizens/sign_in.html", context, status=status))


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Step 1: the citizen gives an e-mail or a phone and gets a code; step 2: they type the code."""
    if request.method == "GET":
        if auth.current_citizen(request) is not None:
            return redirect(_next_of(request))
        return _sign_in_page(request)
    if request.POST.get("step") == "code":
        return _check_code(request)
    destination = request.POST.get("destination", "")
    try:
        codes.issue(
            destination,
            purpose=CodePurpose.SIGN_IN,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            request=request,
        )
    except codes.CodeError as error:
        return _sign_in_page(request, status=429 if error.throttled else 400, errors={error.field: error.message})
    kind, value = codes.normalise(destination)
    request.session[CODE_DESTINATION] = value
    return _sign_in_page(request, step="code", kind=kind)


def _check_code(request: HttpRequest) -> HttpResponse:
    destination = request.session.get(CODE_DESTINATION, "")
    if not destination:
        return _sign_in_page(request, status=400, errors={"destination": _("Hãy nhập lại địa chỉ để nhận mã.")})
    kind = codes.normalise(destination)[0]
    if not throttles.allow("sign-in", client_address(request), settings.CITIZEN_SIGN_IN_RATE):
        errors = {"code": _("Bạn thử đăng nhập quá nhiều lần, vui lòng thử lại sau.")}
        return _sign_in_page(request, status=429, step="code", kind=kind, errors=errors)
    try:
        codes.verify(destination, purpose=CodePurpose.SIGN_IN, code=request.POST.get("code", ""))
    except codes.CodeError as error:
        return _sign_in_page(request, status=400, step="code", kind=kind, errors={"code": error.message})
    citizen = auth.citizen_for_contact(kind, destination)
    request.session.pop(CODE_DESTINATION, None)
    auth.sign_in(request, citizen, how="code")
    return redirect(_next_of(request))


@require_GET
def oidc_start(request: HttpRequest) -> HttpResponse:
    if not oidc.configured():
        raise Http404
    try:
        url = oidc.start(request)
    except oidc.OidcError as error:
        return _sign_in_page(request, status=502, errors={"oidc": error.message})
    request.session[NEXT] = _next_of(request)
    return redirect(url)


@require_GET
def oidc_callback(request: HttpRequest) -> HttpResponse:
    if not oidc.configured():
        raise Http404
    if not throttles.allow("sign-in", client_address(request), settings.CITIZEN_SIGN_IN_RATE):
        errors = {"oidc": _("Bạn thử đăng nhập quá nhiều lần, vui lòng thử lại sau.")}
        return _sign_in_page(request, status=429, errors=errors)
    try:
        identity = oidc.finish(request)
    except oidc.OidcError as error:
        return _sign_in_page(request, status=400, errors={"oidc": error.message})
    phone = ""
    if identity.phone:
        try:
            phone = codes.normalise(identity.phone)[1]
        except codes.CodeError:
            phone = ""
    citizen = auth.citizen_for_subject(
        identity.issuer, identity.subject, name=identity.name, email=identity.email, phone=phone
    )
    target = request.session.pop(NEXT, "") or reverse("citizens:me")
    auth.sign_in(request, citizen, how="oidc")
    return redirect(target)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    auth.sign_out(request)
    messages.success(request, _("Bạn đã đăng xuất."))
    return redirect("cases:portal")


def _my_page(request: HttpRequest, citizen: Citizen, *, status: int = 200, **extra: Any) -> HttpResponse:
    context = {
        "citizen": citizen,
        "petitions": services.petition_links(citizen),
        "comments": services.comment_links(citizen),
        "sections": mypage.rendered(request, citizen),
        "channels": PreferredChannel.choices,
        "languages": settings.LANGUAGES,
        "errors": {},
        "values": {},
        **extra,
    }
    return _private(render(request, "citizens/me.html", context, status=status))


@require_GET
@citizen_required
def me(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    return _my_page(request, citizen)


@require_GET
@citizen_required
def petition(request: HttpRequest, citizen: Citizen, code: str) -> HttpResponse:
    from cases.selectors import public_status

    link = citizen.petition_links.select_related("petition__commune", "petition__workflow__unit").filter(
        petition__tracking_code=code
    )
    found = link.first()
    if found is None:
        raise Http404
    status = public_status(found.petition, for_petitioner=True)
    return _private(render(request, "citizens/petition.html", {"status": status, "petition": found.petition}))


@require_POST
@citizen_required
def claim(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    values = {"code": request.POST.get("code", "")}
    client = client_address(request)
    if not (
        throttles.allow("claim", client, settings.CITIZEN_CLAIM_RATE)
        and throttles.allow("claim-citizen", str(citizen.pk), settings.CITIZEN_CLAIM_RATE)
    ):
        errors = {"claim": _("Bạn thử quá nhiều lần, vui lòng thử lại sau.")}
        return _my_page(request, citizen, status=429, errors=errors, values=values)
    try:
        if request.POST.get("kind") == "comment":
            comment = links.claim_comment(citizen, key=request.POST.get("comment_key", ""))
            messages.success(request, _("Đã thêm góp ý số %(number)s vào trang của bạn.") % {"number": comment.number})
        else:
            found = links.claim_petition(
                citizen, code=request.POST.get("code", ""), key=request.POST.get("access_key", "")
            )
            messages.success(request, _("Đã thêm đơn %(code)s vào trang của bạn.") % {"code": found.tracking_code})
    except links.ClaimError as error:
        return _my_page(request, citizen, status=400, errors={error.field: error.message}, values=values)
    return redirect("citizens:me")


@require_POST
@citizen_required
def preferences(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    try:
        services.set_preferences(
            citizen, channel=request.POST.get("channel", ""), language=request.POST.get("language", "")
        )
    except services.PreferenceError as error:
        return _my_page(request, citizen, status=400, errors={error.field: error.message})
    messages.success(request, _("Đã lưu cách nhận thông báo."))
    return redirect("citizens:me")


@require_GET
@citizen_required
def data(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    body = json.dumps(services.export_data(citizen), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="lang-nghe-my-data.json"'
    return _private(response)


@require_http_methods(["GET", "POST"])
@citizen_required
def close(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    if request.method == "GET":
        return _private(render(request, "citizens/close.html", {"citizen": citizen, "errors": {}}))
    if request.POST.get("confirm") != "yes":
        errors = {"confirm": _("Hãy đánh dấu ô xác nhận để đóng tài khoản.")}
        return _private(render(request, "citizens/close.html", {"citizen": citizen, "errors": errors}, status=400))
    services.close_account(citizen)
    auth.sign_out(request)
    messages.success(
        request, _("Tài khoản của bạn đã được đóng. Các đơn và góp ý vẫn được giải quyết như bình thường.")
    )
    return redirect("cases:portal")
