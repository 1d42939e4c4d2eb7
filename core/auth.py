"""Officials' logins are locked after repeated failures (django-axes): `AXES_FAILURE_LIMIT` wrong passwords for one
account from one address lock that pair for `AXES_COOLOFF_TIME`; an administrator unlocks it sooner in
/admin/axes/. The login page then says so, in the user's language, with status 429."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext, ngettext


class LockoutBackend(AxesStandaloneBackend):
    """axes' lockout check for every login made with a request (the login page, the admin, the API).

    A login without a request (`Client.login` in tests, a shell) has no address to count or lock, so it is left
    to the next backend; every login over HTTP comes with its request.
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def lockout_message(request: HttpRequest) -> str:
    cool_off = get_cool_off(request)
    if not cool_off:
        return gettext("Tài khoản tạm khóa vì nhập sai mật khẩu quá nhiều lần. Xin liên hệ quản trị viên để mở khóa.")
    return ngettext(
        "Tài khoản tạm khóa vì nhập sai mật khẩu quá nhiều lần. Xin thử lại sau %(minutes)d phút hoặc liên hệ quản trị viên để mở khóa.",
        "Tài khoản tạm khóa vì nhập sai mật khẩu quá nhiều lần. Xin thử lại sau %(minutes)d phút hoặc liên hệ quản trị viên để mở khóa.",
        minutes := max(1, int(cool_off.total_seconds() // 60)),
    ) % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """The login page again, saying the account is locked and for how long (429 Too Many Requests)."""
    message = lockout_message(request)
    if request.path_info.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "detail": message}, status=429)
    form = AuthenticationForm(request, data=request.POST if request.method == "POST" else None)
    return render(
        request,
        "registration/login.html",
        {"form": form, "locked_out": message, "next": request.POST.get("next", "")},
        status=429,
    )
