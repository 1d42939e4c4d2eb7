"""`{% public_documents code %}` on the status page: the case's issued documents, redacted unless the page is the
petitioner's own (the view checked their access key)."""

from __future__ import annotations

from typing import Any

from django import template

from cases.selectors import petition_by_code
from documents import selectors
from documents.models import DocumentKind

register = template.Library()


@register.inclusion_tag("documents/_public_documents.html", takes_context=True)
def public_documents(context: dict[str, Any], code: str) -> dict[str, Any]:
    own = context.get("petition")  # only set by the status page once the access key was checked
    petition = own or petition_by_code(code)
    request = context.get("request")
    key = request.POST.get("access_key", "").strip() if own is not None and request is not None else ""
    documents = selectors.public_documents(petition, for_petitioner=own is not None) if petition else []
    return {"documents": documents, "code": code, "access_key": key, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("documents/_case_documents.html", takes_context=True)
def case_documents(context: dict[str, Any], petition: Any) -> dict[str, Any]:
    return {
        "documents": selectors.documents_of(petition),
        "petition": petition,
        "kinds": DocumentKind.choices,
        "csrf_token": context.get("csrf_token"),
    }
