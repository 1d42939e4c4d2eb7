"""Duplicate suggestions: the open petitions that look like this one (ten neighbours reporting the same culvert).

`similar_open(petition)` is asked when a reception officer opens a petition's classification step (and for a draft of
the reception queue, `similar_to_text`). The candidates are a bounded set read from one partial index
(`petition_open_duplicates`): the newest DUPLICATES_CANDIDATES (300) cases of the same commune, same type, same handling
unit, still open (received or in progress), not themselves joined to another case, received within
DUPLICATES_WINDOW_DAYS (365) days. Each candidate is scored against the petition's text (its title and the start of its
content, folded: lowercase, no diacritics, đ → d, so "cống" and "cong" match):

- PostgreSQL: pg_trgm's `similarity()` of the folded texts (`unaccent`), in the database, 0..1;
- SQLite (and any other database): the Jaccard index of the two sets of folded words, 0..1, in Python.

The search backend is not used: it indexes only published petitions (`search.projection`), and a duplicate is
looked for before anything is published. Denunciations are never suggested nor given suggestions: a denouncer's
identity is sealed and a denunciation is never joined (`cases.groups`).
"""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from cases.models import OPEN_STATUSES, SEALED_TYPES, Petition
from privacy.text import words
from workflows.models import WorkflowInstance

# How much of the content is compared (a duplicate says what and where in its first lines).
CONTENT_CHARS = 600
# The score a candidate needs to be suggested, per way of scoring (trigrams score higher than whole words).
MIN_SCORE = {"postgresql": 0.3, "words": 0.2}


class Similar(NamedTuple):
    """One suggestion: the open petition and how close its text is (0..1, see the module's docstring)."""

    petition: Petition
    score: float


def window_days() -> int:
    return int(getattr(settings, "DUPLICATES_WINDOW_DAYS", 365))


def candidate_limit() -> int:
    return int(getattr(settings, "DUPLICATES_CANDIDATES", 300))


def _text(title: str, content: str) -> str:
    return f"{title} {content[:CONTENT_CHARS]}"


def similar_open(petition: Petition, limit: int = 5) -> list[Similar]:
    """The open petitions most like `petition` (best first, at most `limit`): same commune, type and handling unit,
    each with its score. Empty for a denunciation and for a petition already joined to another case."""
    if petition.petition_type in SEALED_TYPES or petition.joined_to_id is not None:
        return []
    unit_id = WorkflowInstance.objects.filter(pk=petition.workflow_id).values_list("unit_id", flat=True).first()
    return similar_to_text(
        text=_text(petition.title, petition.content),
        commune_id=petition.commune_id,
        petition_type=petition.petition_type,
        unit_id=unit_id,
        exclude_id=petition.pk,
        limit=limit,
    )


def similar_to_text(
    *,
    text: str,
    commune_id: int,
    petition_type: str | None = None,
    unit_id: int | None = None,
    exclude_id: int | None = None,
    limit: int = 5,
) -> list[Similar]:
    """The open petitions of a commune (of a type and a handling unit, when given) whose text is most like `text`:
    for a draft of the reception queue, whose type is not decided yet."""
    if petition_type in SEALED_TYPES or limit <= 0 or not words(text):
        return []
    since = timezone.now() - datetime.timedelta(days=window_days())
    if connection.vendor == "postgresql":
        scored = _scored_postgresql(text, commune_id, petition_type, unit_id, exclude_id, since, limit)
    else:
        scored = _scored_words(text, commune_id, petition_type, unit_id, exclude_id, since, limit)
    petitions = Petition.objects.select_related("commune", "workflow__unit").in_bulk([pk for pk, _ in scored])
    return [Similar(petitions[pk], round(score, 3)) for pk, score in scored if pk in petitions]


def _candidates(
    commune_id: int, petition_type: str | None, unit_id: int | None, exclude_id: int | None, since: datetime.datetime
) -> QuerySet[Petition]:
    rows = Petition.objects.filter(commune_id=commune_id, status__in=OPEN_STATUSES, joined_to__isnull=True).filter(
        received_at__gte=since
    )
    # A draft's type is not decided yet: any type but a denunciation.
    rows = rows.filter(petition_type=petition_type) if petition_type else rows.exclude(petition_type__in=SEALED_TYPES)
    if unit_id is not None:
        rows = rows.filter(workflow__unit_id=unit_id)
    if exclude_id is not None:
        rows = rows.exclude(pk=exclude_id)
    return rows.order_by("-received_at")[: candidate_limit()]


def _scored_words(
    text: str,
    commune_id: int,
    petition_type: str | None,
    unit_id: int | None,
    exclude_id: int | None,
    since: datetime.datetime,
    limit: int,
) -> list[tuple[int, float]]:
    """Jaccard index of the folded word sets, computed here over the bounded candidates."""
    mine = set(words(text))
    scored: list[tuple[int, float]] = []
    for pk, title, content in _candidates(commune_id, petition_type, unit_id, exclude_id, since).values_list(
        "pk", "title", "content"
    ):
        theirs = set(words(_text(title, content)))
        union = len(mine | theirs)
        score = len(mine & theirs) / union if union else 0.0
        if score >= MIN_SCORE["words"]:
            scored.append((pk, score))
    scored.sort(key=lambda item: (-item[1], -item[0]))
    return scored[:limit]


def _scored_postgresql(
    text: str,
    commune_id: int,
    petition_type: str | None,
    unit_id: int | None,
    exclude_id: int | None,
    since: datetime.datetime,
    limit: int,
) -> list[tuple[int, float]]:
    """pg_trgm similarity of the folded texts, computed in the database over the bounded candidates (one index
    range scan of `petition_open_duplicates`, no text leaves the database)."""
    candidates = _candidates(commune_id, petition_type, unit_id, exclude_id, since).values("id", "title", "content")
    inner, params = candidates.query.sql_with_params()
    folded = " ".join(words(text))
    sql = f"""
        SELECT c.id, similarity(lower(unaccent(c.title || ' ' || left(c.content, %s))), %s) AS score
        FROM ({inner}) AS c
        ORDER BY score DESC, c.id DESC
    """  # noqa: S608 - the inner query is Django's, with its own parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [CONTENT_CHARS, folded, *params])
        rows = cursor.fetchall()
    return [(int(pk), float(score)) for pk, score in rows if float(score) >= MIN_SCORE["postgresql"]][:limit]
