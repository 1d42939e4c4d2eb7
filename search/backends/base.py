"""The one interface every search backend implements, and the values that cross it.

Documents are the public projection (`search.projection`): an allow-list of fields, personal data already
redacted. Writes carry a version (the outbox row id), and a backend never lets an older version overwrite
a newer one (external versioning on Elasticsearch; a version column on SQL).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Protocol

FACETS = ("kind", "petition_type", "unit", "commune", "status")
MAX_PAGE_SIZE = 100
COUNT_LIMIT = 10_000  # a backend may stop counting matches (total, facets) beyond this; see SearchPage


@dataclass(frozen=True)
class SearchDocument:
    """One public document. `doc_id` is "<kind>:<pk>" (e.g. "petition:42"); `url` is its public page."""

    doc_id: str
    kind: str  # petition | draft | article | comment | report
    version: int
    title: str
    body: str  # public text: what a citizen asked and what the authority answered, redacted
    url: str
    date: datetime.date  # received (petition) or published date: the "date" sort key
    petition_type: str = ""
    unit: str = ""  # code of the answering / issuing unit
    unit_name: str = ""
    commune: str = ""  # code of the commune
    commune_name: str = ""
    status: str = ""
    extra: dict[str, str] = field(default_factory=dict)  # kind-specific allow-listed fields (due date, …)

    def fingerprint(self) -> str:
        """A digest of the content (everything but the version): `search_check` compares it to find stale copies."""
        content = asdict(self)
        del content["version"]
        return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""  # already sanitized; may contain "quoted phrases"
    kind: str = ""
    petition_type: str = ""
    unit: str = ""
    commune: str = ""
    status: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    sort: str = "relevance"  # relevance | date
    size: int = 20
    cursor: str = ""  # opaque, from SearchPage.next_cursor
    facets: bool = True  # count the facets' values (a backend may skip the work when False)


@dataclass(frozen=True)
class SearchHit:
    doc_id: str
    kind: str
    title: str
    snippet: str  # HTML-escaped text with <mark>…</mark> around matches
    url: str
    date: datetime.date
    petition_type: str = ""
    unit_name: str = ""
    commune_name: str = ""
    status: str = ""


@dataclass(frozen=True)
class SearchPage:
    results: list[SearchHit]
    facets: dict[str, dict[str, int]]
    next_cursor: str  # "" on the last page
    total: int
    # False: more than `total` documents match, and facet counts are lower bounds too (like Elasticsearch's
    # track_total_hits): counting every match of a very broad query would cost what a page must not.
    total_exact: bool = True


class SearchUnavailable(RuntimeError):
    """The search engine cannot be reached; the outbox keeps the changes until it can."""


class MappingOutdated(RuntimeError):
    """The index searches read was built with another analysis or mapping than this code's: run search_reindex.
    Writes are not refused for it (they land, or stay in the outbox if the old mapping refuses them)."""


class BadCursor(ValueError):
    """A cursor that this backend did not make."""


class SearchBackend(Protocol):
    name: str

    def index(self, documents: Sequence[SearchDocument]) -> None:
        """Insert or replace, in bulk; a document older than the stored version is ignored."""

    def delete(self, doc_ids: Sequence[tuple[str, int]]) -> None:
        """Remove (doc_id, version) pairs, unless a newer version is stored."""

    def search(self, query: SearchQuery) -> SearchPage: ...

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        """Build a fresh index from scratch and switch to it at once (zero downtime); returns the count."""

    def stored_versions(self) -> dict[str, int]:
        """doc_id → version of everything in the index (for `search_check`)."""

    def stored_fingerprints(self) -> dict[str, str]:
        """doc_id → `SearchDocument.fingerprint()` of what is stored (for `search_check` to find stale copies)."""

    def stored_document(self, doc_id: str) -> dict[str, object] | None:
        """The raw stored document (for tests that prove private data is not stored)."""
