"""Who may do what with process models: legal staff edit and publish, officials view, the public reads published."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission

from organisation.models import Membership, Role


def is_legal_staff(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_lang_nghe_legal_staff", None)
    if cached is None:
        cached = Membership.objects.filter(user_id=user.pk, role=Role.LEGAL_STAFF).exists()
        user._lang_nghe_legal_staff = cached
    return bool(cached)


def is_official(user: Any) -> bool:
    """Any official (a member of a unit, in any role) or a staff account may view drafts and reports."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff) or Membership.objects.filter(user_id=user.pk).exists()


class IsOfficial(BasePermission):
    message = gettext_lazy("Chỉ cán bộ được xem")

    def has_permission(self, request: Any, view: Any) -> bool:
        return is_official(request.user)


class IsLegalStaffOrReadOnly(BasePermission):
    """Officials read; only legal staff write."""

    message = gettext_lazy("Chỉ cán bộ pháp chế được sửa và ban hành quy trình")

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return is_official(request.user)
        return is_legal_staff(request.user)


class IsLegalStaff(BasePermission):
    """Legal staff only, reads included: the migration report lists running cases of every unit."""

    message = gettext_lazy("Chỉ cán bộ pháp chế được xem và chuyển hồ sơ giữa các phiên bản")

    def has_permission(self, request: Any, view: Any) -> bool:
        return is_legal_staff(request.user)
