"""Signing in with the national e-ID (VNeID-style OpenID Connect): the authorization code flow with PKCE (S256),
`state` and `nonce`, through Authlib's OAuth2 client; the ID token is checked with joserfc (Authlib's JOSE
library): signature against the provider's JWKS, issuer, audience, expiry and nonce.

Configured by settings (CITIZEN_OIDC_*, see config/settings.py and the README); `configured()` is False, and the
button hidden, without an issuer (or discovery URL) and a client id. What the flow keeps between the redirect and
the callback lives in the session (`PENDING`), used once: a second callback with the same state is refused.
Nothing here logs a claim, a token or a code.
"""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from core.site import absolute_url

PENDING = "citizen_oidc_pending"
PENDING_LIFETIME = 600  # seconds between the redirect to the provider and the callback
ALGORITHMS = ["RS256", "PS256", "ES256"]


class OidcError(Exception):
    """The sign-in failed: a message for the citizen, in their language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Identity:
    issuer: str
    subject: str
    name: str
    email: str
    phone: str


def configured() -> bool:
    return bool(settings.CITIZEN_OIDC_DISCOVERY_URL and settings.CITIZEN_OIDC_CLIENT_ID)


def redirect_uri() -> str:
    return absolute_url(reverse("citizens:oidc-callback"))


def _get_json(url: str) -> dict[str, Any]:
    response = requests.get(url, timeout=settings.CITIZEN_OIDC_TIMEOUT)
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return data


def metadata() -> dict[str, Any]:
    """The provider's discovery document (cached for an hour)."""
    url = settings.CITIZEN_OIDC_DISCOVERY_URL
    key = f"citizens:oidc:metadata:{url}"
    data = cache.get(key)
    if data is None:
        try:
            data = _get_json(url)
        except (requests.RequestException, ValueError):
            raise OidcError(_("Không kết nối được với hệ thống định danh điện tử, vui lòng thử lại sau.")) from None
        cache.set(key, data, 3600)
    return dict(data)


def _keys(meta: dict[str, Any], *, refresh: bool = False) -> KeySet:
    key = f"citizens:oidc:jwks:{meta['jwks_uri']}"
    data = None if refresh else cache.get(key)
    if data is None:
        try:
            data = _get_json(meta["jwks_uri"])
        except (requests.RequestException, ValueError):
            raise OidcError(_("Không kết nối được với hệ thống định danh điện tử, vui lòng thử lại sau.")) from None
        cache.set(key, data, 3600)
    return KeySet.import_key_set(data)  # type: ignore[arg-type]  # a JWKS document, checked by joserfc


def _client() -> OAuth2Session:
    secret = settings.CITIZEN_OIDC_CLIENT_SECRET
    return OAuth2Session(
        settings.CITIZEN_OIDC_CLIENT_ID,
        secret or None,
        scope=settings.CITIZEN_OIDC_SCOPES,
        redirect_uri=redirect_uri(),
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic" if secret else "none",
    )


def start(request: HttpRequest) -> str:
    """The provider's authorization URL to send the citizen to; remembers state, nonce and the PKCE verifier."""
    meta = metadata()
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    url, _state = _client().create_authorization_url(
        meta["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier
    )
    request.session[PENDING] = {"state": state, "nonce": nonce, "verifier": verifier, "at": time.time()}
    return str(url)


def _claims(id_token: str, *, meta: dict[str, Any], nonce: str) -> dict[str, Any]:
    issuer = settings.CITIZEN_OIDC_ISSUER or meta.get("issuer", "")
    try:
        try:
            token = jwt.decode(id_token, _keys(meta), algorithms=ALGORITHMS)
        except (JoseError, ValueError):  # the provider may have rotated its keys
            token = jwt.decode(id_token, _keys(meta, refresh=True), algorithms=ALGORITHMS)
        registry = jwt.JWTClaimsRegistry(
            leeway=60,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": settings.CITIZEN_OIDC_CLIENT_ID},
            sub={"essential": True},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        registry.validate(token.claims)
    except (JoseError, ValueError):
        raise OidcError(_("Hệ thống định danh trả về thông tin không hợp lệ: chưa đăng nhập.")) from None
    return dict(token.claims)


def finish(request: HttpRequest) -> Identity:
    """Checks the callback (state, then the code exchanged with the PKCE verifier, then the ID token)."""
    pending = request.session.pop(PENDING, None)  # used once, whatever happens next
    if not isinstance(pending, dict) or time.time() - float(pending.get("at", 0)) > PENDING_LIFETIME:
        raise OidcError(_("Phiên đăng nhập đã hết hạn hoặc không hợp lệ: hãy bấm đăng nhập lại."))
    state = request.GET.get("state", "")
    if not state or not hmac.compare_digest(state, str(pending["state"])):
        raise OidcError(_("Yêu cầu đăng nhập không hợp lệ (không khớp mã phiên): hãy bấm đăng nhập lại."))
    if request.GET.get("error"):
        raise OidcError(_("Hệ thống định danh không cho phép đăng nhập: hãy thử lại."))
    code = request.GET.get("code", "")
    if not code:
        raise OidcError(_("Yêu cầu đăng nhập không hợp lệ (thiếu mã ủy quyền): hãy bấm đăng nhập lại."))
    meta = metadata()
    client = _client()
    try:
        token = client.fetch_token(
            meta["token_endpoint"],
            grant_type="authorization_code",
            code=code,
            code_verifier=pending["verifier"],
            timeout=settings.CITIZEN_OIDC_TIMEOUT,
        )
    except (AuthlibBaseError, requests.RequestException, ValueError, KeyError):
        raise OidcError(
            _("Hệ thống định danh không chấp nhận mã ủy quyền (đã dùng hoặc hết hạn): hãy bấm đăng nhập lại.")
        ) from None
    id_token = token.get("id_token")
    if not id_token:
        raise OidcError(_("Hệ thống định danh trả về thông tin không hợp lệ: chưa đăng nhập."))
    claims = _claims(str(id_token), meta=meta, nonce=str(pending["nonce"]))
    wanted = (settings.CITIZEN_OIDC_NAME_CLAIM, settings.CITIZEN_OIDC_EMAIL_CLAIM, settings.CITIZEN_OIDC_PHONE_CLAIM)
    if meta.get("userinfo_endpoint") and not all(claims.get(name) for name in wanted):
        try:
            response = client.get(meta["userinfo_endpoint"], timeout=settings.CITIZEN_OIDC_TIMEOUT)
            info = response.json() if response.ok else {}
        except (AuthlibBaseError, requests.RequestException, ValueError):
            info = {}
        if isinstance(info, dict) and info.get("sub") == claims["sub"]:
            claims = {**info, **claims}
    return Identity(
        issuer=str(claims["iss"]),
        subject=str(claims["sub"]),
        name=str(claims.get(settings.CITIZEN_OIDC_NAME_CLAIM) or ""),
        email=str(claims.get(settings.CITIZEN_OIDC_EMAIL_CLAIM) or "").strip().lower(),
        phone=str(claims.get(settings.CITIZEN_OIDC_PHONE_CLAIM) or "").strip(),
    )
