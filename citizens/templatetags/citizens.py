"""`{% load citizens %}{% citizen_note %}`: on a public form, tells a signed-in citizen that what they send goes
on their My page (and, signed out, that they can sign in for that — never that they must)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string

from citizens.auth import current_citizen

register = template.Library()


@register.simple_tag(takes_context=True)
def citizen_note(context: Any) -> str:
    request = context.get("request")
    if request is None:
        return ""
    return render_to_string("citizens/note.html", {"citizen": current_citizen(request)}, request=request)
