"""What the consultation feature asks the search outbox to (re)index, in the transaction of the change.

The documents themselves are built by the projections in `consultation.search_projections`. Dispositions are
public only with the published report, so they are indexed (with every comment) when the report is published.
"""

from __future__ import annotations

from collections.abc import Iterable

from consultation.models import Comment, Consultation

KINDS = ("draft", "article", "comment", "report")


def _enqueue(kind: str, object_ids: Iterable[object]) -> None:
    try:
        from search.outbox import enqueue
    except ImportError:  # a checkout without the search outbox: nothing to index into
        return
    for object_id in object_ids:
        enqueue(kind, object_id)


def enqueue_changes(
    consultation: Consultation,
    *,
    comment: Comment | None = None,
    articles: Iterable[int] = (),
    comments: bool = False,
    report: bool = False,
) -> None:
    """The docket always; plus a comment, articles (whose public state changed), every comment, the report."""
    _enqueue("draft", [consultation.pk])
    _enqueue("article", articles)
    if comment is not None:
        _enqueue("comment", [comment.pk])
    if comments:
        _enqueue("comment", consultation.comments.values_list("pk", flat=True))
    if report:
        _enqueue("report", [consultation.pk])
