"""Duplicate suggestions: the open petitions that look like this one (ten neighbours reporting the same culvert).

`similar_open(petition)` is asked when a reception officer opens a petition's classification step (and, for a draft
of the reception queue, `similar_to_text`). The candidates are a bounded set read from one partial index
(`petition_open_duplicates`): the newest DUPLICATES_CANDIDATES (300) cases of the same commune, same type, same
handling unit, still open (received or in progress), not themselves joined to another case, received within
DUPLICATES_WINDOW_DAYS (365) days. Each candidate is scored against the petition's text (its title and the first
CONTENT_CHARS characters of its content), folded (lowercase, no diacritics, đ → d: "cống" and "cong" are one word):
the score is the Jaccard index of the two sets of folded words (shared words divided by all words, 0..1), the same on
PostgreSQL and SQLite; a candidate needs MIN_SCORE (0.2) to be suggested.

Why not pg_trgm: its `similarity()` builds both texts' trigrams on every call; scoring 300 candidates of 600
characters took about 70 ms inside PostgreSQL (EXPLAIN ANALYZE, 200,000 petitions), against about 13 ms for the word
sets here on the same machine (`bench/duplicates.py` times the whole call); it also needs `CREATE EXTENSION` (a
superuser) on every database. A GIN trigram index does not help either: the commune and type already narrow the
candidates to a few hundred rows, and a trigram index over every petition matches the common words of a complaint
("cống", "đường") in most of them.

The search backend is not used: it indexes only published petitions (`search.projection`), and a duplicate is
looked for before anything is published. Denunciations are never suggested nor given suggestions: a denouncer's
identity is sealed and a denunciation is never joined (`cases.groups`).
"""

from __future__ import annotations

import datetime
import unicodedata
from typing import NamedTuple

from django.conf import settings
from django.db.models import QuerySet
from django.db.models.functions import Left
from django.utils import timezone

from cases.models import OPEN_STATUSES, SEALED_TYPES, Petition
from privacy.text import WORD, fold_clean

# How much of the content is compared (a duplicate says what and where in its first lines).
CONTENT_CHARS = 300
# The share of words a candidate must have in common with the petition to be suggested.
MIN_SCORE = 0.2


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
    return similar_to_text(
        text=_text(petition.title, petition.content),
        commune_id=petition.commune_id,
        petition_type=petition.petition_type,
        unit_id=petition.workflow.unit_id,
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
    mine = folded_words(text)
    if petition_type in SEALED_TYPES or limit <= 0 or not mine:
        return []
    since = timezone.now() - datetime.timedelta(days=window_days())
    scored: list[tuple[int, float]] = []
    candidates = _candidates(commune_id, petition_type, unit_id, exclude_id, since)
    rows = candidates.annotate(head=Left("content", CONTENT_CHARS)).values_list("pk", "title", "head")
    for pk, title, head in rows[: candidate_limit()]:
        theirs = folded_words(f"{title} {head}")
        union = len(mine | theirs)
        score = len(mine & theirs) / union if union else 0.0
        if score >= MIN_SCORE:
            scored.append((pk, score))
    scored.sort(key=lambda item: (-item[1], -item[0]))
    scored = scored[:limit]
    petitions = Petition.objects.in_bulk([pk for pk, _ in scored])
    return [Similar(petitions[pk], round(score, 3)) for pk, score in scored if pk in petitions]


def folded_words(text: str) -> set[str]:
    """The set of folded words of a text (`privacy.text`'s folding, by one translate table)."""
    return set(WORD.findall(fold_clean(unicodedata.normalize("NFC", text))))


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
    return rows.order_by("-received_at")
