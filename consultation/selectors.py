"""Reads for consultations: what the public sees, what officials of the drafting unit see, and progress."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from consultation.models import (
    Article,
    Comment,
    CommentStatus,
    Consultation,
    DispositionChange,
    DraftVersion,
    normalize_reference,
)
from organisation.selectors import work_visibility_q
from workflows.models import HumanTask

PUBLISHED_COMMENTS = Q(comments__status=CommentStatus.PUBLISHED)


def public_consultations() -> QuerySet[Consultation]:
    """Published consultations (upcoming, open, closed), newest window first."""
    return (
        Consultation.objects.filter(published_at__isnull=False)
        .select_related("unit")
        .annotate(published_comments=Count("comments", filter=PUBLISHED_COMMENTS))
        .order_by("-opens_on", "-pk")
    )


def open_now(queryset: QuerySet[Consultation], now: datetime.datetime | None = None) -> QuerySet[Consultation]:
    today = timezone.localdate(now or timezone.now())
    return queryset.filter(
        published_at__isnull=False, closed_at__isnull=True, opens_on__lte=today, closes_on__gte=today
    )


def closed(queryset: QuerySet[Consultation], now: datetime.datetime | None = None) -> QuerySet[Consultation]:
    today = timezone.localdate(now or timezone.now())
    return queryset.filter(Q(closed_at__isnull=False) | Q(closes_on__lt=today), published_at__isnull=False)


def public_consultation(reference: str) -> Consultation | None:
    return public_consultations().filter(reference=normalize_reference(reference)).first()


def visible_consultations(user: User | AnonymousUser) -> QuerySet[Consultation]:
    """Officials: consultations of their units (any role) and, for leaders, of the units below."""
    return (
        Consultation.objects.filter(work_visibility_q(user, unit_field="unit", role_field=None))
        .select_related("unit")
        .annotate(published_comments=Count("comments", filter=PUBLISHED_COMMENTS))
        .order_by("-created_at", "-pk")
    )


def version_by_document_id(document_id: str) -> DraftVersion | None:
    reference, _, number = normalize_reference(document_id).rpartition("-V")
    if not number.isdigit():
        return None
    return (
        DraftVersion.objects.select_related("consultation__unit")
        .filter(
            consultation__reference=normalize_reference(reference),
            consultation__published_at__isnull=False,
            number=int(number),
        )
        .first()
    )


def articles_with_counts(version: DraftVersion) -> list[Article]:
    """The version's articles with their clauses and the number of published comments on each (current version)."""
    return list(
        version.articles.prefetch_related("clauses")
        .select_related("previous")
        .annotate(
            published_comments=Count("comments", filter=Q(comments__status=CommentStatus.PUBLISHED), distinct=True)
        )
    )


def published_comments(consultation: Consultation) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(consultation=consultation, status=CommentStatus.PUBLISHED)
        .select_related("consultation", "article", "clause", "version")
        .order_by("number")
    )


def comment_by_public_id(comment_id: str) -> Comment | None:
    reference, _, number = comment_id.rpartition("-")
    if not number.isdigit():
        return None
    return (
        Comment.objects.select_related("consultation__unit", "article", "clause", "version")
        .filter(consultation__reference=normalize_reference(reference), number=int(number))
        .first()
    )


@dataclass(frozen=True)
class ArticleProgress:
    label: str  # "Điều 3. …", "Toàn bộ dự thảo", "Cần xem lại vị trí"
    number: str
    published: int
    answered: int

    @property
    def percent(self) -> int:
        return round(self.answered * 100 / self.published) if self.published else 100


def disposition_progress(consultation: Consultation) -> list[ArticleProgress]:
    """Per article of the current version (plus the whole draft and the unmatched), comments answered of published."""
    counts: dict[Any, tuple[int, int]] = {}
    rows = (
        Comment.objects.filter(consultation=consultation, status=CommentStatus.PUBLISHED)
        .values("article_id", "article_made_on_id")
        .annotate(published=Count("pk"), answered=Count("pk", filter=~Q(disposition="")))
    )
    for row in rows:
        key = row["article_id"] or ("unmatched" if row["article_made_on_id"] else None)
        published, answered = counts.get(key, (0, 0))
        counts[key] = (published + row["published"], answered + row["answered"])
    result: list[ArticleProgress] = []
    if None in counts:
        result.append(ArticleProgress("Toàn bộ dự thảo", "", *counts[None]))
    version = consultation.current_version
    if version is not None:
        for article in version.articles.all():
            published, answered = counts.get(article.pk, (0, 0))
            result.append(ArticleProgress(article.label, article.number, published, answered))
    if "unmatched" in counts:
        result.append(ArticleProgress("Góp ý cần xem lại vị trí", "", *counts["unmatched"]))
    return result


def moderation_queue(consultation: Consultation) -> QuerySet[Comment]:
    """Held comments first, then those flagged by a heuristic, then the rest; oldest first."""
    return (
        Comment.objects.filter(consultation=consultation)
        .select_related("article", "clause", "moderated_by", "disposed_by")
        .order_by("number")
    )


def identical_groups(consultation: Consultation) -> dict[str, int]:
    """fingerprint → number of published comments sharing it, for groups of two or more (bulk disposition)."""
    rows = (
        Comment.objects.filter(consultation=consultation, status=CommentStatus.PUBLISHED)
        .values("text_fingerprint")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    return {row["text_fingerprint"]: row["n"] for row in rows}


def with_disposition_history(comments: QuerySet[Comment]) -> QuerySet[Comment]:
    """Each comment with every change of its disposition, oldest first, and who made it (officials only)."""
    return comments.prefetch_related(
        Prefetch(
            "disposition_changes",
            queryset=DispositionChange.objects.select_related("changed_by").order_by("changed_at", "pk"),
        )
    )


# The consultation's subject adapter (registered in `apps.py`): its tasks are done on its management pages.


def task_work_url(task: HumanTask) -> str:
    return reverse("consultation:manage-task", args=[task.instance.reference, task.task_id])


def work_case_url(task: HumanTask) -> str:
    return reverse("consultation:manage", args=[task.instance.reference])
