"""Who may see and do what, derived from memberships."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q

from organisation.models import Membership, Role


def memberships_of(user: User | AnonymousUser) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(Membership.objects.filter(user=user).select_related("unit"))


def work_visibility_q(user: User | AnonymousUser, *, unit_field: str = "unit", role_field: str | None = "role") -> Q:
    """Rows an official may see: their roles in their units, and, for leaders, everything under their units.

    With `role_field=None` (cases rather than tasks) any role in the unit is enough.
    """
    q = Q(pk__in=[])
    for membership in memberships_of(user):
        if role_field is None:
            q |= Q(**{unit_field: membership.unit_id})
        else:
            q |= Q(**{unit_field: membership.unit_id, role_field: membership.role})
        if membership.role == Role.UNIT_LEADER:
            q |= Q(**{f"{unit_field}__path__startswith": membership.unit.path})
    return q
