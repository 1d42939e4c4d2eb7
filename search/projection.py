"""The public projection: for each document kind, what may be indexed and which of its fields.

A projection is the only code that turns a database object into a `SearchDocument`. It declares
- `public_objects()`: everything of its kind that may be indexed; nothing outside it is, ever;
- `fields`: the allow-list of model fields it reads into the document (checked by the tests);
- `document(obj, version=…)`: the document, built from those fields only, free text passed through
  `privacy.redaction.redact` (through the models' `public_text`).

Kinds plug in by defining a `search_projections` module in their app (discovered at start-up, like
`admin.py`) with a `@register`-ed subclass: the petition projection lives in `cases/search_projections.py`;
the consultation feature adds `consultation/search_projections.py` for draft, article, comment and report.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.utils.functional import Promise

from search.backends.base import SearchDocument

_registry: dict[str, Projection] = {}


class Projection(ABC):
    kind: ClassVar[str]
    label: ClassVar[str | Promise]  # what a citizen calls this kind of document, for the facet
    fields: ClassVar[tuple[str, ...]]  # the allow-list
    # Labels of facet values this kind uses: {"status": {"answered": "Đã trả lời"}, …}
    value_labels: ClassVar[Mapping[str, Mapping[str, str | Promise]]] = {}

    @abstractmethod
    def public_objects(self) -> QuerySet[Any]:
        """Everything of this kind that may be indexed, with what `document` reads already joined."""

    @abstractmethod
    def document(self, obj: Any, *, version: int) -> SearchDocument:
        """The public document of one object of `public_objects()`."""

    def doc_id(self, object_id: object) -> str:
        return f"{self.kind}:{object_id}"

    def documents(self, versions: Mapping[str, int]) -> dict[str, SearchDocument]:
        """object id → document, for those of the given objects that are public (the others must be deleted)."""
        found: dict[str, SearchDocument] = {}
        for obj in self.public_objects().filter(pk__in=list(versions)):
            object_id = str(obj.pk)
            found[object_id] = self.document(obj, version=versions[object_id])
        return found

    def all_documents(self, *, version: int, chunk_size: int = 1000) -> Iterator[SearchDocument]:
        for obj in self.public_objects().order_by("pk").iterator(chunk_size=chunk_size):
            yield self.document(obj, version=version)

    def count(self) -> int:
        return self.public_objects().count()


def register(cls: type[Projection]) -> type[Projection]:
    """Class decorator: one projection per kind."""
    if cls.kind in _registry and type(_registry[cls.kind]) is not cls:
        raise ValueError(f"Two search projections for the kind {cls.kind!r}")
    _registry[cls.kind] = cls()
    return cls


def projections() -> dict[str, Projection]:
    return dict(_registry)


def projection_for(kind: str) -> Projection:
    try:
        return _registry[kind]
    except KeyError:
        raise LookupError(f"No search projection for the kind {kind!r}; known: {sorted(_registry)}") from None


def split_doc_id(doc_id: str) -> tuple[str, str]:
    kind, _, object_id = doc_id.partition(":")
    return kind, object_id


def value_labels() -> dict[str, dict[str, str]]:
    """facet → value → label, merged over every kind, with the kinds themselves under "kind"."""
    merged: dict[str, dict[str, str]] = {"kind": {kind: str(p.label) for kind, p in _registry.items()}}
    for projection in _registry.values():
        for facet, labels in projection.value_labels.items():
            merged.setdefault(facet, {}).update({value: str(label) for value, label in labels.items()})
    return merged


def allowed_values(facet: str) -> Sequence[str]:
    return list(value_labels().get(facet, {}))
