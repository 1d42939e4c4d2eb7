"""Who the citizen is, in this session: separate from officials' Django accounts (`request.user`).

Public API:

- ``SESSION_KEY = "citizen_id"`` — the session key holding the signed-in citizen's number.
- ``current_citizen(request) -> Citizen | None`` — the signed-in citizen (an open account), cached on the request.
- ``sign_in(request, citizen, *, how) -> None`` — rotates the session key (no fixation), remembers the citizen,
  records `last_sign_in_at` and an audit entry (`how`: "code" or "oidc").
- ``sign_out(request) -> None`` — forgets the citizen and rotates the session key (an official signed in in the
  same browser stays signed in).
- ``citizen_for_contact(kind, value) -> Citizen`` — the open account with this e-mail ("email") or phone
  ("phone"), created when there is none (after a one-time code proved the citizen holds it).
- ``citizen_for_subject(issuer, subject, *, name, email, phone) -> Citizen`` — the open account of an e-ID
  subject, created when there is none; its name and contacts follow the provider's claims.
- ``audit(citizen, action, detail="")`` — one `AuditEntry` (the account's number, never a name or an address).
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from citizens.models import AuditEntry, Citizen

SESSION_KEY = "citizen_id"
_CACHE_ATTRIBUTE = "_citizen_cache"


def current_citizen(request: HttpRequest) -> Citizen | None:
    if hasattr(request, _CACHE_ATTRIBUTE):
        cached: Citizen | None = getattr(request, _CACHE_ATTRIBUTE)
        return cached
    citizen = None
    session = getattr(request, "session", None)
    pk = session.get(SESSION_KEY) if session is not None else None
    if isinstance(pk, int):
        try:  # not .first(): no ORDER BY to compile and run on every request of a signed-in citizen
            citizen = Citizen.objects.get(pk=pk, closed_at__isnull=True)
        except Citizen.DoesNotExist:
            citizen = None
    setattr(request, _CACHE_ATTRIBUTE, citizen)
    return citizen


def audit(citizen: Citizen, action: str, detail: str = "") -> None:
    AuditEntry.objects.create(citizen_number=citizen.pk, action=action, detail=detail[:255])


def sign_in(request: HttpRequest, citizen: Citizen, *, how: str) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = citizen.pk
    Citizen.objects.filter(pk=citizen.pk).update(last_sign_in_at=timezone.now())
    audit(citizen, "sign_in", how)
    setattr(request, _CACHE_ATTRIBUTE, citizen)


def sign_out(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
    setattr(request, _CACHE_ATTRIBUTE, None)


@transaction.atomic
def citizen_for_contact(kind: str, value: str) -> Citizen:
    field = "email" if kind == "email" else "phone"
    found = Citizen.objects.select_for_update().filter(closed_at__isnull=True, **{field: value}).order_by("pk").first()
    if found is not None:
        return found
    return Citizen.objects.create(**{field: value})


@transaction.atomic
def citizen_for_subject(issuer: str, subject: str, *, name: str = "", email: str = "", phone: str = "") -> Citizen:
    citizen = Citizen.objects.select_for_update().filter(oidc_issuer=issuer, oidc_subject=subject).first()
    if citizen is None:
        citizen = Citizen(oidc_issuer=issuer, oidc_subject=subject)
    citizen.display_name = name[:150] or citizen.display_name
    citizen.email = email[:254] or citizen.email
    citizen.phone = phone[:20] or citizen.phone
    citizen.save()
    return citizen
