"""Whole-index operations: rebuild from the database, and compare the index with it (drift)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from search import outbox
from search.backends import get_backend
from search.backends.base import SearchBackend, SearchDocument
from search.projection import projections


def public_documents(*, version: int) -> Iterator[SearchDocument]:
    """Every document that should be in the index, all kinds, with the given version."""
    for projection in projections().values():
        yield from projection.all_documents(version=version)


def _versioned_documents() -> Iterator[SearchDocument]:
    # The version is reserved when iteration starts, i.e. after the backend has begun routing live writes to
    # the new index: a change committed after that is newer than the rebuilt copy and overwrites it.
    yield from public_documents(version=outbox.reserve_version())


def check_mapping(*, backend: SearchBackend | None = None) -> None:
    """Raises MappingOutdated when the index was built with another mapping than this code's (a backend without
    a mapping to check passes), SearchUnavailable when the engine cannot be asked."""
    backend = backend or get_backend()
    check = getattr(backend, "check_mapping", None)
    if check is not None:
        check()


def reindex(*, backend: SearchBackend | None = None) -> int:
    """Build a fresh index from the database and switch searches to it at once; returns the count."""
    return (backend or get_backend()).rebuild(_versioned_documents())


@dataclass
class Drift:
    missing: list[str] = field(default_factory=list)  # public, not in the index
    stale: list[str] = field(default_factory=list)  # in the index with other content than the database's
    extra: list[str] = field(default_factory=list)  # in the index, not (or no longer) public
    expected: int = 0
    stored: int = 0
    pending: int = 0  # outbox rows not yet drained (they explain drift that the worker will fix)

    @property
    def total(self) -> int:
        return len(self.missing) + len(self.stale) + len(self.extra)


def check_drift(*, backend: SearchBackend | None = None) -> Drift:
    """Compare every public document's content with what the index stores."""
    backend = backend or get_backend()
    pending = outbox.pending()
    stored = backend.stored_fingerprints()
    expected = {doc.doc_id: doc.fingerprint() for doc in public_documents(version=0)}
    return Drift(
        missing=sorted(set(expected) - set(stored)),
        stale=sorted(doc_id for doc_id, print_ in expected.items() if doc_id in stored and stored[doc_id] != print_),
        extra=sorted(set(stored) - set(expected)),
        expected=len(expected),
        stored=len(stored),
        pending=pending,
    )
