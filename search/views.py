"""The public search page: a GET form, results with highlighted extracts, facets as links. No JavaScript."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.exceptions import ValidationError

from organisation.models import Unit
from search.api import SearchParams, facet_entries, run_search, with_params
from search.backends.base import SearchUnavailable
from search.projection import value_labels

FACET_VALUES_SHOWN = 10


def _flat_errors(detail: Any) -> dict[str, str]:
    if isinstance(detail, dict):
        return {
            key: " ".join(str(item) for item in value) if isinstance(value, list) else str(value)
            for key, value in detail.items()
        }
    return {"q": str(detail)}


def search_page(request: HttpRequest) -> HttpResponse:
    labels = value_labels()
    context: dict[str, Any] = {
        "values": request.GET,
        "labels": labels,
        "communes": Unit.objects.filter(is_commune=True).order_by("name"),
        "units": Unit.objects.order_by("path"),
        "errors": {},
        "page": None,
    }
    params = SearchParams(data=request.GET)
    if not params.is_valid():
        context["errors"] = _flat_errors(params.errors)
        return render(request, "search/search.html", context, status=400)
    try:
        query, page = run_search(params.validated_data)
    except ValidationError as error:
        context["errors"] = _flat_errors(error.detail)
        return render(request, "search/search.html", context, status=400)
    except SearchUnavailable:
        context["unavailable"] = True
        return render(request, "search/search.html", context, status=503)
    facets = []
    for facet, all_entries in facet_entries(page).items():
        chosen = request.GET.get(facet, "")
        # The most frequent values, and the chosen one (to undo it) wherever it ranks.
        entries = [e for n, e in enumerate(all_entries) if n < FACET_VALUES_SHOWN or e["value"] == chosen]
        for entry in entries:
            entry["active"] = entry["value"] == chosen
            entry["url"] = "?" + with_params(
                request.GET, **{facet: "" if entry["active"] else entry["value"], "cursor": ""}
            )
        if entries:
            facets.append({"name": facet, "entries": entries})
    hits = [
        {
            "hit": hit,
            "kind": labels["kind"].get(hit.kind, hit.kind),
            "petition_type": labels.get("petition_type", {}).get(hit.petition_type, hit.petition_type),
            "status": labels.get("status", {}).get(hit.status, hit.status),
        }
        for hit in page.results
    ]
    context.update(
        page=page,
        query=query,
        hits=hits,
        facets=facets,
        next_url="?" + with_params(request.GET, cursor=page.next_cursor) if page.next_cursor else "",
        first_url="?" + with_params(request.GET, cursor="") if request.GET.get("cursor") else "",
    )
    return render(request, "search/search.html", context)
