"""Who may see and do what, derived from memberships."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q

from organisation.models import Membership, Role, Unit


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


def holds_role(user: User | AnonymousUser, *, unit: Unit, role: str) -> bool:
    return user.is_authenticated and Membership.objects.filter(user=user, unit=unit, role=role).exists()


def leads(user: User | AnonymousUser, *, unit: Unit) -> bool:
    """True for a leader of this unit or of any unit above it."""
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, role=Role.UNIT_LEADER, unit_id__in=unit.ancestors_and_self()).exists()
    )


def is_legal_staff(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and Membership.objects.filter(user=user, role=Role.LEGAL_STAFF).exists()


def officials_of(unit: Unit, role: str) -> Q:
    return Q(memberships__unit=unit, memberships__role=role)
