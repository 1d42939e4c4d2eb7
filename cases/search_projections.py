"""The public projection of petitions: answered petitions whose petitioner consented to publication.

Denunciations are never indexed (the denouncer's identity is sealed by law), nor is a petition without
consent or not yet published (`published_at` is null). The petitioner's name, phone and email are read only
to be redacted from the public text; the address and the coordinates are not read at all.
"""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Petition, PetitionStatus, PetitionType
from search.backends.base import SearchDocument
from search.projection import Projection, register
from search.text import clean
from workflows.models import Deadline

NEVER_PUBLISHED_TYPES = frozenset({PetitionType.DENUNCIATION})


def public_petitions() -> QuerySet[Petition]:
    """The petitions every public surface may show (the index, the map, feeds, alerts): published, with the
    petitioner's consent, never a denunciation."""
    return Petition.objects.filter(published_at__isnull=False, publish_consent=True).exclude(
        petition_type__in=NEVER_PUBLISHED_TYPES
    )


@register
class PetitionProjection(Projection):
    kind = "petition"
    label = _("Đơn thư")
    fields = (
        "tracking_code",
        "petition_type",
        "title",
        "content",
        "commune",
        "received_at",
        "status",
        "due_at",  # the latest legal deadline of the case (annotated from its deadlines)
        "answer",
        "answered_by",
        "answered_at",
    )
    value_labels = {"petition_type": dict(PetitionType.choices), "status": dict(PetitionStatus.choices)}

    def public_objects(self) -> QuerySet[Petition]:
        due = Deadline.objects.filter(instance=OuterRef("workflow_id")).order_by("-due_at").values("due_at")[:1]
        return public_petitions().select_related("commune", "answered_by").annotate(due_at=Subquery(due))

    def document(self, obj: Any, *, version: int) -> SearchDocument:
        public = {name: getattr(obj, name) for name in self.fields}

        def public_text(value: str) -> str:
            # The petitioner's name, phone and email are read only to be removed (`Petition.public_text`).
            return str(obj.public_text(value)).strip()

        commune, unit = public["commune"], public["answered_by"]
        answered_at, due_at = public["answered_at"], public["due_at"]
        body = "\n\n".join(part for part in (public_text(public["content"]), public_text(public["answer"])) if part)
        return SearchDocument(
            doc_id=self.doc_id(obj.pk),
            kind=self.kind,
            version=version,
            title=public_text(public["title"]),
            body=body,
            url=reverse("cases:track", args=[public["tracking_code"]]),
            date=timezone.localdate(public["received_at"]),
            petition_type=public["petition_type"],
            unit=unit.code if unit else "",
            unit_name=clean(unit.name) if unit else "",
            commune=commune.code,
            commune_name=clean(commune.name),
            status=public["status"],
            extra={
                "tracking_code": public["tracking_code"],
                "answered_date": timezone.localdate(answered_at).isoformat() if answered_at else "",
                "due_date": timezone.localdate(due_at).isoformat() if due_at else "",
            },
        )
