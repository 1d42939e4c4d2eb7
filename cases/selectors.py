"""Reads for petitions: the public status, the officials' inbox and case lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import F, QuerySet
from django.utils import translation

from cases.models import Petition, PetitionStatus, normalize_tracking_code
from organisation.selectors import work_visibility_q
from workflows.models import CaseEvent, Deadline, HumanTask


def petition_by_code(code: str) -> Petition | None:
    return (
        Petition.objects.select_related("commune", "answered_by", "workflow__unit")
        .filter(tracking_code=normalize_tracking_code(code))
        .first()
    )


@dataclass(frozen=True)
class PublicStatus:
    """What anyone holding the tracking code may see: never a personal field."""

    tracking_code: str
    petition_type: str
    petition_type_display: str
    title: str
    commune: str
    received_at: datetime
    status: str
    status_display: str
    current_step: str
    handling_unit: str
    due_at: datetime | None
    due_explanation: str
    suspended: bool
    history: list[dict[str, Any]]
    answer: str
    answered_at: datetime | None
    answered_by: str


def public_status(petition: Petition) -> PublicStatus:
    tasks = list(HumanTask.objects.open().filter(instance_id=petition.workflow_id).order_by("created_at"))
    step = (tasks[0].public_status or tasks[0].title) if tasks else petition.get_status_display()
    clocks = list(Deadline.objects.filter(instance_id=petition.workflow_id, closed_at__isnull=True).order_by("due_at"))
    running = [row for row in clocks if row.suspended_since is None]
    first = running[0] if running else None
    english = translation.get_language() == "en"
    explanation = (first.explanation_en if english else first.explanation) if first else ""
    suspended = bool(clocks) and not running
    history = [
        {"at": event.created_at, "text": event.public_text}
        for event in CaseEvent.objects.filter(instance_id=petition.workflow_id).exclude(public_text="")
    ]
    finished = petition.status in (PetitionStatus.ANSWERED, PetitionStatus.REJECTED)
    return PublicStatus(
        tracking_code=petition.tracking_code,
        petition_type=petition.petition_type,
        petition_type_display=petition.get_petition_type_display(),
        title=petition.title,
        commune=petition.commune.name,
        received_at=petition.received_at,
        status=petition.status,
        status_display=petition.get_status_display(),
        current_step=step,
        handling_unit=petition.workflow.unit.name,
        due_at=first.due_at if first else None,
        due_explanation=explanation,
        suspended=suspended,
        history=history,
        answer=petition.answer if finished else "",
        answered_at=petition.answered_at if finished else None,
        answered_by=petition.answered_by.name if finished and petition.answered_by else "",
    )


def visible_tasks(user: User | AnonymousUser) -> QuerySet[HumanTask]:
    """Tasks, open or done, of my roles in my units (and, for leaders, of the units below)."""
    return HumanTask.objects.filter(work_visibility_q(user)).select_related(
        "instance", "unit", "assignee", "claimed_by"
    )


def inbox(user: User | AnonymousUser) -> QuerySet[HumanTask]:
    """Open tasks of my roles in my units (and, for leaders, of the units below), oldest due first."""
    return (
        HumanTask.objects.open()
        .filter(work_visibility_q(user))
        .select_related("instance", "unit", "assignee", "claimed_by")
        .order_by(F("due_at").asc(nulls_last=True), "created_at", "pk")
    )


def visible_petitions(user: User | AnonymousUser) -> QuerySet[Petition]:
    """Petitions handled by my units (any role), and, for leaders, by the units below."""
    return (
        Petition.objects.filter(work_visibility_q(user, unit_field="workflow__unit", role_field=None))
        .select_related("commune", "workflow__unit", "workflow__process_version")
        .order_by("-received_at", "-pk")
    )
