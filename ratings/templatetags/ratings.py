"""`{% load ratings %}{% rate_answer petition %}`: "rate this answer" (or the rating given) for a page shown only to
the petitioner — the status page after the secret key, My page. It carries the signed rating link of the case:
never put it on a public page."""

from __future__ import annotations

from typing import Any

from django import template

from ratings.selectors import rating_summary

register = template.Library()


@register.inclusion_tag("ratings/_rate_answer.html")
def rate_answer(petition: Any) -> dict[str, Any]:
    return {"summary": rating_summary(petition)}
