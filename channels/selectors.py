"""Reads for the reception queue."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet

from channels.models import Draft, DraftStatus
from organisation.models import Membership, Role


def reception_unit_ids(user: User | AnonymousUser) -> list[int]:
    if not isinstance(user, User):
        return []
    return list(
        Membership.objects.filter(user=user, role=Role.RECEPTION_OFFICER).values_list("unit_id", flat=True).distinct()
    )


def visible_drafts(user: User | AnonymousUser) -> QuerySet[Draft]:
    """Drafts a reception officer may decide: received by one of their units, or by no unit in particular."""
    units = reception_unit_ids(user)
    if not units:
        return Draft.objects.none()
    return Draft.objects.filter(Q(unit__isnull=True) | Q(unit_id__in=units)).select_related("unit")


def open_drafts(user: User | AnonymousUser) -> QuerySet[Draft]:
    """The queue, oldest first (the legal clock of the oldest runs longest), with each draft's file count."""
    return (
        visible_drafts(user)
        .filter(status=DraftStatus.OPEN)
        .annotate(attachment_count=Count("attachments"))
        .order_by("received_at", "pk")
    )
