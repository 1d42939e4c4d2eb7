"""The transactional outbox: a change to something public writes a row in its own transaction; a worker
indexes it.

`enqueue(kind, object_id)` is the one call the rest of the product makes. `drain()` claims due rows with a
conditional UPDATE (two workers never take the same row), keeps only the newest row per object, builds
each object's current public document (or none: then it is deleted from the index) and sends them in bulk
with the row id as version. If the engine is down the rows stay, to be retried with backoff: nothing is
lost, and since the version only grows, a retried or late write never overwrites a newer one.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from search.backends import backend_name, get_backend
from search.backends.base import SearchBackend, SearchDocument, SearchUnavailable
from search.models import OutboxEntry
from search.projection import projection_for, projections

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
LEASE = timedelta(minutes=5)  # a worker that dies holding rows lets them go after this
MAX_BACKOFF_SECONDS = 300


def enqueue(kind: str, object_id: object) -> OutboxEntry:
    """Index `kind` object `object_id` again (or remove it, if it is no longer public).

    Call it inside the transaction that changes the object, after the change (and after any row lock that
    serialises changes to it): the row commits or rolls back with the change. On the database's own search
    backend the row is drained right after commit (`SEARCH_DRAIN_ON_COMMIT`), so no worker is needed.
    """
    projection_for(kind)  # an unknown kind is a programming error: fail in the caller's transaction
    entry = OutboxEntry.objects.create(kind=kind, object_id=str(object_id))
    if drain_on_commit():
        transaction.on_commit(partial(_drain_after_commit, entry.pk))
    return entry


def drain_on_commit() -> bool:
    configured = getattr(settings, "SEARCH_DRAIN_ON_COMMIT", None)
    return backend_name() != "elasticsearch" if configured is None else bool(configured)


def _drain_after_commit(entry_id: int) -> None:
    """After the change committed: never raises, so the user's request succeeds whatever the index does."""
    try:
        drain(ids=[entry_id])
    except Exception:
        logger.exception("Indexing outbox row %s after commit failed; the worker will retry it", entry_id)


def reserve_version() -> int:
    """A version newer than every change committed so far and older than every change to come.

    For a full rebuild: documents read after this call reflect every change whose row id is smaller. On
    PostgreSQL the lock waits for transactions that have written an outbox row but not committed yet.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {OutboxEntry._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        marker = OutboxEntry.objects.create(kind="", object_id="")
        OutboxEntry.objects.filter(pk=marker.pk).delete()
    return marker.pk


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS))


@dataclass(frozen=True)
class DrainResult:
    claimed: int = 0
    indexed: int = 0
    deleted: int = 0
    failed: int = 0  # rows put back for a later attempt
    unavailable: str = ""  # the engine's error, if it could not be reached

    def __add__(self, other: DrainResult) -> DrainResult:
        return DrainResult(
            self.claimed + other.claimed,
            self.indexed + other.indexed,
            self.deleted + other.deleted,
            self.failed + other.failed,
            other.unavailable or self.unavailable,
        )


def _claim(*, limit: int, now: datetime, ids: Sequence[int] | None) -> tuple[str, list[OutboxEntry]]:
    free = Q(available_at__lte=now) & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    candidates = OutboxEntry.objects.filter(free)
    if ids is not None:
        candidates = candidates.filter(pk__in=ids)
    wanted = list(candidates.order_by("pk").values_list("pk", flat=True)[:limit])
    if not wanted:
        return "", []
    token = uuid.uuid4().hex
    OutboxEntry.objects.filter(free, pk__in=wanted).update(claim=token, claimed_until=now + LEASE)
    return token, list(OutboxEntry.objects.filter(claim=token).order_by("pk"))


def _put_back(entries: Sequence[OutboxEntry], error: str, now: datetime) -> None:
    for entry in entries:  # each row keeps its own count: a row that keeps failing waits longer
        OutboxEntry.objects.filter(pk=entry.pk, claim=entry.claim).update(
            attempts=F("attempts") + 1,
            available_at=now + backoff(entry.attempts + 1),
            claimed_until=None,
            claim="",
            last_error=error[:2000],
        )


def drain(
    *, limit: int = BATCH_SIZE, ids: Sequence[int] | None = None, backend: SearchBackend | None = None
) -> DrainResult:
    """Index one batch of due outbox rows (or only the given rows); returns what happened."""
    now = timezone.now()
    token, entries = _claim(limit=limit, now=now, ids=ids)
    if not entries:
        return DrainResult()
    backend = backend or get_backend()
    newest: dict[tuple[str, str], OutboxEntry] = {}
    for entry in entries:  # ordered by id: the last one per object is its version
        newest[(entry.kind, entry.object_id)] = entry
    documents: list[SearchDocument] = []
    deletions: list[tuple[str, int]] = []
    broken: list[OutboxEntry] = []
    errors: list[str] = []
    by_kind: dict[str, dict[str, int]] = {}
    for (kind, object_id), entry in newest.items():
        by_kind.setdefault(kind, {})[object_id] = entry.pk
    for kind, versions in by_kind.items():
        try:
            projection = projections()[kind]
            found = projection.documents(versions)
        except Exception as error:  # a bug in one kind must not hold back the others
            logger.exception("Could not build %s documents for the search index", kind)
            broken += [e for e in entries if e.kind == kind]
            errors.append(f"{kind}: {error!r}")
            continue
        for object_id, version in versions.items():
            if object_id in found:
                documents.append(found[object_id])
            else:
                deletions.append((projection.doc_id(object_id), version))
    sendable = [e for e in entries if e not in broken]
    try:
        backend.index(documents)
        backend.delete(deletions)
    except SearchUnavailable as error:
        logger.warning("Search engine unavailable, %s changes wait in the outbox: %s", len(entries), error)
        _put_back(entries, f"SearchUnavailable: {error}", now)
        return DrainResult(claimed=len(entries), failed=len(entries), unavailable=str(error) or "unavailable")
    OutboxEntry.objects.filter(claim=token, pk__in=[e.pk for e in sendable]).delete()
    if broken:
        _put_back(broken, "; ".join(errors), now)
    return DrainResult(claimed=len(entries), indexed=len(documents), deleted=len(deletions), failed=len(broken))


def drain_all(*, limit: int = BATCH_SIZE, backend: SearchBackend | None = None) -> DrainResult:
    """Drain until no row is due, or the engine is unavailable."""
    total = DrainResult()
    while True:
        result = drain(limit=limit, backend=backend)
        total += result
        if result.unavailable or result.claimed == 0 or result.failed == result.claimed:
            return total


def pending() -> int:
    return OutboxEntry.objects.count()
