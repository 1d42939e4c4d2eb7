"""Reads of documents: a case's documents for officials, the drafts a leader may approve, and what the public
status page shows."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from cases.models import Petition
from cases.selectors import led_units, visible_petitions
from documents.models import Document, DocumentKind, DocumentState
from organisation.models import Membership

# What the publishing steps make public (`publish_answer`, `publish_decision`, `publish_conclusion`): the answer,
# the decision, the conclusion. Notices to the petitioner (acceptance, refusal, transfer…) stay theirs.
PUBLISHED_KINDS = (DocumentKind.ANSWER, DocumentKind.DECISION, DocumentKind.CONCLUSION)


def visible_documents(user: User | AnonymousUser) -> QuerySet[Document]:
    """Documents of the cases an official may see (`cases.selectors.visible_petitions`), and those their units
    issue (or units below the ones they lead): a transfer slip stays with the unit that signs it after the case
    has moved to the competent unit."""
    own_units = Membership.objects.filter(user_id=user.pk).values("unit") if user.is_authenticated else []
    return Document.objects.filter(
        Q(petition__in=visible_petitions(user).values("pk")) | Q(unit__in=own_units) | Q(unit__in=led_units(user))
    ).select_related("petition", "unit", "form", "approved_by")


def documents_of(petition: Petition) -> list[Document]:
    return list(petition.documents.select_related("unit", "form", "approved_by").order_by("created_at", "pk"))


def drafts_to_approve(user: User | AnonymousUser) -> QuerySet[Document]:
    """Drafts issued by the units `user` leads (and the units below them)."""
    return visible_documents(user).filter(state=DocumentState.DRAFT, unit__in=led_units(user)).order_by("created_at")


@dataclass(frozen=True)
class PublicDocument:
    pk: int
    title: str
    number_and_symbol: str
    issued_on: object
    unit: str
    text: str


def public_documents(petition: Petition, *, for_petitioner: bool = False) -> list[PublicDocument]:
    """The issued documents the status page shows: to the petitioner (access key checked) as written; to anyone
    else only once the case is published (the petitioner's consent and the publishing step), only what the
    publishing steps publish (`PUBLISHED_KINDS`), through
    `Petition.public_text` (no name, phone, e-mail or ID number of a private person)."""
    if not for_petitioner and petition.published_at is None:
        return []
    shown = (lambda text: text) if for_petitioner else petition.public_text
    documents = petition.documents.filter(state=DocumentState.ISSUED)
    if not for_petitioner:
        documents = documents.filter(kind__in=PUBLISHED_KINDS)
    return [
        PublicDocument(
            pk=document.pk,
            title=" ".join(document.title.split()),
            number_and_symbol=document.number_and_symbol,
            issued_on=document.issued_on,
            unit=document.unit.name,
            text=shown(document.body),
        )
        for document in documents.select_related("unit").order_by("pk")
    ]
